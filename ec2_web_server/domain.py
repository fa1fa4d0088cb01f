"""``SiteDomain``: the site's real name: a Route 53 record, an ACM certificate for HTTPS, and a last wait
that ends the deploy only once the site answers on that name, on its scheme.

The record points at the load balancer (an alias) or, for hand-managed servers without HTTPS, at their
Elastic IPs. A new certificate is validated through DNS in the hosted zone (CloudFormation waits until
ACM issues it). The wait is a CloudFormation wait condition with a CreationPolicy, created after the
record and the listeners exist; each instance, once it answers locally, starts ``check_site.sh`` in
the background, which waits for ``https://<name>/`` (or ``http://``) to answer and then signals it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Optional

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from constructs import Construct, IConstruct

from .boot import SiteCheck

if TYPE_CHECKING:
    from aws_cdk import aws_cloudfront as cloudfront

# How long the deploy waits for the site on its name, after everything it needs exists. Issuing a
# DNS-validated certificate happens before (CloudFormation waits for it on the certificate itself).
SITE_ANSWERS_TIMEOUT = "PT20M"


class SiteDomain(Construct):
    """The site's name, its certificate and the wait for it to answer.

    :param domain_name: the name, e.g. www.example.com.
    :param hosted_zone: the Route 53 zone that holds the name's record (and validates a new certificate).
        None: no record (the name is managed elsewhere).
    :param certificate: an existing certificate; None with ``https``: a new one, DNS-validated.
    :param https: serve the site over HTTPS (a load balancer's TLS listener).
    """

    def __init__(self, scope: Construct, id: str, *, domain_name: str, hosted_zone: Optional[route53.IHostedZone],
                 certificate: Optional[acm.ICertificate], https: bool) -> None:
        super().__init__(scope, id)
        self.domain_name = domain_name
        self.hosted_zone = hosted_zone
        #: The certificate the TLS listener presents (None without HTTPS).
        self.certificate: Optional[acm.ICertificate] = certificate
        if https and certificate is None:
            self.certificate = acm.Certificate(self, "Certificate", domain_name=domain_name,
                                               validation=acm.CertificateValidation.from_dns(hosted_zone))
        #: The site's address on its name.
        self.url = f"{'https' if https else 'http'}://{domain_name}/"
        #: The records made for the name.
        self.records: list[route53.RecordSet] = []

        stack = cdk.Stack.of(self)
        #: Ends the deploy only once the site answers on its name (one signal, from any instance).
        # CloudFormation waits for a wait condition's signals only when it creates it, so the address is
        # part of its logical id (as ec2.Instance's user_data_causes_replacement does with the script): a new
        # name or scheme makes a new wait, which the instances that the changed user data brings (replaced,
        # or rolled batch by batch) signal once the site answers there. Its construct path stays the same.
        self.site_answers = cdk.CfnWaitCondition(self, "SiteAnswers")
        site_answers_id = stack.get_logical_id(self.site_answers) + hashlib.sha256(self.url.encode()).hexdigest()[:16]
        self.site_answers.override_logical_id(site_answers_id)
        self.site_answers.cfn_options.creation_policy = cdk.CfnCreationPolicy(
            resource_signal=cdk.CfnResourceSignal(count=1, timeout=SITE_ANSWERS_TIMEOUT))
        #: What each instance needs to check the site and signal the wait.
        self.site_check = SiteCheck(
            url=self.url,
            signal_arguments=f"--stack {stack.stack_name} --resource {site_answers_id} "
                             f"--region {stack.region}")

    # Both kinds of record share one id, so that turning HTTPS on or off for hand-managed servers updates
    # the record in place (CloudFormation's update is Route 53's UPSERT); two ids would create the new one
    # while the old still holds the name and type, which Route 53 refuses (aws/aws-cdk#12564).

    def point_at_load_balancer(self, load_balancer: elbv2.IApplicationLoadBalancer, *, ipv6: bool = False) -> None:
        """An alias A record to the load balancer, and an AAAA beside it when the load balancer is dual-stack
        (which needs a VPC with IPv6; the default VPC has none)."""
        self._alias(targets.LoadBalancerTarget(load_balancer), ipv6=ipv6)

    def point_at_distribution(self, distribution: cloudfront.IDistribution) -> None:
        """Alias A and AAAA records to the CloudFront distribution (which answers on IPv6 too)."""
        self._alias(targets.CloudFrontTarget(distribution), ipv6=True)

    def _alias(self, target: route53.IAliasRecordTarget, *, ipv6: bool) -> None:
        if self.hosted_zone is None:
            return
        self.records.append(route53.ARecord(self, "Record", zone=self.hosted_zone, record_name=self.domain_name,
                                            target=route53.RecordTarget.from_alias(target)))
        if ipv6:
            self.records.append(route53.AaaaRecord(self, "RecordIpv6", zone=self.hosted_zone,
                                                   record_name=self.domain_name,
                                                   target=route53.RecordTarget.from_alias(target)))

    def point_at_addresses(self, addresses: Sequence[str]) -> None:
        """An A record with the servers' Elastic IPs (several: DNS round robin)."""
        if self.hosted_zone is not None:
            self.records.append(route53.ARecord(
                self, "Record", zone=self.hosted_zone, record_name=self.domain_name,
                target=route53.RecordTarget.from_ip_addresses(*addresses), ttl=cdk.Duration.minutes(5)))

    def wait_after(self, *constructs: IConstruct) -> None:
        """The site can answer only once these exist: the wait starts after them (and after the records)."""
        self.site_answers.node.add_dependency(*constructs, *self.records)
