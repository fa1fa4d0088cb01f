"""The Auto Scaling tier with the real CLI: deploy, a rolling update (new instance type and max_capacity), destroy.

What was built is read back from the emulator's APIs (Auto Scaling, EC2, Elastic Load Balancing, S3), not
from the template; the rolling update's steps from CloudFormation's own events.
"""

import pytest

from tests.conftest import AUTOSCALING, synth
from tests.e2e.conftest import assembly, audit
from tools.deployment import describe_fleet, rolling_update_sizes

pytestmark = pytest.mark.e2e
ROLLED = {**AUTOSCALING, "max_capacity": "5", "instance_type": "t3.micro"}


@pytest.fixture(scope="module")
def lifecycle(cli, emu, fleet, tmp_synth_root):
    before, after = assembly(fleet), assembly(synth(ROLLED, tmp_synth_root))
    cli.deploy(app=before)
    first = describe_fleet(emu)
    logs = first["load_balancers"][0]["Attributes"]["access_logs.s3.bucket"]
    first["log_objects"] = [o["Key"] for o in emu.client("s3").list_objects_v2(Bucket=logs).get("Contents", [])]
    cli.deploy(app=after)
    second = describe_fleet(emu)
    second["sizes"] = rolling_update_sizes(emu, start=len(first["instances"]))
    status = emu.client("cloudformation").describe_stacks(StackName="WebServerStack")["Stacks"][0]["StackStatus"]
    cli.destroy(app=after)
    buckets = [b["Name"] for b in emu.client("s3").list_buckets()["Buckets"]]
    return {"before": first, "after": second, "status": status, "audit": audit(emu), "logs": logs,
            "buckets": buckets}


def test_group_starts_at_min_capacity_across_zones(lifecycle):
    (group,) = lifecycle["before"]["groups"]
    assert (group["MinSize"], group["MaxSize"], group["DesiredCapacity"]) == (2, 4, 2)
    assert len({i["Placement"]["AvailabilityZone"] for i in lifecycle["before"]["instances"]}) == 2


def test_instances_launch_from_the_template_with_imdsv2_and_the_role(lifecycle):
    assert len(lifecycle["before"]["instances"]) == 2  # the group's desired capacity
    for instance in lifecycle["before"]["instances"]:
        assert instance["MetadataOptions"]["HttpTokens"] == "required"
        assert "IamInstanceProfile" in instance
        assert instance["InstanceType"] == "t2.micro"


def test_load_balancer_hardened_and_logging(lifecycle):
    (balancer,) = lifecycle["before"]["load_balancers"]
    attributes = balancer["Attributes"]
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert (attributes["access_logs.s3.enabled"], attributes["deletion_protection.enabled"]) == ("true", "false")
    assert lifecycle["before"]["log_objects"] == ["load-balancer/AWSLogs/123456789012/ELBAccessLogTestFile"]
    assert [(listener["Port"], listener["Protocol"]) for listener in balancer["Listeners"]] == [(80, "HTTP")]


def test_target_group_serves_the_instances_with_a_short_drain(lifecycle):
    (group,) = lifecycle["before"]["target_groups"]
    assert group["Attributes"]["deregistration_delay.timeout_seconds"] == "30"
    assert group["Targets"] == {i["InstanceId"]: "healthy" for i in lifecycle["before"]["instances"]}


def test_cpu_target_tracking_policy(lifecycle):
    (policy,) = lifecycle["before"]["policies"]
    assert policy["TargetTrackingConfiguration"]["PredefinedMetricSpecification"]["PredefinedMetricType"] == \
        "ASGAverageCPUUtilization"


def test_rolling_update_replaces_every_instance(lifecycle):
    assert lifecycle["status"] == "UPDATE_COMPLETE"
    before = {i["InstanceId"] for i in lifecycle["before"]["instances"]}
    after = lifecycle["after"]["instances"]
    assert before.isdisjoint(i["InstanceId"] for i in after)
    assert [i["InstanceType"] for i in after] == ["t3.micro", "t3.micro"]
    (group,) = lifecycle["after"]["target_groups"]
    assert set(group["Targets"]) == {i["InstanceId"] for i in after}


def test_rolling_update_never_drops_below_min_capacity(lifecycle):
    sizes = lifecycle["after"]["sizes"]
    assert sizes == [2, 4, 2]  # two new instances first (up to max_capacity), then the two old ones go
    assert min(sizes) == 2


def test_max_capacity_changed_in_place(lifecycle):
    (before,), (after,) = lifecycle["before"]["groups"], lifecycle["after"]["groups"]
    assert after["AutoScalingGroupName"] == before["AutoScalingGroupName"]
    assert after["MaxSize"] == 5


def test_destroy_empties_and_removes_the_log_bucket_and_leaves_nothing(lifecycle):
    assert lifecycle["logs"] not in lifecycle["buckets"]
    assert lifecycle["audit"].returncode == 0, lifecycle["audit"].stdout + lifecycle["audit"].stderr
