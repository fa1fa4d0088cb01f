"""The package list in pyproject.toml against the folders on disk: fast, so a subpackage or boot script left
out of the wheel fails `make test`, not only the slow wheel test (which found ec2_web_server.operations
missing from the installed package)."""

import tomllib
from pathlib import Path

from tests.conftest import ROOT

SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def _package_folder(package: str) -> Path:
    """Where setuptools takes ``package`` from: the nearest mapped parent in package-dir, else the dotted path."""
    mapping = SETUPTOOLS.get("package-dir", {})
    parts = package.split(".")
    for cut in range(len(parts), 0, -1):
        parent = ".".join(parts[:cut])
        if parent in mapping:
            return ROOT / mapping[parent] / Path(*parts[cut:])
    return ROOT / Path(*parts)


def test_every_python_package_folder_of_the_construct_is_in_the_wheel():
    listed = {_package_folder(p).resolve() for p in SETUPTOOLS["packages"]}
    on_disk = {init.parent.resolve() for root in listed for init in root.rglob("__init__.py")}
    missing = sorted(str(p.relative_to(ROOT)) for p in on_disk - listed)
    assert not missing, f"add to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_every_boot_script_and_data_file_is_package_data():
    patterns = SETUPTOOLS["package-data"]
    for package, folder in (("ec2_web_server.user_data", "user_data"), ("ec2_web_server", "ec2_web_server")):
        shipped = {f for pattern in patterns.get(package, []) for f in (ROOT / folder).glob(pattern)}
        data = {f for f in (ROOT / folder).iterdir() if f.is_file() and f.suffix in {".sh", ".json", ".typed"}}
        data |= set((ROOT / folder / "data").glob("*")) if (ROOT / folder / "data").is_dir() else set()
        assert data <= shipped, f"not in package-data for {package}: {sorted(str(f) for f in data - shipped)}"
