"""AttachVolume refuses what EC2 refuses, and so does AWS::EC2::VolumeAttachment.

The case that matters to the stack: an update that replaces an instance whose
data volume is attached. CloudFormation creates the new instance and its new
attachment first; EC2 refuses to attach a volume that is in use, so the update
fails and rolls back with the volume still attached to the old instance.
"""

from __future__ import annotations

import copy

import cfn_scenario as cfn
import pytest

from emulator import Emulator

AL2_SSM = "/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2"


def _instance(emu: Emulator, zone: str = "us-east-1a") -> str:
    image = emu.client("ssm").get_parameter(Name=cfn.AL2023_SSM)["Parameter"]["Value"]
    reservation = emu.client("ec2").run_instances(
        ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro", Placement={"AvailabilityZone": zone}
    )
    return reservation["Instances"][0]["InstanceId"]


def _volume(emu: Emulator, zone: str = "us-east-1a") -> str:
    return emu.client("ec2").create_volume(AvailabilityZone=zone, Size=10)["VolumeId"]


def test_attach_volume_in_use_is_refused(target: Emulator) -> None:
    ec2 = target.client("ec2")
    first, second, volume = _instance(target), _instance(target), _volume(target)
    ec2.attach_volume(VolumeId=volume, InstanceId=first, Device="/dev/sdf")
    with pytest.raises(ec2.exceptions.ClientError) as refused:
        ec2.attach_volume(VolumeId=volume, InstanceId=second, Device="/dev/sdf")
    assert refused.value.response["Error"]["Code"] == "VolumeInUse"
    assert refused.value.response["Error"]["Message"] == f"{volume} is already attached to an instance"
    (attachment,) = ec2.describe_volumes(VolumeIds=[volume])["Volumes"][0]["Attachments"]
    assert attachment["InstanceId"] == first


def test_attach_volume_in_another_zone_is_refused(target: Emulator) -> None:
    ec2 = target.client("ec2")
    instance, volume = _instance(target, "us-east-1a"), _volume(target, "us-east-1b")
    with pytest.raises(ec2.exceptions.ClientError) as refused:
        ec2.attach_volume(VolumeId=volume, InstanceId=instance, Device="/dev/sdf")
    assert refused.value.response["Error"]["Code"] == "InvalidVolume.ZoneMismatch"
    assert refused.value.response["Error"]["Message"] == (
        f"The volume '{volume}' is not in the same availability zone as instance '{instance}'"
    )
    assert ec2.describe_volumes(VolumeIds=[volume])["Volumes"][0]["State"] == "available"


def test_attach_volume_on_a_used_device_is_refused(target: Emulator) -> None:
    ec2 = target.client("ec2")
    instance, first, second = _instance(target), _volume(target), _volume(target)
    ec2.attach_volume(VolumeId=first, InstanceId=instance, Device="/dev/sdf")
    with pytest.raises(ec2.exceptions.ClientError) as refused:
        ec2.attach_volume(VolumeId=second, InstanceId=instance, Device="/dev/sdf")
    assert refused.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert refused.value.response["Error"]["Message"] == (
        "Invalid value '/dev/sdf' for unixDevice. Attachment point /dev/sdf is already in use"
    )
    assert ec2.describe_volumes(VolumeIds=[first])["Volumes"][0]["Attachments"][0]["InstanceId"] == instance


def _attached(emu: Emulator) -> dict:
    subnet = cfn.default_subnet(emu)["SubnetId"]
    body = cfn.template(
        {
            "WebSg": cfn.web_sg(cfn.default_vpc_id(emu)),
            "Web": cfn.web_instance(subnet),
            "Data": {
                "Type": "AWS::EC2::Volume",
                "Properties": {"AvailabilityZone": "us-east-1a", "Size": 20, "VolumeType": "gp3", "Encrypted": True},
            },
            "DataAttach": {
                "Type": "AWS::EC2::VolumeAttachment",
                "Properties": {"InstanceId": {"Ref": "Web"}, "VolumeId": {"Ref": "Data"}, "Device": "/dev/sdf"},
            },
        }
    )
    body["Parameters"]["OtherAmi"] = {"Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", "Default": AL2_SSM}
    return body


def test_replacing_an_instance_with_its_volume_attached_rolls_back(target: Emulator) -> None:
    body = _attached(target)
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    instance_id, volume_id = cfn.physical_id(target, "Web"), cfn.physical_id(target, "Data")
    replacing = copy.deepcopy(body)
    replacing["Resources"]["Web"]["Properties"]["ImageId"] = {"Ref": "OtherAmi"}  # ImageId: Replacement
    assert cfn.deploy(target, replacing) == "UPDATE_ROLLBACK_COMPLETE"
    assert any("VolumeInUse" in reason for reason in cfn.failures(target)), cfn.failures(target)
    # Nothing changed: the same instance, the volume still attached to it, the new instance gone.
    assert cfn.physical_id(target, "Web") == instance_id
    (attachment,) = target.client("ec2").describe_volumes(VolumeIds=[volume_id])["Volumes"][0]["Attachments"]
    assert (attachment["InstanceId"], attachment["Device"]) == (instance_id, "/dev/sdf")
    reservations = target.client("ec2").describe_instances()["Reservations"]
    running = [i["InstanceId"] for r in reservations for i in r["Instances"] if i["State"]["Name"] != "terminated"]
    assert running == [instance_id]
    # The stack still has the attachment: a delete detaches, then deletes the volume.
    assert cfn.physical_id(target, "DataAttach") == f"{volume_id}-{instance_id}"
    assert cfn.delete(target) == "DELETE_COMPLETE", cfn.failures(target)
    assert target.client("ec2").describe_volumes(Filters=[{"Name": "volume-id", "Values": [volume_id]}])["Volumes"] == []
