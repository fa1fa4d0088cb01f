"""AttachVolume refuses what EC2 refuses; AWS::EC2::VolumeAttachment detaches on delete.

moto 5.2.5's ``attach_volume`` attaches whatever it is given: a volume already
attached to another instance is silently re-pointed (its first attachment is
lost), a volume in another Availability Zone is attached, and a device name
the instance already uses is overwritten. So a CloudFormation update that
replaces an instance with its data volumes attached "succeeds" in the
emulator, where AWS fails it: CloudFormation creates the new instance and the
new attachment first, while the volume is still attached to the old instance
(UPDATE_ROLLBACK_COMPLETE in AWS). EC2 refuses, with these codes (listed in
"Error codes for the Amazon EC2 API",
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)
and messages:

* ``VolumeInUse`` "vol-... is already attached to an instance", wording as EC2
  returns it in hashicorp/terraform-provider-aws#8565 and portworx/px-dev#42.
  A Multi-Attach volume (io1/io2) may be attached to several instances (EBS
  User Guide, "Attach a volume to multiple instances with Amazon EBS
  Multi-Attach"); moto models one attachment per volume, so for those the
  check is left out.
* ``InvalidVolume.ZoneMismatch`` "The volume 'vol-...' is not in the same
  availability zone as instance 'i-...'": the AttachVolume API reference
  ("The volume and instance must be within the same Availability Zone"),
  wording as in linuxkit/linuxkit#2388 and kubernetes-sigs/aws-ebs-csi-driver#52.
* ``InvalidParameterValue`` "Invalid value '/dev/sdf' for unixDevice.
  Attachment point /dev/sdf is already in use": wording as in nanovms/ops#1189,
  mantl/mantl#819 and rexray/rexray#425. Device names are compared as given
  (AWS may also treat /dev/sdf and /dev/xvdf as one; not documented, not done).

moto also never detaches a VolumeAttachment, so the volume stays in-use (and
undeletable) after the attachment is removed or the stack deleted.
"""

from __future__ import annotations

from moto.ec2.exceptions import InvalidParameterValue
from moto.ec2.models.elastic_block_store import EBSBackend, VolumeAttachment

from emulator.gaps._install import install
from emulator.gaps.exceptions import InvalidVolumeZoneMismatchError, VolumeAlreadyAttachedError

_moto_attach_volume = EBSBackend.attach_volume


class EBSBackendFill:
    """What moto's EBSBackend gains (installed by :func:`apply`)."""

    def attach_volume(
        self, volume_id: str, instance_id: str, device_path: str, delete_on_termination: bool = False
    ) -> VolumeAttachment | None:
        volume = self.get_volume(volume_id)
        instance = self.get_instance(instance_id)
        if volume.attachment is not None and not volume.multi_attach_enabled:
            raise VolumeAlreadyAttachedError(volume_id)
        if getattr(volume.zone, "name", volume.zone) != instance.placement.zone:
            raise InvalidVolumeZoneMismatchError(volume_id, instance_id)
        if device_path in instance.block_device_mapping:
            raise InvalidParameterValue(
                f"Invalid value '{device_path}' for unixDevice. Attachment point {device_path} is already in use"
            )
        return _moto_attach_volume(self, volume_id, instance_id, device_path, delete_on_termination)


class VolumeAttachmentFill:
    """What moto's VolumeAttachment gains (installed by :func:`apply`)."""

    @property
    def physical_resource_id(self) -> str:
        return f"{self.volume.id}-{self.instance.id}"

    def delete(self, account_id: str, region_name: str) -> None:
        volume = self.volume
        # Already detached (say, its instance was terminated first): nothing to do.
        if volume.attachment is self:
            volume.ec2_backend.detach_volume(volume.id, self.instance.id, self.device)


def apply() -> None:
    install(EBSBackend, EBSBackendFill)
    install(VolumeAttachment, VolumeAttachmentFill)
