"""AWS::AutoScaling::ScalingPolicy (target tracking) and AWS::AutoScaling::ScheduledAction."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator

CPU = {"PredefinedMetricSpecification": {"PredefinedMetricType": "ASGAverageCPUUtilization"}, "TargetValue": 50}


def _fleet(emu: Emulator, **extra: dict) -> dict:
    return cfn.template({
        "WebSg": cfn.web_sg(cfn.default_vpc_id(emu)),
        "Lt": cfn.launch_template(),
        "Asg": cfn.group(cfn.subnets(emu)),
        **extra,
    })


def _policy(configuration: dict) -> dict:
    return {"Type": "AWS::AutoScaling::ScalingPolicy", "Properties": {
        "AutoScalingGroupName": {"Ref": "Asg"}, "PolicyType": "TargetTrackingScaling",
        "TargetTrackingConfiguration": configuration}}


def _action(recurrence: str, size: int, zone: str = "Asia/Tokyo") -> dict:
    return {"Type": "AWS::AutoScaling::ScheduledAction", "Properties": {
        "AutoScalingGroupName": {"Ref": "Asg"}, "MinSize": size, "MaxSize": size, "DesiredCapacity": size,
        "Recurrence": recurrence, "TimeZone": zone}}


def test_target_tracking_policy_with_its_alarms_deleted_with_the_stack(target: Emulator) -> None:
    assert cfn.deploy(target, _fleet(target, Cpu=_policy(CPU)),
                      ) == "CREATE_COMPLETE", cfn.failures(target)
    autoscaling, cloudwatch = target.client("autoscaling"), target.client("cloudwatch")
    (policy,) = autoscaling.describe_policies()["ScalingPolicies"]
    assert cfn.physical_id(target, "Cpu") == policy["PolicyARN"]
    assert policy["TargetTrackingConfiguration"]["TargetValue"] == 50
    alarms = sorted(a["AlarmName"] for a in cloudwatch.describe_alarms()["MetricAlarms"])
    group = cfn.physical_id(target, "Asg")
    assert [a.rsplit("-", 5)[0] for a in alarms] == [f"TargetTracking-{group}-AlarmHigh",
                                                    f"TargetTracking-{group}-AlarmLow"]
    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert autoscaling.describe_policies()["ScalingPolicies"] == []
    assert cloudwatch.describe_alarms()["MetricAlarms"] == []


def test_request_count_policy_needs_an_attached_target_group(target: Emulator) -> None:
    label = "app/web/0123456789abcdef/targetgroup/web/0123456789abcdef"
    requests = {"PredefinedMetricSpecification": {"PredefinedMetricType": "ALBRequestCountPerTarget",
                                                  "ResourceLabel": label}, "TargetValue": 1000}
    assert cfn.deploy(target, _fleet(target, Requests=_policy(requests))) == "ROLLBACK_COMPLETE"
    assert any("not attached to the Auto Scaling group" in f for f in cfn.failures(target))


def test_scheduled_actions_named_updated_in_place_and_deleted(target: Emulator) -> None:
    body = _fleet(target, Stop=_action("0 20 * * MON-FRI", 0), Start=_action("0 8 * * MON-FRI", 2))
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    autoscaling = target.client("autoscaling")
    stop = cfn.physical_id(target, "Stop")
    assert stop.startswith(f"{cfn.STACK}-Stop-")
    body["Resources"]["Stop"] = _action("0 21 * * MON-FRI", 0)
    assert cfn.deploy(target, body) == "UPDATE_COMPLETE", cfn.failures(target)
    actions = {a["ScheduledActionName"]: a for a in autoscaling.describe_scheduled_actions()["ScheduledUpdateGroupActions"]}
    assert actions[stop]["Recurrence"] == "0 21 * * MON-FRI"
    assert actions[stop]["TimeZone"] == "Asia/Tokyo"
    del body["Resources"]["Start"]
    assert cfn.deploy(target, body) == "UPDATE_COMPLETE", cfn.failures(target)
    assert [a["ScheduledActionName"] for a in autoscaling.describe_scheduled_actions()["ScheduledUpdateGroupActions"]] \
        == [stop]


def test_scheduled_action_with_an_unknown_time_zone_is_refused(target: Emulator) -> None:
    assert cfn.deploy(target, _fleet(target, Stop=_action("0 20 * * *", 0, zone="Mars/Olympus"))) \
        == "ROLLBACK_COMPLETE"
    assert any("Invalid time zone" in f for f in cfn.failures(target))


def test_ignore_unmodified_sizes_only_for_a_group_with_a_scheduled_action(target: Emulator) -> None:
    # AutoScalingScheduledAction is for a group that "has an associated scheduled action" (UpdatePolicy
    # reference): with one, a group scaled out keeps its size across an update that leaves the sizes alone;
    # without one, the update sets the template's DesiredCapacity again.
    autoscaling = target.client("autoscaling")

    def fleet(grace: int, **extra: dict) -> dict:
        body = _fleet(target, **extra)
        group = body["Resources"]["Asg"]
        group["Properties"].update(DesiredCapacity="2", HealthCheckGracePeriod=grace)
        group["UpdatePolicy"]["AutoScalingScheduledAction"] = {"IgnoreUnmodifiedGroupSizeProperties": True}
        return body

    def scaled_out_then_updated(**extra: dict) -> int:
        assert cfn.deploy(target, fleet(60, **extra)) == "CREATE_COMPLETE", cfn.failures(target)
        autoscaling.set_desired_capacity(AutoScalingGroupName=cfn.physical_id(target, "Asg"), DesiredCapacity=4)
        assert cfn.deploy(target, fleet(120, **extra)) == "UPDATE_COMPLETE", cfn.failures(target)
        (group,) = autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"]
        assert group["HealthCheckGracePeriod"] == 120
        assert cfn.delete(target) == "DELETE_COMPLETE", cfn.failures(target)
        return group["DesiredCapacity"]

    assert scaled_out_then_updated(Night=_action("0 20 * * *", 4)) == 4
    assert scaled_out_then_updated() == 2
