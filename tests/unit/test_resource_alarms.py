"""Memory and disk alarms from the CloudWatch agent's metrics (issue 20): each alarm's dimensions are exactly the
ones the agent's configuration publishes the metric under, or the alarm would never see a datapoint."""

import json

import pytest

from ec2_web_server import SettingError
from tests.unit.test_validation import build


def agent_config(result) -> dict:
    """The CloudWatch agent's configuration, as the user data writes it (references shown as "<ref>")."""
    (owner,) = [r for r in result.template["Resources"].values()
                if r["Type"] in ("AWS::EC2::Instance", "AWS::EC2::LaunchTemplate")]
    properties = owner["Properties"].get("LaunchTemplateData", owner["Properties"])
    user_data = properties["UserData"]["Fn::Base64"]
    script = "".join(part if isinstance(part, str) else "<ref>" for part in user_data["Fn::Join"][1])
    return json.loads(script.split("<<'AGENT_CONFIG'\n")[1].split("\nAGENT_CONFIG")[0])


def agent_alarms(result) -> dict[str, dict]:
    return {k: r["Properties"] for k, r in result.resources("AWS::CloudWatch::Alarm").items()
            if r["Properties"].get("Namespace") == "CWAgent"}


def published_dimensions(config: dict, metric: str) -> list[set[str]]:
    """The dimension sets the agent publishes ``metric`` under: the raw one and each roll-up that applies."""
    appended = set(config["metrics"]["append_dimensions"])
    raw = appended | ({"path", "fstype"} if metric.startswith("disk") else set())
    return [raw] + [set(rollup) for rollup in config["metrics"]["aggregation_dimensions"] if set(rollup) <= raw]


def test_single_servers_alarm_on_memory_and_root_disk_per_instance(day_two):
    config = agent_config(day_two)
    alarms = agent_alarms(day_two)
    memory, disk = (next(a for a in alarms.values() if a["MetricName"] == name)
                    for name in ("mem_used_percent", "disk_used_percent"))
    (instance,) = day_two.resources("AWS::EC2::Instance")
    assert memory["Dimensions"] == [{"Name": "InstanceId", "Value": {"Ref": instance}}]
    assert disk["Dimensions"] == [{"Name": "InstanceId", "Value": {"Ref": instance}}, {"Name": "path", "Value": "/"}]
    for alarm in (memory, disk):
        assert {d["Name"] for d in alarm["Dimensions"]} in published_dimensions(config, alarm["MetricName"])
    assert "/" in config["metrics"]["metrics_collected"]["disk"]["resources"]
    assert (memory["Threshold"], memory["Period"] * memory["EvaluationPeriods"]) == (90, 15 * 60)
    assert (disk["Threshold"], disk["Period"] * disk["EvaluationPeriods"]) == (85, 10 * 60)
    notify = [{"Ref": next(iter(day_two.resources("AWS::SNS::Topic")))}]
    assert memory["AlarmActions"] == notify
    assert disk["AlarmActions"] == notify


def test_the_auto_scaling_tier_alarms_on_its_worst_instance_by_group(day_two_fleet):
    config = agent_config(day_two_fleet)
    assert config["metrics"]["append_dimensions"]["AutoScalingGroupName"] == "${aws:AutoScalingGroupName}"
    (group,) = day_two_fleet.resources("AWS::AutoScaling::AutoScalingGroup")
    alarms = agent_alarms(day_two_fleet).values()
    assert {a["MetricName"] for a in alarms} == {"mem_used_percent", "disk_used_percent"}
    for alarm in alarms:
        assert alarm["Statistic"] == "Maximum"
        assert {"Name": "AutoScalingGroupName", "Value": {"Ref": group}} in alarm["Dimensions"]
        assert {d["Name"] for d in alarm["Dimensions"]} in published_dimensions(config, alarm["MetricName"])
    # The agent reads the group's name from the instance's tags.
    statements = [s for p in day_two_fleet.resources("AWS::IAM::Policy").values()
                  for s in p["Properties"]["PolicyDocument"]["Statement"]]
    assert any(s.get("Action") == "ec2:DescribeTags" for s in statements)


def test_a_data_volumes_mount_point_is_reported_and_watched_with_the_thresholds_given():
    from aws_cdk.assertions import Template

    stack = build(logs="true", alarm_email="ops@example.com", memory_alarm_percent="75.5", disk_alarm_percent="70",
                  volumes='[{"size": 20, "mount_point": "/data"}]')
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::CloudWatch::Alarm", {
        "MetricName": "disk_used_percent", "Threshold": 70,
        "Dimensions": [{"Name": "InstanceId", "Value": {"Ref": stack.resolve(stack.web_server.instance.instance_id)[
            "Ref"]}}, {"Name": "path", "Value": "/data"}]})
    template.has_resource_properties("AWS::CloudWatch::Alarm", {"MetricName": "mem_used_percent", "Threshold": 75.5})
    assert '\\"/data\\"' in json.dumps(template.to_json())  # in the agent's disk resources


def test_no_agent_alarms_without_logs(default):
    assert not agent_alarms(default)


@pytest.mark.parametrize(("context", "match"), [
    ({"memory_alarm_percent": "80", "alarm_email": "ops@example.com"},
     r"^memory_alarm_percent: got 80; only applies with logs=true \(the CloudWatch agent reports memory and disk use\) "
     r"and alarm_email"),
    ({"disk_alarm_percent": "80", "logs": "true"}, r"^disk_alarm_percent: got 80; only applies with logs=true"),
    ({"disk_alarm_percent": "100", "logs": "true", "alarm_email": "ops@example.com"},
     r"^disk_alarm_percent: got 100; must be a percentage above 0 and below 100"),
    ({"volumes": '[{"size": 10, "mount_point": "data"}]'},
     r"^volumes\[0\].mount_point: got 'data'; must be an absolute path other than /"),
    ({"volumes": '[{"size": 10, "mount_point": "/"}]'}, r"^volumes\[0\].mount_point: got '/'; must be an absolute path"),
    ({"volumes": '[{"name": "a", "size": 10, "mount_point": "/data"}, {"name": "b", "size": 10, "mount_point": "/data"}]'},
     r"^volumes\[1\].mount_point: got '/data'; already used by volumes\[0\]"),
])
def test_resource_alarm_rule(context, match):
    with pytest.raises(SettingError, match=match):
        build(**context)
