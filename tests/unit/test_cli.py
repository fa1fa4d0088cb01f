"""The app as the CDK CLI runs it: bad input ends with exit status 1 and one line on stderr."""

import json
import os
import subprocess
import sys

import pytest

from app import build_app
from ec2_web_server import SettingError
from tests.conftest import ROOT, base_context


def run_app(tmp_path, **settings):
    context = {**base_context(), **settings}
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps(context), "CDK_OUTDIR": str(tmp_path),
           "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    return subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_bad_setting_is_one_line_and_exit_1(tmp_path):
    run = run_app(tmp_path, volumes='[{"size": 100, "type": "io1", "iops": 50}]')
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == ["error: volumes[0].iops: got 50; io1 takes 100 to 64000 IOPS"]
    assert "Traceback" not in run.stderr + run.stdout


def test_private_ip_outside_the_subnet_is_refused_before_synthesis():
    # Needs the looked-up subnet, so the construct checks it (in process: no synth happens).
    expected = (r"^private_ip: got '10.1.2.3'; must lie inside subnet subnet-\w+ "
                r"\(172.31.0.0/20\), from 172.31.0.4 to 172.31.15.254 \(AWS reserves the rest\)$")
    with pytest.raises(SettingError, match=expected):
        build_app(context={**base_context(), "private_ip": "10.1.2.3"})


def test_reserved_subnet_address_is_refused():
    with pytest.raises(SettingError, match=r"^private_ip: got '172.31.0.3'; must lie inside subnet"):
        build_app(context={**base_context(), "private_ip": "172.31.0.3"})


def test_an_unrecorded_vpc_offline_is_one_line_naming_the_setting(tmp_path):
    run = run_app(tmp_path, vpc_id="vpc-0fedcba9876543210")
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "error: vpc_id: got 'vpc-0fedcba9876543210'; this VPC is not recorded in cdk.context.json for account "
        "123456789012 in us-east-1, and without AWS credentials it cannot be looked up: run `npx cdk synth` with "
        "credentials for that account and region (the CLI records the answer in cdk.context.json; commit it)"]


def test_without_credentials_a_configured_region_does_not_leave_the_example_environment(tmp_path):
    # The CLI passes CDK_DEFAULT_REGION from the shell's configuration even without credentials.
    context = {**base_context()}
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps(context), "CDK_OUTDIR": str(tmp_path),
           "CDK_DEFAULT_REGION": "ap-northeast-1", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    env.pop("CDK_DEFAULT_ACCOUNT", None)
    run = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["artifacts"]["WebServerStack"]["environment"] == "aws://123456789012/us-east-1"
