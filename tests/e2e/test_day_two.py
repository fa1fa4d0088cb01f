"""Day two with every option on, with the real CLI: deploy, update (retention, schedule, budget, backups, capacity),
destroy, for hand-managed servers and for the Auto Scaling tier.

Alarms, topic, subscription, log groups, backups, schedules and budget are read back from CloudWatch, SNS, CloudWatch
Logs, AWS Backup, EventBridge Scheduler and AWS Budgets.
"""

import json

import pytest

from tests.conftest import DAY_TWO, DAY_TWO_AUTOSCALING, SCHEDULE, synth
from tests.e2e.conftest import assembly, audit
from tools.deployment import describe_fleet

pytestmark = pytest.mark.e2e
ACCOUNT = "123456789012"
LATER = {**SCHEDULE, "stop": "cron(0 21 ? * MON-FRI *)"}
DAY_TWO_UPDATED = {**DAY_TWO, "log_retention_days": "30", "monthly_budget_usd": "150",
                   "backup": json.dumps({"schedule": "daily", "retention_days": 14}), "schedule": json.dumps(LATER)}
DAY_TWO_AUTOSCALING_UPDATED = {**DAY_TWO_AUTOSCALING, "max_capacity": "5", "monthly_budget_usd": "250",
                               "schedule": json.dumps(LATER)}


def operations(emu) -> dict:
    """What day two built, as each service's API shows it."""
    cfn = emu.client("cloudformation")
    physical: dict[str, list[str]] = {}
    for resource in cfn.describe_stack_resources(StackName="WebServerStack")["StackResources"]:
        physical.setdefault(resource["ResourceType"], []).append(resource.get("PhysicalResourceId", ""))
    sns, cloudwatch, logs = emu.client("sns"), emu.client("cloudwatch"), emu.client("logs")
    (topic,) = physical["AWS::SNS::Topic"]
    (subscription,) = physical["AWS::SNS::Subscription"]
    (budget,) = physical["AWS::Budgets::Budget"]
    facts = {
        "physical": physical,
        "topic": sns.get_topic_attributes(TopicArn=topic)["Attributes"],
        "subscription": sns.get_subscription_attributes(SubscriptionArn=subscription)["Attributes"],
        "alarms": cloudwatch.describe_alarms(AlarmNames=physical["AWS::CloudWatch::Alarm"])["MetricAlarms"],
        "log_groups": {g["logGroupName"]: g.get("retentionInDays")
                       for g in logs.describe_log_groups(logGroupNamePrefix="/WebServerStack/")["logGroups"]},
        "budget": emu.client("budgets").describe_budget(AccountId=ACCOUNT, BudgetName=budget)["Budget"],
    }
    if "AWS::Scheduler::Schedule" in physical:
        scheduler = emu.client("scheduler")
        facts["schedules"] = [scheduler.get_schedule(Name=n) for n in physical["AWS::Scheduler::Schedule"]]
    if "AWS::AutoScaling::ScheduledAction" in physical:
        found = emu.client("autoscaling").describe_scheduled_actions()["ScheduledUpdateGroupActions"]
        facts["actions"] = {a["Recurrence"]: (a["MinSize"], a["MaxSize"], a["DesiredCapacity"], a["TimeZone"])
                            for a in found if a["ScheduledActionName"] in physical["AWS::AutoScaling::ScheduledAction"]}
    if "AWS::Backup::BackupPlan" in physical:
        backup = emu.client("backup")
        (plan_id,) = physical["AWS::Backup::BackupPlan"]
        facts["plan"] = backup.get_backup_plan(BackupPlanId=plan_id)
        facts["selections"] = [backup.get_backup_selection(BackupPlanId=plan_id, SelectionId=s["SelectionId"])
                               for s in backup.list_backup_selections(BackupPlanId=plan_id)["BackupSelectionsList"]]
    return facts


def _cycle(cli, emu, before, after) -> dict:
    cli.deploy(app=before)
    first = {**operations(emu), "stack": cli.describe(), "fleet": describe_fleet(emu)}
    cli.deploy(app=after)
    second = {**operations(emu), "stack": cli.describe(), "fleet": describe_fleet(emu)}
    cli.destroy(app=after)
    return {"before": first, "after": second, "audit": audit(emu)}


@pytest.fixture(scope="module")
def single(cli, emu, day_two, tmp_synth_root):
    return _cycle(cli, emu, assembly(day_two), assembly(synth(DAY_TWO_UPDATED, tmp_synth_root)))


@pytest.fixture(scope="module")
def fleet(cli, emu, day_two_fleet, tmp_synth_root, single):  # after `single`: one stack at a time
    return _cycle(cli, emu, assembly(day_two_fleet), assembly(synth(DAY_TWO_AUTOSCALING_UPDATED, tmp_synth_root)))


def test_server_alarms_recover_reboot_and_notify(single):
    (instance,) = single["before"]["stack"]["instances"]
    alarms = {a["MetricName"]: a for a in single["before"]["alarms"]}
    topic = single["before"]["topic"]["TopicArn"]
    assert alarms["StatusCheckFailed_System"]["AlarmActions"] == ["arn:aws:automate:us-east-1:ec2:recover", topic]
    assert alarms["StatusCheckFailed_Instance"]["AlarmActions"] == ["arn:aws:automate:us-east-1:ec2:reboot", topic]
    assert alarms["CPUUtilization"]["AlarmActions"] == [topic]
    server = {"Name": "InstanceId", "Value": instance["InstanceId"]}
    for name in ("StatusCheckFailed_System", "StatusCheckFailed_Instance", "CPUUtilization", "mem_used_percent"):
        assert alarms[name]["Dimensions"] == [server]
    # The CloudWatch agent's disk use, of the root file system (issue 20).
    assert alarms["disk_used_percent"]["Dimensions"] == [server, {"Name": "path", "Value": "/"}]


def test_alarm_topic_encrypted_tls_only_and_mailing_once_confirmed(single):
    topic = single["before"]["topic"]
    (key,) = single["before"]["physical"]["AWS::KMS::Key"]
    assert topic["KmsMasterKeyId"].endswith(key)
    assert json.loads(topic["Policy"])["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    subscription = single["before"]["subscription"]
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", "ops@example.com")
    assert subscription["PendingConfirmation"] == "true"


def test_logs_retention_updated_in_place(single):
    names = ["/WebServerStack/boot", "/WebServerStack/httpd/access", "/WebServerStack/httpd/error"]
    assert single["before"]["log_groups"] == dict.fromkeys(names, 90)
    assert single["after"]["log_groups"] == dict.fromkeys(names, 30)


def _covers(selection: dict, instance_id: str) -> bool:
    """The selection takes the instance: by its ARN, or by the stack's tag (which the instance carries)."""
    body = selection["BackupSelection"]
    by_tag = any(t["ConditionKey"] == "aws:cloudformation:stack-name" and t["ConditionValue"] == "WebServerStack"
                 for t in body.get("ListOfTags", []))
    return by_tag or any(arn.endswith(f":instance/{instance_id}") for arn in body.get("Resources", []))


def test_backups_cover_the_server_with_retention_updated(single):
    (instance,) = single["before"]["stack"]["instances"]
    (selection,) = single["before"]["selections"]
    assert _covers(selection, instance["InstanceId"])
    rules = [p["plan"]["BackupPlan"]["Rules"][0] for p in (single["before"], single["after"])]
    assert [r["Lifecycle"]["DeleteAfterDays"] for r in rules] == [7, 14]
    assert single["after"]["plan"]["BackupPlanId"] == single["before"]["plan"]["BackupPlanId"]


def test_stop_start_schedules_call_ec2_for_the_server(single):
    (instance,) = single["before"]["stack"]["instances"]
    schedules = {s["Target"]["Arn"].rsplit(":", 1)[-1]: s for s in single["before"]["schedules"]}
    assert set(schedules) == {"stopInstances", "startInstances"}
    for schedule in schedules.values():
        assert schedule["ScheduleExpressionTimezone"] == "Asia/Tokyo"
        assert json.loads(schedule["Target"]["Input"]) == {"InstanceIds": [instance["InstanceId"]]}
    stop = {s["Target"]["Arn"].rsplit(":", 1)[-1]: s for s in single["after"]["schedules"]}["stopInstances"]
    assert stop["ScheduleExpression"] == "cron(0 21 ? * MON-FRI *)"


def test_budget_for_the_stack_tag_updated(single):
    assert single["before"]["budget"]["BudgetLimit"]["Amount"] == "100.0"
    assert single["before"]["budget"]["CostFilters"] == {"TagKeyValue": ["aws:cloudformation:stack-name$WebServerStack"],
                                                         "Region": ["us-east-1"]}
    assert single["after"]["budget"]["BudgetName"] == single["before"]["budget"]["BudgetName"]  # updated in place
    assert single["after"]["budget"]["BudgetName"].startswith("WebServerStack-us-east-1-")
    assert single["after"]["budget"]["BudgetLimit"]["Amount"] == "150.0"


def test_update_keeps_the_server(single):
    assert single["after"]["stack"]["status"] == "UPDATE_COMPLETE"
    (before,), (after,) = single["before"]["stack"]["instances"], single["after"]["stack"]["instances"]
    assert after["InstanceId"] == before["InstanceId"]


def test_single_tier_destroy_leaves_nothing_unintended(single):
    assert single["audit"].returncode == 0, single["audit"].stdout + single["audit"].stderr


def test_group_alarms_watch_the_load_balancer_and_the_group(fleet):
    alarms = {a["MetricName"]: a for a in fleet["before"]["alarms"]}
    assert set(alarms) == {"UnHealthyHostCount", "HTTPCode_ELB_5XX_Count", "GroupInServiceInstances",
                           "mem_used_percent", "disk_used_percent"}  # the last two from the CloudWatch agent
    (balancer,) = fleet["before"]["fleet"]["load_balancers"]
    full_name = balancer["LoadBalancerArn"].split(":loadbalancer/")[1]
    assert {"Name": "LoadBalancer", "Value": full_name} in alarms["HTTPCode_ELB_5XX_Count"]["Dimensions"]
    (group,) = fleet["before"]["fleet"]["groups"]
    assert alarms["GroupInServiceInstances"]["Dimensions"] == [
        {"Name": "AutoScalingGroupName", "Value": group["AutoScalingGroupName"]}]
    assert [m["Metric"] for m in group["EnabledMetrics"]] == ["GroupInServiceInstances"]


def test_group_at_maximum_alarm_follows_max_capacity_in_place(fleet):
    def at_maximum(facts):
        (alarm,) = [a for a in facts["alarms"] if a["MetricName"] == "GroupInServiceInstances"]
        return alarm["AlarmName"], alarm["Threshold"]

    (name, before), (same, after) = at_maximum(fleet["before"]), at_maximum(fleet["after"])
    assert (same, before, after) == (name, 4.0, 5.0)
    (group,) = fleet["after"]["fleet"]["groups"]
    assert group["MaxSize"] == 5
    assert {i["InstanceId"] for i in fleet["after"]["fleet"]["instances"]} == \
        {i["InstanceId"] for i in fleet["before"]["fleet"]["instances"]}


def test_group_scales_to_zero_and_back_on_schedule(fleet):
    assert fleet["before"]["actions"] == {"0 20 * * MON-FRI": (0, 0, 0, "Asia/Tokyo"),
                                          "0 8 * * MON-FRI": (2, 4, 2, "Asia/Tokyo")}
    assert fleet["after"]["actions"] == {"0 21 * * MON-FRI": (0, 0, 0, "Asia/Tokyo"),
                                         "0 8 * * MON-FRI": (2, 5, 2, "Asia/Tokyo")}
    assert fleet["after"]["budget"]["BudgetLimit"]["Amount"] == "250.0"


def test_fleet_destroy_leaves_nothing_unintended(fleet):
    assert fleet["audit"].returncode == 0, fleet["audit"].stdout + fleet["audit"].stderr
