"""AWS::EC2::Instance properties that plain moto drops."""

from __future__ import annotations

import cfn_scenario as cfn
import pytest

from emulator import Emulator

ROOT_DEVICE = "/dev/xvda"


def _deploy_instance(emu: Emulator, **extra: object) -> dict:
    subnet = cfn.default_subnet(emu)["SubnetId"]
    body = cfn.template(
        {"WebSg": cfn.web_sg(cfn.default_vpc_id(emu)), "Web": cfn.web_instance(subnet, **extra)}
    )
    assert cfn.deploy(emu, body) == "CREATE_COMPLETE", cfn.failures(emu)
    return cfn.instance(emu, cfn.physical_id(emu, "Web"))


def test_instance_security_group_ids(target: Emulator) -> None:
    found = _deploy_instance(target)
    assert [g["GroupId"] for g in found["SecurityGroups"]] == [
        cfn.physical_id(target, "WebSg")
    ]


def test_instance_metadata_options_http_tokens(target: Emulator) -> None:
    found = _deploy_instance(
        target, MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"}
    )
    assert found["MetadataOptions"]["HttpTokens"] == "required"


def test_instance_block_device_mappings(target: Emulator) -> None:
    found = _deploy_instance(
        target,
        BlockDeviceMappings=[
            {
                "DeviceName": ROOT_DEVICE,
                "Ebs": {
                    "VolumeSize": 16,
                    "VolumeType": "gp3",
                    "Iops": 3500,
                    "Encrypted": True,
                },
            },
            {
                "DeviceName": "/dev/sdg",
                "Ebs": {"VolumeSize": 8, "VolumeType": "io1", "Iops": 400, "Encrypted": True},
            },
        ],
    )
    ec2 = target.client("ec2")
    by_device = {m["DeviceName"]: m["Ebs"] for m in found["BlockDeviceMappings"]}
    root = ec2.describe_volumes(VolumeIds=[by_device[ROOT_DEVICE]["VolumeId"]])["Volumes"][0]
    assert (root["Size"], root["VolumeType"], root["Iops"], root["Encrypted"]) == (
        16,
        "gp3",
        3500,
        True,
    )
    data = ec2.describe_volumes(VolumeIds=[by_device["/dev/sdg"]["VolumeId"]])["Volumes"][0]
    assert (data["VolumeType"], data["Iops"]) == ("io1", 400)
    # The AMI's root mapping deletes on termination unless told otherwise.
    assert by_device[ROOT_DEVICE]["DeleteOnTermination"] is True


def test_instance_attributes(target: Emulator) -> None:
    found = _deploy_instance(
        target,
        Monitoring=True,
        DisableApiTermination=False,
        InstanceInitiatedShutdownBehavior="terminate",
        PrivateIpAddress="172.31.1.10",
    )
    ec2 = target.client("ec2")
    instance_id = found["InstanceId"]
    assert found["Monitoring"]["State"] == "enabled"
    assert found["PrivateIpAddress"] == "172.31.1.10"
    behavior = ec2.describe_instance_attribute(
        InstanceId=instance_id, Attribute="instanceInitiatedShutdownBehavior"
    )["InstanceInitiatedShutdownBehavior"]["Value"]
    assert behavior == "terminate"


def test_propagate_tags_to_volume_on_creation(target: Emulator) -> None:
    found = _deploy_instance(
        target,
        PropagateTagsToVolumeOnCreation=True,
        BlockDeviceMappings=[
            {"DeviceName": ROOT_DEVICE, "Ebs": {"VolumeSize": 8, "Encrypted": True}}
        ],
    )
    volume_id = found["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    volume = target.client("ec2").describe_volumes(VolumeIds=[volume_id])["Volumes"][0]
    assert {"Key": "app", "Value": "ec2-web-server"} in volume.get("Tags", [])


def test_placement_group(target: Emulator) -> None:
    subnet = cfn.default_subnet(target)["SubnetId"]
    body = cfn.template(
        {
            "WebSg": cfn.web_sg(cfn.default_vpc_id(target)),
            "Spread": {"Type": "AWS::EC2::PlacementGroup", "Properties": {"Strategy": "spread"}},
            "Web": cfn.web_instance(subnet, PlacementGroupName={"Ref": "Spread"}),
        }
    )
    assert cfn.deploy(target, body) == "CREATE_COMPLETE"
    ec2 = target.client("ec2")
    group_name = cfn.physical_id(target, "Spread")
    (group,) = ec2.describe_placement_groups(GroupNames=[group_name])["PlacementGroups"]
    assert group["Strategy"] == "spread"
    found = cfn.instance(target, cfn.physical_id(target, "Web"))
    assert found["Placement"]["GroupName"] == group_name
    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert ec2.describe_placement_groups()["PlacementGroups"] == []


def test_termination_protection_blocks_stack_delete(target: Emulator) -> None:
    found = _deploy_instance(target, DisableApiTermination=True)
    # As in AWS: the instance cannot be terminated, so the delete fails.
    assert cfn.delete(target) == "DELETE_FAILED"
    assert cfn.instance(target, found["InstanceId"])["State"]["Name"] == "running"


ARM64_SSM = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64"


def test_run_instances_refuses_an_ami_of_another_architecture(target: Emulator) -> None:
    ec2 = target.client("ec2")
    arm64_image = target.client("ssm").get_parameter(Name=ARM64_SSM)["Parameter"]["Value"]
    with pytest.raises(ec2.exceptions.ClientError) as refused:
        ec2.run_instances(ImageId=arm64_image, InstanceType="t3.micro", MinCount=1, MaxCount=1)
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert refused.value.response["Error"]["Message"].startswith(
        "The architecture 'x86_64' of the specified instance type does not match the architecture 'arm64' "
        "of the specified AMI."
    )
    # The matching type launches it; the stack's instance (an x86_64 AMI) on an arm64 type fails to create.
    ec2.run_instances(ImageId=arm64_image, InstanceType="t4g.micro", MinCount=1, MaxCount=1)
    subnet = cfn.default_subnet(target)["SubnetId"]
    body = cfn.template(
        {"WebSg": cfn.web_sg(cfn.default_vpc_id(target)), "Web": cfn.web_instance(subnet, InstanceType="t4g.micro")}
    )
    assert cfn.deploy(target, body) == "ROLLBACK_COMPLETE"
    assert "of the specified AMI" in cfn.failures(target)[0]


def _instance_stack(emu: Emulator, **extra: object) -> dict:
    subnet = cfn.default_subnet(emu)["SubnetId"]
    return cfn.template({"WebSg": cfn.web_sg(cfn.default_vpc_id(emu)), "Web": cfn.web_instance(subnet, **extra)})


@pytest.mark.parametrize(("instance_type", "reason"), [
    ("t4g.micro", "The architecture 'arm64' of the specified instance type does not match the architecture "
                  "'x86_64' of the specified AMI."),
    ("t3.colossal", "The instance type 't3.colossal' does not exist"),
])
def test_instance_type_update_checked_as_run_instances(target: Emulator, instance_type: str, reason: str) -> None:
    # An in-place InstanceType change gets the checks a launch gets (the type exists, matches the AMI).
    assert cfn.deploy(target, _instance_stack(target)) == "CREATE_COMPLETE", cfn.failures(target)
    instance_id = cfn.physical_id(target, "Web")
    assert cfn.deploy(target, _instance_stack(target, InstanceType=instance_type)) == "UPDATE_ROLLBACK_COMPLETE"
    assert reason in cfn.failures(target)[0]
    assert cfn.physical_id(target, "Web") == instance_id
    assert cfn.instance(target, instance_id)["InstanceType"] == "t3.micro"


def test_delete_on_termination_changes_in_place_other_mapping_changes_replace(target: Emulator) -> None:
    def mappings(delete: bool, size: int = 8) -> list[dict]:
        return [{"DeviceName": "/dev/sdg", "Ebs": {"VolumeSize": size, "DeleteOnTermination": delete}}]

    def delete_on_termination(instance_id: str) -> bool:
        found = cfn.instance(target, instance_id)["BlockDeviceMappings"]
        return {m["DeviceName"]: m["Ebs"] for m in found}["/dev/sdg"]["DeleteOnTermination"]

    assert cfn.deploy(target, _instance_stack(target, BlockDeviceMappings=mappings(False))) == "CREATE_COMPLETE", \
        cfn.failures(target)
    instance_id = cfn.physical_id(target, "Web")
    assert delete_on_termination(instance_id) is False
    # "you can modify only the DeleteOnTermination parameter for the attached volumes without
    # interrupting the instance" (aws-properties-ec2-instance-blockdevicemapping.md)
    assert cfn.deploy(target, _instance_stack(target, BlockDeviceMappings=mappings(True))) == "UPDATE_COMPLETE", \
        cfn.failures(target)
    assert cfn.physical_id(target, "Web") == instance_id
    assert delete_on_termination(instance_id) is True
    # "Modifying any other parameter results in instance replacement."
    body = _instance_stack(target, BlockDeviceMappings=mappings(True, size=16))
    assert cfn.deploy(target, body) == "UPDATE_COMPLETE", cfn.failures(target)
    assert cfn.physical_id(target, "Web") != instance_id
