"""AWS::EC2::VolumeAttachment: detach on delete, and a physical ID.

moto 5.2.5 attaches the volume but never detaches it, so the volume stays
in-use (and undeletable) after the attachment is removed or the stack deleted.
"""

from __future__ import annotations

from moto.ec2.models.elastic_block_store import VolumeAttachment

from emulator.gaps._install import install


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
    install(VolumeAttachment, VolumeAttachmentFill)
