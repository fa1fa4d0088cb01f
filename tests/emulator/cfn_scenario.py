"""CloudFormation scenario helpers: deploy like the CDK CLI does, then read back.

Templates are small hand-written dicts with the same resource shapes as the
project's stack; :func:`deploy` sends them through a change set (CreateChangeSet,
wait, ExecuteChangeSet, wait), which is the path ``cdk deploy`` takes.
"""

from __future__ import annotations

import json
import time
from typing import Any

from emulator import Emulator

AL2023_SSM = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
STACK = "GapStack"

# Polls are bounded: plain moto can leave a stack or change set pending forever.
_POLLS = 40
_POLL_S = 0.05


def template(resources: dict[str, Any], outputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """A template with the SSM-typed AMI parameter our stack uses."""
    body: dict[str, Any] = {
        "Parameters": {
            "AmiId": {
                "Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
                "Default": AL2023_SSM,
            }
        },
        "Resources": resources,
    }
    if outputs:
        body["Outputs"] = outputs
    return body


def default_subnet(emu: Emulator) -> dict[str, str]:
    """The default subnet in us-east-1a (ID and AZ)."""
    subnets = emu.client("ec2").describe_subnets(
        Filters=[{"Name": "availability-zone", "Values": ["us-east-1a"]}]
    )["Subnets"]
    return {"SubnetId": subnets[0]["SubnetId"], "AvailabilityZone": "us-east-1a"}


def default_vpc_id(emu: Emulator) -> str:
    vpcs = emu.client("ec2").describe_vpcs(
        Filters=[{"Name": "is-default", "Values": ["true"]}]
    )["Vpcs"]
    return vpcs[0]["VpcId"]


def wait_stack(emu: Emulator, stack: str) -> str:
    """The stack's status once it is no longer in progress (or after the bound)."""
    cfn = emu.client("cloudformation")
    status = ""
    for _ in range(_POLLS):
        status = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
        if not status.endswith("_IN_PROGRESS"):
            return status
        time.sleep(_POLL_S)
    return status


def failures(emu: Emulator, stack: str = STACK) -> list[str]:
    """Reasons of failed resource events, newest first (for assertion messages)."""
    events = emu.client("cloudformation").describe_stack_events(StackName=stack)["StackEvents"]
    return [
        f"{e['LogicalResourceId']}: {e.get('ResourceStatusReason')}"
        for e in events
        if e["ResourceStatus"].endswith("_FAILED")
    ]


def deploy(
    emu: Emulator,
    body: dict[str, Any],
    stack: str = STACK,
    parameters: list[dict[str, Any]] | None = None,
    tags: dict[str, str] | None = None,
) -> str:
    """Create or update ``stack`` through a change set; return the final status."""
    cfn = emu.client("cloudformation")
    try:
        existing = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    except cfn.exceptions.ClientError:
        existing = None
    change_set_type = "CREATE" if existing in (None, "REVIEW_IN_PROGRESS") else "UPDATE"
    arguments: dict[str, Any] = {
        "StackName": stack,
        "ChangeSetName": f"cdk-deploy-change-set-{int(time.monotonic() * 1000)}",
        "ChangeSetType": change_set_type,
        "TemplateBody": json.dumps(body),
        "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        "Parameters": parameters or [],
        "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()],
    }
    change_set_id = cfn.create_change_set(**arguments)["Id"]
    for _ in range(_POLLS):
        change_set = cfn.describe_change_set(ChangeSetName=change_set_id, StackName=stack)
        if change_set["Status"] in ("CREATE_COMPLETE", "FAILED"):
            break
        time.sleep(_POLL_S)
    else:
        raise AssertionError(f"change set never ready: {change_set['Status']}")
    if change_set["Status"] == "FAILED":
        raise AssertionError(f"change set failed: {change_set.get('StatusReason')}")
    cfn.execute_change_set(ChangeSetName=change_set_id, StackName=stack)
    return wait_stack(emu, stack)


def delete(emu: Emulator, stack: str = STACK) -> str:
    """Delete ``stack`` by ID (as the CLI does) and return its final status."""
    cfn = emu.client("cloudformation")
    stack_id = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackId"]
    cfn.delete_stack(StackName=stack_id)
    return wait_stack(emu, stack_id)


def physical_id(emu: Emulator, logical_id: str, stack: str = STACK) -> str:
    resource = emu.client("cloudformation").describe_stack_resource(
        StackName=stack, LogicalResourceId=logical_id
    )["StackResourceDetail"]
    return resource["PhysicalResourceId"]


def outputs(emu: Emulator, stack: str = STACK) -> dict[str, str]:
    found = emu.client("cloudformation").describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in found.get("Outputs", [])}


def instance(emu: Emulator, instance_id: str) -> dict[str, Any]:
    reservations = emu.client("ec2").describe_instances(InstanceIds=[instance_id])
    return reservations["Reservations"][0]["Instances"][0]


def web_sg(vpc_id: str, ingress: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The stack's web security group: HTTP from anywhere, IPv4 and IPv6."""
    return {
        "Type": "AWS::EC2::SecurityGroup",
        "Properties": {
            "GroupDescription": "web server",
            "VpcId": vpc_id,
            "SecurityGroupIngress": ingress
            if ingress is not None
            else [
                {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIp": "0.0.0.0/0"},
                {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "CidrIpv6": "::/0"},
            ],
            "SecurityGroupEgress": [
                {"IpProtocol": "-1", "CidrIp": "0.0.0.0/0", "Description": "all out"}
            ],
            "Tags": [{"Key": "app", "Value": "ec2-web-server"}],
        },
    }


def web_instance(subnet_id: str, **extra: Any) -> dict[str, Any]:
    """The stack's instance, with the web security group by ID."""
    properties: dict[str, Any] = {
        "ImageId": {"Ref": "AmiId"},
        "InstanceType": "t3.micro",
        "SubnetId": subnet_id,
        "SecurityGroupIds": [{"Fn::GetAtt": ["WebSg", "GroupId"]}],
        "Tags": [{"Key": "app", "Value": "ec2-web-server"}],
    }
    properties.update(extra)
    return {"Type": "AWS::EC2::Instance", "Properties": properties}


def subnets(emu: Emulator, zones: tuple[str, ...] = ("us-east-1a", "us-east-1b", "us-east-1c")) -> list[str]:
    """The default subnets of ``zones``, in that order."""
    found = emu.client("ec2").describe_subnets(Filters=[{"Name": "availability-zone", "Values": list(zones)}])
    by_zone = {s["AvailabilityZone"]: s["SubnetId"] for s in found["Subnets"]}
    return [by_zone[z] for z in zones]


def events(emu: Emulator, logical_id: str, stack: str = STACK) -> list[str]:
    """A resource's event reasons, oldest first (the CLI's progress lines)."""
    found = emu.client("cloudformation").describe_stack_events(StackName=stack)["StackEvents"]
    return [e.get("ResourceStatusReason") or "" for e in reversed(found) if e["LogicalResourceId"] == logical_id]


def launch_template(instance_type: str = "t3.micro", **data: Any) -> dict[str, Any]:
    """The fleet's launch template: IMDSv2 required, an encrypted root, tags for instances and volumes."""
    tags = [{"Key": "app", "Value": "ec2-web-server"}]
    template_data: dict[str, Any] = {
        "ImageId": {"Ref": "AmiId"},
        "InstanceType": instance_type,
        "MetadataOptions": {"HttpTokens": "required"},
        "SecurityGroupIds": [{"Fn::GetAtt": ["WebSg", "GroupId"]}],
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": True}}],
        "TagSpecifications": [{"ResourceType": "instance", "Tags": tags}, {"ResourceType": "volume", "Tags": tags}],
    }
    template_data.update(data)
    return {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": template_data}}


def group(subnet_ids: list[str], minimum: int = 2, maximum: int = 4, *, min_in_service: int | None = None,
          batch: int | None = None, **extra: Any) -> dict[str, Any]:
    """The fleet's Auto Scaling group on launch template ``Lt``, rolling updates as the construct writes them."""
    properties: dict[str, Any] = {
        "MinSize": str(minimum),
        "MaxSize": str(maximum),
        "VPCZoneIdentifier": subnet_ids,
        "LaunchTemplate": {"LaunchTemplateId": {"Ref": "Lt"},
                           "Version": {"Fn::GetAtt": ["Lt", "LatestVersionNumber"]}},
        "Tags": [{"Key": "app", "Value": "ec2-web-server", "PropagateAtLaunch": True}],
    }
    properties.update(extra)
    return {
        "Type": "AWS::AutoScaling::AutoScalingGroup",
        "Properties": properties,
        "UpdatePolicy": {"AutoScalingRollingUpdate": {
            "MinInstancesInService": minimum if min_in_service is None else min_in_service,
            "MaxBatchSize": max(1, maximum - minimum) if batch is None else batch,
            "WaitOnResourceSignals": True, "PauseTime": "PT15M"}},
    }


def group_instances(emu: Emulator, logical_id: str = "Asg") -> list[dict[str, Any]]:
    name = physical_id(emu, logical_id)
    (found,) = emu.client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[name])[
        "AutoScalingGroups"]
    return found["Instances"]
