"""AWS::EC2::Instance: the properties plain moto drops, in-place updates, protection.

moto 5.2.5 reads ImageId, InstanceType, SubnetId, KeyName, UserData,
PrivateIpAddress, BlockDeviceMappings (without Iops) and IamInstanceProfile,
and treats ``SecurityGroups`` as IDs. It drops SecurityGroupIds,
MetadataOptions, Monitoring, DisableApiTermination,
InstanceInitiatedShutdownBehavior, PlacementGroupName, AvailabilityZone,
EbsOptimized and PropagateTagsToVolumeOnCreation; an io1/io2 block device
fails for want of Iops. It cannot update an instance (the stack forgets it),
and deletes an instance even when DisableApiTermination forbids it.

RunInstances (moto's ``InstanceBackend.run_instances``, which the instance
model also uses) launches any AMI on any instance type. EC2 refuses an AMI
whose architecture is not one the instance type supports, with
``InvalidParameterValue`` "The architecture 'arm64' of the specified instance
type does not match the architecture 'x86_64' of the specified AMI. Specify an
instance type and an AMI that have matching architectures, and try again. You
can use 'describe-instance-types' or 'describe-images' to discover the
architecture of the instance type or AMI." (wording as EC2 returns it in
skypilot-org/skypilot#6315, aws/eks-anywhere-build-tooling#2158 and
aws/amazon-cloudwatch-agent-test#207). The AMI's architecture is moto's
(``Ami.architecture``), the type's its ``ProcessorInfo.SupportedArchitectures``
(moto's copy of DescribeInstanceTypes). A type that supports several
(i386 and x86_64) is named by the one matching the AMI's family, x86_64:
which one AWS names is not documented. Not checked for a launch with a launch
template (moto resolves its AMI and type later).

Not emulated: CreationPolicy / cfn-signal. The emulator runs no user data, so no
instance signals; the stack does not wait, and a stack event says the signals
are taken as received.
"""

from __future__ import annotations

from typing import Any

from moto import settings
from moto.ec2.exceptions import InvalidInstanceTypeError, InvalidParameterValue, OperationNotPermitted4
from moto.ec2.models import ec2_backends
from moto.ec2.models.instance_types import INSTANCE_TYPE_OFFERINGS, INSTANCE_TYPES
from moto.ec2.models.instances import Instance, InstanceBackend, MetadataOptions, Reservation

from emulator import cfn_engine
from emulator.gaps._install import install
from emulator.gaps._props import as_bool, as_int, changed, retag, tag_dict

# Changing any of these replaces the instance (CloudFormation reference). BlockDeviceMappings too,
# unless only an EBS mapping's DeleteOnTermination changes (see _replaces_block_devices).
_REPLACING = {
    "AvailabilityZone",
    "ImageId",
    "KeyName",
    "LaunchTemplate",
    "NetworkInterfaces",
    "PlacementGroupName",
    "PrivateIpAddress",
    "PropagateTagsToVolumeOnCreation",
    "SecurityGroups",
    "SubnetId",
    "Tenancy",
}
# Changed with the instance stopped ("some interruptions").
_NEEDS_STOP = {"InstanceType", "UserData", "EbsOptimized"}
_DEFAULT_ROOT_GIB = 8
#: RunInstances' default when no InstanceType is given (moto's, as AWS's: m1.small).
_DEFAULT_INSTANCE_TYPE = "m1.small"

_moto_run_instances = InstanceBackend.run_instances


def _refuse_architecture_mismatch(backend: Any, image_id: str | None, instance_type: str | None) -> None:
    """RunInstances' check that the AMI's architecture is one the instance type supports."""
    image = backend.amis.get(image_id) if image_id else None
    type_info = INSTANCE_TYPES.get(instance_type or _DEFAULT_INSTANCE_TYPE)
    if image is None or not image.architecture or type_info is None:
        return  # an unknown AMI or type fails elsewhere, with its own error
    supported = type_info.get("ProcessorInfo", {}).get("SupportedArchitectures") or []
    if not supported or image.architecture in supported:
        return
    named = "x86_64" if "x86_64" in supported else supported[0]
    raise InvalidParameterValue(
        f"The architecture '{named}' of the specified instance type does not match the architecture "
        f"'{image.architecture}' of the specified AMI. Specify an instance type and an AMI that have matching "
        "architectures, and try again. You can use 'describe-instance-types' or 'describe-images' to discover "
        "the architecture of the instance type or AMI."
    )


def _refuse_unknown_instance_type(backend: Any, instance_type: str) -> None:
    """RunInstances' check of the type, as moto makes it (``InstanceBackend.run_instances`` with
    ``MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION``): a type the region offers."""
    offerings = INSTANCE_TYPE_OFFERINGS["region"].get(backend.region_name, [])
    if settings.EC2_ENABLE_INSTANCE_TYPE_VALIDATION and not any(
        offering.get("InstanceType") == instance_type for offering in offerings
    ):
        raise InvalidInstanceTypeError(instance_type)


def _without_delete_on_termination(mappings: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [
        {**m, "Ebs": {k: v for k, v in m["Ebs"].items() if k != "DeleteOnTermination"}} if "Ebs" in m else m
        for m in mappings or []
    ]


def _replaces_block_devices(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether a BlockDeviceMappings change replaces the instance: "After the instance is running, you
    can modify only the DeleteOnTermination parameter for the attached volumes without interrupting the
    instance. Modifying any other parameter results in instance replacement."
    (aws-properties-ec2-instance-blockdevicemapping.md)"""
    old_mappings = _without_delete_on_termination(old.get("BlockDeviceMappings"))
    return old_mappings != _without_delete_on_termination(new.get("BlockDeviceMappings"))


def _set_delete_on_termination(instance: Instance, mappings: list[dict[str, Any]] | None) -> None:
    """ModifyInstanceAttribute's BlockDeviceMappings: each attached EBS volume's DeleteOnTermination."""
    for mapping in mappings or []:
        device = instance.block_device_mapping.get(mapping["DeviceName"])
        if "Ebs" in mapping and device is not None:
            is_root = mapping["DeviceName"] == instance.root_device_name
            device.delete_on_termination = as_bool(mapping["Ebs"].get("DeleteOnTermination"), default=is_root)


def _attach_block_devices(instance: Instance, properties: dict[str, Any], volume_tags: dict[str, str]) -> None:
    """Create and attach the mapped EBS volumes (and the AMI's root if unmapped)."""
    backend = instance.ec2_backend
    mappings = [m for m in properties.get("BlockDeviceMappings") or [] if "NoDevice" not in m and "Ebs" in m]
    if not any(m["DeviceName"] == instance.root_device_name for m in mappings):
        mappings.insert(0, {"DeviceName": instance.root_device_name, "Ebs": {}})
    for mapping in mappings:
        ebs = mapping["Ebs"]
        is_root = mapping["DeviceName"] == instance.root_device_name
        size = as_int(ebs.get("VolumeSize"))
        volume = backend.create_volume(
            size=size if size is not None or ebs.get("SnapshotId") else _DEFAULT_ROOT_GIB,
            zone_name=instance.placement.zone,
            snapshot_id=ebs.get("SnapshotId"),
            encrypted=as_bool(ebs.get("Encrypted")),
            kms_key_id=ebs.get("KmsKeyId"),
            volume_type=ebs.get("VolumeType"),
            iops=as_int(ebs.get("Iops")),
        )
        if volume_tags:
            volume.add_tags(volume_tags)
        # The AMI's root mapping deletes on termination; other mappings do not
        # unless told to.
        delete = as_bool(ebs.get("DeleteOnTermination"), default=is_root)
        backend.attach_volume(volume.id, instance.id, mapping["DeviceName"], delete)


def _set_profile(instance: Instance, profile: str | None) -> None:
    backend = instance.ec2_backend
    association = backend.iam_instance_profile_associations.get(instance.id)
    if association is not None:
        backend.disassociate_iam_instance_profile(association_id=association.association_id)
    if profile:
        backend.associate_iam_instance_profile(instance_id=instance.id, iam_instance_profile_name=profile)


class InstanceBackendFill:
    """What moto's InstanceBackend gains (installed by :func:`apply`)."""

    def run_instances(
        self, image_id: str, count: int, user_data: Any, security_group_names: list[str], **kwargs: Any
    ) -> Reservation:
        if not kwargs.get("launch_template"):  # a launch template's AMI and type are moto's to resolve
            _refuse_architecture_mismatch(self, image_id, kwargs.get("instance_type"))
        return _moto_run_instances(self, image_id, count, user_data, security_group_names, **kwargs)


class InstanceFill:
    """What moto's Instance gains (installed by :func:`apply`)."""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> Instance:
        properties = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        placement_group = properties.get("PlacementGroupName")
        if placement_group:
            # Unknown group: fail as RunInstances does (filled by ec2_placement_group).
            find_group = getattr(backend, "get_placement_group", None)
            if find_group is not None:
                find_group(placement_group)
        reservation = backend.run_instances(
            image_id=properties.get("ImageId"),
            count=1,
            user_data=properties.get("UserData"),
            security_group_names=list(properties.get("SecurityGroups") or []),
            security_group_ids=list(properties.get("SecurityGroupIds") or []),
            instance_type=properties.get("InstanceType", _DEFAULT_INSTANCE_TYPE),
            is_instance_type_default=not properties.get("InstanceType"),
            region_name=region_name,
            placement=properties.get("AvailabilityZone"),
            subnet_id=properties.get("SubnetId"),
            key_name=properties.get("KeyName"),
            private_ip=properties.get("PrivateIpAddress"),
            metadata_options=properties.get("MetadataOptions") or {},
            monitoring_state="enabled" if as_bool(properties.get("Monitoring")) else "disabled",
            disable_api_termination=as_bool(properties.get("DisableApiTermination")),
            instance_initiated_shutdown_behavior=properties.get("InstanceInitiatedShutdownBehavior"),
            ebs_optimized=as_bool(properties.get("EbsOptimized")),
            # Present but empty: moto then adds no default root; we map devices below.
            block_device_mappings=[],
        )
        instance = reservation.instances[0]
        if placement_group:
            instance.placement.group_name = placement_group
        tags = tag_dict(properties.get("Tags"))
        instance.add_tags(tags)
        propagate = as_bool(properties.get("PropagateTagsToVolumeOnCreation"))
        _attach_block_devices(instance, properties, tags if propagate else {})
        if properties.get("IamInstanceProfile"):
            backend.associate_iam_instance_profile(
                instance_id=instance.id, iam_instance_profile_name=properties["IamInstanceProfile"]
            )
        operation = cfn_engine.current()
        signals = (operation.body.get("CreationPolicy") or {}).get("ResourceSignal") if operation else None
        if operation is not None and signals:
            operation.report(f"Emulator: instances run no user data; the {signals.get('Count', 1)} SUCCESS signal(s) "
                             "this CreationPolicy waits for are taken as received", instance.id)
        return instance

    @classmethod
    def emulator_update(
        cls, instance: Instance, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> Instance:
        differences = changed(old, new)
        if differences & _REPLACING or ("BlockDeviceMappings" in differences and _replaces_block_devices(old, new)):
            return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)
        backend = instance.ec2_backend
        if "InstanceType" in differences:
            # The checks RunInstances makes (InstanceBackendFill.run_instances, moto's own).
            if new.get("InstanceType"):
                _refuse_unknown_instance_type(backend, new["InstanceType"])
            _refuse_architecture_mismatch(backend, instance.image_id, new.get("InstanceType"))
        stop = bool(differences & _NEEDS_STOP) and instance.is_running()
        if stop:
            instance.stop()
        if "InstanceType" in differences:
            instance.instance_type = new.get("InstanceType") or _DEFAULT_INSTANCE_TYPE
        if "UserData" in differences:
            instance.user_data = new.get("UserData")
        if "EbsOptimized" in differences:
            instance.ebs_optimized = as_bool(new.get("EbsOptimized"))
        if stop:
            instance.start()
        if "BlockDeviceMappings" in differences:
            _set_delete_on_termination(instance, new.get("BlockDeviceMappings"))
        if "SecurityGroupIds" in differences:
            backend.modify_instance_security_groups(instance.id, list(new.get("SecurityGroupIds") or []))
        if "MetadataOptions" in differences:
            instance.metadata_options = MetadataOptions(new.get("MetadataOptions") or {})
        if "Monitoring" in differences:
            instance.monitoring_state = "enabled" if as_bool(new.get("Monitoring")) else "disabled"
        if "DisableApiTermination" in differences:
            instance.disable_api_termination = as_bool(new.get("DisableApiTermination"))
        if "InstanceInitiatedShutdownBehavior" in differences:
            instance.instance_initiated_shutdown_behavior = new.get("InstanceInitiatedShutdownBehavior") or "stop"
        if "IamInstanceProfile" in differences:
            _set_profile(instance, new.get("IamInstanceProfile"))
        if "Tags" in differences:
            retag(instance, old.get("Tags"), new.get("Tags"))
        return instance

    def delete(self, account_id: str, region_name: str) -> None:
        # As TerminateInstances: termination protection makes the delete fail.
        if self.disable_api_termination:
            raise OperationNotPermitted4(self.id)
        if self.state != "terminated":
            self.terminate()


def apply() -> None:
    install(InstanceBackend, InstanceBackendFill)
    install(Instance, InstanceFill)
