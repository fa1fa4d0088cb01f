"""The user data: shellcheck-clean, and run for real under bash with stub commands (dnf/yum, curl,
systemctl, aws, cfn-signal) to prove what it does on success and on failure, with the site of
``site_dir`` and with the caller's own steps."""

import json
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest

from ec2_web_server.boot import CHECK_SITE_SCRIPT, INSTALL_APACHE_SCRIPT, ON_EXIT_SCRIPT

SHELLCHECK = shutil.which("shellcheck") or str(Path(__file__).resolve().parents[2] / ".venv/bin/shellcheck")
CFN_SIGNAL = "/opt/aws/bin/cfn-signal"
SITE = Path(__file__).resolve().parent / "site"


def shellcheck(path: Path, severity: str = "style") -> subprocess.CompletedProcess:
    return subprocess.run([SHELLCHECK, "--shell=bash", f"--severity={severity}", str(path)],
                          capture_output=True, text=True, check=False)


@pytest.mark.parametrize("script", [INSTALL_APACHE_SCRIPT, ON_EXIT_SCRIPT, CHECK_SITE_SCRIPT], ids=lambda p: p.name)
def test_scripts_pass_shellcheck(script):
    run = shellcheck(script)
    assert run.returncode == 0, run.stdout


def test_rendered_user_data_passes_shellcheck(default, tmp_path):
    rendered = tmp_path / "user-data.sh"
    rendered.write_text(user_data(default))
    # CDK's own exit trap draws two info-level notes (an indirectly called function, an unquoted
    # $exitCode); our scripts are checked at every severity above, the whole at warning and up.
    run = shellcheck(rendered, severity="warning")
    assert run.returncode == 0, run.stdout


def test_shellcheck_is_really_checking(tmp_path):
    # Guards the tests above against a shellcheck that finds nothing whatever it is given.
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
  *https://www.example.com/*) [ "$STUB_SITE_ANSWERS" = yes ] || exit 22 ;;
  "aws s3 cp "*) cp "$STUB_SITE_ZIP" "$4" ;;
esac
"""


def user_data(result) -> str:
    instance = next(iter(result.resources("AWS::EC2::Instance").values()))
    rendered = instance["Properties"]["UserData"]["Fn::Base64"]
    if isinstance(rendered, dict):  # with a site: Fn::Join around the asset bucket's name
        rendered = "".join(part if isinstance(part, str) else "bucket" for part in rendered["Fn::Join"][1])
    return rendered


def run_user_data(tmp_path: Path, *, http_code: str, package_manager: str = "dnf", rendered: str | None = None,
                  site_answers: str = "yes"):
    """Run the install script alone, or the rendered user data (trap and signal included), with stubs first
    on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in (package_manager, "curl", "systemctl", "sleep", "cfn-signal", "aws", "systemd-run"):
        stub = bin_dir / name
        stub.write_text(STUB)
        stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    site_zip = tmp_path / "site.zip"
    with zipfile.ZipFile(site_zip, "w") as archive:
        for file in SITE.iterdir():
            archive.write(file, file.name)
    script = tmp_path / "user-data.sh"
    text = INSTALL_APACHE_SCRIPT.read_text() if rendered is None else rendered.replace(CFN_SIGNAL, "cfn-signal")
    # The asset lands where the CDK's download command puts it: under /tmp, here under the test's folder.
    script.write_text(text.replace("'/tmp/", f"'{tmp_path}/"))
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "STUB_CALLS": str(tmp_path / "calls"), "STUB_HTTP_CODE": http_code,
           "STUB_SITE_ZIP": str(site_zip), "WEB_SERVER_SETUP_LOG": str(tmp_path / "setup.log"),
           "WEB_SERVER_ROOT": str(tmp_path / "www"), "WEB_SERVER_WAIT_ATTEMPTS": "3", "HOME": str(tmp_path),
           "WEB_SERVER_SITE_CHECK_SCRIPT": str(tmp_path / "check-site.sh"), "STUB_SITE_ANSWERS": site_answers,
           "WEB_SERVER_CFN_SIGNAL": "cfn-signal", "WEB_SERVER_SITE_WAIT_SECONDS": "3"}
    run = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, check=False, timeout=60)
    calls = (tmp_path / "calls").read_text().splitlines() if (tmp_path / "calls").exists() else []
    return run, calls


def signals(calls: list[str]) -> list[str]:
    return [call.split(" -e ")[1] for call in calls if call.startswith("cfn-signal ")]


def test_success_installs_enables_and_starts_apache_writes_the_page_and_signals_0(default, tmp_path):
    run, calls = run_user_data(tmp_path, http_code="200", rendered=user_data(default))
    assert run.returncode == 0, run.stderr
    assert "systemctl enable httpd" in calls
    assert "systemctl restart httpd" in calls
    assert "i-0123456789abcdef0" in (tmp_path / "www" / "index.html").read_text()
    assert "Apache answers 200" in (tmp_path / "setup.log").read_text()
    assert signals(calls) == ["0"]


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


def test_apache_never_answering_signals_failure(default, tmp_path):
    _, calls = run_user_data(tmp_path, http_code="503", rendered=user_data(default))
    assert signals(calls) == ["1"]
    assert "did not answer 200 (last status: 503)" in (tmp_path / "setup.log").read_text()


def test_running_twice_is_safe(tmp_path):
    first, _ = run_user_data(tmp_path, http_code="200")
    page = (tmp_path / "www" / "index.html").read_text()
    second, _ = run_user_data(tmp_path, http_code="200")
    assert (first.returncode, second.returncode) == (0, 0)
    assert (tmp_path / "www" / "index.html").read_text() == page


@pytest.mark.parametrize(("http_code", "exit_code"), [("200", "0"), ("503", "1")])
def test_rendered_user_data_signals_its_exit_status_to_cloudformation(default, tmp_path, http_code, exit_code):
    instance_id = next(iter(default.resources("AWS::EC2::Instance")))
    rendered = user_data(default)
    assert CFN_SIGNAL in rendered
    _, calls = run_user_data(tmp_path, http_code=http_code, rendered=rendered)
    signal = [c for c in calls if c.startswith("cfn-signal ")]
    assert signal == [f"cfn-signal --stack WebServerStack --resource {instance_id} --region us-east-1 -e {exit_code}"]


# --- the site of site_dir, and the caller's own steps


def test_site_dir_is_downloaded_and_installed_instead_of_the_default_page(synth_with, tmp_path):
    result = synth_with({"site_dir": str(SITE)})
    run, calls = run_user_data(tmp_path, http_code="200", rendered=user_data(result))
    assert signals(calls) == ["0"], run.stderr
    assert any(c.startswith("aws s3 cp s3://cdk-hnb659fds-assets-123456789012-us-east-1/") for c in calls)
    assert (tmp_path / "www" / "index.html").read_text() == (SITE / "index.html").read_text()
    assert not any("instance-id" in c for c in calls)  # no generated page


def test_user_data_commands_run_before_success_is_reported(synth_with, tmp_path):
    result = synth_with({"user_data_commands": json.dumps(['echo "step one" >> "$STUB_CALLS"'])})
    _, calls = run_user_data(tmp_path, http_code="200", rendered=user_data(result))
    assert calls.index("step one") < next(i for i, c in enumerate(calls) if c.startswith("cfn-signal"))
    assert signals(calls) == ["0"]


def test_a_failing_command_fails_the_deploy(synth_with, tmp_path):
    result = synth_with({"user_data_commands": json.dumps(["false"])})
    _, calls = run_user_data(tmp_path, http_code="200", rendered=user_data(result))
    assert signals(calls) == ["1"]
    assert not any("localhost" in c for c in calls)  # the check is skipped: the deploy fails already


def test_commands_added_to_the_instance_afterwards_also_run_before_the_signal(tmp_path):
    # As a construct user would: server.instance.user_data.add_commands(...) after building it.
    from app import build_app
    from tests.conftest import base_context

    app, stack = build_app(context=base_context(), outdir=str(tmp_path / "out"))
    stack.web_server.instance.user_data.add_commands('echo "added later" >> "$STUB_CALLS"')
    rendered = stack.resolve(stack.web_server.instance.node.default_child.user_data)["Fn::Base64"]
    _, calls = run_user_data(tmp_path, http_code="200", rendered=rendered)
    assert calls.index("added later") < next(i for i, c in enumerate(calls) if c.startswith("cfn-signal"))
    assert signals(calls) == ["0"]


# --- with a domain name: the site is checked on its name, in the background, and that is signalled


def named_user_data() -> tuple[str, str]:
    """The user data of a server with a domain name, and its wait condition's logical id."""
    from tests.unit.test_domain import web

    _, template = web()
    (wait_id,) = template.find_resources("AWS::CloudFormation::WaitCondition")
    (instance,) = template.find_resources("AWS::EC2::Instance").values()
    user_data = instance["Properties"]["UserData"]["Fn::Base64"]
    parts = user_data["Fn::Join"][1] if isinstance(user_data, dict) else [user_data]
    return "".join(p if isinstance(p, str) else "Named" for p in parts), wait_id


def test_once_apache_answers_the_name_check_starts_in_the_background(tmp_path):
    rendered, wait_id = named_user_data()
    _, calls = run_user_data(tmp_path, http_code="200", rendered=rendered)
    (start,) = [c for c in calls if c.startswith("systemd-run ")]
    assert start.endswith(f"http://www.example.com/ --stack Named --resource {wait_id} --region us-east-1")
    assert signals(calls) == ["0"]  # the instance itself signals at once; the name is the wait condition's


def test_no_name_check_when_apache_fails(tmp_path):
    rendered, _ = named_user_data()
    _, calls = run_user_data(tmp_path, http_code="503", rendered=rendered)
    assert signals(calls) == ["1"]  # the script ran to its end: the instance signalled its failure
    assert not [c for c in calls if c.startswith("systemd-run ")]


def run_check_site(tmp_path: Path, *, site_answers: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    run_user_data(tmp_path, http_code="200")  # only to lay out the stubs
    (tmp_path / "calls").unlink(missing_ok=True)
    env = {"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin", "STUB_CALLS": str(tmp_path / "calls"),
           "STUB_SITE_ANSWERS": site_answers, "WEB_SERVER_CFN_SIGNAL": "cfn-signal",
           "WEB_SERVER_SITE_WAIT_SECONDS": "1"}
    run = subprocess.run(["bash", str(CHECK_SITE_SCRIPT), "https://www.example.com/", "--stack", "S", "--resource",
                          "SiteAnswers", "--region", "us-east-1"], env=env, capture_output=True, text=True,
                         check=False, timeout=60)
    calls = (tmp_path / "calls").read_text().splitlines() if (tmp_path / "calls").exists() else []
    return run, calls


def test_check_site_signals_the_wait_once_the_site_answers(tmp_path):
    run, calls = run_check_site(tmp_path, site_answers="yes")
    assert run.returncode == 0, run.stderr
    assert calls[-1] == "cfn-signal -e 0 --stack S --resource SiteAnswers --region us-east-1"


def test_check_site_gives_up_without_signalling_when_the_site_never_answers(tmp_path):
    run, calls = run_check_site(tmp_path, site_answers="no")
    assert run.returncode == 1
    assert not [c for c in calls if c.startswith("cfn-signal")]
    assert "never answered" in run.stderr


def test_the_boot_scripts_are_read_once_however_many_servers(monkeypatch):
    import pathlib

    from app import build_app
    from ec2_web_server import boot
    from tests.conftest import base_context

    boot._text.cache_clear()  # an earlier test in this process may have read them already
    reads = []
    read_text = pathlib.Path.read_text

    def counting(path, *args, **kwargs):
        if path.parent.name == "user_data":
            reads.append(path.name)
        return read_text(path, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "read_text", counting)
    build_app(context={**base_context(), "instance_count": "3", "logs": "true"}, nag=False)
    assert sorted(reads) == ["cloudwatch_agent.sh", "install_apache.sh", "on_exit.sh"]
