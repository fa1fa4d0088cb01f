"""Fn::GetAtt of the types the fills add: only the attributes the CloudFormation resource specification lists.

BucketPolicy has none; TopicPolicy, Budget and SecurityGroupEgress have Id, Subscription Arn
(the specification's attributes, as aws-cdk-lib's generated ``Cfn*.attr_*`` show them).
"""

from __future__ import annotations

import json

import cfn_scenario as cfn
import pytest

from emulator import Emulator

POLICY = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*", "Resource": "*",
    "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}


def _resources(emu: Emulator) -> dict:
    vpc = cfn.default_vpc_id(emu)
    return {
        "Logs": {"Type": "AWS::S3::Bucket"},
        "LogsPolicy": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Logs"},
                                                                       "PolicyDocument": POLICY}},
        "Topic": {"Type": "AWS::SNS::Topic"},
        "TopicPolicy": {"Type": "AWS::SNS::TopicPolicy", "Properties": {
            "Topics": [{"Ref": "Topic"}], "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"}, "Action": "sns:Publish",
                "Resource": {"Ref": "Topic"}}]}}},
        "Mail": {"Type": "AWS::SNS::Subscription", "Properties": {
            "TopicArn": {"Ref": "Topic"}, "Protocol": "email", "Endpoint": "ops@example.com"}},
        "Budget": {"Type": "AWS::Budgets::Budget", "Properties": {"Budget": {
            "BudgetType": "COST", "TimeUnit": "MONTHLY", "BudgetLimit": {"Amount": 100, "Unit": "USD"}}}},
        "LbSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "lb", "VpcId": vpc}},
        "LbOut": {"Type": "AWS::EC2::SecurityGroupEgress", "Properties": {
            "GroupId": {"Fn::GetAtt": ["LbSg", "GroupId"]}, "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
            "CidrIp": "10.0.0.0/8"}},
    }


def test_listed_attributes_resolve(target: Emulator) -> None:
    attributes = {"TopicPolicy": "Id", "Mail": "Arn", "Budget": "Id", "LbOut": "Id"}
    outputs = {name: {"Value": {"Fn::GetAtt": [name, attribute]}} for name, attribute in attributes.items()}
    body = cfn.template(_resources(target), outputs=outputs)
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    found = cfn.outputs(target)
    assert found["Mail"].startswith(cfn.physical_id(target, "Topic") + ":")
    assert found["LbOut"].startswith("sgr-")
    for name in attributes:
        assert found[name] == cfn.physical_id(target, name), name


@pytest.mark.parametrize(("name", "attribute"), [
    ("LogsPolicy", "Arn"), ("TopicPolicy", "Arn"), ("Mail", "Endpoint"), ("Budget", "Arn"), ("LbOut", "GroupId")])
def test_other_attributes_are_refused(target: Emulator, name: str, attribute: str) -> None:
    body = cfn.template(_resources(target), outputs={"Out": {"Value": {"Fn::GetAtt": [name, attribute]}}})
    cloudformation = target.client("cloudformation")
    with pytest.raises(cloudformation.exceptions.ClientError, match="Template error: resource .* does not support "
                       "attribute type"):
        cloudformation.create_stack(StackName=cfn.STACK, TemplateBody=json.dumps(body))
