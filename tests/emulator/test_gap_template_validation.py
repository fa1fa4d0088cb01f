"""What CloudFormation refuses in a template before it changes anything, and types the emulator does not model."""

from __future__ import annotations

import cfn_scenario as cfn
import pytest

from emulator import Emulator


def _live_stacks(emu: Emulator) -> list[str]:
    summaries = emu.client("cloudformation").list_stacks()["StackSummaries"]
    return [s["StackName"] for s in summaries if s["StackStatus"] != "DELETE_COMPLETE"]


def test_unrecognized_resource_type_is_refused(target: Emulator) -> None:
    body = cfn.template({
        "WebSg": cfn.web_sg(cfn.default_vpc_id(target)),
        "Typo": {"Type": "AWS::EC2::SecurityGroupp", "Properties": {"GroupDescription": "typo"}},
        "Private": {"Type": "MyOrg::Thing::Widget", "Properties": {}},
    })
    cloudformation = target.client("cloudformation")
    with pytest.raises(cloudformation.exceptions.ClientError) as refused:
        cfn.deploy(target, body)
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert refused.value.response["Error"]["Message"] == (
        "Template format error: Unrecognized resource types: [AWS::EC2::SecurityGroupp, MyOrg::Thing::Widget]"
    )
    assert _live_stacks(target) == []  # no REVIEW_IN_PROGRESS stack either
    assert target.client("ec2").describe_security_groups(
        Filters=[{"Name": "description", "Values": ["web server"]}])["SecurityGroups"] == []


def test_a_type_the_emulator_does_not_model_fails_the_deploy(target: Emulator) -> None:
    # A type AWS knows (in the resource provider index) that neither moto nor a fill models: moto
    # skips it and the stack "deploys" without it; here the resource fails and the create rolls back.
    body = cfn.template({
        "WebSg": cfn.web_sg(cfn.default_vpc_id(target)),
        "Fleet": {"Type": "AWS::GameLift::Fleet", "DependsOn": "WebSg", "Properties": {"Name": "fleet"}},
    })
    assert cfn.deploy(target, body) == "ROLLBACK_COMPLETE"
    (reason,) = [f for f in cfn.failures(target) if f.startswith("Fleet:")]
    assert "AWS::GameLift::Fleet is not modelled" in reason
    assert target.client("ec2").describe_security_groups(
        Filters=[{"Name": "description", "Values": ["web server"]}])["SecurityGroups"] == []


def test_cdk_metadata_is_recognized_and_creates_nothing(emu: Emulator) -> None:
    # Not a gap test (plain moto accepts it too): what the checks above must let through
    # (CDK apps with versionReporting add it).
    body = cfn.template({
        "WebSg": cfn.web_sg(cfn.default_vpc_id(emu)),
        "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:H4sI"}},
    })
    assert cfn.deploy(emu, body) == "CREATE_COMPLETE"
    resources = emu.client("cloudformation").describe_stack_resources(StackName=cfn.STACK)["StackResources"]
    assert [r["LogicalResourceId"] for r in resources] == ["WebSg"]
