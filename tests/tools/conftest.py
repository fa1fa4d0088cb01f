"""Fixtures for the tools' tests.

Configurations for before/after pairs: each is synthesized once per session (tests/conftest.py's cache),
and the pairs are chosen so that few syntheses cover every flag the summary raises: CHANGED (replacement,
network, IAM), WITH_VOLUMES (data kept and lost) and its two variants (updates AWS refuses, a renamed volume, an
instance replaced with volumes attached); the Auto Scaling tier's are tests/conftest.py's.
The emulator (``emu``, reset before each test) comes from tests/emulator/conftest.py, imported, not copied.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, _configuration, jsii_package_cache
from tests.emulator.conftest import emu, patched_server  # noqa: F401  (fixtures for test_audit.py)
from tests.tools.pairs import NAMED_FLEET, NAMED_FLEET_NEW_NAME
from tools import cost

CW_AGENT = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
# A new AMI (the instance is replaced), an SSH rule (network widened) and a managed policy (IAM).
CHANGED = {
    "machine_image": "amazon-linux-2023",
    "ssh_cidr": "203.0.113.7",
    "iam_policies": json.dumps([CW_AGENT]),
}
# Two data volumes: one deleted on destroy, one snapshotted (the default).
WITH_VOLUMES = {
    "volumes": json.dumps([{"name": "f", "size": 20, "type": "gp3", "on_destroy": "delete"}, {"name": "g", "size": 30}]),
}


# WITH_VOLUMES changed in ways AWS refuses or that replace a volume: `f` shrunk and unencrypted, `g` renamed `h`.
_F, _G = json.loads(WITH_VOLUMES["volumes"])
VOLUMES_CHANGED = {"volumes": json.dumps([{**_F, "size": 10, "encrypted": False, "unencrypted_reason": "scratch"},
                                          {**_G, "name": "h"}])}
# WITH_VOLUMES on a new AMI: the instance is replaced while the volumes are attached.
VOLUMES_NEW_AMI = {**WITH_VOLUMES, "machine_image": "amazon-linux-2023"}


@pytest.fixture(scope="session")
def prices() -> cost.Prices:
    return cost.Prices.load()


changed = _configuration(CHANGED, "A new AMI, an SSH rule and a managed policy: replacement, network, IAM.")
with_volumes = _configuration(WITH_VOLUMES, "Two data volumes: one deleted on destroy, one snapshotted.")
volumes_changed = _configuration(VOLUMES_CHANGED, "WITH_VOLUMES changed in ways AWS refuses, one volume renamed.")
volumes_new_ami = _configuration(VOLUMES_NEW_AMI, "WITH_VOLUMES on a new AMI: the instance replaced, volumes attached.")
named_fleet = _configuration(NAMED_FLEET, "The Auto Scaling tier on www.example.com in the example zone (a "
                             "certificate, HTTPS, an alias record).")
named_fleet_new_name = _configuration(NAMED_FLEET_NEW_NAME, "NAMED_FLEET under another name, shop.example.com.")


# --- the Makefile's targets, run as a user runs them ---------------------------------------------------------

def git(repo, *args):
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args], cwd=repo,
                          capture_output=True, text=True, check=True).stdout.strip()


def clone_of_the_working_tree(folder: Path) -> Path:
    """A clone of this repository whose main is the working tree as it is now (tracked and untracked, not ignored),
    borrowing .venv and node_modules as CI would have them installed."""
    repo = folder / "repo"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(repo)], check=True)
    files = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "working tree")
    git(repo, "checkout", "--quiet", "-B", "main")
    for shared in (".venv", "node_modules"):
        (repo / shared).symlink_to(ROOT / shared, target_is_directory=True)
    return repo


def configured_shell(home: Path) -> dict[str, str]:
    """The shell of a user who has followed the README's deploy step 1 but has no credentials: AWS_REGION exported
    and a config file naming a region, nothing else (no profile, no keys, nothing from this test run's own AWS_*)."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / ".aws" / "config"
    config.parent.mkdir(exist_ok=True)
    config.write_text("[default]\nregion = ap-northeast-1\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "CDK_", "MAKE", "MFLAGS")) and k not in ("BASE", "ARGS", "REGION", "ENDPOINT")}
    # Off an EC2 instance the SDK's probe of the instance metadata service finds nothing; where the address is
    # silently dropped (this machine) each probe waits for its timeout, ~10 s per `cdk synth` without credentials.
    # Disabling it changes no answer, only that wait; `make diff` and `make diagram` disable it themselves.
    env.update(HOME=str(home), AWS_REGION="ap-northeast-1", AWS_CONFIG_FILE=str(config),
               AWS_EC2_METADATA_DISABLED="true",
               JSII_RUNTIME_PACKAGE_CACHE_ROOT=jsii_package_cache())
    return env


def make(repo: Path, env: dict[str, str], *targets: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """``make -s TARGET...`` in ``repo``; -o: the borrowed .venv and node_modules count as installed (never
    pip/npm install from a test)."""
    return subprocess.run(["make", "--no-print-directory", "-s", "-o", ".venv/.installed", "-o",
                           "node_modules/.installed", *targets], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
