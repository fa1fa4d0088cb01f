"""``WebServer``: the classic "launch a web server on EC2" walk-through as one reusable construct.

Security group (HTTP open, SSH only from a CIDR you name), key pair, IAM role for Session Manager,
``instance_count`` servers each with its encrypted root volume, extra EBS data volumes and an
Elastic IP, and user data that installs Apache and reports success to CloudFormation only once the
page answers. The construct knows nothing of CDK context, environment variables or accounts: every
choice is a typed keyword prop, checked against its annotation (:mod:`.checks`) and AWS's rules
(:mod:`.options`, :mod:`.ebs`) before anything is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from constructs import Construct

from .checks import check_args
from .ebs import AMAZON_LINUX_ROOT_DEVICE, DataVolume, RootVolume, assign_devices, assign_names
from .errors import SettingError
from .instance_types import instance_type_info
from .options import (
    PLACEMENT_STRATEGIES,
    ShutdownBehavior,
    check_iam_policies,
    check_instance_count,
    check_instance_type_usable,
    check_placement_group,
    check_private_ip,
    check_private_ip_in_subnet,
    instance_store_devices,
    is_admin_policy,
    normalise_ssh_cidr,
)
from .server import Server


class WebServer(Construct):
    """An Apache web server (or ``instance_count`` of them) on EC2, as in the walk-through.

    :param machine_image: the AMI (Amazon Linux 2/2023, or your own with a ``/dev/xvda`` root).
    :param vpc: where to launch. Default: the account's default VPC, looked up. The first public
        subnet is used, so every instance and its volumes share one Availability Zone.
    :param key_pair: an existing key pair. Default: a new one, its private key in SSM Parameter Store.
    :param instance_type: an EC2 instance type the EC2 API knows. Default: the walk-through's t2.micro.
    :param ssh_cidr: the CIDR allowed to SSH (port 22); a bare address means that one host.
        Default: no SSH rule at all (Session Manager still works).
    :param allow_ssh_from_anywhere: must be true for ``ssh_cidr`` wider than /8 (IPv6 /16). Default: false.
    :param elastic_ip: an Elastic IP per instance, so the address survives stop/start. Default: true.
    :param root_volume: the root volume. Default: gp2, the AMI's size, encrypted, deleted with the instance.
    :param volumes: extra EBS data volumes per instance. Default: none.
    :param instance_store: map the type's instance-store volumes (wiped on stop and terminate). Default: false.
    :param instance_count: identical servers, each with its own volumes and Elastic IP (1 to 20). Default: 1.
    :param shutdown_behavior: what an OS-level shutdown does: stop, or terminate. Default: stop.
    :param termination_protection: protect the instances from termination. Default: false.
    :param detailed_monitoring: one-minute CloudWatch metrics (billed per metric). Default: false.
    :param placement_group: an existing placement group's name, or cluster/spread/partition to create
        one. Default: none.
    :param private_ip: a fixed private IPv4 address in the subnet (only with instance_count 1). Default: DHCP.
    :param detach_volumes: keep the data volumes but attach none (the first of the two deploys that
        replace an instance while keeping its volumes). Default: false.
    :param iam_policies: extra managed policy ARNs for the instance role (AmazonSSMManagedInstanceCore
        is always there). Default: none.
    :param allow_admin_policies: allow administrator-equivalent policies (AdministratorAccess and the
        like) in ``iam_policies``; a public web server should never hold them. Default: false.
    :param allow_all_outbound: let the instances open any outbound connection. Default: false: HTTP and
        HTTPS only (package repositories, Session Manager, CloudFormation's signal); DNS, NTP and the
        instance metadata are reached through the VPC, which security groups do not filter.
    :param ami_root_size: the AMI's root size in GiB, if known: the default root size and its minimum.
        Default: unknown, so the root mapping leaves the size to the AMI.
    :param root_device: the AMI's root device name. Default: ``/dev/xvda`` (every Amazon Linux AMI).
    :param name: ``Name`` tag prefix; instances are ``<name>-1``, ``<name>-2``... Default: web-server.
    """

    def __init__(self, scope: Construct, id: str, *, machine_image: ec2.IMachineImage,
                 vpc: Optional[ec2.IVpc] = None, key_pair: Optional[ec2.IKeyPair] = None,
                 instance_type: str = "t2.micro", ssh_cidr: Optional[str] = None,
                 allow_ssh_from_anywhere: bool = False, elastic_ip: bool = True,
                 root_volume: Optional[RootVolume] = None, volumes: Sequence[DataVolume] = (),
                 instance_store: bool = False, instance_count: int = 1, shutdown_behavior: ShutdownBehavior = "stop",
                 termination_protection: bool = False, detailed_monitoring: bool = False,
                 placement_group: Optional[str] = None, private_ip: Optional[str] = None,
                 detach_volumes: bool = False, iam_policies: Sequence[str] = (),
                 allow_admin_policies: bool = False, allow_all_outbound: bool = False,
                 ami_root_size: Optional[int] = None,
                 root_device: str = AMAZON_LINUX_ROOT_DEVICE, name: str = "web-server") -> None:
        check_args(WebServer.__init__, locals())
        super().__init__(scope, id)
        # AWS's rules, before anything is built: the instance type first, as later rules depend on it.
        info = instance_type_info(instance_type)
        check_instance_type_usable(info)
        if ssh_cidr is not None:
            ssh_cidr = normalise_ssh_cidr(ssh_cidr, allow_anywhere=allow_ssh_from_anywhere)
        check_instance_count(instance_count)
        root_volume = root_volume or RootVolume()
        root_volume.validate("root_volume", info, min_size=ami_root_size)
        for index, volume in enumerate(volumes):
            volume.validate(f"volumes[{index}]", info)
        store_devices = instance_store_devices(info, instance_store)
        data_devices = assign_devices(tuple(volumes), reserved=store_devices)
        volume_names = assign_names(tuple(volumes), data_devices)
        check_placement_group(placement_group, info, instance_count)
        check_private_ip(private_ip, instance_count)
        check_iam_policies(iam_policies, allow_admin=allow_admin_policies)

        #: The VPC the servers run in.
        self.vpc = vpc or ec2.Vpc.from_lookup(self, "Vpc", is_default=True)
        public = self.vpc.public_subnets
        if not public:
            raise SettingError("vpc_id", self.vpc.vpc_id, "needs a public subnet (one routed to an Internet gateway)")
        #: The subnet every server is launched in.
        self.subnet = public[0]
        if private_ip is not None:
            check_private_ip_in_subnet(private_ip, self.subnet)

        #: The firewall: HTTP from anywhere, SSH only from ``ssh_cidr`` (if given).
        self.security_group = self._security_group(name, ssh_cidr, allow_all_outbound)
        #: The instance role: Session Manager access, plus ``iam_policies``.
        self.role = self._role(name, iam_policies, allow_admin_policies)
        #: The key pair used for SSH as ec2-user.
        self.key_pair: ec2.IKeyPair = key_pair or ec2.KeyPair(self, "KeyPair")
        #: True when this construct created the key pair (its private key is then in SSM).
        self.created_key_pair = key_pair is None
        if isinstance(self.key_pair, ec2.KeyPair):
            self._deny_reading_private_key(self.key_pair)
        #: The placement group, if any.
        self.placement_group: Optional[ec2.IPlacementGroup] = None
        if placement_group in PLACEMENT_STRATEGIES:
            self.placement_group = ec2.PlacementGroup(
                self, "PlacementGroup", strategy=ec2.PlacementGroupStrategy[placement_group.upper()])
        elif placement_group is not None:
            self.placement_group = ec2.PlacementGroup.from_placement_group_name(self, "PlacementGroup", placement_group)

        #: The servers, ``Server1`` upwards (ids stay stable as instance_count grows).
        self.servers: tuple[Server, ...] = tuple(
            Server(self, f"Server{i}", vpc=self.vpc, subnet=self.subnet, machine_image=machine_image,
                   instance_type=info, security_group=self.security_group, role=self.role, key_pair=self.key_pair,
                   placement_group=self.placement_group, root_volume=root_volume, root_size=ami_root_size,
                   root_device=root_device, instance_store_devices=store_devices, volumes=tuple(volumes),
                   data_devices=data_devices, volume_names=volume_names, detach_volumes=detach_volumes,
                   elastic_ip=elastic_ip, shutdown_behavior=shutdown_behavior,
                   termination_protection=termination_protection, detailed_monitoring=detailed_monitoring,
                   private_ip=private_ip, name=name if instance_count == 1 else f"{name}-{i}")
            for i in range(1, instance_count + 1)
        )

    @property
    def instance(self) -> ec2.Instance:
        """The first server's instance (the only one with the default ``instance_count``)."""
        return self.servers[0].instance

    def _security_group(self, name: str, ssh_cidr: Optional[str], allow_all_outbound: bool) -> ec2.SecurityGroup:
        group = ec2.SecurityGroup(
            self, "SecurityGroup", vpc=self.vpc, allow_all_outbound=allow_all_outbound,
            allow_all_ipv6_outbound=allow_all_outbound,
            # Fixed text: a group's description cannot change in place, so naming the SSH CIDR here
            # would replace the group whenever ssh_cidr changes. The rules' own descriptions say it.
            description=f"{name}: HTTP from anywhere, SSH only from the ssh_cidr setting",
        )
        group.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(80), "HTTP from anywhere (IPv4)")
        group.add_ingress_rule(ec2.Peer.any_ipv6(), ec2.Port.tcp(80), "HTTP from anywhere (IPv6)")
        if ssh_cidr is not None:
            peer = ec2.Peer.ipv6(ssh_cidr) if ":" in ssh_cidr else ec2.Peer.ipv4(ssh_cidr)
            group.add_ingress_rule(peer, ec2.Port.tcp(22), f"SSH from {ssh_cidr}")
        if not allow_all_outbound:
            # What the server itself opens: package repositories (HTTP and HTTPS), Session Manager and
            # cfn-signal (HTTPS). Security groups do not filter the VPC's DNS resolver, the Amazon Time
            # Sync Service or the instance metadata service (VPC security groups reference).
            for port, what in ((80, "HTTP"), (443, "HTTPS")):
                group.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(port), f"{what} out (IPv4): packages, AWS APIs")
                group.add_egress_rule(ec2.Peer.any_ipv6(), ec2.Port.tcp(port), f"{what} out (IPv6): packages, AWS APIs")
        cdk.Validations.of(group).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-EC23",
            reason="Port 80 is open to 0.0.0.0/0 and ::/0 because this is a public web server; "
                   "SSH is never open to the world unless allow_ssh_from_anywhere=true was given explicitly.",
        ))
        return group

    def _role(self, name: str, iam_policies: Sequence[str], allow_admin_policies: bool) -> iam.Role:
        role = iam.Role(self, "InstanceRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
                        description=f"{name}: Session Manager access for the web server instances")
        role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore"))
        # IAM4 is acknowledged per policy, so that any other managed policy still fails the synth.
        acks = [cdk.Acknowledgment(
            id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]",
            reason="AmazonSSMManagedInstanceCore is AWS's maintained minimum for Session Manager access; "
                   "a hand-written copy would drift from it.",
        )]
        for index, arn in enumerate(iam_policies):
            role.add_managed_policy(iam.ManagedPolicy.from_managed_policy_arn(self, f"Policy{index}", arn))
            reason = f"iam_policies[{index}] was listed explicitly by the user"
            if is_admin_policy(arn):
                reason += ", and allow_admin_policies=true was set for its administrator-level access"
            acks.append(cdk.Acknowledgment(id=f"AwsSolutions-IAM4[Policy::{arn}]", reason=reason + "."))
        cdk.Validations.of(role).acknowledge(*acks)
        return role

    def _deny_reading_private_key(self, key_pair: ec2.KeyPair) -> None:
        """The instance must not read the SSH private key that AWS keeps for the new key pair in Parameter
        Store: AmazonSSMManagedInstanceCore allows ssm:GetParameter(s) on every parameter. An explicit
        Deny wins over any Allow. GetParametersByPath is authorized on the path, not on each parameter,
        so it is denied on every path (the server reads no parameters at all)."""
        parameter = key_pair.private_key.parameter_arn
        self.role.add_to_principal_policy(iam.PolicyStatement(
            sid="DenyReadingTheSshPrivateKey", effect=iam.Effect.DENY,
            actions=["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParameterHistory"], resources=[parameter]))
        self.role.add_to_principal_policy(iam.PolicyStatement(
            sid="DenyReadingParametersByPath", effect=iam.Effect.DENY, actions=["ssm:GetParametersByPath"],
            resources=["*"]))
        cdk.Validations.of(self.role).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-IAM5[Resource::*]",
            reason="The only wildcard is in a Deny (ssm:GetParametersByPath on every path), which narrows access."))
