"""AWS::EC2::Volume properties, VolumeAttachment, DeletionPolicy on delete."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator


def _volume(**extra: object) -> dict:
    properties = {
        "AvailabilityZone": "us-east-1a",
        "Size": 20,
        "VolumeType": "gp3",
        "Iops": 4000,
        "Throughput": 250,
        "Encrypted": True,
        "Tags": [{"Key": "app", "Value": "ec2-web-server"}],
    }
    properties.update(extra)
    return {"Type": "AWS::EC2::Volume", "Properties": properties}


def _attached_template(emu: Emulator, deletion_policy: str | None = None) -> dict:
    subnet = cfn.default_subnet(emu)["SubnetId"]
    volume = _volume()
    if deletion_policy:
        volume["DeletionPolicy"] = deletion_policy
    return cfn.template(
        {
            "WebSg": cfn.web_sg(cfn.default_vpc_id(emu)),
            "Web": cfn.web_instance(subnet),
            "Data": volume,
            "DataAttach": {
                "Type": "AWS::EC2::VolumeAttachment",
                "Properties": {
                    "InstanceId": {"Ref": "Web"},
                    "VolumeId": {"Ref": "Data"},
                    "Device": "/dev/sdf",
                },
            },
        }
    )


def _data_volumes(emu: Emulator) -> list[dict]:
    return emu.client("ec2").describe_volumes(
        Filters=[{"Name": "tag:app", "Values": ["ec2-web-server"]}]
    )["Volumes"]


def test_volume_properties_honoured(target: Emulator) -> None:
    body = cfn.template({"Data": _volume()})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE"
    volume = target.client("ec2").describe_volumes(
        VolumeIds=[cfn.physical_id(target, "Data")]
    )["Volumes"][0]
    assert (volume["Size"], volume["VolumeType"]) == (20, "gp3")
    assert (volume["Iops"], volume.get("Throughput")) == (4000, 250)
    assert volume["Encrypted"] is True
    assert {"Key": "app", "Value": "ec2-web-server"} in volume.get("Tags", [])


def test_volume_attachment_detached_and_volume_deleted(target: Emulator) -> None:
    assert cfn.deploy(target, _attached_template(target)) == "CREATE_COMPLETE"
    (volume,) = _data_volumes(target)
    assert volume["Attachments"][0]["Device"] == "/dev/sdf"
    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert _data_volumes(target) == []


def test_volume_deletion_policy_snapshot(target: Emulator) -> None:
    assert cfn.deploy(target, _attached_template(target, "Snapshot")) == "CREATE_COMPLETE"
    volume_id = cfn.physical_id(target, "Data")
    assert cfn.delete(target) == "DELETE_COMPLETE"
    ec2 = target.client("ec2")
    assert _data_volumes(target) == []
    snapshots = ec2.describe_snapshots(
        Filters=[{"Name": "volume-id", "Values": [volume_id]}]
    )["Snapshots"]
    assert [s["VolumeSize"] for s in snapshots] == [20]


def test_volume_deletion_policy_retain_detaches(emu: Emulator) -> None:
    # Not a moto gap (moto detaches when it terminates the instance): a check
    # that the engine's ordering keeps it right.
    assert cfn.deploy(emu, _attached_template(emu, "Retain")) == "CREATE_COMPLETE"
    assert cfn.delete(emu) == "DELETE_COMPLETE"
    (volume,) = _data_volumes(emu)
    assert volume["State"] == "available"
    assert volume["Attachments"] == []
