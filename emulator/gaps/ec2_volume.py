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

ModifyVolume's pacing (ModifyVolume, EC2 API reference, as the current SDK
references carry it, e.g. the AWS SDK for Python's ``modify_volume``): "After
you initiate a volume modification, you must wait for that modification to
reach the completed state before you can initiate another modification for the
same volume. You can modify a volume up to four times within a rolling 24-hour
period" (the older text: "wait at least six hours" between modifications).
EC2 refuses either with ``VolumeModificationRateExceeded``. A modification goes
``modifying`` then ``optimizing``, which "can take from a few minutes to a few
hours" (EBS user guide, "Monitor the progress of volume modifications"): AWS
gives no duration, so here it stays ``optimizing`` for :data:`OPTIMIZING`
(an assumption; long enough that no emulator session sees one complete). So,
as on AWS, a second update of a volume's size, type, IOPS or throughput fails
and rolls back; and an update rollback that would modify a volume back (a new
type or IOPS, then a later resource failing) fails: UPDATE_ROLLBACK_FAILED.

Magnetic (``standard``) volumes: the ModifyVolume reference lists ``standard``
among the target sizes it accepts (1-1,024 GiB) and says nothing that refuses
modifying them, so they are modified like the others.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from moto.core.utils import utcnow
from moto.ec2.exceptions import InvalidParameterValue
from moto.ec2.models import ec2_backends
from moto.ec2.models.elastic_block_store import Volume, VolumeModification

from emulator import cfn_engine
from emulator.gaps._install import install
from emulator.gaps._props import as_bool, as_int, changed, retag, tag_dict
from emulator.gaps.exceptions import NotUpdatableError, VolumeModificationRateExceededError

#: How long a modification stays ``optimizing`` here (AWS: "a few minutes to a few hours"; assumed).
OPTIMIZING = timedelta(hours=6)
#: "up to four times within a rolling 24-hour period" (ModifyVolume reference).
_MODIFICATIONS_PER_DAY, _DAY = 4, timedelta(hours=24)

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
        operation = cfn_engine.current()
        if operation is not None and operation.rollback and "Size" in differences \
                and (as_int(new.get("Size")) or 0) < volume.size:
            # "AWS CloudFormation does not attempt to modify an Amazon EBS volume to a smaller size on rollback."
            differences.discard("Size")
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
        now = utcnow()
        if any(m.modification_state != "completed" for m in self.modifications):
            raise VolumeModificationRateExceededError(
                self.id, "its previous modification has not completed (optimizing)")
        if sum(now - m.start_time < _DAY for m in self.modifications) >= _MODIFICATIONS_PER_DAY:
            raise VolumeModificationRateExceededError(
                self.id, f"it was modified {_MODIFICATIONS_PER_DAY} times in the last 24 hours")
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


class VolumeModificationFill:
    """What moto's VolumeModification gains: it is ``optimizing`` (not at once ``completed``) for a while."""

    @property
    def modification_state(self) -> str:
        return "optimizing" if utcnow() - self.start_time < OPTIMIZING else "completed"

    @property
    def progress(self) -> int:
        return 100 if self.modification_state == "completed" else 0


def _keep_the_volumes_key() -> None:
    """CreateSnapshot (and DeletionPolicy Snapshot) of a volume encrypted with a customer managed key: "Snapshots
    that are created from encrypted volumes are automatically encrypted" with the volume's KMS key (EBS user guide,
    "Amazon EBS encryption"), so DescribeSnapshots answers its KmsKeyId. moto 5.2.5 drops it (the snapshot is
    encrypted, with no key), so the audit could not tell which key a kept snapshot needs."""
    from moto.ec2.models.elastic_block_store import EBSBackend

    original = EBSBackend.create_snapshot
    if getattr(original, "_emulator_keeps_the_key", False):
        return

    def create_snapshot(self, volume_id, description, owner_id=None, from_ami=None):  # type: ignore[no-untyped-def]
        snapshot = original(self, volume_id, description, owner_id=owner_id, from_ami=from_ami)
        snapshot.kms_key_id = snapshot.kms_key_id or self.get_volume(volume_id).kms_key_id
        return snapshot

    create_snapshot._emulator_keeps_the_key = True  # type: ignore[attr-defined]
    EBSBackend.create_snapshot = create_snapshot  # type: ignore[method-assign]


def apply() -> None:
    install(Volume, VolumeFill)
    install(VolumeModification, VolumeModificationFill)
    _keep_the_volumes_key()
