"""Day two: alarms that heal and notify, logs, backups, a stop/start schedule, and a budget (in AWS and at synth)."""

import json
import subprocess
import sys

import pytest

from ec2_web_server import SettingError
from ec2_web_server.options import unix_cron
from tests.conftest import ROOT, base_context, jsii_package_cache
from tests.unit.test_validation import build


def alarms(result) -> dict[str, dict]:
    return {r["Properties"]["MetricName"]: r["Properties"] for r in result.resources("AWS::CloudWatch::Alarm").values()}


def topic_id(result) -> str:
    (topic,) = result.resources("AWS::SNS::Topic")
    return topic


def test_no_topic_and_no_alarm_by_default(default):
    default.assertions().resource_count_is("AWS::SNS::Topic", 0)
    default.assertions().resource_count_is("AWS::CloudWatch::Alarm", 0)


def test_the_alarm_topic_is_encrypted_tls_only_and_mails_the_address(day_two):
    (_, topic), = day_two.resources("AWS::SNS::Topic").items()
    (key,) = day_two.resources("AWS::KMS::Key")
    assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    assert day_two.resources("AWS::KMS::Key")[key]["Properties"]["EnableKeyRotation"] is True
    policy = next(iter(day_two.resources("AWS::SNS::TopicPolicy").values()))["Properties"]["PolicyDocument"]
    assert [s["Condition"] for s in policy["Statement"] if s["Effect"] == "Deny"] == [
        {"Bool": {"aws:SecureTransport": "false"}}]
    day_two.assertions().has_resource_properties("AWS::SNS::Subscription", {
        "Protocol": "email", "Endpoint": "ops@example.com", "TopicArn": {"Ref": topic_id(day_two)}})


def test_cloudwatch_may_use_the_topics_key(day_two):
    (key,) = day_two.resources("AWS::KMS::Key").values()
    statements = key["Properties"]["KeyPolicy"]["Statement"]
    assert any(s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"} and "kms:GenerateDataKey*" in s["Action"]
               for s in statements)


def test_single_tier_recovers_reboots_and_reports_high_cpu(day_two):
    by_metric = alarms(day_two)
    notify = {"Ref": topic_id(day_two)}
    system, instance, cpu = (by_metric[m] for m in ("StatusCheckFailed_System", "StatusCheckFailed_Instance",
                                                   "CPUUtilization"))
    assert any("ec2:recover" in json.dumps(a) for a in system["AlarmActions"])
    assert notify in system["AlarmActions"]
    assert any("ec2:reboot" in json.dumps(a) for a in instance["AlarmActions"])
    assert notify in instance["AlarmActions"]
    assert (cpu["Threshold"], cpu["Period"] * cpu["EvaluationPeriods"]) == (80, 15 * 60)
    assert cpu["AlarmActions"] == [notify]


def test_no_recover_action_with_instance_store(synth_with):
    result = synth_with({"alarm_email": "ops@example.com", "instance_type": "m5d.large", "instance_store": "true"})
    system = alarms(result)["StatusCheckFailed_System"]
    assert not any("ec2:recover" in json.dumps(a) for a in system["AlarmActions"])


def test_autoscaling_tier_reports_unhealthy_targets_5xx_and_a_full_group(day_two_fleet):
    by_metric = alarms(day_two_fleet)
    assert by_metric["UnHealthyHostCount"]["Namespace"] == "AWS/ApplicationELB"
    assert by_metric["HTTPCode_ELB_5XX_Count"]["Threshold"] == 10
    full = by_metric["GroupInServiceInstances"]
    assert (full["Threshold"], full["Period"] * full["EvaluationPeriods"]) == (4, 30 * 60)
    (group,) = day_two_fleet.resources("AWS::AutoScaling::AutoScalingGroup").values()
    assert group["Properties"]["MetricsCollection"] == [{"Granularity": "1Minute",
                                                         "Metrics": ["GroupInServiceInstances"]}]
    assert not any(m.startswith("StatusCheck") for m in by_metric)  # replacing instances is the group's job


def test_logs_go_to_three_groups_with_the_retention(day_two):
    groups = day_two.resources("AWS::Logs::LogGroup")
    names = [json.dumps(g["Properties"]["LogGroupName"]) for g in groups.values()]
    assert sorted(n.split("/")[-1].rstrip('"]}') for n in names) == ["access", "boot", "error"]
    assert {g["Properties"]["RetentionInDays"] for g in groups.values()} == {90}
    assert {g["DeletionPolicy"] for g in groups.values()} == {"Delete"}


def test_the_agent_is_installed_and_given_only_what_it_needs(day_two):
    (instance,) = day_two.resources("AWS::EC2::Instance").values()
    script = json.dumps(instance["Properties"]["UserData"])
    assert "amazon-cloudwatch-agent-ctl -a fetch-config" in script
    assert "/var/log/httpd/access_log" in script
    statements = [s for p in day_two.resources("AWS::IAM::Policy").values()
                  for s in p["Properties"]["PolicyDocument"]["Statement"]]
    (metrics,) = [s for s in statements if s.get("Action") == "cloudwatch:PutMetricData"]
    assert metrics["Condition"] == {"StringEquals": {"cloudwatch:namespace": "CWAgent"}}
    writes = [s for s in statements if "logs:PutLogEvents" in s.get("Action", [])]
    assert writes
    assert all(s["Resource"] != "*" for s in writes)


def test_backup_plan_vault_and_a_selection_of_the_instances(day_two):
    (vault,) = day_two.resources("AWS::Backup::BackupVault").values()
    assert vault["DeletionPolicy"] == "Retain"
    (plan,) = day_two.resources("AWS::Backup::BackupPlan").values()
    (rule,) = plan["Properties"]["BackupPlan"]["BackupPlanRule"]
    assert rule["Lifecycle"] == {"DeleteAfterDays": 7}
    assert rule["ScheduleExpression"] == "cron(0 5 * * ? *)"
    # The instances by ARN (each recovery point an AMI with all its volumes), not everything with the stack's
    # tag: the data volume would then be backed up a second time on its own.
    (selection,) = day_two.resources("AWS::Backup::BackupSelection").values()
    chosen = selection["Properties"]["BackupSelection"]
    assert "ListOfTags" not in chosen
    (instance,) = day_two.resources("AWS::EC2::Instance")
    assert day_two.resources("AWS::EC2::Volume")  # there is a data volume to leave out
    (arn,) = chosen["Resources"]
    assert {"Ref": instance} in arn["Fn::Join"][1]


def test_single_tier_is_stopped_and_started_by_eventbridge_scheduler(day_two):
    schedules = {s["Properties"]["Target"]["Arn"]["Fn::Join"][1][-1]: s["Properties"]
                 for s in day_two.resources("AWS::Scheduler::Schedule").values()}
    stop = schedules[":scheduler:::aws-sdk:ec2:stopInstances"]  # a universal target: EC2's API, no Lambda
    start = schedules[":scheduler:::aws-sdk:ec2:startInstances"]
    assert (stop["ScheduleExpression"], stop["ScheduleExpressionTimezone"]) == ("cron(0 20 ? * MON-FRI *)",
                                                                                 "Asia/Tokyo")
    assert start["ScheduleExpression"] == "cron(0 8 ? * MON-FRI *)"
    (instance,) = day_two.resources("AWS::EC2::Instance")
    for schedule in (stop, start):
        assert {"Ref": instance} in schedule["Target"]["Input"]["Fn::Join"][1]


def test_autoscaling_tier_scales_to_zero_and_back(day_two_fleet):
    actions = {a["Properties"]["Recurrence"]: a["Properties"]
               for a in day_two_fleet.resources("AWS::AutoScaling::ScheduledAction").values()}
    stop, start = actions["0 20 * * MON-FRI"], actions["0 8 * * MON-FRI"]
    assert (stop["MinSize"], stop["MaxSize"], stop["DesiredCapacity"], stop["TimeZone"]) == (0, 0, 0, "Asia/Tokyo")
    assert (start["MinSize"], start["MaxSize"], start["DesiredCapacity"]) == (2, 4, 2)


def _budget_name(email: str) -> str:
    import aws_cdk as cdk

    from ec2_web_server.operations import Budget

    stack = cdk.Stack(cdk.App(), "WebServerStack", env=cdk.Environment(account="123456789012", region="us-east-1"))
    return stack.resolve(Budget(stack, "Budget", amount_usd=50, email=email).budget.budget)["budgetName"]


def test_a_new_alarm_email_gives_the_budget_a_new_name():
    # Its notifications cannot change in place, and CloudFormation will not replace a budget under the same name.
    assert _budget_name("ops@example.com") == _budget_name("ops@example.com")
    assert _budget_name("ops@example.com") != _budget_name("oncall@example.com")


@pytest.mark.parametrize(("expression", "recurrence"), [
    ("cron(0 20 ? * MON-FRI *)", "0 20 * * MON-FRI"),
    ("cron(0 20 ? * 2-6 *)", "0 20 * * 1-5"),  # EventBridge's 1 is Sunday, unix cron's 0
    ("cron(30 7 ? * 1,7 *)", "30 7 * * 0,6"),
    ("cron(0 8 1 * ? *)", "0 8 1 * *"),
])
def test_a_scheduled_action_takes_the_same_times_in_unix_cron(expression, recurrence):
    assert unix_cron("schedule.stop", expression) == recurrence


def test_budget_mails_at_80_forecast_and_100_actual_for_the_stack_tag(day_two):
    (budget,) = day_two.resources("AWS::Budgets::Budget").values()
    data = budget["Properties"]["Budget"]
    assert data["BudgetLimit"] == {"Amount": 100, "Unit": "USD"}
    assert data["CostFilters"] == {"TagKeyValue": ["aws:cloudformation:stack-name$WebServerStack"],
                                   "Region": ["us-east-1"]}  # the same stack name in another region is not this one
    assert data["BudgetName"].startswith("WebServerStack-us-east-1-")  # budgets are per account
    notes = {(n["Notification"]["NotificationType"], n["Notification"]["Threshold"])
             for n in budget["Properties"]["NotificationsWithSubscribers"]}
    assert notes == {("FORECASTED", 80), ("ACTUAL", 100)}


def test_the_budget_guard_fails_synthesis_above_the_budget_in_one_line(tmp_path):
    context = {**base_context(), "monthly_budget_usd": "5", "alarm_email": "ops@example.com"}
    env = {"CDK_CONTEXT_JSON": json.dumps(context), "CDK_OUTDIR": str(tmp_path), "PATH": "/usr/bin:/bin",
           "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "HOME": str(tmp_path),
           "JSII_RUNTIME_PACKAGE_CACHE_ROOT": jsii_package_cache()}
    run = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 1
    (line,) = run.stderr.strip().splitlines()
    assert line.startswith("error: monthly_budget_usd: got 5; the stack is estimated at $")
    assert line.endswith("a month in us-east-1 (make cost shows each line), above the budget")


@pytest.mark.parametrize(("context", "match"), [
    ({"alarm_email": "ops@"}, r"^alarm_email: got 'ops@'; must be an email address"),
    ({"alarm_email": "ops example.com"}, r"^alarm_email: got 'ops example.com'; must be an email address"),
    ({"logs": "true", "log_retention_days": "10"}, r"^log_retention_days: got 10; must be one of CloudWatch Logs' periods"),
    ({"schedule": '{"stop": "0 20 * * MON-FRI", "start": "cron(0 8 ? * MON-FRI *)"}'},
     r"^schedule.stop: got '0 20 \* \* MON-FRI'; must be a cron expression with six fields"),
    ({"schedule": '{"stop": "cron(0 20 * * MON-FRI *)", "start": "cron(0 8 ? * MON-FRI *)"}'},
     r"^schedule.stop: got 'cron\(0 20 \* \* MON-FRI \*\)'; needs \? in day-of-month or in day-of-week"),
    ({"schedule": '{"stop": "cron(0 20 ? * MON-FRI *)", "start": "cron(0 8 ? * MON-FRI *)", "timezone": "Tokyo"}'},
     r"^schedule.timezone: got 'Tokyo'; must be an IANA time zone"),
    ({"schedule": '{"stop": "cron(0 20 ? * MON-FRI *)"}'}, r"^schedule.start: got None; is required"),
    ({"schedule": '{"stop": "cron(75 20 ? * MON-FRI *)", "start": "cron(0 8 ? * MON-FRI *)"}'},
     r"^schedule.stop: got 'cron\(75 20 \? \* MON-FRI \*\)'; has '75' in its minutes field, which takes 0-59$"),
    ({"schedule": '{"stop": "cron(0 20 ? * 0-4 *)", "start": "cron(0 8 ? * MON-FRI *)"}'},
     r"^schedule.stop: got .*; has '0-4' in its day-of-week field, which takes 1-7 or SUN-SAT$"),
    ({"schedule": '{"stop": "cron(0 20 ? * MON-FRI *)", "start": "cron(0 8 ? FEBR MON-FRI *)"}'},
     r"^schedule.start: got .*; has 'FEBR' in its month field, which takes 1-12 or JAN-DEC$"),
    # What the AWS parser cost_model/cron.py reads schedules with refuses, the check refuses too (one parser).
    ({"schedule": '{"stop": "cron(*/0 20 ? * MON-FRI *)", "start": "cron(0 8 ? * MON-FRI *)"}'},
     r"^schedule.stop: got .*; has '\*/0' in its minutes field: a step \(after /\) must be a whole number of 1 or more$"),
    ({"schedule": '{"stop": "cron(5/ 20 ? * MON-FRI *)", "start": "cron(0 8 ? * MON-FRI *)"}'},
     r"^schedule.stop: got .*; has '5/' in its minutes field: a step \(after /\) must be a whole number"),
    ({"schedule": '{"stop": "cron(0 20 ? * 6#6 *)", "start": "cron(0 8 ? * MON-FRI *)"}'},
     r"^schedule.stop: got .*; has '6#6' in its day-of-week field: # takes one day and its week of the month"),
    ({"schedule": '{"stop": "cron(0 20 ? * 2-6#2 *)", "start": "cron(0 8 ? * MON-FRI *)"}'},
     r"^schedule.stop: got .*; has '2-6#2' in its day-of-week field, which takes 1-7 or SUN-SAT$"),
    ({"schedule": '{"stop": "cron(0 20 ? * 3#1,6#3 *)", "start": "cron(0 8 ? * MON-FRI *)"}'},
     r"^schedule.stop: got .*; has '3#1,6#3' in its day-of-week field: # allows one expression in the field, not a list$"),
    ({"backup": '{"schedule": "cron(0 5 1-5W * ? *)"}'},
     r"^backup.schedule: got .*; has '1-5W' in its day-of-month field, which takes 1-31$"),
    ({"tier": "autoscaling", "schedule": '{"stop": "cron(0 20 ? * 6L *)", "start": "cron(0 8 ? * MON-FRI *)"}'},
     r"^schedule.stop: got 'cron\(0 20 \? \* 6L \*\)'; cannot be a scheduled action of tier=autoscaling, which "
     r"takes unix cron: no year, L, W or #"),
    ({"tier": "autoscaling", "schedule": '{"stop": "cron(0 20 ? * MON-FRI 2027)", "start": "cron(0 8 ? * MON-FRI *)"}'},
     r"^schedule.stop: got .*; cannot be a scheduled action of tier=autoscaling"),
    ({"backup": '{"retention_days": 0}'}, r"^backup.retention_days: got 0; must be from 1 to 36500 days"),
    ({"backup": '{"schedule": "hourly"}'}, r"^backup.schedule: got 'hourly'; must be a cron expression"),
    ({"backup": '{}', "tier": "autoscaling"}, r"^backup: got .*; has nothing to back up with tier=autoscaling"),
    ({"monthly_budget_usd": "50"}, r"^monthly_budget_usd: got 50; needs alarm_email"),
    ({"monthly_budget_usd": "0", "alarm_email": "ops@example.com"}, r"^monthly_budget_usd: got 0; must be a number"),
    ({"monthly_budget_usd": "fifty"}, r"^monthly_budget_usd: got 'fifty'; must be a number"),
])
def test_day_two_rule(context, match):
    with pytest.raises(SettingError, match=match):
        build(**context)


@pytest.mark.parametrize("expression", [
    "cron(0 20 ? * MON-FRI *)", "cron(0 5 * * ? *)", "cron(0 8 L * ? *)", "cron(0 8 15W * ? *)", "cron(0 8 LW * ? *)",
    "cron(0 8 ? * 6L *)", "cron(0 8 ? * 3#2 *)", "cron(*/15 8-18 ? JAN-MAR MON,WED 2027-2030)", "cron(0 8 1/1 * ? *)",
    "cron(0 20 ? * 0-4 *)", "cron(0 8 ? FEBR MON-FRI *)", "cron(*/0 20 ? * MON-FRI *)", "cron(5/ 20 ? * MON-FRI *)",
    "cron(0 20 ? * 6#6 *)", "cron(0 20 ? * 2-6#2 *)", "cron(0 20 ? * 3#1,6#3 *)", "cron(0 5 1-5W * ? *)",
    "cron(0 20 * * MON-FRI *)", "cron(? 20 ? * MON-FRI *)", "cron(0 20 ? * */2 *)", "cron(0 20 ? * mon-fri *)",
    "0 20 * * MON-FRI",
])
def test_the_check_accepts_exactly_what_the_schedule_simulation_reads(expression):
    from cost_model import cron
    from ec2_web_server.options import check_cron

    try:
        cron.parse_aws(expression)
    except cron.CronError:
        with pytest.raises(SettingError, match=r"^schedule.stop: got "):
            check_cron("schedule.stop", expression)
    else:
        check_cron("schedule.stop", expression)


def test_every_log_retention_period_names_a_retention_days_member():
    from aws_cdk import aws_logs as logs

    from ec2_web_server.options import LOG_RETENTION_PERIODS

    for name in LOG_RETENTION_PERIODS.values():
        logs.RetentionDays(name)


def test_backup_vault_name_is_new_for_every_stack_so_a_redeploy_does_not_collide(day_two):
    # The kept vault of a destroyed stack holds the old name; the next stack's ID gives the new vault another.
    (vault,) = day_two.resources("AWS::Backup::BackupVault").values()
    separator, (prefix, suffix) = vault["Properties"]["BackupVaultName"]["Fn::Join"]
    assert separator == "-"
    assert prefix.startswith("WebServerStack")  # make audit also finds a vault by its stack's name
    assert len(prefix) + 1 + 8 <= 50  # BackupVaultName: at most 50 characters
    stack_uuid = {"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "AWS::StackId"}]}]}
    assert suffix == {"Fn::Select": [0, {"Fn::Split": ["-", stack_uuid]}]}
