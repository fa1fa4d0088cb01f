"""EBS volume specifications and AWS's own limits for them.

Limits are AWS's current ones (EC2 API reference, CreateVolume; CloudFormation's AWS::EC2::Volume
schema as shipped in cfn-lint 1.58), which are wider than some older tooling enforces: gp3 went to
64 TiB, 80,000 IOPS and 2,000 MiB/s in late 2025. The tests pin every boundary.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal, Optional

from .checks import check_fields
from .errors import SettingError
from .instance_types import InstanceTypeInfo

VolumeType = Literal["gp2", "gp3", "io1", "io2", "standard"]
OnDestroy = Literal["snapshot", "delete", "retain"]

# The root device of every Amazon Linux 2 / 2023 AMI, and their root snapshot size in GiB.
AMAZON_LINUX_ROOT_DEVICE = "/dev/xvda"
AMAZON_LINUX_ROOT_GIB = 8


@dataclass(frozen=True)
class EbsLimits:
    """What one EBS volume type accepts."""

    size: tuple[int, int]
    iops: Optional[tuple[int, int]] = None  # None: IOPS cannot be set for this type
    iops_required: bool = False
    iops_per_gib: Optional[int] = None
    # gp3's baseline (3,000 IOPS) is allowed at any size, above the per-GiB ratio.
    iops_free_baseline: int = 0
    throughput: Optional[tuple[int, int]] = None  # MiB/s; None: not settable
    throughput_per_iops: Optional[float] = None
    throughput_free_baseline: int = 0
    # Instances not built on Nitro cannot use more than this many IOPS per volume.
    non_nitro_max_iops: Optional[int] = None


EBS_LIMITS: dict[str, EbsLimits] = {
    "gp2": EbsLimits(size=(1, 16_384)),
    "gp3": EbsLimits(
        size=(1, 65_536), iops=(3_000, 80_000), iops_per_gib=500, iops_free_baseline=3_000,
        throughput=(125, 2_000), throughput_per_iops=0.25, throughput_free_baseline=125,
    ),
    "io1": EbsLimits(size=(4, 16_384), iops=(100, 64_000), iops_required=True, iops_per_gib=50,
                     non_nitro_max_iops=32_000),
    "io2": EbsLimits(size=(4, 65_536), iops=(100, 256_000), iops_required=True, iops_per_gib=1_000,
                     non_nitro_max_iops=32_000),
    "standard": EbsLimits(size=(1, 1_024)),
}

# aws-cdk-lib 2.275's ec2.Volume still refuses io2 above 500 IOPS per GiB; AWS allows 1,000.
CDK_IO2_IOPS_PER_GIB = 500

# Device names AWS documents for EBS data volumes on Linux (sdf-sdp recommended; sdb-sdz and
# xvdb-xvdz accepted). xvdX and sdX name the same slot, so uniqueness is checked on the letter.
_DEVICE = re.compile(r"/dev/(sd|xvd)([b-z])")  # always fullmatch: "$" would accept a trailing newline
DEFAULT_DATA_DEVICES: tuple[str, ...] = tuple(f"/dev/sd{c}" for c in "fghijklmnop")


def device_slot(device: str) -> str:
    """The attachment slot a device name refers to (``/dev/xvdf`` and ``/dev/sdf`` are both ``f``)."""
    match = _DEVICE.fullmatch(device)
    return match.group(2) if match else device


@dataclass(frozen=True, kw_only=True)
class _EbsSpec:
    size: Annotated[Optional[int], "GiB"] = None
    type: VolumeType = "gp3"
    iops: Annotated[Optional[int], "IOPS"] = None
    throughput: Annotated[Optional[int], "MiB/s"] = None
    encrypted: bool = True
    # Required with encrypted=false: the reason recorded with cdk-nag's EC26 acknowledgment.
    unencrypted_reason: Optional[str] = None

    def validate(self, setting: str, instance: Optional[InstanceTypeInfo] = None) -> None:
        """Raise :class:`SettingError` for anything AWS would reject; ``setting`` prefixes the key."""
        check_fields(self, setting)
        limits = EBS_LIMITS[self.type]
        if self.size is not None:
            low, high = limits.size
            if not low <= self.size <= high:
                raise SettingError(f"{setting}.size", self.size, f"{self.type} takes {low} to {high} GiB")
        self._validate_iops(setting, limits, instance)
        self._validate_throughput(setting, limits)
        reason = self.unencrypted_reason
        if reason is not None and (self.encrypted or not reason.strip()):
            raise SettingError(f"{setting}.unencrypted_reason", reason,
                               "only goes with encrypted=false, as text saying why this data may be stored unencrypted")
        if not self.encrypted and reason is None:
            # The reason becomes cdk-nag's EC26 acknowledgment; without one, refuse here, by name,
            # rather than leave it to a multi-line nag report at the end of synthesis.
            raise SettingError(f"{setting}.unencrypted_reason", None,
                               "is required with encrypted=false: say why this data may be stored unencrypted")

    def _size_from_snapshot(self) -> bool:
        return False

    def _validate_iops(self, setting: str, limits: EbsLimits, instance: Optional[InstanceTypeInfo]) -> None:
        name = f"{setting}.iops"
        if limits.iops is None:
            if self.iops is not None:
                raise SettingError(name, self.iops, f"IOPS cannot be set for {self.type}; only gp3, io1 and io2 take it")
            return
        if self.iops is None:
            if limits.iops_required:
                raise SettingError(name, None, f"{self.type} requires iops ({limits.iops[0]} to {limits.iops[1]})")
            return
        low, high = limits.iops
        if not low <= self.iops <= high:
            raise SettingError(name, self.iops, f"{self.type} takes {low} to {high} IOPS")
        if self.size is None and self._size_from_snapshot():
            return  # AWS judges the ratio against the snapshot's size, unknown here
        size = self.size if self.size is not None else AMAZON_LINUX_ROOT_GIB
        ceiling = max(limits.iops_free_baseline, limits.iops_per_gib * size)
        if self.iops > ceiling:
            raise SettingError(
                name, self.iops,
                f"{self.type} allows at most {limits.iops_per_gib} IOPS per GiB, so {ceiling} for {size} GiB",
            )
        non_nitro_cap = limits.non_nitro_max_iops
        if instance is not None and not instance.nitro and non_nitro_cap and self.iops > non_nitro_cap:
            raise SettingError(
                name, self.iops,
                f"{instance.name} is not built on Nitro and can use at most {limits.non_nitro_max_iops} IOPS per volume",
            )

    def _validate_throughput(self, setting: str, limits: EbsLimits) -> None:
        name = f"{setting}.throughput"
        if self.throughput is None:
            return
        if limits.throughput is None:
            raise SettingError(name, self.throughput, f"throughput cannot be set for {self.type}; only gp3 takes it")
        low, high = limits.throughput
        if not low <= self.throughput <= high:
            raise SettingError(name, self.throughput, f"{self.type} takes {low} to {high} MiB/s")
        iops = self.iops if self.iops is not None else limits.iops_free_baseline
        ceiling = max(limits.throughput_free_baseline, int(limits.throughput_per_iops * iops))
        if self.throughput > ceiling:
            raise SettingError(
                name, self.throughput,
                f"{self.type} allows at most {limits.throughput_per_iops} MiB/s per IOPS, so {ceiling} with {iops} IOPS",
            )


@dataclass(frozen=True, kw_only=True)
class RootVolume(_EbsSpec):
    """The instance's root EBS volume. It goes with the instance unless ``delete_on_termination`` is false.

    Defaults are the walk-through's: gp2, the AMI's own size (8 GiB for Amazon Linux), encrypted.
    """

    type: VolumeType = "gp2"
    delete_on_termination: bool = True

    def validate(self, setting: str, instance: Optional[InstanceTypeInfo] = None, *,
                 min_size: Optional[int] = None) -> None:
        super().validate(setting, instance)
        if self.throughput is not None:
            # CloudFormation's AWS::EC2::Instance Ebs mapping has no Throughput (cfn-lint 1.58 schema).
            raise SettingError(
                f"{setting}.throughput", self.throughput,
                "CloudFormation cannot set throughput on a root device; use a gp3 data volume in volumes",
            )
        if min_size is not None and self.size is not None and self.size < min_size:
            raise SettingError(f"{setting}.size", self.size, f"must be at least the AMI's root size, {min_size} GiB")


@dataclass(frozen=True, kw_only=True)
class DataVolume(_EbsSpec):
    """An extra EBS data volume, created on its own (``AWS::EC2::Volume``) and attached at ``device``.

    ``name`` is the volume's identity: its CloudFormation logical ID derives from it (``Volume<Name>``),
    so the list can be reordered and devices named without one volume taking over another's data.
    It is required once there is more than one volume; a lone volume defaults to its device's letter
    (``f`` for /dev/sdf), which is also the name to give a volume that already exists, to keep it.

    Defaults: gp3 (cheaper per GiB than gp2, with a 3,000 IOPS baseline at any size), encrypted, the
    next free device from /dev/sdf, and a snapshot on ``cdk destroy`` so no data is lost.
    """

    #: Required, unless restoring ``snapshot_id``: the snapshot's size then (CreateVolume: "If you specify a
    #: snapshot, the default is the snapshot size"); given, at least the snapshot's.
    size: Annotated[Optional[int], "GiB"] = None
    name: Optional[str] = None
    device: Optional[str] = None
    on_destroy: OnDestroy = "snapshot"
    #: Create the volume from this EBS snapshot (a backup's, or the one ``cdk destroy`` left).
    snapshot_id: Optional[str] = None
    #: Where you mount the volume on the server, e.g. /data. The construct attaches the volume (after the
    #: instance has booted) but neither formats nor mounts it; named here, the CloudWatch agent reports its
    #: disk use (logs=true) and the disk alarm watches it (with alarm_email). Default: none.
    mount_point: Optional[str] = None

    def _size_from_snapshot(self) -> bool:
        return self.snapshot_id is not None

    def validate(self, setting: str, instance: Optional[InstanceTypeInfo] = None) -> None:
        if self.size is None and self.snapshot_id is None:
            raise SettingError(f"{setting}.size", None, "is required for a data volume (GiB), unless it restores a "
                                                        "snapshot_id (then it takes the snapshot's size)")
        super().validate(setting, instance)
        if self.device is not None and not _DEVICE.fullmatch(self.device):
            raise SettingError(
                f"{setting}.device", self.device,
                "must be a data device name /dev/sd[b-z] or /dev/xvd[b-z] (AWS recommends /dev/sdf to /dev/sdp); "
                f"{AMAZON_LINUX_ROOT_DEVICE} is the root device",
            )
        if self.snapshot_id is not None and not _SNAPSHOT_ID.fullmatch(self.snapshot_id):
            raise SettingError(f"{setting}.snapshot_id", self.snapshot_id,
                               "must be an EBS snapshot id such as snap-0123456789abcdef0")
        if self.mount_point is not None and (not _MOUNT_POINT.fullmatch(self.mount_point)
                                             or {".", ".."} & set(self.mount_point.split("/"))):
            raise SettingError(f"{setting}.mount_point", self.mount_point,
                               "must be an absolute path other than / (the root volume's), such as /data: letters, "
                               "digits and ._- between slashes")
        if self.name is not None and not _VOLUME_NAME.fullmatch(self.name):
            raise SettingError(f"{setting}.name", self.name,
                               "must be 1 to 32 letters and digits, starting with a letter (e.g. data, logs, f)")


_SNAPSHOT_ID = re.compile(r"snap-([0-9a-f]{8}|[0-9a-f]{17})")
_MOUNT_POINT = re.compile(r"(/[A-Za-z0-9._-]+)+")


def mount_points(volumes: Sequence[DataVolume], *, setting: str = "volumes") -> tuple[str, ...]:
    """The file systems the CloudWatch agent reports on: the root, then each volume's ``mount_point``, once each."""
    points: dict[str, str] = {"/": "the root volume"}
    for index, volume in enumerate(volumes):
        if volume.mount_point is None:
            continue
        if volume.mount_point in points:
            raise SettingError(f"{setting}[{index}].mount_point", volume.mount_point,
                               f"already used by {points[volume.mount_point]}; one volume per mount point")
        points[volume.mount_point] = f"{setting}[{index}]"
    return tuple(points)
# A volume's name becomes part of its logical ID, which takes letters and digits only.
_VOLUME_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,31}")


def volume_id(name: str) -> str:
    """The construct id suffix of a volume named ``name``: ``data`` -> ``Data``, ``f`` -> ``F``."""
    return name[0].upper() + name[1:]


def assign_names(volumes: tuple[DataVolume, ...], devices: tuple[str, ...], *,
                 setting: str = "volumes") -> tuple[str, ...]:
    """Each volume's name: the given one, or for a lone volume its device's letter. Rejects duplicates,
    by the logical ID they would give (``data`` and ``Data`` are the same volume to CloudFormation)."""
    names: list[str] = []
    seen: dict[str, str] = {}
    for index, (volume, device) in enumerate(zip(volumes, devices, strict=True)):
        name = volume.name
        if name is None:
            if len(volumes) > 1:
                raise SettingError(
                    f"{setting}[{index}].name", None,
                    "is required when there is more than one volume: a name keeps each volume's identity (and data) "
                    f"when the list changes; to keep a volume that exists, name it after its device letter "
                    f"({device_slot(device)})")
            name = device_slot(device)
        key = volume_id(name).lower()
        if key in seen:
            raise SettingError(f"{setting}[{index}].name", name,
                               f"already used by {seen[key]}; each volume needs its own name")
        seen[key] = f"{setting}[{index}]"
        names.append(name)
    return tuple(names)


def assign_devices(volumes: tuple[DataVolume, ...], *, setting: str = "volumes",
                   reserved: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Device name per volume: the given one, or the next free slot from /dev/sdf. Rejects duplicates.

    ``reserved`` are slots taken by something else (instance-store volumes).
    """
    taken: dict[str, str] = {device_slot(d): "instance store" for d in reserved}
    for index, volume in enumerate(volumes):
        if volume.device is None:
            continue
        slot = device_slot(volume.device)
        if slot in taken:
            raise SettingError(f"{setting}[{index}].device", volume.device,
                               f"device already used by {taken[slot]}; each volume needs its own device")
        taken[slot] = f"{setting}[{index}]"
    free = iter(d for d in DEFAULT_DATA_DEVICES if device_slot(d) not in taken)
    devices = []
    for index, volume in enumerate(volumes):
        if volume.device is not None:
            devices.append(volume.device)
            continue
        device = next(free, None)
        if device is None:
            raise SettingError(f"{setting}[{index}].device", None, "no free device left in /dev/sdf to /dev/sdp; name one")
        devices.append(device)
    return tuple(devices)


def block_devices(root_volume: RootVolume, root_size: Optional[int], root_device: str,
                  instance_store_devices: tuple[str, ...] = (), kms_key=None) -> list:  # noqa: ANN001 - kms.IKey
    """The block device mappings every instance gets: its encrypted root (with ``kms_key``, else EBS's default
    key), and its instance store."""
    from aws_cdk import aws_ec2 as ec2  # the specs above stay plain Python; only this builds CDK types

    devices = [ec2.BlockDevice(
        device_name=root_device,
        volume=ec2.BlockDeviceVolume(ebs_device=ec2.EbsDeviceProps(
            volume_size=root_volume.size if root_volume.size is not None else root_size,
            volume_type=ec2.EbsDeviceVolumeType[root_volume.type.upper()],
            iops=root_volume.iops,
            encrypted=root_volume.encrypted,
            kms_key=kms_key if root_volume.encrypted else None,
            delete_on_termination=root_volume.delete_on_termination,
        )),
    )]
    devices += [ec2.BlockDevice(device_name=device, volume=ec2.BlockDeviceVolume.ephemeral(i))
                for i, device in enumerate(instance_store_devices)]
    return devices


def data_block_device(spec: DataVolume, device: str, kms_key=None):  # noqa: ANN001 - kms.IKey
    """A data volume as a launch template's block device: made with each instance, and deleted with it."""
    from aws_cdk import aws_ec2 as ec2

    return ec2.BlockDevice(device_name=device, volume=ec2.BlockDeviceVolume(ebs_device=ec2.EbsDeviceProps(
        volume_size=spec.size, volume_type=ec2.EbsDeviceVolumeType[spec.type.upper()], iops=spec.iops,
        throughput=spec.throughput, encrypted=spec.encrypted, kms_key=kms_key if spec.encrypted else None,
        delete_on_termination=True,
        snapshot_id=spec.snapshot_id)))
