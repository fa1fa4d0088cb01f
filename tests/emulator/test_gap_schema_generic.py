"""What the resource schemas say, applied to types moto models itself (no fill): createOnlyProperties replace,
readOnlyProperties are what Fn::GetAtt answers, writeOnlyProperties are never answered, primaryIdentifier identifies.
"""

from __future__ import annotations

import json

import cfn_scenario as cfn
import pytest

from emulator import Emulator, schemas

TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]}


def _role(**properties: object) -> dict[str, object]:
    return {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": TRUST, **properties}}


def _role_ids(emu: Emulator) -> dict[str, str]:
    return {r["RoleName"]: r["RoleId"] for r in emu.client("iam").list_roles()["Roles"]}


def test_the_schemas_create_only_properties_are_read() -> None:
    # The engine's decision rests on these: AWS::IAM::Role's Path and RoleName are createOnly, its Description not.
    assert schemas.create_only_changes("AWS::IAM::Role", {"Path": "/a/"}, {"Path": "/b/"}) == {"Path"}
    assert schemas.create_only_changes("AWS::IAM::Role", {"Description": "a"}, {"Description": "b"}) == set()
    assert schemas.create_only("AWS::EC2::Volume") == set()  # none, as FACTS.md says: the fill decides


def test_a_create_only_change_replaces_a_moto_modelled_resource(target: Emulator) -> None:
    # AWS::IAM::Role's Path is createOnly (its schema): CloudFormation makes a new role, then deletes the old one in
    # the clean-up phase. moto's own update changes the role in place (UpdateRole), keeping its ID.
    assert cfn.deploy(target, cfn.template({"Role": _role(Path="/web/")})) == "CREATE_COMPLETE", cfn.failures(target)
    old_name = cfn.physical_id(target, "Role")
    old_id = _role_ids(target)[old_name]
    assert cfn.deploy(target, cfn.template({"Role": _role(Path="/app/")})) == "UPDATE_COMPLETE", cfn.failures(target)
    new_name = cfn.physical_id(target, "Role")
    roles = _role_ids(target)
    assert new_name != old_name
    assert old_name not in roles  # deleted in the clean-up phase
    assert roles[new_name] != old_id
    assert target.client("iam").get_role(RoleName=new_name)["Role"]["Path"] == "/app/"
    found = target.client("cloudformation").describe_stack_events(StackName=cfn.STACK)["StackEvents"]
    role_events = [(e["ResourceStatus"], e.get("PhysicalResourceId")) for e in reversed(found)
                   if e["LogicalResourceId"] == "Role"]
    # The new copy is complete before the old one is deleted.
    assert role_events.index(("UPDATE_COMPLETE", new_name)) < role_events.index(("DELETE_COMPLETE", old_name))


def test_a_change_that_is_not_create_only_stays_in_place(emu: Emulator) -> None:
    assert cfn.deploy(emu, cfn.template({"Role": _role(Path="/web/")})) == "CREATE_COMPLETE", cfn.failures(emu)
    name = cfn.physical_id(emu, "Role")
    role_id = _role_ids(emu)[name]
    assert cfn.deploy(emu, cfn.template({"Role": _role(Path="/web/", Description="web")})) == "UPDATE_COMPLETE"
    assert cfn.physical_id(emu, "Role") == name
    assert _role_ids(emu)[name] == role_id


def test_a_create_only_change_of_a_custom_named_resource_is_refused(target: Emulator) -> None:
    # A replacement that would keep the custom name cannot be made (aws-properties-name.md).
    body = cfn.template({"Role": _role(RoleName="web-role", Path="/web/")})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    body = cfn.template({"Role": _role(RoleName="web-role", Path="/app/")})
    assert cfn.deploy(target, body) == "UPDATE_ROLLBACK_COMPLETE"
    assert cfn.failures(target)[0] == ("Role: CloudFormation cannot update a stack when a custom-named resource requires "
                                       "replacing. Rename web-role and update the stack again.")
    assert target.client("iam").get_role(RoleName="web-role")["Role"]["Path"] == "/web/"


def test_a_read_only_attribute_moto_does_not_answer_is_answered(target: Emulator) -> None:
    # AWS::SQS::Queue's QueueUrl is a readOnlyProperty and its primaryIdentifier: moto refuses its Fn::GetAtt.
    body = cfn.template({"Queue": {"Type": "AWS::SQS::Queue", "Properties": {}}},
                        outputs={"Url": {"Value": {"Fn::GetAtt": ["Queue", "QueueUrl"]}},
                                 "Ref": {"Value": {"Ref": "Queue"}}})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    name = target.client("sqs").list_queues()["QueueUrls"][0].rsplit("/", 1)[1]
    assert cfn.outputs(target) == {"Url": f"https://sqs.us-east-1.amazonaws.com/123456789012/{name}",
                                   "Ref": f"https://sqs.us-east-1.amazonaws.com/123456789012/{name}"}


def test_a_write_only_property_is_never_answered(target: Emulator) -> None:
    # AWS::SSM::Parameter's Description is a writeOnlyProperty: Fn::GetAtt of it is refused before anything is
    # made. moto's Parameter has no get_cfn_attribute at all and creates the stack.
    parameter = {"Type": "AWS::SSM::Parameter",
                 "Properties": {"Name": "p", "Type": "String", "Value": "v", "Description": "d"}}
    body = cfn.template({"Param": parameter}, outputs={"Out": {"Value": {"Fn::GetAtt": ["Param", "Description"]}}})
    cloudformation = target.client("cloudformation")
    with pytest.raises(cloudformation.exceptions.ClientError,
                       match="Template error: resource Param does not support attribute type Description in Fn::GetAtt"):
        cloudformation.create_stack(StackName=cfn.STACK, TemplateBody=json.dumps(body))


def test_an_attribute_that_is_not_read_only_is_refused(emu: Emulator) -> None:
    # AWS::IAM::Role's Path is a property, not a readOnlyProperty (moto's model refuses it too: not a gap, the rule).
    target = emu
    body = cfn.template({"Role": _role(Path="/web/")}, outputs={"Out": {"Value": {"Fn::GetAtt": ["Role", "Path"]}}})
    cloudformation = target.client("cloudformation")
    with pytest.raises(cloudformation.exceptions.ClientError,
                       match="Template error: resource Role does not support attribute type Path in Fn::GetAtt"):
        cloudformation.create_stack(StackName=cfn.STACK, TemplateBody=json.dumps(body))


def test_the_bootstrap_parameters_value_is_still_answered(emu: Emulator) -> None:
    # AWS::SSM::Parameter is one of the older types whose GetAtt answers its properties (cfn-lint's table): the CDK
    # bootstrap template's BootstrapVersion output reads Value.
    parameter = {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/cdk-bootstrap/v", "Type": "String", "Value": "30"}}
    body = cfn.template({"Param": parameter}, outputs={"Out": {"Value": {"Fn::GetAtt": ["Param", "Value"]}}})
    assert cfn.deploy(emu, body) == "CREATE_COMPLETE", cfn.failures(emu)
    assert cfn.outputs(emu) == {"Out": "30"}


def test_the_primary_identifier_is_the_physical_id_where_moto_has_none(target: Emulator) -> None:
    # AWS::Events::EventBus's primaryIdentifier is its Name; moto's model has no physical ID, so the stack lists the
    # bus with none and its Ref answers the model itself.
    bus = {"Type": "AWS::Events::EventBus", "Properties": {"Name": "web-events"}}
    body = cfn.template({"Bus": bus}, outputs={"Ref": {"Value": {"Ref": "Bus"}}})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    assert cfn.physical_id(target, "Bus") == "web-events"
    assert cfn.outputs(target) == {"Ref": "web-events"}
    assert schemas.identifier("AWS::Events::EventBus", object()) is None  # nothing to read: no ID is made up


def test_a_read_only_attribute_nothing_can_answer_fails_loudly(emu: Emulator) -> None:
    # AWS::Kinesis::Stream's WarmThroughputObject is a readOnlyProperty that neither moto's model nor the resource
    # answers: the resource fails, saying so, rather than taking an empty value.
    stream = {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}}
    topic = {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": {"Fn::GetAtt": ["Stream", "WarmThroughputObject"]}}}
    assert cfn.deploy(emu, cfn.template({"Stream": stream, "Topic": topic})) == "ROLLBACK_COMPLETE"
    assert cfn.failures(emu)[0] == ("Topic: Emulator: attribute WarmThroughputObject of AWS::Kinesis::Stream "
                                    "(Fn::GetAtt Stream.WarmThroughputObject) is not modelled")
