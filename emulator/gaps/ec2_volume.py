"""AWS::EC2::Volume: all properties, deletion, snapshots, and updates as CloudFormation does them.

moto 5.2.5 creates the volume from Size and AvailabilityZone only (VolumeType,
Iops, Throughput, Encrypted, KmsKeyId, SnapshotId and Tags are dropped), has
no delete for it (volumes outlive their stack) and no update; EC2's
ModifyVolume (``Volume.modify``) shrinks a volume when asked to.

Updates follow the CloudFormation User Guide, AWS::EC2::Volume
(awsdocs/aws-cloudformation-user-guide, doc_source/aws-resource-ec2-volume.md,
"Periodic update - 19 Sep 2023"):

* AvailabilityZone, Encrypted, KmsKeyId, SnapshotId: "Update requires: Updates
  are not supported". Not a replacement: the resource fails and the stack rolls
  back, the volume (and its data) untouched. The reason CloudFormation gives:
  "Volume properties other than AutoEnableIO, type, size, and IOPS cannot be
  updated. Change the properties back to previous values and update the stack
  again." (seen in AWS, quoted in awsdocs/aws-cloudformation-user-guide#556 and
  kubernetes-retired/kube-aws#1347).
* MultiAttachEnabled: "No interruption", but the same page says "AWS
  CloudFormation does not currently support updating a single-attach volume to
  be multi-attach enabled, updating a multi-attach enabled volume to be
  single-attach": a change of it fails the same way.
* Size, VolumeType, Iops, Throughput: in place through EC2's ModifyVolume;
  AutoEnableIO, OutpostArn, Tags: in place. "Amazon EBS does not support sizing
  down an Amazon EBS volume": ModifyVolume refuses a smaller size with
  ``InvalidParameterValue`` "New size cannot be smaller than existing size"
  (ModifyVolume API reference, Size: "The target volume size must be greater
  than or equal to the existing size of the volume"; the wording as EC2 returns
  it in aws/aws-cli#4216 and kubernetes/kops#17344), so the update fails and
  rolls back. "AWS CloudFormation does not attempt to modify an Amazon EBS
  volume to a smaller size on rollback": a grown volume stays grown when a
  later resource fails (the engine's rollback reapplies the old size, which
  ModifyVolume refuses; the engine logs that and carries on).

Magnetic (``standard``) volumes: the ModifyVolume reference lists ``standard``
among the target sizes it accepts (1-1,024 GiB) and says nothing that refuses
modifying them, so they are modified like the others.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import InvalidParameterValue
from moto.ec2.models import ec2_backends
from moto.ec2.models.elastic_block_store import Volume

from emulator.gaps._install import install
from emulator.gaps._props import as_bool, as_int, changed, retag, tag_dict
from emulator.gaps.exceptions import NotUpdatableError

# "Update requires: Updates are not supported" (and MultiAttachEnabled, see above).
_NOT_UPDATABLE = {"AvailabilityZone", "Encrypted", "KmsKeyId", "SnapshotId", "MultiAttachEnabled"}
_BOOLEANS = {"Encrypted", "MultiAttachEnabled", "AutoEnableIO"}
_NOT_UPDATABLE_REASON = (
    "Volume properties other than AutoEnableIO, type, size, and IOPS cannot be updated. "
    "Change the properties back to previous values and update the stack again."
)

_moto_modify = Volume.modify


def _differences(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """Changed properties, booleans compared as CloudFormation reads them (absent = false)."""
    return {
        name
        for name in changed(old, new)
        if name not in _BOOLEANS or as_bool(old.get(name)) != as_bool(new.get(name))
    }


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
        differences = _differences(old, new)
        if differences & _NOT_UPDATABLE:
            raise NotUpdatableError(_NOT_UPDATABLE_REASON)
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

    def modify(
        self,
        target_size: int | None = None,
        target_volume_type: str | None = None,
        target_iops: int | None = None,
        target_throughput: int | None = None,
        target_multi_attach_enabled: bool | None = None,
    ) -> None:
        """EC2 ModifyVolume (the API and CloudFormation both come here): a volume never shrinks."""
        if target_size is not None and int(target_size) < self.size:
            raise InvalidParameterValue("New size cannot be smaller than existing size")
        _moto_modify(
            self, target_size, target_volume_type, target_iops, target_throughput, target_multi_attach_enabled
        )

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
