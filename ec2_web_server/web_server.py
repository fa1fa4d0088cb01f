"""``WebServer``: the classic "launch a web server on EC2" walk-through as one reusable construct.

A security group (the ports you choose, HTTP from anywhere by default; SSH only from a CIDR you name),
a key pair, an IAM role for Session Manager, ``instance_count`` servers spread over the VPC's public
subnets, each with its encrypted root volume, extra EBS data volumes and an Elastic IP, and user data
that installs Apache, puts your site in place, runs your steps and reports success to
CloudFormation only once the page answers. The construct knows nothing of CDK context, environment
variables or accounts: every choice is a typed keyword prop, checked against its annotation
(:mod:`.checks`) and AWS's rules (:mod:`.options`, :mod:`.ebs`) before anything is built.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Optional, Union

import aws_cdk as cdk
import jsii
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_route53 as route53
from constructs import Construct

from .boot import MAX_USER_DATA_BYTES, user_data_size, web_server_user_data
from .capacity import (
    CapacityReservations,
    allocation_ids,
    check_allocation_ids,
    check_mix,
    check_reservation,
)
from .checks import check_args
from .domain import SiteDomain
from .ebs import (
    AMAZON_LINUX_ROOT_DEVICE,
    AMAZON_LINUX_ROOT_GIB,
    DataVolume,
    RootVolume,
    assign_devices,
    assign_names,
    block_devices,
    data_block_device,
    mount_points,
)
from .encryption import KmsKeyChoice, resolve_key
from .errors import SettingError
from .instance_types import instance_type_info
from .options import (
    DEFAULT_INGRESS,
    DEFAULT_LOG_RETENTION_DAYS,
    PLACEMENT_STRATEGIES,
    AutoScaling,
    Backup,
    Ingress,
    PatchSchedule,
    Schedule,
    ShutdownBehavior,
    check_alarm_email,
    check_auto_scaling,
    check_backup,
    check_budget,
    check_domain,
    check_ec2_description,
    check_health_check_path,
    check_host_name,
    check_iam_policies,
    check_ingress,
    check_instance_count,
    check_instance_type_usable,
    check_load_balancer_props,
    check_log_retention,
    check_name,
    check_patch_schedule,
    check_placement_group,
    check_private_ip,
    check_private_ip_in_subnet,
    check_resource_alarms,
    check_schedule,
    check_site_check_reachable,
    check_site_dir,
    check_spread,
    instance_store_devices,
    is_admin_policy,
    normalise_ssh_cidr,
    security_group_description,
)

# The tiers and day-two options are imported where they are built: a synthesis that uses none of them (the
# default server) does not load their aws_cdk modules (Auto Scaling, ELBv2, CloudWatch, Backup, Scheduler...),
# about 0.2 s of every `cdk synth` (bench/RESULTS.md).
if TYPE_CHECKING:
    from aws_cdk import aws_s3_assets as s3_assets

    from .edge import SiteDistribution, WebFirewall
    from .fleet import WebServerFleet
    from .load_balancer import WebLoadBalancer
    from .operations import Alarms, Backups, Budget, LogShipping, Patching, RunSchedule
from .server import Server


@jsii.implements(ec2.IConnectable)
class WebServer(Construct):
    """An Apache web server (or ``instance_count`` of them) on EC2, as in the walk-through.

    Network
    :param vpc: where to launch. Default: the account's default VPC, looked up (the stack needs an
        explicit account and region for that).
    :param vpc_subnets: where the servers go; with several subnets they are spread over them (and so
        over Availability Zones), Server1 in the first. Default: the VPC's public subnets.
    :param security_group: a security group of yours to put the servers in, as it is: then
        ``ingress``, ``ssh_cidr`` and ``allow_all_outbound`` are yours to manage and are refused here.
        Default: a new group built from those props.
    :param ingress: who may reach which port (:class:`~.options.Ingress`: a port and a CIDR, prefix
        list or security group). Default: HTTP (80) from anywhere, IPv4 and IPv6.
    :param ssh_cidr: the CIDR allowed to SSH (port 22); a bare address means that one host.
        Default: no SSH rule at all (Session Manager still works).
    :param allow_ssh_from_anywhere: must be true for ``ssh_cidr`` wider than /8 (IPv6 /16). Default: false.
    :param allow_all_outbound: let the instances open any outbound connection. Default: false: HTTP and
        HTTPS only (package repositories, Session Manager, CloudFormation's signal, the site's asset);
        DNS, NTP and the instance metadata are reached through the VPC, which security groups do not filter.
    :param elastic_ip: an Elastic IP per instance, so the address survives stop/start. Default: true.
    :param elastic_ip_allocation_id: Elastic IPs you already own (an allocation id, or one per server), associated
        instead of new ones: the address outlives ``cdk destroy`` (:mod:`.capacity`). Default: new ones.
    :param private_ip: a fixed private IPv4 address in the first subnet (only with instance_count 1).
        Default: DHCP.

    Instances
    :param machine_image: the AMI (Amazon Linux 2/2023, or your own with a ``/dev/xvda`` root).
        Default: the latest Amazon Linux 2023 for the instance type's architecture, looked up once and
        recorded in cdk.context.json.
    :param instance_type: an EC2 instance type the EC2 API knows, as text or ``ec2.InstanceType``.
        Default: the walk-through's t2.micro.
    :param instance_count: identical servers, each with its own volumes and Elastic IP (1 to 20). Default: 1.
    :param capacity_reservation: the servers' On-Demand Capacity Reservation: ``open`` (AWS's default), ``none``,
        an existing ``cr-...`` id, or ``create`` (one per zone, for the servers' type and count; charged whether used
        or not). The Auto Scaling tier takes ``open`` only (:mod:`.capacity`). Default: open.
    :param key_pair: an existing key pair. Default: a new one, its private key in SSM Parameter Store
        (which the instances may not read).
    :param shutdown_behavior: what an OS-level shutdown does: stop, or terminate. A group with Spot in it
        (``spot_percent`` > 0) terminates whatever this says: EC2 cannot stop its Spot instances. Default: stop.
    :param termination_protection: protect the instances from termination. Default: false.
    :param detailed_monitoring: one-minute CloudWatch metrics (billed per metric). Default: false.
    :param placement_group: an existing placement group's name, or cluster/spread/partition to create
        one (a cluster group keeps every server in the first subnet). Default: none.
    :param iam_policies: extra managed policy ARNs for the instance role (AmazonSSMManagedInstanceCore
        is always there). Default: none.
    :param allow_admin_policies: allow administrator-equivalent policies (AdministratorAccess and the
        like) in ``iam_policies``; a public web server should never hold them. Default: false.

    Storage
    :param root_volume: the root volume. Default: gp2, the AMI's size, encrypted, deleted with the instance.
    :param volumes: extra EBS data volumes per instance. Default: none.
    :param detach_volumes: keep the data volumes but attach none (the first of the two deploys that
        replace an instance while keeping its volumes). Default: false.
    :param instance_store: map the type's instance-store volumes (wiped on stop and terminate). Default: false.
    :param ami_root_size: the AMI's root size in GiB, if known: the default root size and its minimum.
        Default: 8 for the default image, else unknown (the root mapping leaves the size to the AMI).
    :param root_device: the AMI's root device name. Default: ``/dev/xvda`` (every Amazon Linux AMI).

    Site and boot
    :param site_dir: a folder with your site's files (an ``index.html`` at least), published as an asset
        and installed into Apache's web root. A change of its content replaces the instances, which boot
        with it. Default: a page naming the instance.
    :param user_data_commands: shell commands run at first boot after Apache and the site are in place
        and before success is reported; a failing command fails the deploy. Default: none.

    Name and HTTPS
    :param domain_name: the site's name, e.g. www.example.com; the deploy completes only once the site
        answers on it. Default: none (the load balancer's or the servers' own addresses).
    :param hosted_zone: the Route 53 zone for ``domain_name``'s record (an alias to the load balancer, or
        the servers' Elastic IPs) and to validate a new certificate through DNS. Default: none.
    :param certificate: an existing ACM certificate, in the stack's region. Default: a new one, validated
        in ``hosted_zone``, when HTTPS is on.
    :param https: serve the site over HTTPS: a TLS listener on 443 and port 80 redirecting to it. With
        hand-managed servers a load balancer goes in front of them. Default: on with the Auto Scaling
        tier when a certificate can be had (``hosted_zone`` or ``certificate``), and whenever a
        ``certificate`` is given.

    Load balancer (the Auto Scaling tier, or HTTPS)
    :param health_check_path: what the load balancer asks every instance for; 200 means healthy. Default: /.
    :param access_log_days: days the load balancer's access logs are kept. Default: 90.
    :param keep_access_logs: keep the access logs bucket after ``cdk destroy``. Default: false.
    :param zones: how many Availability Zones the load balancer spans, the VPC's first ones, and the Auto
        Scaling group with it (a load balancer routes only to targets in its own zones). Two keep the site up
        when one zone fails; each more costs the load balancer a public IPv4 address. Hand-managed servers
        behind it (``https``) bring their own zones in. Default: 2.

    Edge (:mod:`.edge`, :mod:`.network`)
    :param waf: a regional AWS WAF web ACL on the load balancer: AWS's managed rule groups (IP reputation, core
        rule set, known bad inputs) and a per-address rate limit, logged to an ``aws-waf-logs-`` log group.
        Needs the load balancer (a web ACL cannot be associated with an EC2 instance). Default: false.
    :param waf_rate_limit: with ``waf``: requests one client address may send in 5 minutes before it is blocked,
        10 (AWS's minimum) to 2,000,000,000. Default: 2000.
    :param cloudfront: a CloudFront distribution in front of the load balancer, which then admits CloudFront's
        origin-facing addresses alone; viewers are redirected to HTTPS. Default: false.
    :param cloudfront_certificate: with ``cloudfront`` and ``domain_name``: the distribution's certificate, in
        us-east-1 (CloudFront takes no other). Default: the site's certificate when the stack is in us-east-1.
    :param ip_version: ``ipv4``; ``dualstack`` (IPv6 too: a dualstack load balancer, AAAA records beside the A
        records, an IPv6 address on each instance, ``::/0`` beside every ``0.0.0.0/0`` rule); or
        ``dualstack-without-public-ipv4`` (as dualstack, with a load balancer that has no public IPv4 address).
        Both need a VPC with IPv6 (``vpc`` built dual-stack, as :class:`.network.SiteVpc` does). Default: ipv4.

    Day two
    :param alarm_email: an address for alarms (an encrypted, TLS-only SNS topic): hand-managed servers are
        recovered or rebooted on failed status checks and report high CPU; the Auto Scaling tier reports
        unhealthy targets, 5xx and a group at its maximum. Default: none (no topic, no alarms).
    :param logs: ship Apache's access and error logs and the boot log to CloudWatch Logs, with memory and
        disk metrics (the CloudWatch agent). Default: false.
    :param log_retention_days: how long the log groups keep events (a CloudWatch Logs period); only with
        ``logs``. Default: 30.
    :param backup: AWS Backup of the hand-managed servers and their volumes. Default: none.
    :param schedule: stop and start times (hand-managed servers), or scale to zero and back (Auto Scaling
        tier). Default: none (always on).
    :param monthly_budget_usd: an AWS Budgets monthly cost budget for the stack, alerting ``alarm_email``.
        Default: none.
    :param memory_alarm_percent: with ``logs`` and ``alarm_email``: alarm when memory use (the CloudWatch
        agent's ``mem_used_percent``) stays above this for 15 minutes. Default: 90.
    :param disk_alarm_percent: with ``logs`` and ``alarm_email``: alarm when the disk use of the root file system,
        or of a data volume's ``mount_point``, stays above this for 10 minutes. Default: 85.
    :param patch_schedule: patch the servers' operating system on this schedule: a Systems Manager maintenance
        window runs AWS-RunPatchBaseline (Install, rebooting where needed) on one server at a time
        (:mod:`.operations.patching`). Default: none (user data updates packages at first boot only).
    :param kms_key: a customer managed KMS key for the EBS volumes (root and data, the launch template's too),
        the log groups, the backup vault and the alarm topic: ``"create"`` for a new one (rotated, with the key
        policy those services need; see :mod:`.encryption`), or an existing key whose policy allows them.
        Default: none (each service's own encryption: EBS's default key, CloudWatch Logs', AWS Backup's, and
        a key of the alarm topic's own).

    :param name: ``Name`` tag prefix; instances are ``<name>-1``, ``<name>-2``... Default: web-server.
    """

    def __init__(self, scope: Construct, id: str, *, vpc: Optional[ec2.IVpc] = None,
                 vpc_subnets: Optional[ec2.SubnetSelection] = None,
                 security_group: Optional[ec2.ISecurityGroup] = None, ingress: Optional[Sequence[Ingress]] = None,
                 ssh_cidr: Optional[str] = None, allow_ssh_from_anywhere: bool = False,
                 allow_all_outbound: bool = False, elastic_ip: Optional[bool] = None, private_ip: Optional[str] = None,
                 elastic_ip_allocation_id: Optional[Union[str, Sequence[str]]] = None,
                 capacity_reservation: str = "open",
                 machine_image: Optional[ec2.IMachineImage] = None,
                 instance_type: Union[ec2.InstanceType, str] = "t2.micro", instance_count: Optional[int] = None,
                 auto_scaling: Optional[AutoScaling] = None,
                 key_pair: Optional[ec2.IKeyPair] = None, shutdown_behavior: ShutdownBehavior = "stop",
                 termination_protection: bool = False, detailed_monitoring: bool = False,
                 placement_group: Optional[str] = None, iam_policies: Sequence[str] = (),
                 allow_admin_policies: bool = False, root_volume: Optional[RootVolume] = None,
                 volumes: Sequence[DataVolume] = (), detach_volumes: bool = False, instance_store: bool = False,
                 ami_root_size: Optional[int] = None, root_device: str = AMAZON_LINUX_ROOT_DEVICE,
                 site_dir: Optional[Union[str, os.PathLike]] = None, user_data_commands: Sequence[str] = (),
                 domain_name: Optional[str] = None, hosted_zone: Optional[route53.IHostedZone] = None,
                 certificate: Optional[acm.ICertificate] = None, https: Optional[bool] = None,
                 health_check_path: str = "/", access_log_days: int = 90, keep_access_logs: bool = False,
                 zones: int = 2,
                 waf: bool = False, waf_rate_limit: int = 2000, cloudfront: bool = False,
                 cloudfront_certificate: Optional[acm.ICertificate] = None, ip_version: str = "ipv4",
                 alarm_email: Optional[str] = None, logs: bool = False, log_retention_days: Optional[int] = None,
                 backup: Optional[Backup] = None, schedule: Optional[Schedule] = None,
                 monthly_budget_usd: Optional[Union[int, float]] = None,
                 kms_key: Optional[KmsKeyChoice] = None,
                 memory_alarm_percent: Optional[Union[int, float]] = None,
                 disk_alarm_percent: Optional[Union[int, float]] = None,
                 patch_schedule: Optional[PatchSchedule] = None,
                 name: str = "web-server") -> None:
        check_args(WebServer.__init__, locals())
        super().__init__(scope, id)
        # AWS's rules, before anything is built: the instance type first, as later rules depend on it.
        info = instance_type_info(instance_type if isinstance(instance_type, str) else instance_type.to_string())
        check_instance_type_usable(info)
        if security_group is not None:
            given = [prop for prop, value in (("ingress", ingress), ("ssh_cidr", ssh_cidr),
                                              ("allow_all_outbound", allow_all_outbound or None)) if value is not None]
            if given:
                raise SettingError(given[0], locals()[given[0]],
                                   "either provide security_group or the rules for a new one (ingress, ssh_cidr, "
                                   "allow_all_outbound), but not both")
        if ssh_cidr is not None:
            ssh_cidr = normalise_ssh_cidr(ssh_cidr, allow_anywhere=allow_ssh_from_anywhere)
        given_ingress = ingress is not None
        ingress = tuple(DEFAULT_INGRESS if ingress is None else ingress)
        check_ingress(ingress)
        if auto_scaling is not None:
            check_auto_scaling(auto_scaling, elastic_ip=elastic_ip, instance_count=instance_count,
                               private_ip=private_ip, detach_volumes=detach_volumes, placement_group=placement_group,
                               volumes=volumes, zones=zones)
        check_reservation(capacity_reservation, auto_scaling=auto_scaling is not None)
        owned_ips = allocation_ids(elastic_ip_allocation_id)
        elastic_ip = True if elastic_ip is None else elastic_ip
        if domain_name is not None:
            domain_name = check_host_name("domain_name", domain_name)
        zone_name = hosted_zone.zone_name if hosted_zone is not None else None
        if zone_name is not None and not cdk.Token.is_unresolved(zone_name):
            zone_name = check_host_name("hosted_zone", zone_name)
        https = check_domain(domain_name, zone_name, certificate.certificate_arn if certificate else None, https,
                             region=cdk.Stack.of(self).region, account=cdk.Stack.of(self).account,
                             has_load_balancer=auto_scaling is not None, elastic_ip=elastic_ip)
        if domain_name is not None and security_group is None:
            check_site_check_reachable(ingress)
        check_load_balancer_props(auto_scaling is not None or https, ingress=ingress,
                                  health_check_path=health_check_path, access_log_days=access_log_days,
                                  keep_access_logs=keep_access_logs, zones=zones, defaults=_prop_defaults())
        edge = waf or cloudfront or cloudfront_certificate is not None or waf_rate_limit != _prop_defaults()[
            "waf_rate_limit"]
        if edge:  # the edge's modules (WAFv2, CloudFront) load only when asked for
            from .edge import check_cloudfront_certificate, check_edge, check_waf_rate_limit

            check_edge(waf=waf, cloudfront=cloudfront, has_load_balancer=auto_scaling is not None or https,
                       ingress_given=given_ingress)
            check_waf_rate_limit(waf_rate_limit, waf=waf, default=_prop_defaults()["waf_rate_limit"])
            check_cloudfront_certificate(
                cloudfront_certificate.certificate_arn if cloudfront_certificate else None, cloudfront=cloudfront,
                domain_name=domain_name, region=cdk.Stack.of(self).region,
                site_certificate_arn=certificate.certificate_arn if certificate else None)
        if ip_version != "ipv4":
            from .network import check_ip_version, check_ip_version_fits, with_ipv6

            check_ip_version(ip_version)
            check_ip_version_fits(ip_version, has_load_balancer=auto_scaling is not None or https,
                                  cloudfront=cloudfront)
            ingress = with_ipv6(ingress)  # ::/0 beside every 0.0.0.0/0
        instance_count = 1 if instance_count is None else instance_count
        check_instance_count(instance_count)
        check_allocation_ids(owned_ips, servers=instance_count, elastic_ip=elastic_ip, auto_scaling=auto_scaling
                             is not None, domain_without_load_balancer=domain_name is not None and not https)
        if machine_image is None and ami_root_size is None:
            ami_root_size = AMAZON_LINUX_ROOT_GIB
        root_volume = root_volume or RootVolume()
        root_volume.validate("root_volume", info, min_size=ami_root_size)
        for index, volume in enumerate(volumes):
            volume.validate(f"volumes[{index}]", info)
        store_devices = instance_store_devices(info, instance_store)
        if auto_scaling is not None:
            check_mix(info, auto_scaling.instance_types, spot_percent=auto_scaling.spot_percent,
                      on_demand_base=auto_scaling.on_demand_base, max_capacity=auto_scaling.max_capacity,
                      instance_store_devices=store_devices)
        data_devices = assign_devices(tuple(volumes), reserved=store_devices)
        volume_names = assign_names(tuple(volumes), data_devices)
        check_placement_group(placement_group, info)
        check_private_ip(private_ip, instance_count)
        check_iam_policies(iam_policies, allow_admin=allow_admin_policies)
        check_name(name)
        site = check_site_dir(site_dir) if site_dir is not None else None
        if auto_scaling is not None or https:
            check_health_check_path(health_check_path, site=site, commands=user_data_commands)
        if alarm_email is not None:
            check_alarm_email(alarm_email)
        check_log_retention(log_retention_days, logs=logs)
        check_resource_alarms(memory_percent=memory_alarm_percent, disk_percent=disk_alarm_percent, logs=logs,
                              alarm_email=alarm_email)
        watched_paths = mount_points(tuple(volumes))
        if backup is not None:
            check_backup(backup, has_persistent_data=auto_scaling is None)
        if schedule is not None:
            check_schedule(schedule, auto_scaling=auto_scaling is not None)
        if patch_schedule is not None:
            check_patch_schedule(patch_schedule)
        if monthly_budget_usd is not None:
            check_budget(monthly_budget_usd, alarm_email)
        lookups = [prop for prop, value in (("vpc", vpc), ("machine_image", machine_image)) if value is None]
        stack = cdk.Stack.of(self)
        if lookups and (cdk.Token.is_unresolved(stack.account) or cdk.Token.is_unresolved(stack.region)):
            raise SettingError(lookups[0], None,
                               "is looked up when not given, which needs the stack's account and region: create the "
                               "stack with env=cdk.Environment(account=..., region=...), or pass "
                               f"{' and '.join(f'{prop}=' for prop in lookups)}")

        #: The customer managed key (None without ``kms_key``): created, or yours.
        self.kms_key: Optional[kms.IKey] = resolve_key(self, kms_key, retain=auto_scaling is None and (
            backup is not None or not root_volume.delete_on_termination
            or any(volume.on_destroy != "delete" for volume in volumes)), auto_scaling=auto_scaling is not None)
        #: The VPC the servers run in.
        self.vpc: ec2.IVpc = vpc or ec2.Vpc.from_lookup(self, "Vpc", is_default=True)
        if ip_version != "ipv4":
            from .network import check_dualstack_vpc

            check_dualstack_vpc(ip_version, self.vpc)
        if not self.vpc.public_subnets and not vpc_subnets:
            raise SettingError("vpc_id", self.vpc.vpc_id, "needs a public subnet (one routed to an Internet gateway)")
        #: The subnets the servers are spread over (Server1 in the first), or the Auto Scaling group's.
        self.subnets: tuple[ec2.ISubnet, ...] = self._subnets(vpc_subnets, auto_scaling, placement_group, zones)
        if private_ip is not None:
            check_private_ip_in_subnet(private_ip, self.subnets[0])
        if auto_scaling is None:
            check_spread(placement_group, [self.subnets[(i - 1) % len(self.subnets)].availability_zone
                                           for i in range(1, instance_count + 1)])
        machine_image = machine_image or ec2.MachineImage.latest_amazon_linux2023(
            cached_in_context=True,
            cpu_type=info.amazon_linux_cpu_type)
        #: The AMI every instance is launched from.
        self.machine_image: ec2.IMachineImage = machine_image

        #: The site's name, certificate and records (None without ``domain_name``).
        self.domain: Optional[SiteDomain] = None
        if domain_name is not None:
            self.domain = SiteDomain(self, "Domain", domain_name=domain_name, hosted_zone=hosted_zone,
                                     certificate=certificate, https=https)
        #: The load balancer in front of the servers (None for hand-managed servers without HTTPS).
        self.load_balancer: Optional[WebLoadBalancer] = None
        if auto_scaling is not None or https:
            if https:  # the same sources may reach HTTPS, and the security group opens 443 only then
                copies = tuple(dataclasses.replace(rule, port=443, to_port=None, description=(
                    rule.description.replace("HTTP", "HTTPS") if rule.description else None)) for rule in ingress)
                for index, copy in enumerate(copies):
                    check_ec2_description(f"ingress[{index}].description", copy.describe(),
                                          why=", as the copy of this rule for HTTPS (443) would be")
                ingress = ingress + copies
            if cloudfront:  # the load balancer admits CloudFront alone
                from .edge import origin_facing_ingress

                ingress = origin_facing_ingress(self, https=https)
            from .load_balancer import WebLoadBalancer

            self.load_balancer = WebLoadBalancer(
                self, "LoadBalancer", vpc=self.vpc, subnets=self._load_balancer_subnets(
                    self.subnets if auto_scaling is not None else self.subnets[:instance_count], zones),
                ingress=ingress, health_check_path=health_check_path,
                access_log_days=access_log_days, keep_access_logs=keep_access_logs,
                deletion_protection=termination_protection,
                certificate=self.domain.certificate if self.domain is not None and https else None, name=name,
                **self._ip_address_type(ip_version))
            ingress = ()  # the instances take HTTP from the load balancer only
        #: The firewall: the servers' security group (yours, or one built from ``ingress`` and ``ssh_cidr``).
        self.security_group: ec2.ISecurityGroup = security_group or self._security_group(
            name, ingress, ssh_cidr, allow_all_outbound)
        #: Who may reach the servers, as for any CDK construct: ``web.connections.allow_from(...)``.
        self.connections = ec2.Connections(security_groups=[self.security_group], default_port=ec2.Port.tcp(80))
        #: The instance role: Session Manager access, plus ``iam_policies``.
        self.role: iam.Role = self._role(name, iam_policies)
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
        #: The site's files as an asset (None without ``site_dir``).
        self.site_asset: Optional[s3_assets.Asset] = None
        if site is not None:
            from aws_cdk import aws_s3_assets as s3_assets

            self.site_asset = s3_assets.Asset(self, "Site", path=str(site))
            self._grant_site(self.site_asset)

        site_check = self.domain.site_check if self.domain is not None else None
        #: The log groups and the agent's configuration (None without ``logs``).
        self.log_shipping: Optional[LogShipping] = None
        if logs:
            from .operations import LogShipping

            self.log_shipping = LogShipping(self, "Logs", retention_days=log_retention_days or DEFAULT_LOG_RETENTION_DAYS,
                                            encryption_key=self.kms_key)
            self.log_shipping.grant(self.role, fleet=auto_scaling is not None)
        agent_config = (self.log_shipping.agent_config(fleet=auto_scaling is not None, mount_points=watched_paths)
                        if self.log_shipping is not None else None)
        #: The Auto Scaling tier's launch template and group (None for hand-managed servers).
        self.fleet: Optional[WebServerFleet] = None
        #: The servers' capacity reservation choice (None with ``open``): the reservations ``create`` made, the launch
        #: templates that name the choice.
        self.capacity_reservations: Optional[CapacityReservations] = None
        #: The hand-managed servers, ``Server1`` upwards (ids stay stable as instance_count grows); none
        #: with the Auto Scaling tier, whose instances come and go.
        self.servers: tuple[Server, ...] = ()
        if auto_scaling is not None:
            devices = block_devices(root_volume, ami_root_size, root_device, store_devices, self.kms_key)
            devices += [data_block_device(spec, device, self.kms_key)
                        for spec, device in zip(volumes, data_devices, strict=True)]
            from .fleet import WebServerFleet

            self.fleet = WebServerFleet(
                self, "Fleet", vpc=self.vpc, subnets=self.subnets,
                machine_image=machine_image, instance_type=info, security_group=self.security_group, role=self.role,
                key_pair=self.key_pair, block_devices=devices,
                user_data=web_server_user_data(site=self.site_asset, commands=user_data_commands,
                                               site_check=site_check, cloudwatch_agent_config=agent_config),
                target_group=self.load_balancer.target_group, options=auto_scaling,
                placement_group=self.placement_group, shutdown_behavior=shutdown_behavior,
                detailed_monitoring=detailed_monitoring, group_metrics=alarm_email is not None, name=name)
        else:
            if capacity_reservation != "open":
                self.capacity_reservations = CapacityReservations(
                    self, "CapacityReservation", choice=capacity_reservation, instance_type=info.name,
                    zones=[self.subnets[(i - 1) % len(self.subnets)].availability_zone
                           for i in range(1, instance_count + 1)])
            self.servers = tuple(
                Server(self, f"Server{i}", vpc=self.vpc, subnet=self.subnets[(i - 1) % len(self.subnets)],
                       machine_image=machine_image, instance_type=info, security_group=self.security_group,
                       role=self.role, key_pair=self.key_pair, placement_group=self.placement_group,
                       root_volume=root_volume, root_size=ami_root_size, root_device=root_device,
                       instance_store_devices=store_devices, volumes=tuple(volumes), data_devices=data_devices,
                       volume_names=volume_names, detach_volumes=detach_volumes, elastic_ip=elastic_ip,
                       shutdown_behavior=shutdown_behavior, termination_protection=termination_protection,
                       detailed_monitoring=detailed_monitoring, private_ip=private_ip,
                       user_data=web_server_user_data(site=self.site_asset, commands=user_data_commands,
                                                      site_check=site_check, cloudwatch_agent_config=agent_config),
                       name=name if instance_count == 1 else f"{name}-{i}", kms_key=self.kms_key,
                       elastic_ip_allocation_id=owned_ips[i - 1] if owned_ips else None,
                       launch_template=self.capacity_reservations.launch_templates[i - 1]
                       if self.capacity_reservations is not None else None)
                for i in range(1, instance_count + 1)
            )
        self._check_user_data_size(user_data_commands)
        #: Every hand-managed server's instance, in order.
        self.instances: tuple[ec2.Instance, ...] = tuple(server.instance for server in self.servers)
        #: Every server's Elastic IP (empty when ``elastic_ip`` is false, and with the Auto Scaling tier).
        self.elastic_ips: tuple[ec2.CfnEIP, ...] = tuple(s.elastic_ip for s in self.servers if s.elastic_ip)
        #: The address users reach each server at (its Elastic IP, or its own public address).
        self.public_ips: tuple[str, ...] = tuple(server.public_ip for server in self.servers)
        #: Every server's data volumes.
        self.volumes: tuple[ec2.Volume, ...] = tuple(v for server in self.servers for v in server.volumes)
        if self.load_balancer is not None and self.servers:
            # Hand-managed servers behind the load balancer (HTTPS): registered by CloudFormation, reached
            # by it on port 80 only.
            from aws_cdk import aws_elasticloadbalancingv2_targets as elbv2_targets

            for instance in self.instances:
                self.load_balancer.target_group.add_target(elbv2_targets.InstanceTarget(instance, 80))
            self.connections.allow_from(self.load_balancer.security_group, ec2.Port.tcp(80),
                                        "HTTP from the load balancer")
        self._edge(waf, waf_rate_limit, cloudfront, cloudfront_certificate, https, ip_version, name)
        #: The site's address: its name, else the distribution's, else the load balancer's, else the first server's.
        self.url: str = (self.domain.url if self.domain is not None
                         else self.distribution.url if self.distribution is not None
                         else self.load_balancer.url if self.load_balancer is not None
                         else f"http://{self.public_ips[0]}/")
        if self.domain is not None:
            if self.distribution is not None:
                self.domain.point_at_distribution(self.distribution.distribution)
                self.domain.wait_after(self.distribution, self.load_balancer.target_group,
                                       *self.load_balancer.listeners, *([self.fleet] if self.fleet else self.servers))
            elif self.load_balancer is not None:
                self.domain.point_at_load_balancer(self.load_balancer.load_balancer, ipv6=ip_version != "ipv4")
                self.domain.wait_after(self.load_balancer.target_group, *self.load_balancer.listeners,
                                       *([self.fleet] if self.fleet else self.servers))
            else:
                self.domain.point_at_addresses(self.public_ips)
                self.domain.wait_after(*self.servers)
        self._day_two(alarm_email, backup, schedule, monthly_budget_usd, auto_scaling, instance_store)
        #: The patch window (None without ``patch_schedule``).
        self.patching: Optional[Patching] = None
        if patch_schedule is not None:
            from .operations import Patching

            self.patching = Patching(
                self, "Patching", options=patch_schedule, instances=self.instances,
                group=self.fleet.auto_scaling_group if self.fleet is not None else None,
                servers=auto_scaling.max_capacity if auto_scaling is not None else instance_count)
        if self.alarms is not None and self.log_shipping is not None:
            from .operations.alarms import DISK_HIGH_PERCENT, MEMORY_HIGH_PERCENT

            thresholds = {"mount_points": watched_paths,
                          "memory_percent": memory_alarm_percent or MEMORY_HIGH_PERCENT,
                          "disk_percent": disk_alarm_percent or DISK_HIGH_PERCENT}
            if self.fleet is not None:
                self.alarms.watch_memory_and_disk(
                    "Group", owner={"AutoScalingGroupName": self.fleet.auto_scaling_group.auto_scaling_group_name},
                    worst_instance=True, **thresholds)
            for number, instance in enumerate(self.instances, start=1):
                self.alarms.watch_memory_and_disk(f"Server{number}", owner={"InstanceId": instance.instance_id},
                                                  worst_instance=False, **thresholds)

    @staticmethod
    def _ip_address_type(ip_version: str) -> dict:
        if ip_version == "ipv4":
            return {}
        from .network import elb_ip_address_type

        return {"ip_address_type": elb_ip_address_type(ip_version)}

    def _edge(self, waf: bool, waf_rate_limit: int, cloudfront: bool,
              cloudfront_certificate: Optional[acm.ICertificate], https: bool, ip_version: str, name: str) -> None:
        """The web ACL, the distribution, and each hand-managed server's IPv6 address."""
        if ip_version != "ipv4":
            for server in self.servers:
                # One IPv6 address on the instance's network interface (the dual-stack subnet also assigns one
                # on creation); AWS::EC2::Instance Ipv6AddressCount, which the L2 Instance does not expose.
                server.instance.node.default_child.add_property_override("Ipv6AddressCount", 1)
            if self.fleet is not None:
                # The same on the group's launch template. A template's Ipv6AddressCount is on a network interface
                # (LaunchTemplateData.NetworkInterfaces), which must then carry the security groups too (EC2 API
                # reference, RunInstances SecurityGroupIds: "If you specify a network interface, you must specify any
                # security groups as part of the network interface instead"). The L2 exposes neither.
                template = self.fleet.launch_template.node.default_child
                groups = template.launch_template_data.security_group_ids  # type: ignore[union-attr]
                template.add_property_override("LaunchTemplateData.NetworkInterfaces", [
                    {"DeviceIndex": 0, "Ipv6AddressCount": 1, "Groups": groups}])
                template.add_property_deletion_override("LaunchTemplateData.SecurityGroupIds")
        #: The WAF web ACL on the load balancer (None without ``waf``).
        self.firewall: Optional[WebFirewall] = None
        #: The CloudFront distribution in front of the load balancer (None without ``cloudfront``).
        self.distribution: Optional[SiteDistribution] = None
        if waf:
            from .edge import WebFirewall

            self.firewall = WebFirewall(self, "Firewall", load_balancer=self.load_balancer.load_balancer,
                                        rate_limit=waf_rate_limit, behind_cloudfront=cloudfront, name=name)
        if cloudfront:
            from .edge import CLOUDFRONT_CERTIFICATE_REGION, SiteDistribution

            if self.domain is not None and not https:
                raise SettingError("https", False, "must be on with cloudfront=true and a domain_name: the "
                                                   "distribution serves the name with a certificate for it")
            certificate = cloudfront_certificate
            if certificate is None and self.domain is not None \
                    and cdk.Stack.of(self).region == CLOUDFRONT_CERTIFICATE_REGION:
                certificate = self.domain.certificate  # in us-east-1, one certificate serves both
            self.distribution = SiteDistribution(
                self, "Cdn", load_balancer=self.load_balancer.load_balancer, origin_https=https,
                domain_name=self.domain.domain_name if self.domain is not None else None,
                certificate=certificate, name=name)

    def _day_two(self, alarm_email: Optional[str], backup: Optional[Backup], schedule: Optional[Schedule],
                 monthly_budget_usd: Optional[float], auto_scaling: Optional[AutoScaling], instance_store: bool) -> None:
        #: The alarm topic and alarms (None without ``alarm_email``).
        self.alarms: Optional[Alarms] = None
        if alarm_email is not None:
            from .operations import Alarms

            self.alarms = Alarms(self, "Alarms", email=alarm_email, key=self.kms_key)
            if self.fleet is not None:
                self.alarms.watch_group(self.fleet.auto_scaling_group, max_capacity=auto_scaling.max_capacity,
                                        load_balancer=self.load_balancer.load_balancer,
                                        target_group=self.load_balancer.target_group)
            for number, instance in enumerate(self.instances, start=1):
                # EC2 cannot recover an instance with instance store (its data would not move with it).
                self.alarms.watch_instance(f"Server{number}", instance, recoverable=not instance_store)
        #: AWS Backup's plan, vault and selection (None without ``backup``).
        self.backups: Optional[Backups] = None
        if backup is not None:
            from .operations import Backups

            self.backups = Backups(self, "Backup", options=backup, instances=self.instances,
                                   encryption_key=self.kms_key)
        #: The stop/start schedule (None without ``schedule``).
        self.schedule: Optional[RunSchedule] = None
        if schedule is not None:
            from .operations import RunSchedule

            self.schedule = RunSchedule(self, "Schedule", options=schedule)
            if self.fleet is not None:
                self.schedule.scale_to_zero_and_back(self.fleet.auto_scaling_group,
                                                     min_capacity=auto_scaling.min_capacity,
                                                     max_capacity=auto_scaling.max_capacity)
            else:
                self.schedule.stop_and_start(self.instances, volume_key=self.kms_key)
        #: The AWS Budgets budget (None without ``monthly_budget_usd``).
        self.budget: Optional[Budget] = None
        if monthly_budget_usd is not None:
            from .operations import Budget

            self.budget = Budget(self, "Budget", amount_usd=monthly_budget_usd, email=alarm_email)

    def _subnets(self, vpc_subnets: Optional[ec2.SubnetSelection], auto_scaling: Optional[AutoScaling],
                 placement_group: Optional[str], zones: int) -> tuple[ec2.ISubnet, ...]:
        if vpc_subnets is not None:
            subnets = self.vpc.select_subnets(**_selection_props(vpc_subnets)).subnets
        elif auto_scaling is not None and _zones(self.vpc.private_subnets) >= 2:
            # Private subnets with a route out (NAT) where the VPC has them: the instances then have no public
            # address at all. The default VPC has none, so there the group uses the public subnets, and the
            # instances' security group admits HTTP from the load balancer only.
            subnets = self.vpc.private_subnets
        else:
            subnets = self.vpc.public_subnets
        if not subnets:
            raise SettingError("vpc_subnets", self.vpc.vpc_id, "selects no subnet of the VPC")
        if auto_scaling is not None:
            if _zones(self.vpc.public_subnets) < 2:
                raise SettingError("vpc_id", self.vpc.vpc_id, "needs public subnets in two Availability Zones at "
                                                              "least for the load balancer of tier=autoscaling")
            if _zones(subnets) < zones:
                raise SettingError("zones", zones, f"is more than the {_zones(subnets)} Availability Zone(s) of the "
                                                   "group's subnets (vpc_subnets, or the VPC's) for tier=autoscaling")
            subnets = _first_zones(subnets, zones)
        if placement_group == "cluster":
            subnets = subnets[:1]  # a cluster placement group lives in one Availability Zone
        return tuple(subnets)

    def _load_balancer_subnets(self, servers: Sequence[ec2.ISubnet], zones: int) -> list[ec2.ISubnet]:
        """One public subnet in each zone of ``servers`` (the group's subnets, or the hand-managed servers'),
        then in the VPC's next zones, in order, up to ``zones``."""
        wanted = list(dict.fromkeys(subnet.availability_zone for subnet in servers))
        public = {}
        for subnet in self.vpc.public_subnets:
            public.setdefault(subnet.availability_zone, subnet)
        missing = [zone for zone in wanted if zone not in public]
        if missing:
            raise SettingError("vpc_subnets", missing[0], "has servers but no public subnet of the VPC, where the "
                                                          "load balancer would reach them")
        wanted += [zone for zone in public if zone not in wanted][:max(0, zones - len(wanted))]
        if len(wanted) < zones:
            raise SettingError("zones", zones, f"is more than the {len(public)} Availability Zone(s) with a public "
                                               "subnet in the VPC")
        return [public[zone] for zone in wanted]

    def _check_user_data_size(self, commands: Sequence[str]) -> None:
        """EC2 refuses to launch with more than 16 KB of user data: say so at synth, now that it is complete."""
        scripts = ([self.fleet.launch_template.user_data] if self.fleet is not None
                   else [server.instance.user_data for server in self.servers])
        size = max(user_data_size(self, script) for script in scripts)
        if size > MAX_USER_DATA_BYTES:
            given = sum(len(command.encode()) for command in commands)
            raise SettingError("user_data_commands", f"{len(commands)} command(s), {given} bytes",
                               f"make the boot script at least {size} bytes, over EC2's user data limit of 16 KB "
                               f"({MAX_USER_DATA_BYTES} bytes, before base64); have a short command fetch a longer "
                               "script (from S3, or a package) instead")

    @property
    def instance(self) -> ec2.Instance:
        """The first server's instance (the only one with the default ``instance_count``)."""
        return self.instances[0]

    def _security_group(self, name: str, ingress: Sequence[Ingress], ssh_cidr: Optional[str],
                        allow_all_outbound: bool) -> ec2.SecurityGroup:
        group = ec2.SecurityGroup(
            self, "SecurityGroup", vpc=self.vpc, allow_all_outbound=allow_all_outbound,
            allow_all_ipv6_outbound=allow_all_outbound,
            # Fixed text: a group's description cannot change in place, so naming the SSH CIDR here
            # would replace the group whenever ssh_cidr changes. The rules' own descriptions say it.
            description=security_group_description(name, "web server"),
        )
        for rule in ingress:
            group.add_ingress_rule(rule.peer(self), rule.port_range(), rule.describe())
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
        public = [rule.describe() for rule in ingress if rule.cidr in ("0.0.0.0/0", "::/0")]
        if ssh_cidr in ("0.0.0.0/0", "::/0"):
            public.append(f"SSH from {ssh_cidr}, because allow_ssh_from_anywhere=true was given explicitly")
        if public:
            cdk.Validations.of(group).acknowledge(cdk.Acknowledgment(
                id="AwsSolutions-EC23",
                reason="This is a public web server: its ingress rules open these to the whole Internet on purpose: "
                       + "; ".join(public) + ". SSH is never open to the world unless asked for explicitly.",
            ))
        return group

    def _role(self, name: str, iam_policies: Sequence[str]) -> iam.Role:
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

    def _grant_site(self, site: s3_assets.Asset) -> None:
        """The instances download the site's archive from the CDK's asset bucket: read it, nothing else."""
        site.grant_read(self.role)
        objects = _as_nag_text(cdk.Stack.of(self).resolve(site.bucket.arn_for_objects("*")))
        findings = ["Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*", f"Resource::{objects}"]
        cdk.Validations.of(self.role).acknowledge(*[cdk.Acknowledgment(
            id=f"AwsSolutions-IAM5[{finding}]",
            reason="Read-only access, by the CDK's own grant_read, to the bootstrap asset bucket that holds the "
                   "site_dir archive the instances download at boot.") for finding in findings])


def _as_nag_text(value: object) -> str:
    """A resolved value as cdk-nag writes it in a finding's id: references as ``<AWS::Region>``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Ref" in value:
        return f"<{value['Ref']}>"
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_as_nag_text(part) for part in parts)
    return str(value)


def _selection_props(selection: ec2.SubnetSelection) -> dict:
    """A SubnetSelection as the keyword props that ``IVpc.select_subnets`` takes in Python."""
    names = ("availability_zones", "one_per_az", "subnet_filters", "subnet_group_name", "subnet_type", "subnets")
    return {name: getattr(selection, name) for name in names if getattr(selection, name) is not None}


def _first_zones(subnets: Sequence[ec2.ISubnet], zones: int) -> list[ec2.ISubnet]:
    """One subnet in each of the first ``zones`` Availability Zones, in the given (the VPC's) order."""
    first: dict[str, ec2.ISubnet] = {}
    for subnet in subnets:
        if len(first) < zones:
            first.setdefault(subnet.availability_zone, subnet)
    return list(first.values())


def _zones(subnets: Sequence[ec2.ISubnet]) -> int:
    return len({subnet.availability_zone for subnet in subnets})


@functools.cache
def _prop_defaults() -> dict[str, object]:
    """The documented defaults of WebServer's props, read from its signature (their one home)."""
    return {name: p.default for name, p in inspect.signature(WebServer.__init__).parameters.items()}
