"""tools.audit against the emulator: leftovers made with boto3, then audited."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from constants import APP_TAG_KEY, APP_TAG_VALUE, STACK_NAME
from emulator import REGION, Emulator
from tests.conftest import ROOT
from tests.emulator import cfn_scenario as cfn
from tools import audit

TAG = [{"Key": APP_TAG_KEY, "Value": APP_TAG_VALUE}]


def _tagged(resource_type: str, tags: list[dict[str, str]] = TAG) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": tags}]


def _run(emu: Emulator, *extra: str) -> int:
    return audit.main(
        ["--region", REGION, "--tag-key", APP_TAG_KEY, "--tag-value", APP_TAG_VALUE, "--endpoint-url", emu.endpoint, *extra]
    )


def _report(emu: Emulator, stack_name: str | None = None) -> audit.AuditReport:
    return audit.audit(REGION, APP_TAG_KEY, APP_TAG_VALUE, stack_name=stack_name, endpoint_url=emu.endpoint)


def _leftovers(emu: Emulator) -> dict[str, str]:
    """One of everything that costs money, tagged; returns their IDs by kind."""
    ec2, ssm = emu.client("ec2"), emu.client("ssm")
    image = ssm.get_parameter(Name=cfn.AL2023_SSM)["Parameter"]["Value"]
    instance = ec2.run_instances(
        ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
        TagSpecifications=_tagged("instance"),
    )["Instances"][0]["InstanceId"]
    address = ec2.allocate_address(Domain="vpc", TagSpecifications=_tagged("elastic-ip"))["AllocationId"]
    volume = ec2.create_volume(
        AvailabilityZone="us-east-1a", Size=20, TagSpecifications=_tagged("volume")
    )["VolumeId"]
    key = ec2.create_key_pair(KeyName="web-key", TagSpecifications=_tagged("key-pair"))
    ssm.put_parameter(
        Name=f"/ec2/keypair/{key['KeyPairId']}", Value=key["KeyMaterial"], Type="SecureString"
    )
    return {"instance": instance, "elastic-ip": address, "volume": volume, "key-pair": key["KeyPairId"]}


def test_reports_every_kind_of_leftover_and_fails(emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    ids = _leftovers(emu)
    report = _report(emu)
    found = {(f.kind, f.resource_id) for f in report.findings}
    assert set(ids.items()) <= found
    assert ("ssm-parameter", f"/ec2/keypair/{ids['key-pair']}") in found
    assert not report.clean
    assert _run(emu) == 1
    output = capsys.readouterr().out
    assert ids["instance"] in output
    assert "LEFT BEHIND" in output
    assert "NOT CLEAN" in output


def test_untagged_and_terminated_are_ignored(emu: Emulator) -> None:
    ec2 = emu.client("ec2")
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=5)  # not ours: no tag
    ids = _leftovers(emu)
    ec2.terminate_instances(InstanceIds=[ids["instance"]])
    ec2.release_address(AllocationId=ids["elastic-ip"])
    kinds = {f.kind for f in _report(emu).findings}
    assert "instance" not in kinds
    assert "elastic-ip" not in kinds
    assert [f.resource_id for f in _report(emu).findings if f.kind == "volume"] == [ids["volume"]]


def test_snapshots_are_intended_leftovers(emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    ec2 = emu.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=30)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume, TagSpecifications=_tagged("snapshot"))["SnapshotId"]
    ec2.delete_volume(VolumeId=volume)
    report = _report(emu)
    assert [(f.kind, f.resource_id, f.intended) for f in report.findings] == [("snapshot", snapshot, True)]
    assert "30 GiB" in report.findings[0].detail
    assert _run(emu) == 0
    assert "OK: nothing unintended" in capsys.readouterr().out


def test_stack_name_matches_cloudformation_tag_and_stack(emu: Emulator) -> None:
    body = cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(emu))})
    body["Resources"]["Ip"] = {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}}  # no app tag
    assert cfn.deploy(emu, body) == "CREATE_COMPLETE"
    address = emu.client("ec2").describe_addresses()["Addresses"][0]["AllocationId"]
    assert _report(emu).clean  # the tag alone does not find the untagged address
    found = {(f.kind, f.resource_id) for f in _report(emu, cfn.STACK).findings}
    assert ("elastic-ip", address) in found
    assert ("stack", cfn.STACK) in found
    assert _run(emu, "--stack-name", cfn.STACK) == 1
    assert cfn.delete(emu) == "DELETE_COMPLETE"
    assert _report(emu, cfn.STACK).clean
    assert _run(emu, "--stack-name", cfn.STACK) == 0


def test_cli_runs_as_a_module(emu: Emulator) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable, "-m", "tools.audit", "--region", REGION, "--tag-key", APP_TAG_KEY,
        "--tag-value", APP_TAG_VALUE, "--endpoint-url", emu.endpoint,
    ]
    clean = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (clean.returncode, clean.stdout.strip().splitlines()[-1]) == (0, "OK: nothing unintended is left.")
    _leftovers(emu)
    dirty = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert dirty.returncode == 1


def test_unreachable_endpoint_is_a_failure(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A closed loopback port: the audit cannot tell, so it must not say "clean".
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    code = audit.main(
        ["--region", REGION, "--tag-key", APP_TAG_KEY, "--tag-value", "x", "--endpoint-url", "http://localhost:9"]
    )
    assert code == 1
    assert "audit failed" in capsys.readouterr().err


def test_defaults_are_the_apps_tag_and_stack(emu: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    # `make audit` passes neither tag nor stack name: the defaults come from constants.py.
    ids = _leftovers(emu)
    assert audit.main(["--region", REGION, "--endpoint-url", emu.endpoint]) == 1
    output = capsys.readouterr().out
    assert output.startswith(f"Leftovers for {APP_TAG_KEY}={APP_TAG_VALUE} or stack {STACK_NAME} in {REGION}:")
    assert ids["volume"] in output


def test_default_stack_name_finds_the_stacks_untagged_resources(emu: Emulator) -> None:
    body = cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(emu))})
    body["Resources"]["Ip"] = {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}}  # no app tag
    assert cfn.deploy(emu, body, stack=STACK_NAME) == "CREATE_COMPLETE"
    command = ["--region", REGION, "--endpoint-url", emu.endpoint]
    assert audit.main(command) == 1  # the stack and its address, by the default stack name
    assert audit.main([*command, "--stack-name", ""]) == 0  # by the tag alone: nothing
