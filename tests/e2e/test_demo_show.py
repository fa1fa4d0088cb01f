"""`make demo`'s "show what was built" (tools/demo.show_all) on a deployed stack that holds a bit of everything: the
single tier behind HTTPS on a name, with every day-two option. Each line is checked against what the service's own
API answers (CloudWatch, SNS, KMS, CloudWatch Logs, AWS Backup, EventBridge Scheduler, AWS Budgets, Elastic Load
Balancing, EC2), so a resource the demo stops showing fails here."""

import contextlib
import io

import pytest

import emulator
from tests.conftest import DAY_TWO, synth
from tests.e2e.conftest import assembly
from tools import demo
from tools.deployment import describe_fleet, describe_operations, describe_stack

pytestmark = pytest.mark.e2e
SITE = {**DAY_TWO, "domain_name": f"www.{emulator.EXAMPLE_ZONE}", "hosted_zone": emulator.EXAMPLE_ZONE,
        "https": "true"}


@pytest.fixture(scope="module")
def shown(cli, emu, tmp_synth_root):
    synthesized = synth(SITE, tmp_synth_root)
    app = assembly(synthesized)
    cli.deploy(app=app)
    try:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            demo.show_all(emu, SITE)
        facts = {"text": printed.getvalue(), "operations": describe_operations(emu), "fleet": describe_fleet(emu),
                 "stack": describe_stack(emu), "template": synthesized}
    finally:
        cli.destroy(app=app)
    return facts


def lines(shown, label):
    return [line.strip() for line in shown["text"].splitlines() if line.strip().startswith(label)]


def test_every_alarm_with_what_it_does(shown):
    alarms = shown["operations"]["alarms"]
    # recover, reboot, and the memory and disk alarms (logs with alarm_email): all the template's
    assert len(alarms) == len(shown["template"].resources("AWS::CloudWatch::Alarm")) == 5
    printed = lines(shown, "alarm ")
    assert len(printed) == len(alarms)
    for alarm in alarms:
        (line,) = [line for line in printed if line.startswith(f"alarm      {alarm['AlarmName']}: ")]
        assert f"{alarm['Namespace']} {alarm['MetricName']}" in line
    assert {line.split(" -> ")[1].split(",")[0] for line in printed} == {"recover", "reboot", "notify " +
                                                                         shown["operations"]["topics"][0][
                                                                             "TopicArn"].rsplit(":", 1)[1]}


def test_the_topic_its_key_and_the_subscription(shown):
    (topic,) = shown["operations"]["topics"]
    (key,) = shown["operations"]["keys"]
    assert lines(shown, "topic ") == [f"topic      {topic['TopicArn']}  encrypted with {topic['KmsMasterKeyId']}"]
    assert lines(shown, "subscribed ")[0].startswith("subscribed email ops@example.com")
    assert lines(shown, "KMS key ") == [f"KMS key    {key['KeyId']}  Enabled, rotated yearly: True"]


def test_every_log_group_with_its_retention(shown):
    groups = shown["operations"]["log_groups"]
    # the agent's three (log_retention_days 90) and the bucket auto-delete provider's own (a week)
    assert len(groups) == len(shown["template"].resources("AWS::Logs::LogGroup")) == 4
    assert sorted(group["retentionInDays"] for group in groups) == [7, 90, 90, 90]
    assert set(lines(shown, "log group ")) == {f"log group  {group['logGroupName']}  kept {group['retentionInDays']} days"
                                               for group in groups}


def test_the_backup_plan_its_selection_and_the_vault(shown):
    (plan,) = shown["operations"]["backup_plans"]
    (vault,) = shown["operations"]["backup_vaults"]
    (rule,) = plan["BackupPlan"]["Rules"]
    assert f"backup     plan {plan['BackupPlan']['BackupPlanName']}: {rule['ScheduleExpression']}, kept 7 days, " \
           f"into vault {vault['BackupVaultName']}" in lines(shown, "backup ")
    (selection,) = plan["Selections"]
    assert lines(shown, "selection ") == [f"selection {selection['SelectionName']} ({selection['SelectionId']})"]
    assert lines(shown, "vault ")[0].startswith(f"vault      {vault['BackupVaultName']}  ")


def test_the_stop_and_start_schedules(shown):
    schedules = shown["operations"]["schedules"]
    assert {line.rsplit(" -> ", 1)[1] for line in lines(shown, "schedule ")} == {"stopInstances", "startInstances"}
    for schedule in schedules:
        assert any(line.startswith(f"schedule   {schedule['Name']}: {schedule['ScheduleExpression']} Asia/Tokyo")
                   for line in lines(shown, "schedule "))


def test_the_budget(shown):
    (budget,) = shown["operations"]["budgets"]
    assert lines(shown, "budget ") == [f"budget     {budget['BudgetName']}: 100 USD a month"]


def test_the_load_balancer_its_listeners_and_its_access_logs_bucket(shown):
    (balancer,) = shown["fleet"]["load_balancers"]
    assert lines(shown, "load bal. ")[0].startswith(f"load bal.  {balancer['DNSName']}")
    listeners = lines(shown, "listener ")
    assert listeners[0] == "listener   HTTP/80: redirect to HTTPS (HTTP_301)"
    assert listeners[1].startswith("listener   HTTPS/443  ELBSecurityPolicy-")
    (bucket,) = shown["operations"]["buckets"]
    assert lines(shown, "bucket ") == [f"bucket     s3://{bucket}"]


def test_each_ingress_rule_names_the_group_it_belongs_to(shown):
    (balancer,) = shown["fleet"]["load_balancers"]
    (balancer_group,) = balancer["SecurityGroups"]
    (instance,) = shown["stack"]["instances"]
    (server_group,) = [g["GroupId"] for g in instance["SecurityGroups"]]
    ingress = lines(shown, "ingress ")
    assert f"ingress    tcp/443 from 0.0.0.0/0  (the load balancer's group {balancer_group})" in ingress
    assert f"ingress    tcp/80 from the load balancer's group {balancer_group}  (the servers' group {server_group})" \
        in ingress
    assert all(line.endswith((f"group {balancer_group})", f"group {server_group})")) for line in ingress)


def test_the_rest_is_counted_on_one_line(shown):
    physical = shown["operations"]["physical"]
    (also,) = lines(shown, "also ")
    assert f"{len(physical['AWS::IAM::Role'])} IAM::Role" in also
    assert f"{len(physical['AWS::EC2::VolumeAttachment'])} EC2::VolumeAttachment" in also
