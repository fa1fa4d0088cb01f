"""AWS::EC2::Volume: all properties, deletion, snapshots and in-place updates.

moto 5.2.5 creates the volume from Size and AvailabilityZone only (VolumeType,
Iops, Throughput, Encrypted, KmsKeyId, SnapshotId and Tags are dropped), has
no delete for it (volumes outlive their stack) and no update.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import ec2_backends
from moto.ec2.models.elastic_block_store import Volume

from emulator.gaps._install import install
from emulator.gaps._props import as_bool, as_int, changed, retag, tag_dict

# Changing any other property replaces the volume (CloudFormation reference).
_IN_PLACE = {"Size", "VolumeType", "Iops", "Throughput", "Tags", "AutoEnableIO", "MultiAttachEnabled"}


class VolumeFill:
    """What moto's Volume gains (installed by :func:`apply`)."""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> Volume:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        volume = backend.create_volume(
            size=as_int(properties.get("Size")),
            zone_name=properties.get("AvailabilityZone"),
            snapshot_id=properties.get("SnapshotId"),
            encrypted=as_bool(properties.get("Encrypted")),
            kms_key_id=properties.get("KmsKeyId"),
            volume_type=properties.get("VolumeType"),
            iops=as_int(properties.get("Iops")),
            throughput=as_int(properties.get("Throughput")),
            multi_attach_enabled=as_bool(properties.get("MultiAttachEnabled")) or None,
        )
        volume.add_tags(tag_dict(properties.get("Tags")))
        return volume

    @classmethod
    def emulator_update(
        cls, volume: Volume, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> Volume:
        differences = changed(old, new)
        if differences - _IN_PLACE:
            return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)
        if differences & {"Size", "VolumeType", "Iops", "Throughput"}:
            volume.modify(
                target_size=as_int(new.get("Size")) if "Size" in differences else None,
                target_volume_type=new.get("VolumeType") if "VolumeType" in differences else None,
                target_iops=as_int(new.get("Iops")) if "Iops" in differences else None,
                target_throughput=as_int(new.get("Throughput")) if "Throughput" in differences else None,
            )
        if "Tags" in differences:
            retag(volume, old.get("Tags"), new.get("Tags"))
        return volume

    def delete(self, account_id: str, region_name: str) -> None:
        # Fails with VolumeInUse while attached, as DeleteVolume does in AWS.
        self.ec2_backend.delete_volume(self.id)

    def emulator_snapshot(self) -> None:
        """DeletionPolicy Snapshot: snapshot before the volume is deleted.

        The volume's own tags are copied to the snapshot so it can be found by
        them later (an assumption: AWS does not document the snapshot's tags).
        """
        snapshot = self.ec2_backend.create_snapshot(self.id, description=f"Created by CloudFormation for volume {self.id}")
        # aws:-prefixed tags are reserved for AWS itself.
        tags = tag_dict(self.get_tags(), key="key", value="value")
        user_tags = {k: v for k, v in tags.items() if not k.startswith("aws:")}
        if user_tags:
            snapshot.add_tags(user_tags)


def apply() -> None:
    install(Volume, VolumeFill)
