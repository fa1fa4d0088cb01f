"""Day two: the alarm topic and its key, alarms, log groups, backups, schedules and a budget."""

from __future__ import annotations

import json

import cfn_scenario as cfn
import pytest

from emulator import Emulator

TAGS = [{"Key": "app", "Value": "ec2-web-server"}]
ACCOUNT = "123456789012"


def _key(window: int = 7) -> dict:
    return {"Type": "AWS::KMS::Key", "Properties": {
        "Description": "alarm topic key", "EnableKeyRotation": True, "PendingWindowInDays": window, "Tags": TAGS,
        "KeyPolicy": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*",
            "Resource": "*"}]}}}


def _topic(email: str = "ops@example.com", display: str = "Web server alarms") -> dict:
    return {
        "Key": _key(),
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {
            "DisplayName": display, "KmsMasterKeyId": {"Fn::GetAtt": ["Key", "Arn"]}, "Tags": TAGS}},
        "TopicPolicy": {"Type": "AWS::SNS::TopicPolicy", "Properties": {"Topics": [{"Ref": "Topic"}], "PolicyDocument": {
            "Version": "2012-10-17", "Statement": [{"Sid": "AllowPublishThroughSSLOnly", "Effect": "Deny",
                                                   "Principal": "*", "Action": "sns:Publish",
                                                   "Resource": {"Ref": "Topic"},
                                                   "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}}},
        "Mail": {"Type": "AWS::SNS::Subscription", "Properties": {
            "TopicArn": {"Ref": "Topic"}, "Protocol": "email", "Endpoint": email}},
    }


def _alarm(**properties: object) -> dict:
    return {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "Namespace": "AWS/EC2", "MetricName": "StatusCheckFailed_System", "Statistic": "Maximum", "Period": 60,
        "EvaluationPeriods": 2, "DatapointsToAlarm": 2, "Threshold": 1,
        "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching", **properties}}


def test_alarm_topic_key_tagged_and_its_deletion_scheduled(target: Emulator) -> None:
    assert cfn.deploy(target, cfn.template({"Key": _key()})) == "CREATE_COMPLETE", cfn.failures(target)
    kms, key_id = target.client("kms"), cfn.physical_id(target, "Key")
    assert kms.list_resource_tags(KeyId=key_id)["Tags"] == [{"TagKey": "app", "TagValue": "ec2-web-server"}]
    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    assert policy["Statement"][0]["Action"] == "kms:*"
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"


def test_topic_with_its_policy_and_a_pending_email_subscription(target: Emulator) -> None:
    assert cfn.deploy(target, cfn.template(_topic())) == "CREATE_COMPLETE", cfn.failures(target)
    sns, topic = target.client("sns"), cfn.physical_id(target, "Topic")
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert json.loads(attributes["Policy"])["Statement"][0]["Sid"] == "AllowPublishThroughSSLOnly"
    assert attributes["KmsMasterKeyId"].endswith(cfn.physical_id(target, "Key"))
    assert sns.list_tags_for_resource(ResourceArn=topic)["Tags"] == TAGS
    subscription = sns.get_subscription_attributes(SubscriptionArn=cfn.physical_id(target, "Mail"))["Attributes"]
    assert (subscription["Endpoint"], subscription["PendingConfirmation"]) == ("ops@example.com", "true")
    # A new display name changes the topic in place: same ARN, same subscription.
    assert cfn.deploy(target, cfn.template(_topic(display="Alarms"))) == "UPDATE_COMPLETE", cfn.failures(target)
    assert cfn.physical_id(target, "Topic") == topic
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["DisplayName"] == "Alarms"


def test_email_subscription_needs_an_email_address(target: Emulator) -> None:
    assert cfn.deploy(target, cfn.template(_topic(email="not-an-address"))) == "ROLLBACK_COMPLETE"
    assert any("Email address" in f for f in cfn.failures(target))


def test_alarms_heal_an_instance_they_watch(target: Emulator) -> None:
    instance = {"Ref": "Web"}
    body = cfn.template({
        "WebSg": cfn.web_sg(cfn.default_vpc_id(target)), "Web": cfn.web_instance(cfn.default_subnet(target)["SubnetId"]),
        "Recover": _alarm(Dimensions=[{"Name": "InstanceId", "Value": instance}],
                          AlarmActions=["arn:aws:automate:us-east-1:ec2:recover"], Tags=TAGS),
    })
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    (alarm,) = target.client("cloudwatch").describe_alarms(AlarmNames=[cfn.physical_id(target, "Recover")])[
        "MetricAlarms"]
    assert alarm["AlarmActions"] == ["arn:aws:automate:us-east-1:ec2:recover"]
    assert alarm["Dimensions"] == [{"Name": "InstanceId", "Value": cfn.physical_id(target, "Web")}]
    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert target.client("cloudwatch").describe_alarms()["MetricAlarms"] == []


def test_alarms_checked_as_cloudwatch_checks_them(target: Emulator) -> None:
    no_instance = cfn.template({"Recover": _alarm(AlarmActions=["arn:aws:automate:us-east-1:ec2:recover"])})
    assert cfn.deploy(target, no_instance) == "ROLLBACK_COMPLETE"
    assert any("An EC2 action can only be used if the alarm is monitoring an EC2 instance" in f
               for f in cfn.failures(target))
    cloudwatch = target.client("cloudwatch")
    with pytest.raises(cloudwatch.exceptions.ClientError, match="Period"):
        cloudwatch.put_metric_alarm(AlarmName="odd", Namespace="AWS/EC2", MetricName="CPUUtilization",
                                    Statistic="Average", Period=45, EvaluationPeriods=1, Threshold=80,
                                    ComparisonOperator="GreaterThanThreshold")


def _log_group(days: int) -> dict:
    return {"Type": "AWS::Logs::LogGroup", "Properties": {
        "LogGroupName": "/GapStack/httpd/access", "RetentionInDays": days, "Tags": TAGS}}


def test_log_group_retention_changed_in_place(target: Emulator) -> None:
    body = cfn.template({"Access": _log_group(90)}, outputs={"Arn": {"Value": {"Fn::GetAtt": ["Access", "Arn"]}}})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    body["Resources"]["Access"] = _log_group(30)
    assert cfn.deploy(target, body) == "UPDATE_COMPLETE", cfn.failures(target)
    (group,) = target.client("logs").describe_log_groups(logGroupNamePrefix="/GapStack")["logGroups"]
    assert group["retentionInDays"] == 30
    assert cfn.outputs(target)["Arn"] == f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/GapStack/httpd/access:*"
    body["Resources"]["Access"] = _log_group(42)
    assert cfn.deploy(target, body) == "UPDATE_ROLLBACK_COMPLETE"
    # The type's schema refuses it first (RetentionInDays' enum), before PutRetentionPolicy would.
    assert any("#/RetentionInDays: failed validation constraint for keyword [enum]" in f for f in cfn.failures(target))


def _backups(retention: int = 7) -> dict:
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "backup.amazonaws.com"}}]}}}
    return cfn.template({
        "Vault": {"Type": "AWS::Backup::BackupVault", "DeletionPolicy": "Retain",
                  "Properties": {"BackupVaultName": "GapVault", "BackupVaultTags": {"app": "ec2-web-server"}}},
        "Plan": {"Type": "AWS::Backup::BackupPlan", "Properties": {"BackupPlan": {
            "BackupPlanName": "Plan", "BackupPlanRule": [{
                "RuleName": "Daily", "ScheduleExpression": "cron(0 5 * * ? *)", "Lifecycle": {"DeleteAfterDays": retention},
                "TargetBackupVault": {"Fn::GetAtt": ["Vault", "BackupVaultName"]}}]}}},
        "Role": role,
        "Selection": {"Type": "AWS::Backup::BackupSelection", "Properties": {
            "BackupPlanId": {"Fn::GetAtt": ["Plan", "BackupPlanId"]}, "BackupSelection": {
                "SelectionName": "StackResources", "IamRoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                "ListOfTags": [{"ConditionType": "STRINGEQUALS", "ConditionKey": "aws:cloudformation:stack-name",
                                "ConditionValue": "GapStack"}]}}},
    })


def test_backup_plan_vault_and_selection(target: Emulator) -> None:
    assert cfn.deploy(target, _backups()) == "CREATE_COMPLETE", cfn.failures(target)
    backup, plan_id = target.client("backup"), cfn.physical_id(target, "Plan")
    (selection,) = backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]
    assert selection["SelectionName"] == "StackResources"
    with pytest.raises(backup.exceptions.ClientError, match="InvalidRequest"):
        backup.delete_backup_plan(BackupPlanId=plan_id)
    version = backup.get_backup_plan(BackupPlanId=plan_id)["VersionId"]
    assert cfn.deploy(target, _backups(retention=14)) == "UPDATE_COMPLETE", cfn.failures(target)
    plan = backup.get_backup_plan(BackupPlanId=plan_id)
    assert plan["VersionId"] != version
    assert plan["BackupPlan"]["Rules"][0]["Lifecycle"]["DeleteAfterDays"] == 14
    assert cfn.delete(target) == "DELETE_COMPLETE", cfn.failures(target)
    assert backup.list_backup_plans()["BackupPlansList"] == []
    assert [v["BackupVaultName"] for v in backup.list_backup_vaults()["BackupVaultList"]] == ["GapVault"]


def test_a_deleted_backup_plans_name_can_be_used_again(target: Emulator) -> None:
    # Deploy, destroy, deploy: the plan's name is free once the plan is deleted (CreateBackupPlan refuses only
    # a plan in use). The kept vault's fixed name would collide too, as in AWS: it is deleted here first.
    assert cfn.deploy(target, _backups()) == "CREATE_COMPLETE", cfn.failures(target)
    assert cfn.delete(target) == "DELETE_COMPLETE", cfn.failures(target)
    backup = target.client("backup")
    backup.delete_backup_vault(BackupVaultName="GapVault")
    assert cfn.deploy(target, _backups()) == "CREATE_COMPLETE", cfn.failures(target)
    (plan,) = backup.list_backup_plans()["BackupPlansList"]
    assert (plan["BackupPlanId"], plan["BackupPlanName"]) == (cfn.physical_id(target, "Plan"), "Plan")


def _schedule(expression: str, zone: str = "Asia/Tokyo") -> dict:
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "scheduler.amazonaws.com"}}]}}}
    return cfn.template({"Role": role, "Stop": {"Type": "AWS::Scheduler::Schedule", "Properties": {
        "ScheduleExpression": expression, "ScheduleExpressionTimezone": zone, "FlexibleTimeWindow": {"Mode": "OFF"},
        "State": "ENABLED", "Target": {"Arn": "arn:aws:scheduler:::aws-sdk:ec2:stopInstances",
                                       "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
                                       "Input": json.dumps({"InstanceIds": ["i-0123456789abcdef0"]})}}}})


def test_schedule_created_updated_and_deleted(target: Emulator) -> None:
    assert cfn.deploy(target, _schedule("cron(0 20 ? * MON-FRI *)")) == "CREATE_COMPLETE", cfn.failures(target)
    scheduler, name = target.client("scheduler"), cfn.physical_id(target, "Stop")
    assert scheduler.get_schedule(Name=name)["ScheduleExpressionTimezone"] == "Asia/Tokyo"
    assert cfn.deploy(target, _schedule("cron(0 21 ? * MON-FRI *)")) == "UPDATE_COMPLETE", cfn.failures(target)
    assert scheduler.get_schedule(Name=name)["ScheduleExpression"] == "cron(0 21 ? * MON-FRI *)"
    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert scheduler.list_schedules()["Schedules"] == []


def test_schedule_with_an_invalid_expression_is_refused(target: Emulator) -> None:
    assert cfn.deploy(target, _schedule("cron(0 20 * * MON-FRI)")) == "ROLLBACK_COMPLETE"
    assert any("Invalid Schedule Expression" in f for f in cfn.failures(target))


def _budget(amount: int, email: str = "ops@example.com", name: str | None = None) -> dict:
    subscribers = [{"SubscriptionType": "EMAIL", "Address": email}]
    return cfn.template({"Budget": {"Type": "AWS::Budgets::Budget", "Properties": {
        "Budget": {"BudgetType": "COST", "TimeUnit": "MONTHLY", "BudgetLimit": {"Amount": amount, "Unit": "USD"},
                   **({"BudgetName": name} if name else {}),
                   "CostFilters": {"TagKeyValue": ["aws:cloudformation:stack-name$GapStack"]}},
        "NotificationsWithSubscribers": [
            {"Notification": {"NotificationType": "FORECASTED", "ComparisonOperator": "GREATER_THAN", "Threshold": 80,
                              "ThresholdType": "PERCENTAGE"}, "Subscribers": subscribers},
            {"Notification": {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 100,
                              "ThresholdType": "PERCENTAGE"}, "Subscribers": subscribers}]}}})


def test_budget_created_updated_and_deleted(target: Emulator) -> None:
    assert cfn.deploy(target, _budget(100)) == "CREATE_COMPLETE", cfn.failures(target)
    budgets, name = target.client("budgets"), cfn.physical_id(target, "Budget")
    assert budgets.describe_budget(AccountId=ACCOUNT, BudgetName=name)["Budget"]["BudgetLimit"]["Amount"] == "100.0"
    assert cfn.deploy(target, _budget(150)) == "UPDATE_COMPLETE", cfn.failures(target)
    assert budgets.describe_budget(AccountId=ACCOUNT, BudgetName=name)["Budget"]["BudgetLimit"]["Amount"] == "150.0"
    notifications = budgets.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName=name)["Notifications"]
    assert sorted(n["NotificationType"] for n in notifications) == ["ACTUAL", "FORECASTED"]
    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert budgets.describe_budgets(AccountId=ACCOUNT).get("Budgets", []) == []


def test_budget_new_notifications_replace_it_and_a_kept_custom_name_is_refused(target: Emulator) -> None:
    # NotificationsWithSubscribers is create-only (the resource schema): a new address replaces the budget.
    assert cfn.deploy(target, _budget(100)) == "CREATE_COMPLETE", cfn.failures(target)
    budgets, first = target.client("budgets"), cfn.physical_id(target, "Budget")
    assert cfn.deploy(target, _budget(100, email="oncall@example.com")) == "UPDATE_COMPLETE", cfn.failures(target)
    second = cfn.physical_id(target, "Budget")
    assert second != first
    assert [b["BudgetName"] for b in budgets.describe_budgets(AccountId=ACCOUNT)["Budgets"]] == [second]
    assert cfn.delete(target) == "DELETE_COMPLETE"
    # With a custom name kept, CloudFormation cannot replace it.
    assert cfn.deploy(target, _budget(100, name="kept")) == "CREATE_COMPLETE", cfn.failures(target)
    assert cfn.deploy(target, _budget(100, email="oncall@example.com", name="kept")) == "UPDATE_ROLLBACK_COMPLETE"
    assert any("custom-named resource requires replacing" in f for f in cfn.failures(target))


def test_budget_mailing_no_address_is_refused(target: Emulator) -> None:
    assert cfn.deploy(target, _budget(100, email="ops")) == "ROLLBACK_COMPLETE"
    assert any("Invalid email address" in f for f in cfn.failures(target))
