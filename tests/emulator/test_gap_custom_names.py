"""Custom-named resources on replacement, as CloudFormation names them (aws-properties-name.md).

Removing a name property replaces the resource with one CloudFormation names
(``<stack>-<logical ID>-<suffix>``); a replacement that keeps the custom name is
refused ("You can't perform an update that causes a custom-named resource to be
replaced. If you must replace the resource, specify a new name.").
"""

from __future__ import annotations

import json

import cfn_scenario as cfn

from emulator import Emulator

KEY = "arn:aws:kms:us-east-1:123456789012:key/{}"


def _named(emu: Emulator, names: bool) -> dict:
    def name(key: str, value: str) -> dict:
        return {key: value} if names else {}

    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "scheduler.amazonaws.com"}}]}}}
    return cfn.template({
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": name("BucketName", "gap-custom-bucket")},
        "Alarm": {"Type": "AWS::CloudWatch::Alarm", "Properties": {
            **name("AlarmName", "gap-custom-alarm"), "Namespace": "AWS/EC2", "MetricName": "CPUUtilization",
            "Statistic": "Average", "Period": 60, "EvaluationPeriods": 1, "Threshold": 80,
            "ComparisonOperator": "GreaterThanThreshold"}},
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {**name("LogGroupName", "/gap/custom"),
                                                               "RetentionInDays": 7}},
        "Vault": {"Type": "AWS::Backup::BackupVault", "Properties": name("BackupVaultName", "GapCustomVault")},
        "Role": role,
        "Stop": {"Type": "AWS::Scheduler::Schedule", "Properties": {
            **name("Name", "gap-custom-schedule"), "ScheduleExpression": "rate(1 day)",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"Arn": "arn:aws:scheduler:::aws-sdk:ec2:stopInstances",
                       "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                       "Input": json.dumps({"InstanceIds": ["i-0123456789abcdef0"]})}}},
        "Budget": {"Type": "AWS::Budgets::Budget", "Properties": {"Budget": {
            **name("BudgetName", "gap-custom-budget"), "BudgetType": "COST", "TimeUnit": "MONTHLY",
            "BudgetLimit": {"Amount": 100, "Unit": "USD"}}}},
        "WebSg": cfn.web_sg(cfn.default_vpc_id(emu)),
        "Lt": cfn.launch_template(),
        "Asg": cfn.group(cfn.subnets(emu)[:1], 0, 1, **name("AutoScalingGroupName", "gap-custom-asg")),
    })


NAMED = ("Bucket", "Alarm", "Logs", "Vault", "Stop", "Budget", "Asg")


def test_removing_custom_names_replaces_with_generated_names(target: Emulator) -> None:
    assert cfn.deploy(target, _named(target, True)) == "CREATE_COMPLETE", cfn.failures(target)
    before = {name: cfn.physical_id(target, name) for name in NAMED}
    assert before["Logs"] == "/gap/custom"
    assert cfn.deploy(target, _named(target, False)) == "UPDATE_COMPLETE", cfn.failures(target)
    after = {name: cfn.physical_id(target, name) for name in NAMED}
    for name in NAMED:
        assert after[name] != before[name], name
        assert after[name].lower().startswith(f"gapstack-{name.lower()}-"), after[name]
    assert [g["logGroupName"] for g in target.client("logs").describe_log_groups()["logGroups"]] == [after["Logs"]]
    vaults = target.client("backup").list_backup_vaults()["BackupVaultList"]
    assert [v["BackupVaultName"] for v in vaults] == [after["Vault"]]


def test_replacing_a_nameless_resource_generates_its_name(target: Emulator) -> None:
    body = cfn.template({"Vault": {"Type": "AWS::Backup::BackupVault", "Properties": {"EncryptionKeyArn": KEY.format(1)}}})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    before = cfn.physical_id(target, "Vault")
    body["Resources"]["Vault"]["Properties"]["EncryptionKeyArn"] = KEY.format(2)
    assert cfn.deploy(target, body) == "UPDATE_COMPLETE", cfn.failures(target)
    after = cfn.physical_id(target, "Vault")
    assert after != before
    assert after.startswith("GapStack-Vault-")
    vault = target.client("backup").describe_backup_vault(BackupVaultName=after)
    assert vault["EncryptionKeyArn"] == KEY.format(2)


def test_replacing_a_resource_that_keeps_its_custom_name_is_refused(target: Emulator) -> None:
    vpc = cfn.default_vpc_id(target)
    body = cfn.template({
        "Vault": {"Type": "AWS::Backup::BackupVault", "Properties": {
            "BackupVaultName": "GapVault", "EncryptionKeyArn": KEY.format(1)}},
        "Sg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupName": "gap-web", "GroupDescription": "web", "VpcId": vpc}},
    })
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    for logical_id, prop, value, name in (("Vault", "EncryptionKeyArn", KEY.format(2), "GapVault"),
                                          ("Sg", "GroupDescription", "web servers", "gap-web")):
        changed = json.loads(json.dumps(body))
        changed["Resources"][logical_id]["Properties"][prop] = value
        assert cfn.deploy(target, changed) == "UPDATE_ROLLBACK_COMPLETE", logical_id
        assert cfn.failures(target)[0] == (
            f"{logical_id}: CloudFormation cannot update a stack when a custom-named resource requires "
            f"replacing. Rename {name} and update the stack again.")
