"""``WebServer``: the classic "launch a web server on EC2" walk-through as one reusable construct.

Security group (HTTP open, SSH only from a CIDR you name), key pair, IAM role for Session Manager,
``instance_count`` instances each with its encrypted root volume, extra EBS data volumes and an
Elastic IP, and user data that installs Apache and reports success to CloudFormation only once the
page answers. The construct knows nothing of CDK context, environment variables or accounts: every
choice is a typed, validated field of :class:`WebServerOptions`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal, Optional

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from .ebs import AMAZON_LINUX_ROOT_DEVICE, CDK_IO2_IOPS_PER_GIB, DataVolume, RootVolume, assign_devices, device_slot
from .errors import SettingError
from .instance_types import InstanceTypeInfo, instance_type_info, types_with_instance_store

INSTALL_APACHE_SCRIPT = Path(__file__).resolve().parent.parent / "user_data" / "install_apache.sh"

ShutdownBehavior = Literal["stop", "terminate"]
PLACEMENT_STRATEGIES: tuple[str, ...] = ("cluster", "spread", "partition")

# One web tier of hand-managed servers. Past 20, an Auto Scaling group behind a load balancer is the
# right tool (and a new account's default On-Demand vCPU quota runs out soon after).
MAX_INSTANCE_COUNT = 20
# AWS's default quota of Elastic IPs per region: more is possible, but only after a quota increase.
DEFAULT_EIP_QUOTA = 5
# A spread placement group holds at most 7 running instances per Availability Zone.
SPREAD_MAX_PER_AZ = 7
WIDEST_SSH_PREFIX_V4 = 8
WIDEST_SSH_PREFIX_V6 = 16
_POLICY_ARN = re.compile(r"^arn:aws(-cn|-us-gov)?:iam::(aws|\d{12}):policy/[\w+=,.@/-]{1,128}$")
_PLACEMENT_GROUP_NAME = re.compile(r"^[\x20-\x7e]{1,255}$")


def _require_bool(value: object, setting: str) -> None:
    if not isinstance(value, bool):
        raise SettingError(setting, value, "must be true or false")


def normalise_ssh_cidr(value: str, *, allow_anywhere: bool) -> str:
    """A CIDR for the SSH rule: a bare address means that one host (/32 or /128).

    The whole Internet (``0.0.0.0/0``, ``::/0``) is refused unless ``allow_anywhere`` is true.
    """
    if not isinstance(value, str):
        raise SettingError("ssh_cidr", value, "must be an IPv4 or IPv6 CIDR such as 203.0.113.7/32")
    try:
        network = ipaddress.ip_network(value.strip(), strict=True)
    except ValueError:
        try:
            loose = ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            raise SettingError("ssh_cidr", value, "must be an IPv4 or IPv6 CIDR such as 203.0.113.7/32") from None
        raise SettingError("ssh_cidr", value, f"has host bits set; did you mean {loose}?") from None
    # Anything wider than a /8 (IPv4) or /16 (IPv6) is a large share of the Internet, not "my network".
    too_wide = network.prefixlen < (WIDEST_SSH_PREFIX_V4 if network.version == 4 else WIDEST_SSH_PREFIX_V6)
    if too_wide and not allow_anywhere:
        raise SettingError(
            "ssh_cidr", value,
            f"opens SSH to {'the whole' if network.prefixlen == 0 else 'a large part of the'} Internet; give your "
            "own address (e.g. $(curl -s https://checkip.amazonaws.com)/32) or also set allow_ssh_from_anywhere=true",
        )
    return str(network)


@dataclass(frozen=True, kw_only=True)
class WebServerOptions:
    """Every choice of the walk-through, validated on construction (``SettingError`` names the field)."""

    #: EC2 instance type; validated against the types the EC2 API knows. The walk-through's t2.micro.
    instance_type: str = "t2.micro"
    #: CIDR allowed to SSH (port 22). None: no SSH rule at all (Session Manager still works).
    ssh_cidr: Optional[str] = None
    #: Must be true for ``ssh_cidr`` to be 0.0.0.0/0 or ::/0.
    allow_ssh_from_anywhere: bool = False
    #: Allocate an Elastic IP per instance, so the address survives stop/start.
    elastic_ip: bool = True
    #: The root volume (gp2, the AMI's size, encrypted, deleted with the instance).
    root_volume: RootVolume = field(default_factory=RootVolume)
    #: Extra EBS data volumes per instance (default none).
    volumes: tuple[DataVolume, ...] = ()
    #: Map the instance type's instance-store volumes (wiped on stop and terminate).
    instance_store: bool = False
    #: Number of identical servers, each with its own volumes and Elastic IP (1 to 20).
    instance_count: int = 1
    #: What an OS-level shutdown does: "stop" keeps the instance, "terminate" deletes it.
    shutdown_behavior: ShutdownBehavior = "stop"
    #: Protect instances from termination (and the stack from deletion, so destroy fails cleanly).
    termination_protection: bool = False
    #: One-minute CloudWatch metrics (billed per metric) instead of five-minute ones (free).
    detailed_monitoring: bool = False
    #: An existing placement group's name, or "cluster"/"spread"/"partition" to create one.
    placement_group: Optional[str] = None
    #: A fixed private IPv4 address inside the chosen subnet (only with instance_count 1).
    private_ip: Optional[str] = None
    #: Extra managed policy ARNs for the instance role (AmazonSSMManagedInstanceCore is always there).
    iam_policies: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Derived values (type_info, device names) are cached_property: computed once, here, while
        # validating, and read back by every Server (cached_property writes __dict__ directly, so
        # it works on a frozen dataclass).
        self._validate()

    @cached_property
    def type_info(self) -> InstanceTypeInfo:
        return instance_type_info(self.instance_type)

    def _validate(self) -> None:
        info = self.type_info  # validates instance_type first: later checks depend on it
        for name in ("allow_ssh_from_anywhere", "elastic_ip", "instance_store", "termination_protection",
                     "detailed_monitoring"):
            _require_bool(getattr(self, name), name)
        if self.ssh_cidr is not None:
            # Frozen dataclass: store the normalised form (bare address -> /32) once, here.
            object.__setattr__(self, "ssh_cidr",
                               normalise_ssh_cidr(self.ssh_cidr, allow_anywhere=self.allow_ssh_from_anywhere))
        if not isinstance(self.instance_count, int) or isinstance(self.instance_count, bool) \
                or not 1 <= self.instance_count <= MAX_INSTANCE_COUNT:
            raise SettingError("instance_count", self.instance_count,
                               f"must be a whole number from 1 to {MAX_INSTANCE_COUNT} "
                               "(beyond that, use an Auto Scaling group)")
        if self.shutdown_behavior not in ("stop", "terminate"):
            raise SettingError("shutdown_behavior", self.shutdown_behavior, "must be stop or terminate")
        if not isinstance(self.root_volume, RootVolume):
            raise SettingError("root_volume", self.root_volume, "must be a RootVolume")
        self.root_volume.validate("root_volume", info)
        for index, volume in enumerate(self.volumes):
            if not isinstance(volume, DataVolume):
                raise SettingError(f"volumes[{index}]", volume, "must be a DataVolume")
            volume.validate(f"volumes[{index}]", info)
        if self.instance_store and info.instance_store_count == 0:
            raise SettingError(
                "instance_store", True,
                f"{info.name} has no instance-store volumes; types that do include "
                f"{', '.join(types_with_instance_store(info.name))}",
            )
        if self.instance_store and not info.instance_store_encrypted:
            raise SettingError(
                "instance_store", True,
                f"{info.name}'s instance store is not encrypted at rest; types whose NVMe instance store is "
                f"include {', '.join(types_with_instance_store(info.name))}",
            )
        _ = self.data_devices  # assigns device names, refusing duplicates
        self._validate_placement(info)
        self._validate_private_ip()
        for index, arn in enumerate(self.iam_policies):
            if not isinstance(arn, str) or not _POLICY_ARN.match(arn):
                raise SettingError(f"iam_policies[{index}]", arn,
                                   "must be a managed policy ARN such as "
                                   "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy")

    def _validate_placement(self, info: InstanceTypeInfo) -> None:
        group = self.placement_group
        if group is None:
            return
        if not isinstance(group, str) or not _PLACEMENT_GROUP_NAME.match(group):
            raise SettingError("placement_group", group,
                               "must be cluster, spread, partition, or an existing group's name (1-255 ASCII characters)")
        if group in PLACEMENT_STRATEGIES and group not in info.placement_strategies:
            raise SettingError("placement_group", group,
                               f"{info.name} supports only {', '.join(info.placement_strategies)} placement groups")
        if group == "spread" and self.instance_count > SPREAD_MAX_PER_AZ:
            raise SettingError("placement_group", group,
                               f"a spread group holds at most {SPREAD_MAX_PER_AZ} instances per Availability Zone "
                               f"(instance_count is {self.instance_count})")

    def _validate_private_ip(self) -> None:
        if self.private_ip is None:
            return
        try:
            address = ipaddress.ip_address(self.private_ip)
        except ValueError:
            address = None
        # Whether it is usable is decided against the subnet's CIDR (check_private_ip_in_subnet).
        if not isinstance(address, ipaddress.IPv4Address):
            raise SettingError("private_ip", self.private_ip, "must be an IPv4 address such as 172.31.0.10")
        if self.instance_count != 1:
            raise SettingError("private_ip", self.private_ip,
                               f"one address cannot go to {self.instance_count} instances; use it with instance_count 1")

    @cached_property
    def instance_store_devices(self) -> tuple[str, ...]:
        """Device names for the instance-store volumes, /dev/sdb upwards (empty unless instance_store)."""
        if not self.instance_store:
            return ()
        return tuple(f"/dev/sd{chr(ord('b') + i)}" for i in range(self.type_info.instance_store_count))

    @cached_property
    def data_devices(self) -> tuple[str, ...]:
        """The device each data volume is attached at (given, or the next free from /dev/sdf)."""
        return assign_devices(self.volumes, reserved=self.instance_store_devices)


def check_private_ip_in_subnet(private_ip: str, subnet: ec2.ISubnet) -> None:
    """AWS refuses an address outside the subnet, and the first four and the last of every subnet."""
    cidr = subnet.ipv4_cidr_block
    if cdk.Token.is_unresolved(cidr):
        return  # only known after deploy; AWS will check
    network = ipaddress.ip_network(cidr)
    address = ipaddress.ip_address(private_ip)
    usable = f"{network[4]} to {network[-2]}"
    if address not in network or int(address) - int(network.network_address) < 4 or address == network[-1]:
        raise SettingError("private_ip", private_ip,
                           f"must lie inside subnet {subnet.subnet_id} ({cidr}), from {usable} (AWS reserves the rest)")


class Server(Construct):
    """One server: the instance, its data volumes and attachments, and its Elastic IP."""

    def __init__(self, scope: Construct, id: str, *, options: WebServerOptions, vpc: ec2.IVpc,
                 subnet: ec2.ISubnet, machine_image: ec2.IMachineImage, security_group: ec2.ISecurityGroup,
                 role: iam.IRole, key_pair: ec2.IKeyPair, placement_group: Optional[ec2.IPlacementGroup],
                 root_size: Optional[int], root_device: str, name: str) -> None:
        super().__init__(scope, id)
        root = options.root_volume
        block_devices = [
            ec2.BlockDevice(
                device_name=root_device,
                volume=ec2.BlockDeviceVolume(ebs_device=ec2.EbsDeviceProps(
                    volume_size=root.size if root.size is not None else root_size,
                    volume_type=ec2.EbsDeviceVolumeType[root.type.upper()],
                    iops=root.iops,
                    encrypted=root.encrypted,
                    delete_on_termination=root.delete_on_termination,
                )),
            )
        ]
        block_devices += [
            ec2.BlockDevice(device_name=device, volume=ec2.BlockDeviceVolume.ephemeral(i))
            for i, device in enumerate(options.instance_store_devices)
        ]

        user_data = ec2.UserData.for_linux()
        user_data.add_commands(INSTALL_APACHE_SCRIPT.read_text())

        #: The EC2 instance.
        self.instance = ec2.Instance(
            self, "Instance",
            vpc=vpc,
            vpc_subnets=ec2.SubnetSelection(subnets=[subnet]),
            instance_type=ec2.InstanceType(options.instance_type),
            machine_image=machine_image,
            security_group=security_group,
            role=role,
            key_pair=key_pair,
            user_data=user_data,
            block_devices=block_devices,
            instance_name=name,
            # IMDSv2 only, set on the instance itself (MetadataOptions) rather than through a launch template.
            http_tokens=ec2.HttpTokens.REQUIRED,
            # The public IPv4 address comes from the public subnet's auto-assign setting (on in every
            # default VPC). It is needed even with an Elastic IP: the EIP is associated only after the
            # instance has signalled, and the user data needs the Internet first (packages, cfn-signal).
            # Setting associate_public_ip_address here would move the subnet and security group into
            # a NetworkInterfaces block, which hides them from review and from cdk-nag's checks.
            propagate_tags_to_volume_on_creation=True,  # the root volume gets the stack's tags too
            detailed_monitoring=options.detailed_monitoring,
            disable_api_termination=options.termination_protection,
            instance_initiated_shutdown_behavior=ec2.InstanceInitiatedShutdownBehavior[options.shutdown_behavior.upper()],
            placement_group=placement_group,
            private_ip_address=options.private_ip,
            # CloudFormation waits for the user data's cfn-signal; no signal in 15 minutes is a failure.
            resource_signal_timeout=cdk.Duration.minutes(15),
        )
        user_data.add_signal_on_exit_command(self.instance)
        _acknowledge_block_devices(self.instance, options)

        #: Data volumes, in ``options.volumes`` order, and their attachments.
        self.volumes: list[ec2.Volume] = []
        for i, (spec, device) in enumerate(zip(options.volumes, options.data_devices, strict=False)):
            # Follow AWS where the pinned aws-cdk-lib is stricter (io2 above 500 IOPS/GiB): build the
            # L2 within its limit, then set the real value on its L1 (a typed attribute, not a raw
            # override, so cdk-nag and the template both see the real value).
            cdk_iops = spec.iops
            if spec.type == "io2" and spec.iops is not None:
                cdk_iops = min(spec.iops, CDK_IO2_IOPS_PER_GIB * spec.size)
            volume = ec2.Volume(
                self, f"Volume{device_slot(device).upper()}",
                availability_zone=subnet.availability_zone,
                size=cdk.Size.gibibytes(spec.size),
                volume_type=ec2.EbsDeviceVolumeType[spec.type.upper()],
                iops=cdk_iops,
                throughput=spec.throughput,
                encrypted=spec.encrypted,
                removal_policy=_REMOVAL[spec.on_destroy],
            )
            if cdk_iops != spec.iops:
                volume.node.default_child.iops = spec.iops
            cdk.Tags.of(volume).add("Name", f"{name}-{device.rsplit('/', 1)[-1]}")
            ec2.CfnVolumeAttachment(self, f"Attach{device_slot(device).upper()}", device=device,
                                    instance_id=self.instance.instance_id, volume_id=volume.volume_id)
            if not spec.encrypted and spec.unencrypted_reason:
                # Without a stated reason, cdk-nag's EC26 fails the synth: encryption is the default.
                cdk.Validations.of(volume).acknowledge(cdk.Acknowledgment(
                    id="AwsSolutions-EC26", reason=f"volumes[{i}] is unencrypted by choice: {spec.unencrypted_reason}"))
            self.volumes.append(volume)

        #: The Elastic IP (None when ``elastic_ip`` is false).
        self.elastic_ip: Optional[ec2.CfnEIP] = None
        if options.elastic_ip:
            self.elastic_ip = ec2.CfnEIP(self, "ElasticIp", domain="vpc",
                                         tags=[cdk.CfnTag(key="Name", value=name)])
            # An association of its own, not InstanceId on the EIP as well: both together fail
            # with "already exists" (aws/aws-cdk#26423).
            ec2.CfnEIPAssociation(self, "ElasticIpAssociation", allocation_id=self.elastic_ip.attr_allocation_id,
                                  instance_id=self.instance.instance_id)
        #: The address users reach the server at: the Elastic IP (Ref of an EIP is its address) or the instance's.
        self.public_ip: str = self.elastic_ip.ref if self.elastic_ip else self.instance.instance_public_ip


def _acknowledge_block_devices(instance: ec2.Instance, options: WebServerOptions) -> None:
    """EC26 on the instance looks at every block device mapping.

    Instance-store mappings carry no Ebs block, which the rule cannot evaluate; they are only
    allowed on types whose instance store AWS encrypts in hardware (checked in the options).
    An unencrypted root needs the user's reason, as a data volume does.
    """
    reasons = []
    if options.instance_store_devices:
        reasons.append(f"The instance-store volumes of {options.instance_type} are NVMe volumes that AWS always "
                       "encrypts at rest (XTS-AES-256 in hardware); they have no EBS encryption flag to set.")
    if not options.root_volume.encrypted:
        if not options.root_volume.unencrypted_reason:
            return  # no acknowledgment: cdk-nag reports the unencrypted root and the synth fails
        reasons.append(f"root_volume is unencrypted by choice: {options.root_volume.unencrypted_reason}")
    if reasons:
        cdk.Validations.of(instance).acknowledge(cdk.Acknowledgment(id="AwsSolutions-EC26", reason=" ".join(reasons)))


_REMOVAL = {
    "snapshot": cdk.RemovalPolicy.SNAPSHOT,
    "delete": cdk.RemovalPolicy.DESTROY,
    "retain": cdk.RemovalPolicy.RETAIN,
}


class WebServer(Construct):
    """An Apache web server (or ``instance_count`` of them) on EC2, as in the walk-through.

    :param machine_image: the AMI (Amazon Linux 2/2023, or your own with a ``/dev/xvda`` root).
    :param vpc: where to launch; default: the account's default VPC, looked up. The first public
        subnet is used, so every instance and its volumes share one Availability Zone.
    :param key_pair: an existing key pair; default: a new one, its private key in SSM Parameter Store.
    :param options: every other choice, see :class:`WebServerOptions`.
    :param ami_root_size: the AMI's root size in GiB, if known: the default root size and its minimum.
        Default: unknown, so the root mapping leaves the size to the AMI.
    :param root_device: the AMI's root device name; default ``/dev/xvda`` (every Amazon Linux AMI).
    :param name: ``Name`` tag prefix; instances are ``<name>-1``, ``<name>-2``...
    """

    def __init__(self, scope: Construct, id: str, *, machine_image: ec2.IMachineImage,
                 vpc: Optional[ec2.IVpc] = None, key_pair: Optional[ec2.IKeyPair] = None,
                 options: Optional[WebServerOptions] = None, ami_root_size: Optional[int] = None,
                 root_device: str = AMAZON_LINUX_ROOT_DEVICE, name: str = "web-server") -> None:
        super().__init__(scope, id)
        options = options or WebServerOptions()
        if ami_root_size is not None:
            options.root_volume.validate("root_volume", options.type_info, min_size=ami_root_size)
        self.options = options

        #: The VPC the servers run in.
        self.vpc = vpc or ec2.Vpc.from_lookup(self, "Vpc", is_default=True)
        public = self.vpc.public_subnets
        if not public:
            raise SettingError("vpc_id", self.vpc.vpc_id, "needs a public subnet (one routed to an Internet gateway)")
        #: The subnet every server is launched in.
        self.subnet = public[0]
        if options.private_ip is not None:
            check_private_ip_in_subnet(options.private_ip, self.subnet)

        #: The firewall: HTTP from anywhere, SSH only from ``ssh_cidr`` (if given).
        self.security_group = ec2.SecurityGroup(
            self, "SecurityGroup", vpc=self.vpc, allow_all_outbound=True,
            # Fixed text: a group's description cannot change in place, so naming the SSH CIDR here
            # would replace the group whenever ssh_cidr changes. The rules' own descriptions say it.
            description=f"{name}: HTTP from anywhere, SSH only from the ssh_cidr setting",
        )
        self.security_group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(80), "HTTP from anywhere (IPv4)")
        self.security_group.add_ingress_rule(ec2.Peer.any_ipv6(), ec2.Port.tcp(80), "HTTP from anywhere (IPv6)")
        if options.ssh_cidr is not None:
            peer = ec2.Peer.ipv6(options.ssh_cidr) if ":" in options.ssh_cidr else ec2.Peer.ipv4(options.ssh_cidr)
            self.security_group.add_ingress_rule(peer, ec2.Port.tcp(22), f"SSH from {options.ssh_cidr}")
        cdk.Validations.of(self.security_group).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-EC23",
            reason="Port 80 is open to 0.0.0.0/0 and ::/0 because this is a public web server; "
                   "SSH is never open to the world unless allow_ssh_from_anywhere=true was given explicitly.",
        ))

        #: The instance role: Session Manager access, plus ``iam_policies``.
        self.role = iam.Role(self, "InstanceRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
                             description=f"{name}: Session Manager access for the web server instances")
        self.role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore"))
        # IAM4 is acknowledged per policy, so that any other managed policy still fails the synth.
        acks = [cdk.Acknowledgment(
            id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]",
            reason="AmazonSSMManagedInstanceCore is AWS's maintained minimum for Session Manager access; "
                   "a hand-written copy would drift from it.",
        )]
        for index, arn in enumerate(options.iam_policies):
            self.role.add_managed_policy(iam.ManagedPolicy.from_managed_policy_arn(self, f"Policy{index}", arn))
            acks.append(cdk.Acknowledgment(id=f"AwsSolutions-IAM4[Policy::{arn}]",
                                           reason=f"iam_policies[{index}] was chosen explicitly by the user."))
        cdk.Validations.of(self.role).acknowledge(*acks)

        #: The key pair used for SSH as ec2-user.
        self.key_pair: ec2.IKeyPair = key_pair or ec2.KeyPair(self, "KeyPair")
        #: True when this construct created the key pair (its private key is then in SSM).
        self.created_key_pair = key_pair is None

        #: The placement group, if any.
        self.placement_group: Optional[ec2.IPlacementGroup] = None
        if options.placement_group in PLACEMENT_STRATEGIES:
            self.placement_group = ec2.PlacementGroup(
                self, "PlacementGroup", strategy=ec2.PlacementGroupStrategy[options.placement_group.upper()])
        elif options.placement_group is not None:
            self.placement_group = ec2.PlacementGroup.from_placement_group_name(
                self, "PlacementGroup", options.placement_group)

        #: The servers, ``Server1`` upwards (ids stay stable as instance_count grows).
        self.servers: tuple[Server, ...] = tuple(
            Server(self, f"Server{i}", options=options, vpc=self.vpc, subnet=self.subnet,
                   machine_image=machine_image, security_group=self.security_group, role=self.role,
                   key_pair=self.key_pair, placement_group=self.placement_group,
                   root_size=ami_root_size, root_device=root_device,
                   name=name if options.instance_count == 1 else f"{name}-{i}")
            for i in range(1, options.instance_count + 1)
        )
        for server in self.servers:
            acknowledge_instance_choices(server.instance, options)

    @property
    def instance(self) -> ec2.Instance:
        """The first server's instance (the only one with the default ``instance_count``)."""
        return self.servers[0].instance

    @property
    def elastic_ip(self) -> Optional[ec2.CfnEIP]:
        """The first server's Elastic IP."""
        return self.servers[0].elastic_ip

    @property
    def instances(self) -> Sequence[ec2.Instance]:
        return [server.instance for server in self.servers]


def acknowledge_instance_choices(instance: ec2.Instance, options: WebServerOptions) -> None:
    """Acknowledge the cdk-nag findings that follow from a documented default, with its reason."""
    acks = []
    if not options.detailed_monitoring:
        acks.append(cdk.Acknowledgment(
            id="AwsSolutions-EC28",
            reason="detailed_monitoring is off by default: one-minute metrics are billed per metric, and the "
                   "free five-minute metrics are enough for one web server; set detailed_monitoring=true to enable.",
        ))
    if not options.termination_protection:
        acks.append(cdk.Acknowledgment(
            id="AwsSolutions-EC29",
            reason="termination_protection is off by default so that cdk destroy removes everything and nothing "
                   "keeps costing money; set termination_protection=true to protect the instance and the stack.",
        ))
    if acks:
        cdk.Validations.of(instance).acknowledge(*acks)
