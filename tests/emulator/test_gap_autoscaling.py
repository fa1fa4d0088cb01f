"""AWS::AutoScaling::AutoScalingGroup from a launch template: spread, tagged, updated in place or rolled."""

from __future__ import annotations

import re

import cfn_scenario as cfn

from emulator import Emulator


def _fleet(emu: Emulator, *, instance_type: str = "t3.micro", minimum: int = 2, maximum: int = 4,
           min_in_service: int | None = None, **group_extra: object) -> dict:
    return cfn.template({
        "WebSg": cfn.web_sg(cfn.default_vpc_id(emu)),
        "Lt": cfn.launch_template(instance_type),
        "Asg": cfn.group(cfn.subnets(emu), minimum, maximum, min_in_service=min_in_service, **group_extra),
    })


def _in_service_counts(reasons: list[str], start: int) -> list[int]:
    """How many instances the group had after each step of a rolling update, from CloudFormation's events."""
    counts, count = [start], start
    for reason in reasons:
        raised = re.match(r"Temporarily setting autoscaling group MinSize and DesiredCapacity to (\d+)\.", reason)
        replaced = re.match(r"Terminating instance\(s\) \[([^\]]*)\]; replacing with (\d+) new instance", reason)
        if raised:
            count = int(raised.group(1))
        elif replaced:
            count -= len(replaced.group(1).split(","))
            counts.append(count)
            count += int(replaced.group(2))
        else:
            continue
        counts.append(count)
    return counts


def test_group_spreads_instances_over_zones_and_tags_them(target: Emulator) -> None:
    body = _fleet(target, minimum=3, maximum=4,
                  MetricsCollection=[{"Granularity": "1Minute", "Metrics": ["GroupInServiceInstances"]}])
    assert cfn.deploy(target, body) == "CREATE_COMPLETE"
    instances = cfn.group_instances(target)
    assert sorted(i["AvailabilityZone"] for i in instances) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    (group,) = target.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
    assert [m["Metric"] for m in group["EnabledMetrics"]] == ["GroupInServiceInstances"]
    tags = {t["Key"]: t["Value"] for t in cfn.instance(target, instances[0]["InstanceId"])["Tags"]}
    assert tags["aws:cloudformation:stack-name"] == cfn.STACK
    assert tags["aws:cloudformation:logical-id"] == "Asg"
    assert tags["app"] == "ec2-web-server"


def test_max_size_change_keeps_the_group_and_its_instances(target: Emulator) -> None:
    assert cfn.deploy(target, _fleet(target)) == "CREATE_COMPLETE"
    name = cfn.physical_id(target, "Asg")
    before = sorted(i["InstanceId"] for i in cfn.group_instances(target))
    assert cfn.deploy(target, _fleet(target, maximum=5)) == "UPDATE_COMPLETE", cfn.failures(target)
    (group,) = target.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
    assert (group["AutoScalingGroupName"], group["MaxSize"]) == (name, 5)
    assert sorted(i["InstanceId"] for i in cfn.group_instances(target)) == before


def test_new_launch_template_version_rolls_instances_in_batches(target: Emulator) -> None:
    assert cfn.deploy(target, _fleet(target)) == "CREATE_COMPLETE"
    before = {i["InstanceId"] for i in cfn.group_instances(target)}
    assert cfn.deploy(target, _fleet(target, instance_type="t3.small")) == "UPDATE_COMPLETE", cfn.failures(target)
    after = cfn.group_instances(target)
    assert {i["InstanceId"] for i in after}.isdisjoint(before)
    assert [(i["InstanceType"], i["LaunchTemplate"]["Version"]) for i in after] == [("t3.small", "2")] * 2
    reasons = cfn.events(target, "Asg")
    assert "Rolling update initiated. Terminating 2 obsolete instance(s) in batches of 2, while keeping at least " \
           "2 instance(s) in service." in " ".join(reasons)
    assert min(_in_service_counts(reasons, start=2)) == 2
    # The load balancer's targets follow: the old instances are no longer registered.
    terminated = target.client("ec2").describe_instances(InstanceIds=sorted(before))["Reservations"]
    assert {i["State"]["Name"] for r in terminated for i in r["Instances"]} == {"terminated"}


def test_rolling_update_needs_min_in_service_below_max_size(target: Emulator) -> None:
    assert cfn.deploy(target, _fleet(target, minimum=2, maximum=2, min_in_service=2)) == "CREATE_COMPLETE"
    before = sorted(i["InstanceId"] for i in cfn.group_instances(target))
    status = cfn.deploy(target, _fleet(target, instance_type="t3.small", minimum=2, maximum=2, min_in_service=2))
    assert status == "UPDATE_ROLLBACK_COMPLETE"
    assert any("MinInstancesInService must be less than the autoscaling group's MaxSize" in f
               for f in cfn.failures(target))
    assert sorted(i["InstanceId"] for i in cfn.group_instances(target)) == before


def test_rolled_out_instances_leave_the_target_group(target: Emulator) -> None:
    def fleet(instance_type: str) -> dict:
        body = _fleet(target, instance_type=instance_type, TargetGroupARNs=[{"Ref": "Tg"}])
        body["Resources"]["Tg"] = {
            "Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
            "Properties": {"Port": 80, "Protocol": "HTTP", "VpcId": cfn.default_vpc_id(target), "TargetType": "instance"},
        }
        return body

    assert cfn.deploy(target, fleet("t3.micro")) == "CREATE_COMPLETE"
    before = {i["InstanceId"] for i in cfn.group_instances(target)}
    assert cfn.deploy(target, fleet("t3.small")) == "UPDATE_COMPLETE", cfn.failures(target)
    health = target.client("elbv2").describe_target_health(TargetGroupArn=cfn.physical_id(target, "Tg"))
    registered = {t["Target"]["Id"]: t["TargetHealth"]["State"] for t in health["TargetHealthDescriptions"]}
    assert registered == {i["InstanceId"]: "healthy" for i in cfn.group_instances(target)}
    assert before.isdisjoint(registered)


def _placement_groups(*names: str) -> dict:
    return {name: {"Type": "AWS::EC2::PlacementGroup", "Properties": {"Strategy": "spread"}} for name in names}


def test_unknown_placement_group_is_refused(target: Emulator) -> None:
    body = _fleet(target, PlacementGroup="no-such-group")
    assert cfn.deploy(target, body) == "ROLLBACK_COMPLETE"
    (reason,) = [f for f in cfn.failures(target) if f.startswith("Asg:")]
    assert "The Placement Group 'no-such-group' is unknown." in reason
    assert "ValidationError" in reason
    assert target.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"] == []


def test_placement_group_change_rolls_the_instances(target: Emulator) -> None:
    # The UpdatePolicy reference lists PlacementGroup among the changes that start a rolling update.
    body = _fleet(target, PlacementGroup={"Ref": "PgA"})
    body["Resources"].update(_placement_groups("PgA", "PgB"))
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    name = cfn.physical_id(target, "Asg")
    before = sorted(i["InstanceId"] for i in cfn.group_instances(target))
    body["Resources"]["Asg"]["Properties"]["PlacementGroup"] = {"Ref": "PgB"}
    assert cfn.deploy(target, body) == "UPDATE_COMPLETE", cfn.failures(target)
    (group,) = target.client("autoscaling").describe_auto_scaling_groups()["AutoScalingGroups"]
    assert (group["AutoScalingGroupName"], group["PlacementGroup"]) == (name, cfn.physical_id(target, "PgB"))
    after = [i["InstanceId"] for i in cfn.group_instances(target)]
    assert len(after) == 2
    assert not set(after) & set(before)
    assert any(r.startswith("Rolling update initiated.") for r in cfn.events(target, "Asg"))
    assert {cfn.instance(target, i)["Placement"].get("GroupName") for i in after} == {cfn.physical_id(target, "PgB")}


def test_zones_change_rolls_the_instances(target: Emulator) -> None:
    # VPCZoneIdentifier is one of the changes that start an AutoScalingRollingUpdate (UpdatePolicy reference):
    # every instance is replaced, batch by batch, and the new ones spread over the new zones.
    two = cfn.subnets(target, ("us-east-1a", "us-east-1b"))
    assert cfn.deploy(target, _fleet(target, minimum=3, maximum=4, VPCZoneIdentifier=two)) == "CREATE_COMPLETE"
    name = cfn.physical_id(target, "Asg")
    before = {i["InstanceId"] for i in cfn.group_instances(target)}
    assert cfn.deploy(target, _fleet(target, minimum=3, maximum=4)) == "UPDATE_COMPLETE", cfn.failures(target)
    after = cfn.group_instances(target)
    assert cfn.physical_id(target, "Asg") == name
    assert {i["InstanceId"] for i in after}.isdisjoint(before)
    assert sorted(i["AvailabilityZone"] for i in after) == ["us-east-1a", "us-east-1b", "us-east-1c"]
    reasons = cfn.events(target, "Asg")
    assert "Rolling update initiated. Terminating 3 obsolete instance(s) in batches of 1, while keeping at least " \
           "3 instance(s) in service." in " ".join(reasons)
    assert min(_in_service_counts(reasons, start=3)) == 3
