"""AWS::EC2::VolumeAttachment: detach on delete, and a physical ID.

moto 5.2.5 attaches the volume but never detaches it, so the volume stays
in-use (and undeletable) after the attachment is removed or the stack deleted.
"""

from __future__ import annotations

from moto.ec2.models.elastic_block_store import VolumeAttachment


def _delete(attachment: VolumeAttachment, account_id: str, region_name: str) -> None:
    volume = attachment.volume
    # Already detached (say, its instance was terminated first): nothing to do.
    if volume.attachment is attachment:
        volume.ec2_backend.detach_volume(volume.id, attachment.instance.id, attachment.device)


def _physical_id(attachment: VolumeAttachment) -> str:
    return f"{attachment.volume.id}-{attachment.instance.id}"


def apply() -> None:
    VolumeAttachment.delete = _delete  # type: ignore[attr-defined]
    VolumeAttachment.physical_resource_id = property(_physical_id)  # type: ignore[attr-defined]
