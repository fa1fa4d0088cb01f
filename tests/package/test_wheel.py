"""The construct as an outside app gets it: the wheel built from this repository, installed with its declared
dependencies into a fresh virtual environment, and the README's two-server app synthesized with the real CDK
CLI in a folder of its own. Slow (a fresh install of aws-cdk-lib): part of `make test-slow`."""

import json
import os
import subprocess
import sys
import zipfile
from email.parser import Parser

import pytest

from tests.conftest import ROOT
from tests.readme_example import example_app
from tools.cdk_cli import QUIET_ENV, offline_env

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", "-w",
                    str(dist), str(ROOT)], check=True, timeout=300)
    (built,) = dist.glob("cdk_ec2_web_server-*.whl")
    return built


@pytest.fixture(scope="module")
def outside_app(wheel, tmp_path_factory):
    """A fresh venv with the wheel (and only what it declares), and an app folder that is not this repository."""
    home = tmp_path_factory.mktemp("outside")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)], check=True,
                   timeout=900)
    app = home / "app"
    app.mkdir()
    (app / "app.py").write_text(example_app())
    # The app's recorded lookups, as a user has them after a first synth with credentials.
    (app / "cdk.context.json").write_text((ROOT / "cdk.context.json").read_text())
    return python, app


def test_the_wheel_carries_the_boot_scripts_and_declares_its_dependencies(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = Parser().parsestr(archive.read(next(n for n in names if n.endswith("METADATA"))).decode())
    assert {"ec2_web_server/user_data/install_apache.sh", "ec2_web_server/user_data/on_exit.sh",
            "ec2_web_server/data/instance_types.json"} <= names
    requires = {line.split(">")[0].split("<")[0].strip() for line in metadata.get_all("Requires-Dist")}
    assert {"aws-cdk-lib", "constructs", "botocore"} <= requires


def test_the_installed_package_reads_its_own_scripts(outside_app):
    python, app = outside_app
    run = subprocess.run([str(python), "-c", "import ec2_web_server, ec2_web_server.boot as boot; "
                          "print(ec2_web_server.__version__); print(boot.INSTALL_APACHE_SCRIPT)"],
                         cwd=app, capture_output=True, text=True, check=True, env={**os.environ, **QUIET_ENV})
    version, script = run.stdout.split()
    assert version == "1.0.0"
    assert "/venv/lib/" in script
    assert str(ROOT) not in script


def test_the_readme_app_synthesizes_two_servers_with_the_cdk_cli(outside_app):
    python, app = outside_app
    run = subprocess.run([str(ROOT / "node_modules" / ".bin" / "cdk"), "synth", "--quiet", "--no-lookups",
                          "--app", f"{python} app.py"], cwd=app, env=offline_env(), capture_output=True, text=True,
                         check=False, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    template = json.loads((app / "cdk.out" / "SiteStack.template.json").read_text())
    instances = [r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::Instance"]
    assert len(instances) == 2
