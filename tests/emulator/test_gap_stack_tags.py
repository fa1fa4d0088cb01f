"""Resources created through a change set carry the stack's tags."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator


def test_change_set_resources_get_stack_tags(target: Emulator) -> None:
    body = cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(target))})
    status = cfn.deploy(target, body, tags={"owner": "web-team"})
    assert status == "CREATE_COMPLETE"
    (group,) = target.client("ec2").describe_security_groups(
        GroupIds=[cfn.physical_id(target, "WebSg")]
    )["SecurityGroups"]
    tags = {t["Key"]: t["Value"] for t in group["Tags"]}
    assert tags["owner"] == "web-team"
    assert tags["aws:cloudformation:stack-name"] == cfn.STACK
    assert tags["aws:cloudformation:logical-id"] == "WebSg"


def test_a_tags_change_keeps_the_stack_tags(target: Emulator) -> None:
    # "CloudFormation also propagates these tags to the resources created in the stack" (CreateStack's
    # Tags): a resource whose own Tags change keeps the stack's.
    def body(tier: str) -> dict:
        tags = [{"Key": "tier", "Value": tier}]
        return cfn.template({
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Tags": tags}},
            "WebSg": cfn.web_sg(cfn.default_vpc_id(target)),
            "Lt": cfn.launch_template(),
            "Asg": cfn.group(cfn.subnets(target)[:1], 0, 1, Tags=[{**t, "PropagateAtLaunch": True} for t in tags]),
        })

    assert cfn.deploy(target, body("web"), tags={"owner": "web-team"}) == "CREATE_COMPLETE", cfn.failures(target)
    bucket, group = cfn.physical_id(target, "Bucket"), cfn.physical_id(target, "Asg")
    assert cfn.deploy(target, body("front"), tags={"owner": "web-team"}) == "UPDATE_COMPLETE", cfn.failures(target)
    assert cfn.physical_id(target, "Bucket") == bucket
    bucket_tags = {t["Key"]: t["Value"] for t in target.client("s3").get_bucket_tagging(Bucket=bucket)["TagSet"]}
    (found,) = target.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[group])[
        "AutoScalingGroups"]
    group_tags = {t["Key"]: t["Value"] for t in found["Tags"]}
    for tags in (bucket_tags, group_tags):
        assert tags["owner"] == "web-team"
        assert tags["tier"] == "front"
        assert tags["aws:cloudformation:stack-name"] == cfn.STACK
