"""tools.audit against the emulator: leftovers made with boto3, then audited."""

from __future__ import annotations

import datetime
import json
import os
import shlex
import subprocess
import sys
from decimal import Decimal

import pytest

import emulator
from constants import APP_TAG_KEY, APP_TAG_VALUE, STACK_NAME
from emulator import REGION, Emulator
from tests.conftest import ROOT
from tests.emulator import cfn_scenario as cfn
from tools import audit, cost
from tools.audit import acm, backup, common, route53
from tools.audit.s3 import AUTO_DELETE_TAG

TAG = [{"Key": APP_TAG_KEY, "Value": APP_TAG_VALUE}]


def _tagged(resource_type: str, tags: list[dict[str, str]] = TAG) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": tags}]


def _run(emu: Emulator, *extra: str) -> int:
    return audit.main(
        ["--region", REGION, "--tag-key", APP_TAG_KEY, "--tag-value", APP_TAG_VALUE, "--endpoint-url", emu.endpoint, *extra]
    )


def _report(emu: Emulator, stack_name: str | None = None) -> audit.AuditReport:
    return audit.audit(REGION, APP_TAG_KEY, APP_TAG_VALUE, stack_name=stack_name, endpoint_url=emu.endpoint)


@pytest.fixture
def audited(emu: Emulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """The command run once (as _run runs it: the app's tag, the default stack name unless --stack-name says
    otherwise): its exit status, the report it made and what it printed. One audit serves the report's assertions and
    the command's."""
    real = audit.audit

    def run(*extra: str) -> tuple[int, audit.AuditReport, str]:
        reports: list[audit.AuditReport] = []

        def keep(*args, **kwargs):  # type: ignore[no-untyped-def]
            reports.append(real(*args, **kwargs))
            return reports[-1]

        monkeypatch.setattr(audit.core, "audit", keep)
        try:
            code = _run(emu, *extra)
        finally:
            monkeypatch.setattr(audit.core, "audit", real)
        (report,) = reports
        return code, report, capsys.readouterr().out

    return run


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


def test_reports_every_kind_of_leftover_and_fails(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    ids = _leftovers(emu)
    code, report, output = audited()
    found = {(f.kind, f.resource_id) for f in report.findings}
    assert set(ids.items()) <= found
    assert ("ssm-parameter", f"/ec2/keypair/{ids['key-pair']}") in found
    assert not report.clean
    assert code == 1
    assert ids["instance"] in output
    assert "LEFT BEHIND" in output
    assert "NOT CLEAN" in output


def test_untagged_and_terminated_are_ignored(emu: Emulator) -> None:
    ec2 = emu.client("ec2")
    ec2.create_volume(AvailabilityZone="us-east-1a", Size=5)  # not ours: no tag
    ids = _leftovers(emu)
    ec2.terminate_instances(InstanceIds=[ids["instance"]])
    ec2.release_address(AllocationId=ids["elastic-ip"])
    findings = _report(emu).findings
    kinds = {f.kind for f in findings}
    assert "instance" not in kinds
    assert "elastic-ip" not in kinds
    assert [f.resource_id for f in findings if f.kind == "volume"] == [ids["volume"]]


def test_snapshots_are_intended_leftovers(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    ec2 = emu.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=30)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume, TagSpecifications=_tagged("snapshot"))["SnapshotId"]
    ec2.delete_volume(VolumeId=volume)
    code, report, output = audited()
    assert [(f.kind, f.resource_id, f.intended) for f in report.findings] == [("snapshot", snapshot, True)]
    assert "30 GiB" in report.findings[0].detail
    assert code == 0
    assert "OK: nothing unintended" in output


def test_stack_name_matches_cloudformation_tag_and_stack(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    body = cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(emu))})
    body["Resources"]["Ip"] = {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}}  # no app tag
    assert cfn.deploy(emu, body) == "CREATE_COMPLETE"
    address = emu.client("ec2").describe_addresses()["Addresses"][0]["AllocationId"]
    assert _report(emu).clean  # the tag alone does not find the untagged address
    code, report, _ = audited("--stack-name", cfn.STACK)
    found = {(f.kind, f.resource_id) for f in report.findings}
    assert ("elastic-ip", address) in found
    assert ("stack", cfn.STACK) in found
    assert code == 1
    assert cfn.delete(emu) == "DELETE_COMPLETE"
    code, report, _ = audited("--stack-name", cfn.STACK)
    assert report.clean
    assert code == 0


def test_cli_runs_as_a_module(emu: Emulator) -> None:
    # The module's exit status is main()'s: 1 when something is left (make audit's test below runs it clean, 0).
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable, "-m", "tools.audit", "--region", REGION, "--tag-key", APP_TAG_KEY,
        "--tag-value", APP_TAG_VALUE, "--endpoint-url", emu.endpoint,
    ]
    _leftovers(emu)
    dirty = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    # The instance, its address, the volume, the key pair and its private key's parameter.
    assert (dirty.returncode, dirty.stdout.strip().splitlines()[-1]) == (1, "NOT CLEAN: 5 resource(s) left behind.")


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


# --- the Auto Scaling tier's resources ---------------------------------------------------------------------

def _fleet_leftovers(emu: Emulator, tags: list[dict[str, str]] = TAG) -> dict[str, str]:
    """A load balancer, target group, launch template, Auto Scaling group (with its instance) and a log bucket
    with one object, all with ``tags``; returns their names/ids by kind."""
    ec2, elbv2, autoscaling, ssm = (emu.client(s) for s in ("ec2", "elbv2", "autoscaling", "ssm"))
    vpc = cfn.default_vpc_id(emu)
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]]
    image = ssm.get_parameter(Name=cfn.AL2023_SSM)["Parameter"]["Value"]
    balancer = elbv2.create_load_balancer(Name="web-lb", Subnets=subnets[:2], Tags=tags)["LoadBalancers"][0]
    group = elbv2.create_target_group(Name="web-servers", Port=80, Protocol="HTTP", VpcId=vpc, Tags=tags)
    template = ec2.create_launch_template(
        LaunchTemplateName="web-template", LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro"},
        TagSpecifications=_tagged("launch-template", tags))["LaunchTemplate"]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="web-group", MinSize=1, MaxSize=2, VPCZoneIdentifier=",".join(subnets[:2]),
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"]},
        Tags=[{**tag, "PropagateAtLaunch": False, "ResourceId": "web-group", "ResourceType": "auto-scaling-group"}
              for tag in tags])
    (instance,) = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=["web-group"])[
        "AutoScalingGroups"][0]["Instances"]
    return {"load-balancer": balancer["LoadBalancerName"], "target-group": group["TargetGroups"][0]["TargetGroupName"],
            "launch-template": template["LaunchTemplateId"], "auto-scaling-group": "web-group",
            "instance": instance["InstanceId"]}


def _log_bucket(emu: Emulator, name: str = "web-access-logs-123", *, kept: bool = False) -> str:
    """The access logs bucket as the stack tags it: with CDK's auto-delete tag (cdk destroy empties and deletes it),
    or, ``kept`` (keep_access_logs=true), without."""
    s3 = emu.client("s3")
    s3.create_bucket(Bucket=name)
    tags = TAG if kept else [*TAG, {"Key": AUTO_DELETE_TAG, "Value": "true"}]
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags})
    s3.put_object(Bucket=name, Key="load-balancer/AWSLogs/123456789012/elasticloadbalancing/log.gz", Body=b"x" * 100)
    return name


def test_finds_every_resource_of_the_auto_scaling_tier(emu: Emulator) -> None:
    ids = _fleet_leftovers(emu)
    bucket = _log_bucket(emu)
    report = _report(emu)
    found = {(f.kind, f.resource_id): f for f in report.findings}
    assert set(ids.items()) <= set(found)
    # The group's instance is not tagged (PropagateAtLaunch false): it is found through its group.
    assert found[("instance", ids["instance"])].detail.endswith("in group web-group")
    assert found[("bucket", bucket)].detail == "1 object(s), 100 bytes"
    assert not report.clean


def test_finds_the_auto_scaling_tier_by_the_stack_name_tag(emu: Emulator) -> None:
    ids = _fleet_leftovers(emu, [{"Key": audit.STACK_NAME_TAG, "Value": STACK_NAME}])
    assert _report(emu).clean  # the app's tag alone does not find them
    found = {(f.kind, f.resource_id) for f in _report(emu, STACK_NAME).findings}
    assert set(ids.items()) <= found


def test_untagged_buckets_and_other_regions_buckets_are_not_ours(emu: Emulator) -> None:
    s3 = emu.client("s3")
    s3.create_bucket(Bucket="someone-elses-bucket")
    s3.create_bucket(Bucket="ours-in-tokyo", CreateBucketConfiguration={"LocationConstraint": "ap-northeast-1"})
    s3.put_bucket_tagging(Bucket="ours-in-tokyo", Tagging={"TagSet": TAG})
    ours = _log_bucket(emu)  # the control: a tagged bucket in the audited region is found
    assert [(f.kind, f.resource_id) for f in _report(emu).findings] == [("bucket", ours)]


def test_stack_name_tag_alone_makes_a_bucket_ours() -> None:
    # S3 refuses aws: tags from users (the emulator too), so CloudFormation's tag is checked on the matcher.
    stack_tag = [{"Key": audit.STACK_NAME_TAG, "Value": STACK_NAME}]
    assert common.belongs(stack_tag, APP_TAG_KEY, APP_TAG_VALUE, STACK_NAME)
    assert not common.belongs(stack_tag, APP_TAG_KEY, APP_TAG_VALUE, None)
    assert not common.belongs([{"Key": APP_TAG_KEY, "Value": "other"}], APP_TAG_KEY, APP_TAG_VALUE, STACK_NAME)


# --- credentials: fake ones for the local emulator only ------------------------------------------------------

def _no_credentials_env(tmp_path) -> dict[str, str]:
    """A shell with no AWS credentials anywhere (and no instance metadata to ask)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MAKE", "MFLAGS"))}
    env.update(HOME=str(tmp_path), AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
               AWS_EC2_METADATA_DISABLED="true")
    return env


def test_make_audit_with_a_local_endpoint_needs_no_credentials(emu: Emulator, tmp_path) -> None:
    command = ["make", "--no-print-directory", "-s", "-o", ".venv/.installed", "-o", "node_modules/.installed",
               "audit", f"ENDPOINT={emu.endpoint}"]
    clean = subprocess.run(command, cwd=ROOT, env=_no_credentials_env(tmp_path), capture_output=True, text=True,
                           timeout=120, check=False)
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout.splitlines()[0] == f"Leftovers for {APP_TAG_KEY}={APP_TAG_VALUE} or stack {STACK_NAME} in " \
                                           f"{REGION}:"
    assert clean.stdout.strip().splitlines()[-1] == "OK: nothing unintended is left."
    _log_bucket(emu)
    dirty = subprocess.run(command, cwd=ROOT, env=_no_credentials_env(tmp_path), capture_output=True, text=True,
                           timeout=120, check=False)
    assert dirty.returncode == 2  # make's status when the audit (exit status 1) finds leftovers
    assert "web-access-logs-123" in dirty.stdout
    assert dirty.stdout.strip().endswith("NOT CLEAN: 1 resource(s) left behind.")


def test_fake_credentials_only_for_an_endpoint_on_this_machine(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    for name, value in _no_credentials_env(tmp_path).items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    for local in ("http://localhost:4599", "http://127.0.0.1:4599", "http://[::1]:4599", "http://moto.localhost:5000"):
        assert audit.session_for(local).get_credentials().access_key == "testing", local
    for remote in (None, "https://ec2.us-east-1.amazonaws.com", "http://localhost.example.com:4599",
                   "http://10.0.0.5:4599"):
        assert audit.session_for(remote).get_credentials() is None, remote  # the usual chain, which has none here


def test_region_defaults_to_the_example_environment_against_a_local_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-northeast-1")
    assert audit.default_region("http://localhost:4599") == REGION
    assert audit.default_region(None) == "ap-northeast-1"


# --- day two: what destroy leaves on purpose (backup vaults, keys pending deletion) and what it removes ------------

def _region_price(key: str) -> Decimal:
    return cost.Prices.load().region(REGION).usd(key)


def _commands(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.strip().startswith("aws ")]


def test_snapshots_say_their_cost_and_the_command_that_deletes_them(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    ec2 = emu.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=30)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume, TagSpecifications=_tagged("snapshot"))["SnapshotId"]
    code, report, output = audited()
    (finding,) = report.findings
    assert finding.monthly == 30 * _region_price("snapshot_gb_month")
    assert code == 0
    assert f"aws ec2 delete-snapshot --snapshot-id {snapshot} --region {REGION}" in _commands(output)
    assert f"Intended leftovers cost {cost.money(finding.monthly)} a month" in output


def test_snapshots_aws_backup_made_are_not_listed_as_snapshots(emu: Emulator) -> None:
    # AWS Backup tags its snapshots aws:backup:source-resource (and only it may delete them): they are recovery points.
    ec2 = emu.client("ec2")
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=30)["VolumeId"]
    ec2.create_snapshot(VolumeId=volume, TagSpecifications=_tagged("snapshot", [
        *TAG, {"Key": "aws:backup:source-resource", "Value": volume}]))
    ours = ec2.create_snapshot(VolumeId=volume, TagSpecifications=_tagged("snapshot"))["SnapshotId"]  # the control
    assert [(f.kind, f.resource_id) for f in _report(emu).findings] == [("snapshot", ours)]


def test_a_backup_vault_is_an_intended_leftover_with_the_command_that_deletes_it(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    backup = emu.client("backup")
    backup.create_backup_vault(BackupVaultName="tagged-vault", BackupVaultTags={APP_TAG_KEY: APP_TAG_VALUE})
    backup.create_backup_vault(BackupVaultName=f"{STACK_NAME}WebServerBackupVault4991C6CD")  # CDK's name, no tag
    backup.create_backup_vault(BackupVaultName="someone-elses-vault")
    assert {(f.kind, f.resource_id, f.intended) for f in _report(emu).findings} == {("backup-vault", "tagged-vault", True)}
    code, report, output = audited()  # the default stack name: STACK_NAME
    found = {f.resource_id: f for f in report.findings}
    assert set(found) == {"tagged-vault", f"{STACK_NAME}WebServerBackupVault4991C6CD"}
    assert found["tagged-vault"].detail.startswith("0 recovery point(s), 0 GiB (kept on purpose")
    assert found["tagged-vault"].monthly == 0
    assert code == 0  # intended: the audit is clean
    assert f"aws backup delete-backup-vault --backup-vault-name tagged-vault --region {REGION}" in _commands(output)


def test_recovery_points_are_listed_with_size_cost_and_the_commands_that_delete_them() -> None:
    # moto 5.2.5 has no ListRecoveryPointsByBackupVault (nor backup jobs): botocore's Stubber answers instead, with
    # responses checked against AWS Backup's service model.
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("backup", region_name=REGION, **audit.FAKE_CREDENTIALS)
    vault, arn = "WebServerStackWebServerBackupVault4991C6CD", f"arn:aws:backup:{REGION}:123456789012:backup-vault:v"
    points = [{"RecoveryPointArn": f"arn:aws:ec2:{REGION}::image/ami-0{n}", "BackupVaultName": vault,
               "ResourceArn": f"arn:aws:ec2:{REGION}:123456789012:instance/i-0{n}", "ResourceType": "EC2",
               "Status": "COMPLETED", "BackupSizeInBytes": gib * 2**30,
               "CreationDate": datetime.datetime(2026, 11, 28, 5, tzinfo=datetime.UTC),
               "CalculatedLifecycle": {"DeleteAt": datetime.datetime(2026, 12, 5, 5, tzinfo=datetime.UTC)}}
              for n, gib in ((1, 8), (2, 2))]
    with Stubber(client) as stub:
        stub.add_response("list_backup_vaults", {"BackupVaultList": [
            {"BackupVaultName": vault, "BackupVaultArn": arn, "NumberOfRecoveryPoints": 2, "Locked": False}]})
        stub.add_response("list_tags", {"Tags": {APP_TAG_KEY: APP_TAG_VALUE}}, {"ResourceArn": arn})
        stub.add_response("list_recovery_points_by_backup_vault", {"RecoveryPoints": points},
                          {"BackupVaultName": vault})
        findings = backup.backup_vaults(client, REGION, cost.Prices.load().region(REGION), APP_TAG_KEY, APP_TAG_VALUE,
                                        STACK_NAME)
    price = _region_price("backup_ebs_gb_month")
    assert [(f.kind, f.intended, f.monthly) for f in findings] == [
        ("backup-vault", True, 10 * price), ("recovery-point", True, 8 * price), ("recovery-point", True, 2 * price)]
    assert "EC2 i-01, 8 GiB at most, COMPLETED, made 2026-11-28, deleted by its lifecycle on 2026-12-05" in \
        findings[1].detail
    delete = f"aws backup delete-recovery-point --backup-vault-name {vault} --recovery-point-arn"
    assert findings[0].remove == (f"{delete} arn:aws:ec2:{REGION}::image/ami-01 --region {REGION}",
                                  f"{delete} arn:aws:ec2:{REGION}::image/ami-02 --region {REGION}",
                                  f"aws backup delete-backup-vault --backup-vault-name {vault} --region {REGION}")
    report = audit.AuditReport(REGION, findings)
    assert report.clean
    assert report.intended_monthly == 10 * price  # the vault's total, its points not counted again
    output = audit.format_report(report, "x")
    assert _commands(output) == list(findings[0].remove)  # each command once, the vault's last


def test_a_kms_key_pending_deletion_is_fine_an_enabled_one_is_left_behind(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    kms = emu.client("kms")
    tags = [{"TagKey": APP_TAG_KEY, "TagValue": APP_TAG_VALUE}]
    pending = kms.create_key(Tags=tags)["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=pending, PendingWindowInDays=7)
    assert _run(emu) == 0  # a key pending deletion is what cdk destroy leaves
    enabled = kms.create_key(Tags=tags)["KeyMetadata"]["KeyId"]
    kms.create_key()  # not ours
    code, report, output = audited()
    found = {f.resource_id: f for f in report.findings}
    assert set(found) == {pending, enabled}
    assert (found[pending].intended, found[pending].monthly) == (True, 0)
    assert "pending deletion until" in found[pending].detail
    assert (found[enabled].intended, found[enabled].monthly) == (False, _region_price("kms_key_month"))
    assert code == 1
    assert f"aws kms schedule-key-deletion --key-id {enabled} --pending-window-in-days 7 --region {REGION}" in \
        _commands(output)


def test_a_kms_key_kept_data_still_uses_is_an_intended_leftover(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    kms, ec2, backup = emu.client("kms"), emu.client("ec2"), emu.client("backup")
    tags = [{"TagKey": APP_TAG_KEY, "TagValue": APP_TAG_VALUE}]
    keys = {name: kms.create_key(Tags=tags)["KeyMetadata"] for name in ("volume", "snapshot", "vault", "unused")}
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=True,
                               KmsKeyId=keys["volume"]["Arn"])["VolumeId"]
    # The emulator's CreateSnapshot does not carry the volume's key over (moto 5.2.5); CopySnapshot sets it.
    plain = ec2.create_snapshot(VolumeId=ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"])
    snapshot = ec2.copy_snapshot(SourceSnapshotId=plain["SnapshotId"], SourceRegion=REGION, Encrypted=True,
                                 KmsKeyId=keys["snapshot"]["Arn"])["SnapshotId"]
    backup.create_backup_vault(BackupVaultName="OtherVault", EncryptionKeyArn=keys["vault"]["Arn"])
    code, report, output = audited()
    found = {f.resource_id: f for f in report.findings if f.kind == "kms-key"}
    assert set(found) == {key["KeyId"] for key in keys.values()}
    for name, user in (("volume", f"volume {volume}"), ("snapshot", f"snapshot {snapshot}"),
                       ("vault", "backup vault OtherVault")):
        finding = found[keys[name]["KeyId"]]
        assert (finding.intended, finding.monthly) == (True, _region_price("kms_key_month")), name
        assert f"kept: {user} in the region uses it (deleting the key would leave that data unreadable)" in \
            finding.detail, name
        assert finding.remove == (f"aws kms schedule-key-deletion --key-id {keys[name]['KeyId']} "
                                  f"--pending-window-in-days 30 --region {REGION}",)
    assert found[keys["unused"]["KeyId"]].intended is False  # nothing uses it: left behind
    assert code == 1
    (kept_said,) = [n for n, line in enumerate(output.splitlines()) if line.startswith("Intended leftovers cost")]
    assert f"--key-id {keys['vault']['KeyId']} --pending-window-in-days 30" in "\n".join(output.splitlines()[kept_said:])


def test_log_groups_named_after_the_stack_are_left_behind(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    logs = emu.client("logs")
    logs.create_log_group(logGroupName=f"/{STACK_NAME}/httpd/access")
    logs.put_retention_policy(logGroupName=f"/{STACK_NAME}/httpd/access", retentionInDays=30)
    logs.create_log_group(logGroupName="/OtherStack/httpd/access")
    code, report, output = audited("--stack-name", STACK_NAME)
    (finding,) = report.findings
    assert (finding.kind, finding.resource_id, finding.intended) == ("log-group", f"/{STACK_NAME}/httpd/access", False)
    assert "kept 30 days (cdk destroy deletes it)" in finding.detail
    assert code == 1
    assert f"aws logs delete-log-group --log-group-name /{STACK_NAME}/httpd/access --region {REGION}" in \
        _commands(output)
    assert _report(emu).findings == []  # found by the stack's name only


def test_schedules_named_after_the_stack_are_left_behind(emu: Emulator) -> None:
    scheduler = emu.client("scheduler")
    for name in (f"{STACK_NAME}-WebServerScheduleStop4F1CB8E9-AbCdEf", "OtherStack-Stop-AbCdEf"):
        scheduler.create_schedule(
            Name=name, ScheduleExpression="cron(0 20 ? * MON-FRI *)", ScheduleExpressionTimezone="Asia/Tokyo",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": "arn:aws:scheduler:::aws-sdk:ec2:stopInstances", "Input": "{}",
                    "RoleArn": "arn:aws:iam::123456789012:role/scheduler"})
    (finding,) = _report(emu, STACK_NAME).findings
    assert (finding.kind, finding.intended) == ("schedule", False)
    assert finding.resource_id.startswith(f"{STACK_NAME}-WebServerScheduleStop")
    assert "calls stopInstances" in finding.detail
    assert finding.remove == (f"aws scheduler delete-schedule --name {finding.resource_id} --group-name default "
                              f"--region {REGION}",)


def test_budgets_filtering_on_the_stack_or_named_after_it_are_left_behind(emu: Emulator) -> None:
    budgets, account = emu.client("budgets"), emu.client("sts").get_caller_identity()["Account"]

    def budget(name: str, **filters: list[str]) -> None:
        budgets.create_budget(AccountId=account, Budget={
            "BudgetName": name, "BudgetLimit": {"Amount": "50", "Unit": "USD"}, "TimeUnit": "MONTHLY",
            "BudgetType": "COST", **({"CostFilters": filters} if filters else {})})

    budget("WebServerBudget59E5119B-AbCdEf", TagKeyValue=[f"{audit.STACK_NAME_TAG}${STACK_NAME}"])
    budget(f"{STACK_NAME}-monthly")
    budget("team-budget", TagKeyValue=["user:team$web"])
    found = {f.resource_id: f for f in _report(emu, STACK_NAME).findings}
    assert set(found) == {"WebServerBudget59E5119B-AbCdEf", f"{STACK_NAME}-monthly"}
    assert all(not f.intended for f in found.values())
    assert found[f"{STACK_NAME}-monthly"].remove == (
        f"aws budgets delete-budget --account-id {account} --budget-name {STACK_NAME}-monthly",)


def test_sns_topics_with_the_tag_are_left_behind(emu: Emulator) -> None:
    sns = emu.client("sns")
    ours = sns.create_topic(Name="WebServerStack-AlarmsTopic-AbCdEf", Tags=TAG)["TopicArn"]
    sns.subscribe(TopicArn=ours, Protocol="email", Endpoint="ops@example.com")
    sns.create_topic(Name="someone-elses-topic")
    (finding,) = _report(emu).findings
    assert (finding.kind, finding.resource_id, finding.intended) == ("sns-topic", ours, False)
    assert finding.detail.startswith("1 subscription(s)")
    assert finding.remove == (f"aws sns delete-topic --topic-arn {ours} --region {REGION}",)


def test_a_region_without_prices_lists_leftovers_without_their_cost(emu: Emulator) -> None:
    ec2 = emu.client("ec2", "eu-west-3")  # cost_model/prices.json prices us-east-1 and ap-northeast-1 only
    volume = ec2.create_volume(AvailabilityZone="eu-west-3a", Size=30)["VolumeId"]
    ec2.create_snapshot(VolumeId=volume, TagSpecifications=_tagged("snapshot"))
    (finding,) = audit.audit("eu-west-3", APP_TAG_KEY, APP_TAG_VALUE, endpoint_url=emu.endpoint).findings
    assert (finding.kind, finding.monthly) == ("snapshot", None)


# --- a site's name: certificates, dangling records, ACM's validation CNAMEs ---------------------------------------

def _zone_id(emu: Emulator, name: str = emulator.EXAMPLE_ZONE) -> str:
    (zone,) = emu.client("route53").list_hosted_zones_by_name(DNSName=name)["HostedZones"][:1]
    return zone["Id"]


def _upsert(emu: Emulator, *records: dict, zone: str | None = None) -> None:
    emu.client("route53").change_resource_record_sets(HostedZoneId=zone or _zone_id(emu), ChangeBatch={
        "Changes": [{"Action": "UPSERT", "ResourceRecordSet": record} for record in records]})


def _a(name: str, *addresses: str) -> dict:
    return {"Name": name, "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": a} for a in addresses]}


def _alias(name: str, balancer: dict, kind: str = "A") -> dict:
    return {"Name": name, "Type": kind, "AliasTarget": {"DNSName": f"dualstack.{balancer['DNSName']}",
                                                        "HostedZoneId": balancer["CanonicalHostedZoneId"],
                                                        "EvaluateTargetHealth": False}}


def _names(emu: Emulator) -> set[tuple[str, str]]:
    records = emu.client("route53").list_resource_record_sets(HostedZoneId=_zone_id(emu))["ResourceRecordSets"]
    return {(r["Name"], r["Type"]) for r in records}


def _apply(emu: Emulator, command: str) -> None:
    """Run an `aws route53 change-resource-record-sets` command the audit prints, through boto3."""
    words = shlex.split(command)
    assert words[:3] == ["aws", "route53", "change-resource-record-sets"], command
    options = dict(zip(words[3::2], words[4::2], strict=True))
    emu.client("route53").change_resource_record_sets(HostedZoneId=options["--hosted-zone-id"],
                                                      ChangeBatch=json.loads(options["--change-batch"]))


def test_certificates_with_the_tag_or_the_stacks_name_are_left_behind(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    acm = emu.client("acm")
    tagged = acm.request_certificate(DomainName="www.example.com", ValidationMethod="DNS", Tags=TAG)["CertificateArn"]
    # CDK's Name tag (the construct's path), as CloudFormation leaves it: no aws:cloudformation tags on certificates.
    named = acm.request_certificate(DomainName="shop.example.com", ValidationMethod="DNS", Tags=[
        {"Key": "Name", "Value": f"{STACK_NAME}/WebServer/Domain/Certificate"}])["CertificateArn"]
    acm.request_certificate(DomainName="www.example.org", ValidationMethod="DNS")  # not ours
    assert {f.resource_id for f in _report(emu).findings} == {tagged}  # the tag alone
    code, report, output = audited()  # the tag or the default stack name
    found = {f.resource_id: f for f in report.findings}
    assert set(found) == {tagged, named}
    finding = found[tagged]
    assert (finding.kind, finding.intended, finding.monthly) == ("certificate", False,
                                                                 _region_price("acm_public_certificate_month"))
    assert finding.detail == ("www.example.com, PENDING_VALIDATION, AMAZON_ISSUED (cdk destroy deletes it; a public "
                              "certificate costs nothing)")
    assert code == 1
    assert f"aws acm delete-certificate --certificate-arn {tagged} --region {REGION}" in _commands(output)
    # One a listener still presents says so: ACM refuses to delete it until the listener is gone. (Validated first: a
    # listener takes an issued certificate only.)
    (option,) = acm.describe_certificate(CertificateArn=named)["Certificate"]["DomainValidationOptions"]
    _upsert(emu, {"Name": option["ResourceRecord"]["Name"], "Type": "CNAME", "TTL": 300,
                  "ResourceRecords": [{"Value": option["ResourceRecord"]["Value"]}]})
    ec2, elbv2 = emu.client("ec2"), emu.client("elbv2")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    balancer = elbv2.create_load_balancer(Name="web-lb", Subnets=subnets)["LoadBalancers"][0]
    group = elbv2.create_target_group(Name="web", Port=80, Protocol="HTTP", VpcId=cfn.default_vpc_id(emu))
    elbv2.create_listener(
        LoadBalancerArn=balancer["LoadBalancerArn"], Port=443, Protocol="HTTPS", Certificates=[{"CertificateArn": named}],
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group["TargetGroups"][0]["TargetGroupArn"]}],
    )
    (in_use,) = [f for f in _report(emu, STACK_NAME).findings if f.resource_id == named]
    # ACM's InUseBy names the load balancer whose listener presents the certificate (DescribeCertificate).
    assert in_use.detail == (f"shop.example.com, ISSUED, AMAZON_ISSUED, in use by {balancer['LoadBalancerArn']} "
                             "(cdk destroy deletes it; "
                             "a public certificate costs nothing; delete what uses it first (ACM refuses a certificate "
                             "in use))")


def test_certificates_of_every_key_type_are_listed() -> None:
    # ACM lists only RSA_1024 and RSA_2048 certificates unless asked for the others (Filters.keyTypes); moto lists
    # every one whatever the filter, so the request itself is checked, with botocore's Stubber.
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("acm", region_name=REGION, **audit.FAKE_CREDENTIALS)
    every = client.meta.service_model.shape_for("KeyAlgorithm").enum
    assert {"RSA_2048", "EC_prime256v1"} <= set(every)
    with Stubber(client) as stub:
        stub.add_response("list_certificates", {"CertificateSummaryList": []}, {"Includes": {"keyTypes": every}})
        assert acm.certificates(client, REGION, None, APP_TAG_KEY, APP_TAG_VALUE, STACK_NAME) == []


def test_a_dangling_alias_is_flagged_with_the_command_that_deletes_it(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    ec2, elbv2 = emu.client("ec2"), emu.client("elbv2")
    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    balancer = elbv2.create_load_balancer(Name="web-lb", Subnets=subnets)["LoadBalancers"][0]  # not tagged
    _upsert(emu, _alias("www.example.com.", balancer), _alias("www.example.com.", balancer, "AAAA"),
            {"Name": "old.example.com.", "Type": "CNAME", "TTL": 300,
             "ResourceRecords": [{"Value": balancer["DNSName"]}]})
    assert _report(emu).findings == []  # every record resolves to a load balancer of the account
    elbv2.delete_load_balancer(LoadBalancerArn=balancer["LoadBalancerArn"])
    code, report, output = audited()
    found = {f.resource_id: f for f in report.findings}
    assert set(found) == {"www.example.com A", "www.example.com AAAA", "old.example.com CNAME"}
    assert all((f.kind, f.intended) == (audit.DANGLING, False) for f in found.values())
    assert found["www.example.com A"].detail == (
        f"in zone {emulator.EXAMPLE_ZONE}: alias to dualstack.{balancer['DNSName']}: no load balancer of this account "
        "has that name (deleted); a dangling record (subdomain takeover risk)")
    assert code == 1
    assert "DANGLING" in output
    assert "Dangling DNS records point at an address or load balancer the account no longer has" in output
    assert output.strip().endswith("NOT CLEAN: 3 resource(s) left behind (3 of them dangling DNS record(s)).")
    for command in (c for f in found.values() for c in f.remove):
        assert command in _commands(output)
        _apply(emu, command)  # the printed command deletes the record
    assert _names(emu) == {(f"{emulator.EXAMPLE_ZONE}.", "NS"), (f"{emulator.EXAMPLE_ZONE}.", "SOA")}
    assert _run(emu) == 0


# The regions the account has enabled, as DescribeRegions answers: moto answers with all 38 of its regions, and making
# each one's default VPC (on its first EC2 call) and resetting them afterwards takes seconds; three regions show
# the same thing.
ENABLED_REGIONS = (REGION, "ap-northeast-1", "eu-west-3")


def _session_with_three_regions(emu: Emulator):  # type: ignore[no-untyped-def]
    """A session whose EC2 clients' DescribeRegions answers ENABLED_REGIONS; every other call reaches the emulator."""
    from types import SimpleNamespace

    session = audit.session_for(emu.endpoint, REGION)

    def answer(**_: object) -> tuple[SimpleNamespace, dict]:
        return SimpleNamespace(status_code=200), {"Regions": [
            {"RegionName": name, "Endpoint": emu.endpoint, "OptInStatus": "opt-in-not-required"}
            for name in ENABLED_REGIONS]}

    session.events.register("before-call.ec2.DescribeRegions", answer)
    return session


def test_an_address_record_no_address_of_the_account_holds_is_dangling(emu: Emulator) -> None:
    def launched(region: str) -> tuple[str, str]:
        ec2 = emu.client("ec2", region)
        image = emu.client("ssm", region).get_parameter(Name=cfn.AL2023_SSM)["Parameter"]["Value"]
        instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        (address,) = [i["PublicIpAddress"] for r in ec2.describe_instances(InstanceIds=[instance])["Reservations"]
                      for i in r["Instances"]]
        return instance, address

    (here, address), (_, far_address) = launched(REGION), launched("ap-northeast-1")
    private_zone = emu.client("route53").create_hosted_zone(
        Name="internal.example", CallerReference="private", VPC={"VPCRegion": REGION, "VPCId": cfn.default_vpc_id(emu)},
        HostedZoneConfig={"Comment": "private", "PrivateZone": True})["HostedZone"]["Id"]
    _upsert(emu, _a("web.example.com.", address), _a("tokyo.example.com.", far_address), _a("lan.example.com.", "10.0.0.5"),
            _a("gone.example.com.", "54.239.28.85"))
    _upsert(emu, _a("db.internal.example.", "54.239.28.86"), zone=private_zone)
    session = _session_with_three_regions(emu)

    def findings() -> dict[str, audit.Finding]:
        report = audit.audit(REGION, APP_TAG_KEY, APP_TAG_VALUE, endpoint_url=emu.endpoint, session=session)
        return {f.resource_id: f for f in report.findings}

    # Held by an instance here or in another region: fine; private addresses and private zones: not checked.
    found = findings()
    assert set(found) == {"gone.example.com A"}
    assert found["gone.example.com A"].detail.startswith(
        f"in zone {emulator.EXAMPLE_ZONE}: A to 54.239.28.85: no Elastic IP or network interface of this account "
        "holds it in any region (released: anyone may be given it next")
    emu.client("ec2").terminate_instances(InstanceIds=[here])
    assert set(findings()) == {"gone.example.com A", "web.example.com A"}
    # Elastic IPs count too, in every region (moto allocates them in 127.0.0.0/8, which no public record can point
    # at, so the lookup is checked itself).
    elastic = emu.client("ec2", "eu-west-3").allocate_address(Domain="vpc")["PublicIp"]
    targets = route53.AccountTargets(lambda service, region=REGION: session.client(
        service, region_name=region, endpoint_url=emu.endpoint), REGION)
    assert {elastic, far_address} <= targets.addresses()
    assert address not in targets.addresses()


def test_load_balancer_names_say_their_region() -> None:
    assert route53.elb_region("dualstack.web-lb-1234567890.us-east-1.elb.amazonaws.com.") == "us-east-1"
    assert route53.elb_region("web-nlb-0123456789abcdef.elb.ap-northeast-1.amazonaws.com") == "ap-northeast-1"
    assert route53.elb_region("d111111abcdef8.cloudfront.net.") is None
    assert route53.elb_region("www.example.com") is None


def test_validation_cnames_no_certificate_uses_are_intended_leftovers(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    acm = emu.client("acm")
    arn = acm.request_certificate(DomainName="www.example.com", ValidationMethod="DNS")["CertificateArn"]  # untagged
    (option,) = acm.describe_certificate(CertificateArn=arn)["Certificate"]["DomainValidationOptions"]
    record = option["ResourceRecord"]
    _upsert(emu, {"Name": record["Name"], "Type": "CNAME", "TTL": 300, "ResourceRecords": [{"Value": record["Value"]}]})
    assert _report(emu).findings == []  # a certificate uses it
    acm.delete_certificate(CertificateArn=arn)
    code, report, output = audited()
    (finding,) = report.findings
    name = record["Name"].rstrip(".")
    assert (finding.kind, finding.resource_id, finding.intended, finding.monthly) == (
        "validation-record", f"{name} CNAME", True, 0)
    assert f"ACM's DNS validation record for www.example.com, which no certificate in {REGION} uses" in finding.detail
    assert code == 0  # left on purpose: the audit is clean
    (command,) = finding.remove
    assert command in _commands(output)
    _apply(emu, command)
    assert (record["Name"], "CNAME") not in _names(emu)


def test_an_access_logs_bucket_kept_on_purpose_is_intended_with_its_cost(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    # issue 19 item 8: keep_access_logs=true retains the bucket (no auto-delete tag); the user chose to keep it.
    bucket = _log_bucket(emu, kept=True)
    code, report, output = audited()
    (finding,) = report.findings
    assert (finding.kind, finding.resource_id, finding.intended) == ("bucket", bucket, True)
    assert finding.detail.startswith("1 object(s), 100 bytes (kept on purpose: keep_access_logs=true")
    assert finding.monthly == Decimal(100) / Decimal(2**30) * _region_price("s3_standard_gb_month")
    assert code == 0
    assert f"aws s3 rb s3://{bucket} --force --region {REGION}" in _commands(output)
    assert output.strip().endswith("OK: nothing unintended is left.")


def test_a_bucket_cdk_destroy_deletes_is_left_behind(emu: Emulator, audited) -> None:  # type: ignore[no-untyped-def]
    bucket = _log_bucket(emu)
    code, report, output = audited()
    (finding,) = report.findings
    assert (finding.kind, finding.resource_id, finding.intended, finding.monthly) == ("bucket", bucket, False, None)
    assert code == 1
    assert "LEFT BEHIND" in output
