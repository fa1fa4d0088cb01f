"""``WebLoadBalancer``: the internet-facing Application Load Balancer in front of the web servers.

Hardened as AWS's guidance and cdk-nag ask: invalid HTTP headers dropped, access logs to an encrypted,
TLS-only S3 bucket with an expiry (emptied and deleted on ``cdk destroy`` unless kept), deletion
protection when the deployment is protected from termination. Its security group lets in only what
``ingress`` names (HTTP from anywhere by default); the servers behind it accept HTTP from it alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Optional

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .options import Ingress, security_group_description

# How long the load balancer lets requests to a leaving instance finish. AWS's default is 300 s,
# which makes every rolling update wait five minutes per batch for a site that answers in milliseconds.
DEREGISTRATION_DELAY = cdk.Duration.seconds(30)
# The TLS listener's policy: TLS 1.3 and 1.2, restricted ciphers (no CBC), with post-quantum hybrid key
# exchange (ML-KEM): ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09, the console's default post-quantum
# policy. Newer than ELBSecurityPolicy-TLS13-1-2-2021-06, still serving TLS 1.2 clients, and without the
# CBC suites that policy keeps (Elastic Load Balancing, "Security policies for your Application Load
# Balancer").
TLS_POLICY = elbv2.SslPolicy.TLS13_12_RES_PQ


def _auto_delete_log_group(scope: Construct) -> logs.LogGroup:
    """A log group of the stack's for the CDK's auto-delete-objects Lambda, with a retention.

    By default that Lambda writes to ``/aws/lambda/<function>``, which Lambda creates outside the stack, never
    expiring, and which outlives ``cdk destroy`` (aws/aws-cdk#26553, #24815): one more on every deploy/destroy
    cycle. Its ``LoggingConfig.LogGroup`` (AWS::Lambda::Function) names this group instead, whose name
    CloudFormation generates, so it cannot collide with a group an earlier stack left. The function refers to
    the group, so CloudFormation deletes the group last, after the function's last run (the one that empties
    the bucket).
    """
    provider = cdk.Stack.of(scope).node.find_child("Custom::S3AutoDeleteObjectsCustomResourceProvider")
    handler = provider.node.find_child("Handler")
    group = logs.LogGroup(scope, "AutoDeleteObjectsLogs", retention=logs.RetentionDays.ONE_WEEK,
                          removal_policy=cdk.RemovalPolicy.DESTROY)
    handler.add_property_override("LoggingConfig", {"LogGroup": group.log_group_name})
    return group


class WebLoadBalancer(Construct):
    """An internet-facing Application Load Balancer in public subnets.

    :param vpc: the VPC.
    :param subnets: public subnets, one per Availability Zone, two at least; it routes only to targets in
        those zones.
    :param ingress: who may reach the load balancer (ports 80, and 443 with HTTPS).
    :param health_check_path: what the target group asks every instance for (200 means healthy).
    :param access_log_days: days the access logs are kept.
    :param keep_access_logs: keep the access logs bucket after ``cdk destroy``.
    :param deletion_protection: refuse to delete the load balancer.
    :param certificate: with a certificate, HTTPS on 443 (``TLS_POLICY``) and port 80 answering with a
        permanent redirect to it; without, HTTP on port 80.
    :param ip_address_type: IPv4, dual-stack, or dual-stack without public IPv4 (the last two need subnets with
        IPv6). Default: none given, which AWS takes as IPv4 (and the template stays as it was before this prop).
    :param name: prefix of the descriptions.
    """

    def __init__(self, scope: Construct, id: str, *, vpc: ec2.IVpc, subnets: Sequence[ec2.ISubnet],
                 ingress: Sequence[Ingress],
                 health_check_path: str, access_log_days: int, keep_access_logs: bool,
                 deletion_protection: bool, certificate: Optional[acm.ICertificate], name: str,
                 ip_address_type: Optional[elbv2.IpAddressType] = None) -> None:
        super().__init__(scope, id)
        #: Who may reach the load balancer; its egress goes only to the instances (the CDK adds it).
        self.security_group = ec2.SecurityGroup(
            self, "SecurityGroup", vpc=vpc, allow_all_outbound=False,
            description=security_group_description(name, "load balancer"))
        for rule in ingress:
            self.security_group.add_ingress_rule(rule.peer(self), rule.port_range(), rule.describe())
        public = [rule.describe() for rule in ingress if rule.cidr in ("0.0.0.0/0", "::/0")]
        if public:
            cdk.Validations.of(self.security_group).acknowledge(cdk.Acknowledgment(
                id="AwsSolutions-EC23",
                reason="The load balancer of a public web site is open to the Internet on purpose: "
                       + "; ".join(public) + ". The instances behind it accept HTTP from this group only."))

        #: The access logs bucket: encrypted (S3-managed keys, the only kind ALB log delivery supports),
        #: TLS only, private, and expiring.
        self.access_logs = s3.Bucket(
            self, "AccessLogs",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(access_log_days))],
            removal_policy=cdk.RemovalPolicy.RETAIN if keep_access_logs else cdk.RemovalPolicy.DESTROY,
            auto_delete_objects=not keep_access_logs,
        )
        #: The log group of the CDK's auto-delete Lambda (None when the logs are kept): the stack's, with a
        #: retention, and deleted after that Lambda's last run, at destroy.
        self.auto_delete_logs = None if keep_access_logs else _auto_delete_log_group(self)
        cdk.Validations.of(self.access_logs).acknowledge(cdk.Acknowledgment(
            id="AwsSolutions-S1",
            reason="This bucket holds the load balancer's access logs; logging access to the log bucket itself "
                   "would need yet another bucket, and its contents already are an access log."))

        #: The load balancer.
        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self, "LoadBalancer", vpc=vpc, internet_facing=True,
            vpc_subnets=ec2.SubnetSelection(subnets=list(subnets)),
            security_group=self.security_group,
            drop_invalid_header_fields=True,
            deletion_protection=deletion_protection,
            ip_address_type=ip_address_type,
        )
        self.load_balancer.log_access_logs(self.access_logs, "load-balancer")

        #: The instances' target group: HTTP on port 80, checked on ``health_check_path``.
        self.target_group = elbv2.ApplicationTargetGroup(
            self, "Servers", vpc=vpc, port=80, protocol=elbv2.ApplicationProtocol.HTTP,
            target_type=elbv2.TargetType.INSTANCE,
            deregistration_delay=DEREGISTRATION_DELAY,
            health_check=elbv2.HealthCheck(path=health_check_path, healthy_http_codes="200",
                                           interval=cdk.Duration.seconds(15), healthy_threshold_count=2,
                                           unhealthy_threshold_count=3, timeout=cdk.Duration.seconds(5)),
        )
        #: Port 443 with a certificate (None without): forwards to the servers.
        self.https_listener: Optional[elbv2.ApplicationListener] = None
        if certificate is not None:
            self.https_listener = self.load_balancer.add_listener(
                "Https", port=443, protocol=elbv2.ApplicationProtocol.HTTPS, open=False, certificates=[certificate],
                ssl_policy=TLS_POLICY, default_target_groups=[self.target_group])
        #: Port 80: a permanent redirect to HTTPS with a certificate, else forwards to the servers
        #: (``open=False`` on both: ``ingress`` says who may connect).
        self.http_listener = self.load_balancer.add_listener(
            "Http", port=80, protocol=elbv2.ApplicationProtocol.HTTP, open=False,
            default_action=elbv2.ListenerAction.redirect(protocol="HTTPS", port="443", permanent=True)
            if certificate is not None else elbv2.ListenerAction.forward([self.target_group]))
        if self.https_listener is not None:
            # Redirect to 443 only once something answers there: the HTTPS listener waits for ACM to issue
            # the certificate, and a port-80 listener turned into a redirect earlier would send visitors
            # to a closed port meanwhile.
            self.http_listener.node.add_dependency(self.https_listener)
        #: The listeners the site needs before it can answer.
        self.listeners = tuple(listener for listener in (self.https_listener, self.http_listener) if listener)
        #: The site's address on the load balancer's own name.
        self.url = f"{'https' if certificate else 'http'}://{self.load_balancer.load_balancer_dns_name}/"
