"""What CloudFormation refuses in a template before it changes anything, and types the emulator does not model."""

from __future__ import annotations

import json
import re

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


def test_circular_dependency_is_refused(target: Emulator) -> None:
    # Two groups whose rules name each other (Ref and Fn::GetAtt), and an instance that needs one
    # of them; a resource that depends on itself is on a circle of its own.
    vpc_id = cfn.default_vpc_id(target)
    app, lb = cfn.web_sg(vpc_id), cfn.web_sg(vpc_id)
    lb["Properties"]["GroupDescription"] = "load balancer"
    app["Properties"]["SecurityGroupIngress"] = [
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "SourceSecurityGroupId": {"Ref": "LbSg"}}]
    lb["Properties"]["SecurityGroupEgress"] = [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                                                "DestinationSecurityGroupId": {"Fn::GetAtt": ["WebSg", "GroupId"]}}]
    subnet = cfn.default_subnet(target)["SubnetId"]
    looped = cfn.web_instance(subnet, Tags=[{"Key": "Name", "Value": {"Fn::Sub": "${Looped}"}}])
    body = cfn.template({"WebSg": app, "Web": cfn.web_instance(subnet), "LbSg": lb, "Looped": looped})
    cloudformation = target.client("cloudformation")
    with pytest.raises(cloudformation.exceptions.ClientError) as refused:
        cfn.deploy(target, body)
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert refused.value.response["Error"]["Message"] == "Circular dependency between resources: [WebSg, LbSg, Looped]"
    assert _live_stacks(target) == []
    assert target.client("ec2").describe_instances()["Reservations"] == []


def test_sub_variables_and_dependson_chains_are_no_circle(emu: Emulator) -> None:
    # Not a gap test: a Sub variable named like a resource is the variable, not the resource.
    subnet = cfn.default_subnet(emu)["SubnetId"]
    tagged = cfn.web_instance(subnet, Tags=[{"Key": "Name", "Value": {"Fn::Sub": [
        "${Tagged}-web", {"Tagged": {"Ref": "AWS::StackName"}}]}}])
    body = cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(emu)), "Tagged": {**tagged, "DependsOn": ["WebSg"]}})
    assert cfn.deploy(emu, body) == "CREATE_COMPLETE"
    (found,) = [t["Value"] for t in cfn.instance(emu, cfn.physical_id(emu, "Tagged"))["Tags"] if t["Key"] == "Name"]
    assert found == f"{cfn.STACK}-web"


def test_a_resource_type_change_is_refused(target: Emulator) -> None:
    # The same logical ID, now a queue where a topic was: the change set fails (UpdateStack is
    # refused), and the topic stays, with no queue made.
    body = cfn.template({"Alarms": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "alarms"}}})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE"
    topic_arn = cfn.physical_id(target, "Alarms")
    retyped = cfn.template({"Alarms": {"Type": "AWS::SQS::Queue", "Properties": {}}})
    message = ("Update of resource type is not permitted. The new template modifies resource type of the "
               "following resources: [Alarms]")
    with pytest.raises(AssertionError, match=re.escape(f"change set failed: {message}")):
        cfn.deploy(target, retyped)
    cloudformation = target.client("cloudformation")
    with pytest.raises(cloudformation.exceptions.ClientError) as refused:
        cloudformation.update_stack(StackName=cfn.STACK, TemplateBody=json.dumps(retyped),
                                    Parameters=[{"ParameterKey": "AmiId", "UsePreviousValue": True}])
    assert refused.value.response["Error"]["Code"] == "ValidationError"
    assert refused.value.response["Error"]["Message"] == message
    assert cfn.wait_stack(target, cfn.STACK) == "CREATE_COMPLETE"
    assert cfn.physical_id(target, "Alarms") == topic_arn
    assert [t["TopicArn"] for t in target.client("sns").list_topics()["Topics"]] == [topic_arn]
    assert target.client("sqs").list_queues().get("QueueUrls", []) == []
