"""AWS::EC2::Volume properties, VolumeAttachment, DeletionPolicy on delete."""

from __future__ import annotations

import cfn_scenario as cfn
import pytest

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


def _volume_stack(**changes: object) -> dict:
    return cfn.template({"Data": _volume(**changes)})


def _described(emu: Emulator, volume_id: str) -> dict:
    return emu.client("ec2").describe_volumes(VolumeIds=[volume_id])["Volumes"][0]


def test_volume_encryption_change_fails_and_keeps_the_volume(target: Emulator) -> None:
    # Encrypted: "Update requires: Updates are not supported" - the update fails, nothing is replaced.
    assert cfn.deploy(target, _volume_stack()) == "CREATE_COMPLETE"
    volume_id = cfn.physical_id(target, "Data")
    assert cfn.deploy(target, _volume_stack(Encrypted=False)) == "UPDATE_ROLLBACK_COMPLETE"
    assert cfn.failures(target)[0] == (
        "Data: Volume properties other than AutoEnableIO, type, size, and IOPS cannot be updated. "
        "Change the properties back to previous values and update the stack again."
    )
    assert cfn.physical_id(target, "Data") == volume_id
    assert _described(target, volume_id)["Encrypted"] is True
    assert len(_data_volumes(target)) == 1


def test_volume_shrink_fails_and_keeps_the_size(target: Emulator) -> None:
    assert cfn.deploy(target, _volume_stack()) == "CREATE_COMPLETE"
    volume_id = cfn.physical_id(target, "Data")
    assert cfn.deploy(target, _volume_stack(Size=10)) == "UPDATE_ROLLBACK_COMPLETE"
    assert "New size cannot be smaller than existing size (Error Code: InvalidParameterValue)" in cfn.failures(target)[0]
    assert (cfn.physical_id(target, "Data"), _described(target, volume_id)["Size"]) == (volume_id, 20)
    # EC2's ModifyVolume itself refuses it.
    ec2 = target.client("ec2")
    with pytest.raises(ec2.exceptions.ClientError, match="New size cannot be smaller than existing size"):
        ec2.modify_volume(VolumeId=volume_id, Size=10)
    assert _described(target, volume_id)["Size"] == 20


def test_volume_size_type_and_tags_change_in_place(emu: Emulator) -> None:
    # Not a moto gap on its own (kept from the fill's in-place path): growing, retyping, retagging keep the volume.
    assert cfn.deploy(emu, _volume_stack()) == "CREATE_COMPLETE"
    volume_id = cfn.physical_id(emu, "Data")
    tags = [{"Key": "app", "Value": "ec2-web-server"}, {"Key": "tier", "Value": "data"}]
    changed = _volume_stack(Size=30, Iops=5000, Tags=tags)
    assert cfn.deploy(emu, changed) == "UPDATE_COMPLETE", cfn.failures(emu)
    found = _described(emu, volume_id)
    assert (cfn.physical_id(emu, "Data"), found["Size"], found["Iops"]) == (volume_id, 30, 5000)
    assert {"Key": "tier", "Value": "data"} in found["Tags"]


def test_volume_modified_again_before_its_modification_completes_fails(target: Emulator) -> None:
    # ModifyVolume: a volume's next modification waits until the previous one has completed (it is
    # `optimizing` for minutes to hours): the second update in a row fails and rolls back.
    assert cfn.deploy(target, _volume_stack()) == "CREATE_COMPLETE"
    volume_id = cfn.physical_id(target, "Data")
    assert cfn.deploy(target, _volume_stack(Size=30)) == "UPDATE_COMPLETE", cfn.failures(target)
    ec2 = target.client("ec2")
    (modification,) = ec2.describe_volumes_modifications(VolumeIds=[volume_id])["VolumesModifications"]
    assert (modification["ModificationState"], modification["TargetSize"]) == ("optimizing", 30)
    assert cfn.deploy(target, _volume_stack(Size=40)) == "UPDATE_ROLLBACK_COMPLETE"
    assert "(Error Code: VolumeModificationRateExceeded)" in cfn.failures(target)[0]
    assert _described(target, volume_id)["Size"] == 30
    with pytest.raises(ec2.exceptions.ClientError, match="VolumeModificationRateExceeded"):
        ec2.modify_volume(VolumeId=volume_id, Iops=5000)


def test_rollback_that_modifies_a_volume_back_fails(target: Emulator) -> None:
    # The update modifies the volume, a later resource fails, and the rollback's ModifyVolume (back to the
    # old IOPS) is refused while the first modification is optimizing: UPDATE_ROLLBACK_FAILED.
    assert cfn.deploy(target, _volume_stack()) == "CREATE_COMPLETE"
    volume_id = cfn.physical_id(target, "Data")
    body = _volume_stack(Iops=5000)
    body["Resources"]["Broken"] = {"Type": "AWS::EC2::Volume", "DependsOn": "Data", "Properties": {
        "AvailabilityZone": "us-east-1a", "SnapshotId": "snap-0123456789abcdef0"}}
    assert cfn.deploy(target, body) == "UPDATE_ROLLBACK_FAILED"
    reasons = cfn.failures(target)
    assert any(r.startswith("Broken:") for r in reasons), reasons
    assert any(r.startswith("Data:") and "VolumeModificationRateExceeded" in r for r in reasons), reasons
    assert _described(target, volume_id)["Iops"] == 5000
