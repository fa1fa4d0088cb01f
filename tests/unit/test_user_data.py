"""The user-data script: shellcheck-clean, and run for real under bash with stub commands
(dnf/yum, curl, systemctl, cfn-signal) to prove what it does on success and on failure."""

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from ec2_web_server.server import INSTALL_APACHE_SCRIPT

SHELLCHECK = shutil.which("shellcheck") or str(Path(__file__).resolve().parents[2] / ".venv/bin/shellcheck")
CFN_SIGNAL = "/opt/aws/bin/cfn-signal"


def shellcheck(path: Path, severity: str = "style") -> subprocess.CompletedProcess:
    return subprocess.run([SHELLCHECK, "--shell=bash", f"--severity={severity}", str(path)],
                          capture_output=True, text=True, check=False)


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


def test_shellcheck_is_really_checking(tmp_path):
    # Guards the two tests above against a shellcheck that finds nothing whatever it is given.
    broken = tmp_path / "broken.sh"
    broken.write_text("#!/bin/bash\nrm -rf $DIR/*\n")
    assert shellcheck(broken).returncode != 0


STUB = """#!/bin/bash
echo "$(basename "$0") $*" >> "$STUB_CALLS"
case "$(basename "$0") $*" in
  *api/token*) echo TOKEN123 ;;
  *meta-data/instance-id*) echo i-0123456789abcdef0 ;;
  *availability-zone*) echo us-east-1a ;;
  *http://localhost/*) printf '%s' "$STUB_HTTP_CODE" ;;
esac
"""


def run_user_data(tmp_path: Path, *, http_code: str, package_manager: str = "dnf", rendered: str | None = None):
    """Run the script (or the rendered user data, trap included) with stubs first on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in (package_manager, "curl", "systemctl", "sleep", "cfn-signal"):
        stub = bin_dir / name
        stub.write_text(STUB)
        stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    script = tmp_path / "user-data.sh"
    text = INSTALL_APACHE_SCRIPT.read_text() if rendered is None else rendered.replace(CFN_SIGNAL, "cfn-signal")
    script.write_text(text)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "STUB_CALLS": str(tmp_path / "calls"), "STUB_HTTP_CODE": http_code,
           "WEB_SERVER_SETUP_LOG": str(tmp_path / "setup.log"), "WEB_SERVER_ROOT": str(tmp_path / "www"),
           "WEB_SERVER_WAIT_ATTEMPTS": "3", "HOME": str(tmp_path)}
    run = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, check=False, timeout=60)
    calls = (tmp_path / "calls").read_text().splitlines() if (tmp_path / "calls").exists() else []
    return run, calls


def test_success_installs_enables_and_starts_apache_and_writes_the_page(tmp_path):
    run, calls = run_user_data(tmp_path, http_code="200")
    assert run.returncode == 0, run.stderr
    assert "systemctl enable httpd" in calls
    assert "systemctl restart httpd" in calls
    assert "i-0123456789abcdef0" in (tmp_path / "www" / "index.html").read_text()
    assert "Apache answers 200" in (tmp_path / "setup.log").read_text()


def test_cfn_signal_package_is_installed_before_anything_else_can_fail(tmp_path):
    _, calls = run_user_data(tmp_path, http_code="200")
    dnf = [c for c in calls if c.startswith("dnf ")]
    assert dnf == ["dnf -y install aws-cfn-bootstrap", "dnf -y update", "dnf -y install httpd"]


def test_metadata_is_read_with_an_imdsv2_token(tmp_path):
    _, calls = run_user_data(tmp_path, http_code="200")
    token_call = next(c for c in calls if "api/token" in c)
    assert "-X PUT" in token_call
    assert any("X-aws-ec2-metadata-token: TOKEN123" in c and "instance-id" in c for c in calls)


def test_yum_is_used_where_dnf_is_absent(tmp_path):
    run, calls = run_user_data(tmp_path, http_code="200", package_manager="yum")
    assert run.returncode == 0, run.stderr
    assert "yum -y install httpd" in calls


def test_apache_never_answering_fails_the_script(tmp_path):
    run, _ = run_user_data(tmp_path, http_code="503")
    assert run.returncode == 1
    assert "did not answer 200 (last status: 503)" in (tmp_path / "setup.log").read_text()


def test_running_twice_is_safe(tmp_path):
    first, _ = run_user_data(tmp_path, http_code="200")
    page = (tmp_path / "www" / "index.html").read_text()
    second, _ = run_user_data(tmp_path, http_code="200")
    assert (first.returncode, second.returncode) == (0, 0)
    assert (tmp_path / "www" / "index.html").read_text() == page


@pytest.mark.parametrize(("http_code", "exit_code"), [("200", "0"), ("503", "1")])
def test_rendered_user_data_signals_its_exit_status_to_cloudformation(default, tmp_path, http_code, exit_code):
    instance_id, instance = next(iter(default.resources("AWS::EC2::Instance").items()))
    rendered = instance["Properties"]["UserData"]["Fn::Base64"]
    assert CFN_SIGNAL in rendered
    _, calls = run_user_data(tmp_path, http_code=http_code, rendered=rendered)
    signal = [c for c in calls if c.startswith("cfn-signal ")]
    assert signal == [f"cfn-signal --stack WebServerStack --resource {instance_id} --region us-east-1 -e {exit_code}"]
