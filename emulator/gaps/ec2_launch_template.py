"""RunInstances from a launch template: the template's settings the instance must get.

moto 5.2.5 takes from a launch template only the AMI, instance type, key pair,
security groups, user data, instance tags and block devices. An instance
launched from it (by an Auto Scaling group, or RunInstances with
``LaunchTemplate``) loses the template's ``MetadataOptions`` (IMDSv2 required
becomes optional), ``IamInstanceProfile`` (no role: Session Manager and the
CloudWatch agent could not work), ``Monitoring``,
``InstanceInitiatedShutdownBehavior``, ``DisableApiTermination``,
``EbsOptimized``, a block device's ``Iops``, and the volume tags of its
``TagSpecifications``.

In EC2 every launch-template parameter the RunInstances request does not
override applies ("Launch an instance from a launch template", EC2 user guide:
"any parameters that you specify ... override the same parameters in the launch
template"). Here each of those is applied when the request leaves it unset.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models.instances import InstanceBackend, MetadataOptions, Reservation
from moto.ec2.utils import convert_tag_spec

from emulator.gaps._install import install
from emulator.gaps._props import as_bool

_run_instances: Any = None  # the run_instances this fill wraps (set by apply, after ec2_instance's)


class InstanceBackendFill:
    """What moto's InstanceBackend gains (installed by :func:`apply`)."""

    def run_instances(
        self, image_id: str, count: int, user_data: Any, security_group_names: list[str], **kwargs: Any
    ) -> Reservation:
        template_arg = kwargs.get("launch_template")
        if not template_arg:
            return _run_instances(self, image_id, count, user_data, security_group_names, **kwargs)
        data = self._get_template_from_args(template_arg).data
        # moto's RunInstances fills the request's defaults in (monitoring "disabled", EbsOptimized False): a
        # request that leaves a setting at its default is taken as one that does not set it.
        monitoring = (data.get("Monitoring") or {}).get("Enabled")
        if kwargs.get("monitoring_state", "disabled") == "disabled" and monitoring is not None:
            kwargs["monitoring_state"] = "enabled" if as_bool(monitoring) else "disabled"
        if not kwargs.get("instance_initiated_shutdown_behavior") and data.get("InstanceInitiatedShutdownBehavior"):
            kwargs["instance_initiated_shutdown_behavior"] = data["InstanceInitiatedShutdownBehavior"]
        for key, argument in (("DisableApiTermination", "disable_api_termination"), ("EbsOptimized", "ebs_optimized")):
            if not kwargs.get(argument) and data.get(key) is not None:
                kwargs[argument] = as_bool(data[key])
        volume_tags = convert_tag_spec(data.get("TagSpecifications") or []).get("volume", {})
        if volume_tags:
            tags = dict(kwargs.get("tags") or {})
            tags["volume"] = {**volume_tags, **tags.get("volume", {})}
            kwargs["tags"] = tags
        reservation = _run_instances(self, image_id, count, user_data, security_group_names, **kwargs)
        profile = data.get("IamInstanceProfile") or {}
        for instance in reservation.instances:
            if data.get("MetadataOptions") and not kwargs.get("metadata_options"):
                instance.metadata_options = MetadataOptions(data["MetadataOptions"])
            requested = kwargs.get("iam_instance_profile_name") or kwargs.get("iam_instance_profile_arn")
            if (profile.get("Arn") or profile.get("Name")) and not requested:
                self.associate_iam_instance_profile(
                    instance_id=instance.id,
                    iam_instance_profile_name=profile.get("Name"),
                    iam_instance_profile_arn=profile.get("Arn"),
                )
            if "block_device_mappings" not in kwargs:  # moto mapped the template's devices
                self._emulator_set_iops(instance, data.get("BlockDeviceMappings") or [])
        return reservation

    def _emulator_set_iops(self, instance: Any, mappings: list[dict[str, Any]]) -> None:
        """A mapped io1/io2/gp3 volume's Iops (moto's add_block_device has no parameter for it)."""
        for name, device in instance.get_block_device_mapping:
            for mapping in mappings:
                iops = mapping.get("Ebs", {}).get("Iops")
                if mapping.get("DeviceName") == name and iops:
                    self.get_volume(device.volume_id).iops = int(iops)


def apply() -> None:
    global _run_instances
    _run_instances = InstanceBackend.run_instances
    install(InstanceBackend, InstanceBackendFill)
