"""The user-data script: shellcheck-clean, on its own and as rendered into the template."""

import shutil
import subprocess
from pathlib import Path

import pytest

from cdk_constructs.web_server import INSTALL_APACHE_SCRIPT

SHELLCHECK = shutil.which("shellcheck") or str(Path(__file__).resolve().parents[2] / ".venv/bin/shellcheck")


def shellcheck(path: Path, severity: str = "style") -> subprocess.CompletedProcess:
    return subprocess.run([SHELLCHECK, "--shell=bash", f"--severity={severity}", str(path)],
                          capture_output=True, text=True, check=False)


def test_script_is_a_file_beside_the_project():
    assert INSTALL_APACHE_SCRIPT.is_file()


def test_script_passes_shellcheck():
    run = shellcheck(INSTALL_APACHE_SCRIPT)
    assert run.returncode == 0, run.stdout


def test_rendered_user_data_passes_shellcheck(default, tmp_path):
    instance = next(iter(default.resources("AWS::EC2::Instance").values()))
    rendered = tmp_path / "user-data.sh"
    rendered.write_text(instance["Properties"]["UserData"]["Fn::Base64"])
    # CDK's own exit trap draws two info-level notes (an indirectly called function, an unquoted
    # $exitCode); our script is checked at every severity above, the whole at warning and up.
    run = shellcheck(rendered, severity="warning")
    assert run.returncode == 0, run.stdout


def test_shellcheck_would_catch_a_broken_script(tmp_path):
    broken = tmp_path / "broken.sh"
    broken.write_text("#!/bin/bash\nrm -rf $DIR/*\n")
    assert shellcheck(broken).returncode != 0


@pytest.mark.parametrize("needle", [
    "set -euo pipefail",                       # any failure fails the script, and so the signal
    "command -v dnf",                          # AL2023 (dnf) and AL2 (yum)
    "install httpd aws-cfn-bootstrap",         # Apache, and cfn-signal on AL2023
    "X-aws-ec2-metadata-token",                # IMDSv2 token
    "systemctl enable httpd",                  # at boot
    "http://localhost/",                       # waits for 200 before success
    "/var/log/web-server-setup.log",           # logs to a file
])
def test_script_does(needle):
    assert needle in INSTALL_APACHE_SCRIPT.read_text()
