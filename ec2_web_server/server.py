"""``Server``: one web server instance with its block devices, data volumes and Elastic IP.

Built by :class:`~.web_server.WebServer` once per instance, with props it has already validated.
It acknowledges the cdk-nag findings that follow from its own documented choices.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, Optional

import aws_cdk as cdk
import jsii
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct, IConstruct

from .capacity import use_launch_template
from .ebs import CDK_IO2_IOPS_PER_GIB, DataVolume, RootVolume, block_devices, volume_id
from .instance_types import InstanceTypeInfo
from .options import ShutdownBehavior

# What each data volume's ``on_destroy`` means to CloudFormation.
_REMOVAL = {
    "snapshot": cdk.RemovalPolicy.SNAPSHOT,
    "delete": cdk.RemovalPolicy.DESTROY,
    "retain": cdk.RemovalPolicy.RETAIN,
}


class Server(Construct):
    """One server: the instance, its data volumes and attachments, and its Elastic IP.

    :param instance_type: the validated instance type's facts.
    :param root_size: the AMI's root size in GiB when ``root_volume.size`` is not given (None: the AMI's).
    :param data_devices: the device of each of ``volumes``, in the same order.
    :param volume_names: the name (identity) of each of ``volumes``, in the same order.
    :param detach_volumes: keep the data volumes but attach none of them (the first step of replacing
        the instance while keeping its volumes, see :meth:`_refuse_replacement_while_attached`).
    :param user_data: what the instance runs at first boot (see :mod:`.boot`); the signal to
        CloudFormation is added here, last.
    :param name: the instance's ``Name`` tag; volumes are ``<name>-<volume name>``.
    :param kms_key: the key for the encrypted root and data volumes. Default: EBS's default key.
    :param elastic_ip_allocation_id: an Elastic IP you own, associated instead of a new one. Default: a new one.
    :param launch_template: the capacity reservation choice the instance is launched with (:mod:`.capacity`).
        Default: none (AWS's default, open).
    """

    def __init__(self, scope: Construct, id: str, *, vpc: ec2.IVpc, subnet: ec2.ISubnet,
                 machine_image: ec2.IMachineImage, instance_type: InstanceTypeInfo,
                 security_group: ec2.ISecurityGroup, role: iam.IRole, key_pair: ec2.IKeyPair,
                 placement_group: Optional[ec2.IPlacementGroup], root_volume: RootVolume,
                 root_size: Optional[int], root_device: str, instance_store_devices: Sequence[str],
                 volumes: Sequence[DataVolume], data_devices: Sequence[str], volume_names: Sequence[str],
                 detach_volumes: bool, elastic_ip: bool,
                 shutdown_behavior: ShutdownBehavior, termination_protection: bool, detailed_monitoring: bool,
                 private_ip: Optional[str], user_data: ec2.UserData, name: str,
                 kms_key: Optional[kms.IKey] = None, elastic_ip_allocation_id: Optional[str] = None,
                 launch_template: Optional[ec2.CfnLaunchTemplate] = None) -> None:
        super().__init__(scope, id)
        #: The EC2 instance.
        self.instance = ec2.Instance(
            self, "Instance",
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=[subnet]),
            instance_type=ec2.InstanceType(instance_type.name),
            machine_image=machine_image,
            security_group=security_group,
            role=role,
            key_pair=key_pair,
            user_data=user_data,
            # User data runs on first boot only, so a changed script (or site) would never reach a running
            # instance: a change replaces the instance instead (its logical ID carries the script's hash),
            # and the new one boots with it. An Elastic IP moves to the new instance; its address stays.
            user_data_causes_replacement=True,
            block_devices=block_devices(root_volume, root_size, root_device, tuple(instance_store_devices), kms_key),
            instance_name=name,
            # IMDSv2 only, set on the instance itself (MetadataOptions) rather than through a launch template.
            http_tokens=ec2.HttpTokens.REQUIRED,
            # The public IPv4 address comes from the public subnet's auto-assign setting (on in every
            # default VPC). It is needed even with an Elastic IP: the EIP is associated only after the
            # instance has signalled, and the user data needs the Internet first (packages, cfn-signal).
            # Setting associate_public_ip_address here would move the subnet and security group into
            # a NetworkInterfaces block, which hides them from review and from cdk-nag's checks.
            propagate_tags_to_volume_on_creation=True,  # the root volume gets the stack's tags too
            detailed_monitoring=detailed_monitoring,
            disable_api_termination=termination_protection,
            instance_initiated_shutdown_behavior=ec2.InstanceInitiatedShutdownBehavior[shutdown_behavior.upper()],
            placement_group=placement_group,
            private_ip_address=private_ip,
            # CloudFormation waits for the user data's cfn-signal; no signal in 15 minutes is a failure.
            resource_signal_timeout=cdk.Duration.minutes(15),
        )
        user_data.add_signal_on_exit_command(self.instance)
        #: What the instance's launch template holds (None without one): part of the instance's generation.
        self.launch_template_data = launch_template.launch_template_data if launch_template is not None else None
        if launch_template is not None:
            use_launch_template(self.instance, launch_template)
        self._acknowledge_block_devices(instance_type, instance_store_devices, root_volume)

        #: Data volumes, in ``volumes`` order.
        self.volumes: list[ec2.Volume] = []
        #: Their attachments to the instance (none with ``detach_volumes``).
        self.attachments: list[ec2.CfnVolumeAttachment] = []
        for i, (spec, device, volume_name) in enumerate(zip(volumes, data_devices, volume_names, strict=True)):
            volume = self._data_volume(f"volumes[{i}]", spec, volume_name, subnet, name, kms_key)
            self.volumes.append(volume)
            if not detach_volumes:
                self.attachments.append(ec2.CfnVolumeAttachment(
                    self, f"Attach{volume_id(volume_name)}", device=device, instance_id=self.instance.instance_id,
                    volume_id=volume.volume_id))
        if self.attachments:
            self._refuse_replacement_while_attached(root_volume, root_size, root_device, instance_store_devices)

        #: The Elastic IP (None when ``elastic_ip`` is false).
        self.elastic_ip: Optional[ec2.CfnEIP] = None
        #: The Elastic IP of yours it is associated with (None: a new one, or none); it outlives the stack.
        self.elastic_ip_allocation_id = elastic_ip_allocation_id
        if elastic_ip_allocation_id is not None:
            ec2.CfnEIPAssociation(self, "ElasticIpAssociation", allocation_id=elastic_ip_allocation_id,
                                  instance_id=self.instance.instance_id)
        elif elastic_ip:
            self.elastic_ip = ec2.CfnEIP(self, "ElasticIp", domain="vpc",
                                         tags=[cdk.CfnTag(key="Name", value=name)])
            # An association of its own, not InstanceId on the EIP as well: both together fail
            # with "already exists" (aws/aws-cdk#26423).
            ec2.CfnEIPAssociation(self, "ElasticIpAssociation", allocation_id=self.elastic_ip.attr_allocation_id,
                                  instance_id=self.instance.instance_id)
        #: With an allocation of yours (not in the template), the command that prints its address; else None.
        self.address_command: Optional[str] = None
        #: The address users reach the server at: the Elastic IP (Ref of an EIP is its address) or the instance's.
        self.public_ip: str = self.elastic_ip.ref if self.elastic_ip else self.instance.instance_public_ip
        if elastic_ip_allocation_id is not None:
            # The address of an allocation the stack does not own is not in the template: the outputs give the command
            # that prints it.
            self.address_command = (f"aws ec2 describe-addresses --region {cdk.Stack.of(self).region} --allocation-ids "
                                    f"{elastic_ip_allocation_id} --query 'Addresses[0].PublicIp' --output text")
            self.public_ip = f"$({self.address_command})"  # as it reads inside a command line
        self._acknowledge_instance_choices(detailed_monitoring, termination_protection)

    def _data_volume(self, prop: str, spec: DataVolume, volume_name: str, subnet: ec2.ISubnet,
                     name: str, kms_key: Optional[kms.IKey]) -> ec2.Volume:
        """An ``AWS::EC2::Volume`` in the instance's zone, its logical ID derived from its name."""
        # Follow AWS where the pinned aws-cdk-lib is stricter (io2 above 500 IOPS/GiB): build the
        # L2 within its limit, then set the real value on its L1 (a typed attribute, not a raw
        # override, so cdk-nag and the template both see the real value).
        cdk_iops = spec.iops
        if spec.type == "io2" and spec.iops is not None and spec.size is not None:
            cdk_iops = min(spec.iops, CDK_IO2_IOPS_PER_GIB * spec.size)
        volume = ec2.Volume(
            self, f"Volume{volume_id(volume_name)}",
            availability_zone=subnet.availability_zone,
            size=cdk.Size.gibibytes(spec.size) if spec.size is not None else None,  # else the snapshot's
            volume_type=ec2.EbsDeviceVolumeType[spec.type.upper()],
            iops=cdk_iops,
            throughput=spec.throughput,
            encrypted=spec.encrypted,
            encryption_key=kms_key if spec.encrypted else None,
            snapshot_id=spec.snapshot_id,
            removal_policy=_REMOVAL[spec.on_destroy],
        )
        if cdk_iops != spec.iops:
            volume.node.default_child.iops = spec.iops
        cdk.Tags.of(volume).add("Name", f"{name}-{volume_name}")
        if not spec.encrypted and spec.unencrypted_reason:
            # Without a stated reason, cdk-nag's EC26 fails the synth: encryption is the default.
            cdk.Validations.of(volume).acknowledge(cdk.Acknowledgment(
                id="AwsSolutions-EC26", reason=f"{prop} is unencrypted by choice: {spec.unencrypted_reason}"))
        return volume

    def _refuse_replacement_while_attached(self, root_volume: RootVolume, root_size: Optional[int],
                                           root_device: str, instance_store_devices: Sequence[str]) -> None:
        """Refuse, before anything changes, an update that replaces the instance while volumes are attached.

        CloudFormation replaces an instance by creating the new one first and deleting the old one
        last, so the new attachments are made while the volumes are still attached to the old
        instance, and AWS refuses them (VolumeInUse): the update fails after up to 15 minutes and rolls
        back. No single update can move an attached volume, so the way that works is two deploys: one
        with ``detach_volumes`` (the instance is replaced, the volumes are detached and kept), then one
        without it (they are attached to the new instance).

        The template therefore carries the instance's *generation*: a fingerprint of the properties
        whose change replaces an instance (AWS::EC2::Instance reference, "Update requires:
        Replacement"), as the default of a parameter. The CDK CLI passes ``UsePreviousValue`` for a
        parameter a deployed stack already has, so on an update the parameter holds the deployed
        generation, and a template Rule (evaluated "before CloudFormation creates or updates any
        resources", Rules syntax reference) asserts it equals this template's. A deploy with
        ``detach_volumes`` has neither, so the next deploy starts from the new generation.
        Changing this recipe changes every deployment's generation: it must stay as it is.
        """
        deployed = cdk.CfnParameter(
            self, "InstanceGeneration", type="String",
            description=f"{self.node.path}'s instance generation while data volumes are attached: set by the "
                        "template, kept by the CDK CLI across updates. Do not pass a value.")
        rule = cdk.CfnRule(self, "KeepAttachedVolumes")
        # The fingerprint is taken when the app is prepared for synthesis, not here: the instance's
        # final logical ID carries the hash of its user data (user_data_causes_replacement), which
        # is only complete once every construct has added its commands.
        cdk.Aspects.of(self).add(_InstanceGeneration(self, deployed, rule, root_volume, root_size, root_device,
                                                     instance_store_devices))

    def _acknowledge_block_devices(self, instance_type: InstanceTypeInfo, instance_store_devices: Sequence[str],
                                   root_volume: RootVolume) -> None:
        """EC26 on the instance looks at every block device mapping.

        Instance-store mappings carry no Ebs block, which the rule cannot evaluate; they are only
        allowed on types whose instance store AWS encrypts in hardware (checked in the options).
        An unencrypted root needs the user's reason, as a data volume does.
        """
        reasons = []
        if instance_store_devices:
            reasons.append(f"The instance-store volumes of {instance_type.name} are NVMe volumes that AWS always "
                           "encrypts at rest (XTS-AES-256 in hardware); they have no EBS encryption flag to set.")
        if not root_volume.encrypted:
            if not root_volume.unencrypted_reason:
                return  # no acknowledgment: cdk-nag reports the unencrypted root and the synth fails
            reasons.append(f"root_volume is unencrypted by choice: {root_volume.unencrypted_reason}")
        if reasons:
            cdk.Validations.of(self.instance).acknowledge(
                cdk.Acknowledgment(id="AwsSolutions-EC26", reason=" ".join(reasons)))

    def _acknowledge_instance_choices(self, detailed_monitoring: bool, termination_protection: bool) -> None:
        """Acknowledge the cdk-nag findings that follow from a documented default, with its reason."""
        acks = []
        if not detailed_monitoring:
            acks.append(cdk.Acknowledgment(
                id="AwsSolutions-EC28",
                reason="detailed_monitoring is off by default: one-minute metrics are billed per metric, and the "
                       "free five-minute metrics are enough for one web server; set detailed_monitoring=true to enable.",
            ))
        if not termination_protection:
            acks.append(cdk.Acknowledgment(
                id="AwsSolutions-EC29",
                reason="termination_protection is off by default so that cdk destroy removes everything and nothing "
                       "keeps costing money; set termination_protection=true to protect the instance and the stack.",
            ))
        if acks:
            cdk.Validations.of(self.instance).acknowledge(*acks)


@jsii.implements(cdk.IAspect)
class _InstanceGeneration:
    """Sets a :class:`Server`'s generation (see ``Server._refuse_replacement_while_attached``) at prepare time."""

    def __init__(self, server: Server, deployed: cdk.CfnParameter, rule: cdk.CfnRule, root_volume: RootVolume,
                 root_size: Optional[int], root_device: str, instance_store_devices: Sequence[str]) -> None:
        self._server, self._deployed, self._rule = server, deployed, rule
        self._root = [root_device, root_volume.size if root_volume.size is not None else root_size,
                      root_volume.type, root_volume.iops, root_volume.encrypted]
        self._instance_store = list(instance_store_devices)

    def visit(self, node: IConstruct) -> None:
        if node is not self._server or self._deployed.default is not None:
            return  # visit the server once
        stack = cdk.Stack.of(node)
        instance: ec2.CfnInstance = self._server.instance.node.default_child
        replacing: dict[str, Any] = {
            "logical_id": instance.logical_id,  # a new logical ID is a new instance (incl. new user data)
            "image": instance.image_id,
            "key_name": instance.key_name,
            "subnet": instance.subnet_id,
            "zone": instance.availability_zone,
            "placement_group": instance.placement_group_name,
            "private_ip": instance.private_ip_address,
            "propagate_tags": instance.propagate_tags_to_volume_on_creation,
            # BlockDeviceMappings replace the instance, except a change of DeleteOnTermination alone.
            "root": self._root,
            "instance_store": self._instance_store,
        }
        if instance.launch_template is not None:  # only when set, so that no earlier deployment's generation changes
            # The reference alone reads the same whatever the template holds ({Ref}, {GetAtt LatestVersionNumber}),
            # but a new version (another capacity reservation choice) is a new LaunchTemplate: a replacement.
            replacing["launch_template"] = [instance.launch_template, self._server.launch_template_data]
        resolved = json.dumps(stack.resolve(replacing), sort_keys=True)
        current = hashlib.sha256(resolved.encode()).hexdigest()[:16]
        self._deployed.default = current
        self._rule.add_assertion(
            cdk.Fn.condition_equals(self._deployed.value_as_string, current),
            f"{self._server.node.path}: this update replaces the instance while data volumes are attached to it, "
            "and AWS would refuse to attach them to the new instance (VolumeInUse). Deploy it once with "
            "detach_volumes=true (-c detach_volumes=true), then again without it: the volumes keep their IDs "
            "and data.")
