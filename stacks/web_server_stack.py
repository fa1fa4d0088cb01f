"""The deployable stack: settings in, one ``WebServer`` plus outputs and tags out."""

from __future__ import annotations

import shlex
from typing import Any, Optional

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_route53 as route53
from constructs import Construct

from constants import APP_TAG_KEY, APP_TAG_VALUE
from ec2_web_server import SettingError, WebServer
from ec2_web_server.ebs import AMAZON_LINUX_ROOT_GIB
from ec2_web_server.instance_types import instance_type_info
from ec2_web_server.options import DEFAULT_EIP_QUOTA

from .settings import AMAZON_LINUX_2, AMAZON_LINUX_2023, NEW_VPC, Settings

AL2_END_OF_SUPPORT = "2026-06-30"
# Vpc.fromLookup's documented placeholder while a lookup is not yet recorded in cdk.context.json.
DUMMY_VPC_ID = "vpc-12345"
# CloudFormation quotas: "Resources: 500 per template".
MAX_RESOURCES_PER_STACK = 500


class WebServerStack(cdk.Stack):
    """One web server deployment. ``settings`` are already validated; nothing here reads context."""

    def __init__(self, scope: Construct, id: str, *, settings: Settings, **kwargs: Any) -> None:
        # Termination protection on the stack too: `cdk destroy` then fails at once, before anything
        # is deleted, instead of deleting volumes and addresses and failing on the instance.
        super().__init__(scope, id, termination_protection=settings.termination_protection,
                         description="EC2 web server (Apache) from the launch-a-web-server walk-through", **kwargs)
        self.settings = settings

        vpc = self._vpc()
        subnets = None
        if settings.subnet_id:
            # The VPC is needed here to judge subnet_id (the construct would look the default one up itself).
            vpc = vpc or ec2.Vpc.from_lookup(self, "Vpc", is_default=True)
            subnets = self._pinned_subnet(vpc, settings.subnet_id)
        key_pair = (ec2.KeyPair.from_key_pair_name(self, "ExistingKeyPair", settings.key_pair_name)
                    if settings.key_pair_name else None)
        # The zone is looked up once, like the VPC, and recorded in cdk.context.json (make context).
        hosted_zone = (route53.HostedZone.from_lookup(self, "HostedZone", domain_name=settings.hosted_zone)
                       if settings.hosted_zone else None)
        certificate = (acm.Certificate.from_certificate_arn(self, "ExistingCertificate", settings.certificate_arn)
                       if settings.certificate_arn else None)
        if settings.cloudfront_certificate_arn:
            # The construct checks it is in us-east-1; CloudFront presents it, from there.
            edge = {"cloudfront_certificate": acm.Certificate.from_certificate_arn(
                self, "CloudFrontCertificate", settings.cloudfront_certificate_arn)}
        else:
            edge = {}
        kms_key = (kms.Key.from_key_arn(self, "ExistingKey", settings.kms_key)
                   if settings.kms_key not in (None, "create") else settings.kms_key)
        #: The web server construct.
        self.web_server = WebServer(
            self, "WebServer",
            machine_image=self._machine_image(),
            vpc=vpc,
            vpc_subnets=subnets,
            key_pair=key_pair,
            domain_name=settings.domain_name,
            hosted_zone=hosted_zone,
            certificate=certificate,
            https=settings.https,
            kms_key=kms_key,
            ami_root_size=AMAZON_LINUX_ROOT_GIB if settings.is_amazon_linux else None,
            **edge,
            **settings.props(),
        )

        cdk.Tags.of(self).add(APP_TAG_KEY, APP_TAG_VALUE)
        for key, value in settings.tags:
            # Every property of AWS::EC2::KeyPair is replace-only and its name is fixed, so a tag
            # change there would fail the update ("already exists"): user tags skip the key pair.
            # Its constant "app" tag (for `make audit`) never changes, so it stays.
            cdk.Tags.of(self).add(key, value, exclude_resource_types=["AWS::EC2::KeyPair"])
        if self.web_server.capacity_reservations is not None:  # tagged by TagSpecifications, which cdk.Tags skips
            self.web_server.capacity_reservations.tag({APP_TAG_KEY: APP_TAG_VALUE, **dict(settings.tags)})
        self._warn()
        self._outputs()
        self._check_resource_count()

    def _vpc(self) -> Optional[ec2.IVpc]:
        """``vpc_id``'s VPC: looked up by id, made here (``new``), or None (the construct looks the default one up)."""
        settings = self.settings
        if settings.vpc_id == NEW_VPC:
            if settings.subnet_id:
                raise SettingError("subnet_id", settings.subnet_id, "cannot name a subnet of a VPC that vpc_id=new "
                                                                    "has not made yet")
            from ec2_web_server.network import SiteVpc

            #: The stack's own VPC (None unless vpc_id=new).
            self.site_vpc = SiteVpc(self, "Network", zones=max(2, settings.zones or 2),
                                    ip_version=settings.ip_version)
            return self.site_vpc.vpc
        return ec2.Vpc.from_lookup(self, "Vpc", vpc_id=settings.vpc_id) if settings.vpc_id else None

    @staticmethod
    def _pinned_subnet(vpc: ec2.IVpc, subnet_id: str) -> Optional[ec2.SubnetSelection]:
        """``subnet_id`` as a selection among the VPC's public subnets. Without the subnet type the CDK would
        look among the private subnets of a VPC that has some, refusing a public id and taking a private one."""
        if vpc.vpc_id == DUMMY_VPC_ID:
            return None  # a placeholder while the CLI looks the VPC up; the app runs again with the answer
        selection = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC,
                                        subnet_filters=[ec2.SubnetFilter.by_ids([subnet_id])])
        if not vpc.select_subnets(subnet_type=selection.subnet_type, subnet_filters=selection.subnet_filters).subnets:
            public = ", ".join(subnet.subnet_id for subnet in vpc.public_subnets) or "none"
            raise SettingError("subnet_id", subnet_id, f"is not one of the public subnets of {vpc.vpc_id} ({public})")
        return selection

    def _check_resource_count(self) -> None:
        """CloudFormation refuses a template of more than 500 resources (TooManyResourcesInStack): say so now,
        naming what multiplies them, rather than after a deploy has begun."""
        count = sum(1 for child in self.node.find_all() if isinstance(child, cdk.CfnResource))
        if count > MAX_RESOURCES_PER_STACK:
            settings = self.settings
            raise SettingError(
                "instance_count", settings.instance_count,
                f"with {len(settings.volumes)} data volume(s) per server the stack would have {count} resources, "
                f"over CloudFormation's {MAX_RESOURCES_PER_STACK}; use fewer servers or volumes")

    def _machine_image(self) -> ec2.IMachineImage:
        """The AMI. Named images are looked up once and pinned in cdk.context.json (cached_in_context),
        so a newer AMI appears in a reviewed diff of that file instead of silently replacing the instance."""
        settings = self.settings
        cpu = instance_type_info(settings.instance_type).amazon_linux_cpu_type
        if settings.machine_image == AMAZON_LINUX_2:
            return ec2.MachineImage.latest_amazon_linux2(cached_in_context=True, cpu_type=cpu)
        if settings.machine_image == AMAZON_LINUX_2023:
            return ec2.MachineImage.latest_amazon_linux2023(cached_in_context=True, cpu_type=cpu)
        return ec2.MachineImage.generic_linux({self.region: settings.machine_image})

    def _warn(self) -> None:
        settings = self.settings
        warn = cdk.Annotations.of(self).add_warning_v2
        if settings.machine_image == AMAZON_LINUX_2:
            warn("web-server:al2-end-of-support",
                 f"Amazon Linux 2 standard support ended on {AL2_END_OF_SUPPORT}; "
                 f"set -c machine_image={AMAZON_LINUX_2023} to switch to Amazon Linux 2023.")
        if settings.ssh_cidr is None:
            warn("web-server:no-ssh",
                 "No SSH rule: port 22 is closed (Session Manager still works). To allow SSH from your address, "
                 "add -c ssh_cidr=$(curl -s https://checkip.amazonaws.com)/32")
        if settings.vpc_id and settings.vpc_id != NEW_VPC:
            warn("web-server:vpc-auto-assign-ip",
                 f"vpc_id {settings.vpc_id}: the instance takes its public IPv4 from the first public subnet's "
                 "auto-assign setting; if that is off, the user data cannot reach the package repositories and "
                 "the deploy fails after the 15-minute signal timeout.")
        if settings.image_architecture is None and not settings.is_amazon_linux:
            arch = instance_type_info(settings.instance_type).architecture
            warn("web-server:ami-architecture-unknown",
                 f"machine_image {settings.machine_image}: its architecture cannot be checked offline; it must be "
                 f"{arch} for {settings.instance_type}, or AWS refuses to launch it.")
        eips = len(self.web_server.elastic_ips)
        if eips > DEFAULT_EIP_QUOTA:
            warn("web-server:eip-quota",
                 f"{eips} Elastic IPs exceed AWS's default quota of {DEFAULT_EIP_QUOTA} per region; "
                 "request an increase first or set -c elastic_ip=false.")

    def _outputs(self) -> None:
        web = self.web_server
        region = self.region
        if web.created_key_pair:
            parameter = web.key_pair.private_key.parameter_name
            key_file = "web-server-key.pem"
            cdk.CfnOutput(
                self, "SavePrivateKeyCommand",
                description="Save the new key pair's private key (kept in SSM Parameter Store) and make it private",
                # umask 077 in a subshell: the file is private from the moment it exists, not only after chmod.
                value=(f"(umask 077 && aws ssm get-parameter --region {region} --name {parameter} --with-decryption "
                       f"--query Parameter.Value --output text > {key_file}) && chmod 400 {key_file}"),
            )
        else:
            # Users paste these commands: a key pair name is any ASCII text, $(...) included, so quote it.
            key_file = shlex.quote(f"{self.settings.key_pair_name}.pem")
        for i, server in enumerate(web.servers, start=1):
            # Behind a load balancer, a server takes HTTP from it alone; an address of yours is not in the template.
            if web.load_balancer is None and server.elastic_ip_allocation_id is None:
                cdk.CfnOutput(self, f"Server{i}WebUrl", value=f"http://{server.public_ip}/",
                              description=f"Server {i}: the Apache page")
            # An address of yours is printed by a command: the output is the command itself, to run, not "$(...)".
            cdk.CfnOutput(self, f"Server{i}PublicIp", value=server.address_command or server.public_ip,
                          description=f"Server {i}: public IPv4 address" + (" (Elastic IP)" if server.elastic_ip else "")
                          + (f" (your Elastic IP {server.elastic_ip_allocation_id}: the command prints it)"
                             if server.elastic_ip_allocation_id else ""))
            cdk.CfnOutput(self, f"Server{i}InstanceId", value=server.instance.instance_id,
                          description=f"Server {i}: EC2 instance id")
            cdk.CfnOutput(self, f"Server{i}SshCommand", value=f"ssh -i {key_file} ec2-user@{server.public_ip}",
                          description=f"Server {i}: SSH as ec2-user (needs ssh_cidr to include your address)")
        if web.load_balancer is not None or web.domain is not None:
            cdk.CfnOutput(self, "SiteUrl", value=web.url, description="The site: on its name, else on the load "
                                                                       "balancer's")
        if web.domain is not None and web.domain.certificate is not None:
            cdk.CfnOutput(self, "CertificateArn", value=web.domain.certificate.certificate_arn,
                          description="The certificate the HTTPS listener presents")
        if web.fleet is not None:
            group = web.fleet.auto_scaling_group.auto_scaling_group_name
            cdk.CfnOutput(self, "AutoScalingGroupName", value=group, description="The Auto Scaling group")
            first_instance = (f"$(aws autoscaling describe-auto-scaling-groups --region {region} "
                              f"--auto-scaling-group-names {group} "
                              "--query 'AutoScalingGroups[0].Instances[0].InstanceId' --output text)")
            cdk.CfnOutput(self, "SessionManagerCommand", value=f"aws ssm start-session --region {region} "
                                                               f"--target {first_instance}",
                          description="A shell on one of the group's instances (Session Manager; no SSH key needed)")
