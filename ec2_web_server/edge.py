"""The site's edge, in front of the load balancer: a web application firewall (``waf``) and a CloudFront
distribution (``cloudfront``).

``WebFirewall``: a regional AWS WAF web ACL associated with the Application Load Balancer. A WAF web ACL can be
associated with an Application Load Balancer, an API Gateway stage, AppSync, Cognito, App Runner, Verified Access or
Amplify, not with an EC2 instance (AWS WAF Developer Guide, "Resources that you can protect"), so it needs the load
balancer. Its rules, cheapest first (AWS WAF evaluates rules by priority, lowest first):

- a rate-based rule that blocks a client address sending more than ``rate_limit`` requests in 5 minutes
  (RateBasedStatement ``Limit``: 10 to 2,000,000,000, the WAFv2 API's RateLimit shape; the minimum was lowered
  from 100 to 10);
- AWS managed rule groups: the Amazon IP reputation list, the core rule set (CommonRuleSet) and known bad inputs.

Its logs go to a CloudWatch Logs group whose name starts with ``aws-waf-logs-``, as WAF requires of a log
destination (AWS WAF Developer Guide, "Sending web ACL traffic logs to an Amazon CloudWatch Logs log group"),
kept for a retention, with the cookie and authorization headers redacted.

``SiteDistribution``: a CloudFront distribution whose origin is the load balancer. Viewers on HTTP are redirected
to HTTPS; caching follows the origin's Cache-Control headers (the managed UseOriginCacheControlHeaders policy, made
for web sites: nothing is cached that the site does not say may be, and the Host header is in the cache key). The
load balancer then admits CloudFront alone: its security group's only source is the AWS-managed prefix list
``com.amazonaws.global.cloudfront.origin-facing``, looked up once and recorded in cdk.context.json (make context).
That prefix list counts as its maximum entries (55) against the group's quota of 60 rules (Amazon VPC quotas;
CloudFront Developer Guide, "Restrict access to Application Load Balancers"), so exactly one rule names it: port 443
when the load balancer has a certificate, else port 80.
"""

from __future__ import annotations

import hashlib
import re
from typing import Optional

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from .errors import SettingError
from .options import Ingress

#: WAFv2's RateLimit shape (botocore's wafv2 service model: min 10, max 2,000,000,000), per 5 minutes by default.
WAF_RATE_LIMIT_MIN, WAF_RATE_LIMIT_MAX = 10, 2_000_000_000
#: The default: 2,000 requests in 5 minutes from one address (about 7 a second, sustained) is far above what a
#: person browsing a small site sends, and well below a flood.
DEFAULT_WAF_RATE_LIMIT = 2000
#: The managed rule groups, by priority after the rate rule: vendor AWS, name. Each is one of the web ACL's rules.
WAF_MANAGED_RULE_GROUPS: tuple[str, ...] = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
)
#: "The name of the log group must start with aws-waf-logs-" (AWS WAF Developer Guide, logging destinations).
WAF_LOG_GROUP_PREFIX = "aws-waf-logs-"
DEFAULT_WAF_LOG_RETENTION = logs.RetentionDays.ONE_MONTH
#: CloudFront's origin-facing managed prefix list (CloudFront Developer Guide, "Use the CloudFront managed prefix
#: list").
CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"
#: CloudFront takes certificates from ACM in US East (N. Virginia) only (CloudFront Developer Guide, "Requirements
#: for using SSL/TLS certificates with CloudFront").
CLOUDFRONT_CERTIFICATE_REGION = "us-east-1"
_CERTIFICATE_REGION = re.compile(r"arn:[a-z-]+:acm:([a-z0-9-]+):")


def check_waf_rate_limit(rate_limit: int, *, waf: bool, default: int) -> None:
    if not waf:
        if rate_limit != default:
            raise SettingError("waf_rate_limit", rate_limit, "only applies with waf=true")
        return
    if not WAF_RATE_LIMIT_MIN <= rate_limit <= WAF_RATE_LIMIT_MAX:
        raise SettingError("waf_rate_limit", rate_limit, f"must be {WAF_RATE_LIMIT_MIN} to {WAF_RATE_LIMIT_MAX:,} "
                                                         "requests per client address in 5 minutes (AWS WAF's "
                                                         "RateBasedStatement limits)")


def check_edge(*, waf: bool, cloudfront: bool, has_load_balancer: bool, ingress_given: bool) -> None:
    """WAF and CloudFront both sit in front of a load balancer."""
    if waf and not has_load_balancer:
        raise SettingError("waf", True, "needs a load balancer (tier=autoscaling, or https=true): a WAF web ACL "
                                        "cannot be associated with an EC2 instance")
    if cloudfront and not has_load_balancer:
        raise SettingError("cloudfront", True, "needs a load balancer as its origin (tier=autoscaling, or "
                                               "https=true)")
    if cloudfront and ingress_given:
        raise SettingError("ingress", "(given)", "cannot be combined with cloudfront=true: the load balancer then "
                                                 "admits CloudFront alone (its origin-facing prefix list)")


def check_cloudfront_certificate(certificate_arn: Optional[str], *, cloudfront: bool, domain_name: Optional[str],
                                 region: str, site_certificate_arn: Optional[str]) -> None:
    """CloudFront's own certificate: with a domain_name, a certificate in us-east-1. In us-east-1 the site's
    certificate serves both; elsewhere one must be given."""
    if certificate_arn is not None:
        if not cloudfront or domain_name is None:
            raise SettingError("cloudfront_certificate_arn", certificate_arn, "only applies with cloudfront=true and "
                                                                              "a domain_name")
        match = _CERTIFICATE_REGION.match(certificate_arn)
        if not match:
            raise SettingError("cloudfront_certificate_arn", certificate_arn,
                               "must be an ACM certificate ARN such as "
                               "arn:aws:acm:us-east-1:123456789012:certificate/<uuid>")
        if match.group(1) != CLOUDFRONT_CERTIFICATE_REGION:
            raise SettingError("cloudfront_certificate_arn", certificate_arn,
                               f"is in {match.group(1)}; CloudFront takes certificates from "
                               f"{CLOUDFRONT_CERTIFICATE_REGION} only")
        return
    if cloudfront and domain_name is not None and not cdk.Token.is_unresolved(region) \
            and region != CLOUDFRONT_CERTIFICATE_REGION:
        raise SettingError("cloudfront", True,
                           f"with domain_name in {region} needs cloudfront_certificate_arn: a certificate for "
                           f"{domain_name} in {CLOUDFRONT_CERTIFICATE_REGION}, as CloudFront requires (a stack's "
                           f"certificate is in its own region)")
    if cloudfront and domain_name is not None and site_certificate_arn is not None \
            and not cdk.Token.is_unresolved(site_certificate_arn):
        match = _CERTIFICATE_REGION.match(site_certificate_arn)
        if match and match.group(1) != CLOUDFRONT_CERTIFICATE_REGION:
            raise SettingError("cloudfront", True, "needs cloudfront_certificate_arn: certificate_arn is in "
                                                   f"{match.group(1)}, and CloudFront takes certificates from "
                                                   f"{CLOUDFRONT_CERTIFICATE_REGION} only")


class WebFirewall(Construct):
    """A regional WAF web ACL on the load balancer, with its log group.

    :param load_balancer: what the web ACL protects.
    :param rate_limit: requests one client address may send in 5 minutes before it is blocked.
    :param log_retention: how long the log group keeps WAF's logs. Default: one month.
    :param behind_cloudfront: CloudFront is in front of the load balancer, so every request comes from one of
        CloudFront's addresses: the rate rule then counts the viewer's address as CloudFront forwards it, the first
        one in X-Forwarded-For. A client can put an address of its own first, a new one on each request, and is
        then never limited: behind CloudFront the rule slows honest clients, not a deliberate flood (README). A
        CLOUDFRONT-scope web ACL in us-east-1 would see the viewers directly.
        Default: false.
    :param name: the prefix of the web ACL's metric names.
    """

    def __init__(self, scope: Construct, id: str, *, load_balancer: elbv2.IApplicationLoadBalancer,
                 rate_limit: int = DEFAULT_WAF_RATE_LIMIT,
                 log_retention: logs.RetentionDays = DEFAULT_WAF_LOG_RETENTION, behind_cloudfront: bool = False,
                 name: str = "web-server") -> None:
        super().__init__(scope, id)
        metric = re.sub(r"[^A-Za-z0-9_-]", "-", name)

        def visibility(what: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
            return wafv2.CfnWebACL.VisibilityConfigProperty(
                cloud_watch_metrics_enabled=True, metric_name=f"{metric}-{what}", sampled_requests_enabled=True)

        rules = [wafv2.CfnWebACL.RuleProperty(
            name="RateLimitPerClientIp", priority=0, action=wafv2.CfnWebACL.RuleActionProperty(block={}),
            statement=wafv2.CfnWebACL.StatementProperty(rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                limit=rate_limit, aggregate_key_type="FORWARDED_IP" if behind_cloudfront else "IP",
                # MATCH: a request without the header is counted too (under the limit's own key), not let through.
                forwarded_ip_config=wafv2.CfnWebACL.ForwardedIPConfigurationProperty(
                    header_name="X-Forwarded-For", fallback_behavior="MATCH") if behind_cloudfront else None)),
            visibility_config=visibility("rate-limit"))]
        for priority, group in enumerate(WAF_MANAGED_RULE_GROUPS, start=1):
            rules.append(wafv2.CfnWebACL.RuleProperty(
                name=f"AWS-{group}", priority=priority,
                # "none": the group's own actions (block) apply; "count" would only watch.
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=group)),
                visibility_config=visibility(group)))
        #: The web ACL: requests pass unless a rule blocks them.
        self.web_acl = wafv2.CfnWebACL(
            self, "WebAcl", scope="REGIONAL", default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            description=f"{name}: managed rules and a per-address rate limit in front of the load balancer",
            visibility_config=visibility("web-acl"), rules=rules)
        #: The association with the load balancer.
        self.association = wafv2.CfnWebACLAssociation(
            self, "Association", resource_arn=load_balancer.load_balancer_arn, web_acl_arn=self.web_acl.attr_arn)
        stack = cdk.Stack.of(self)
        # A name of the stack's and of this construct's path: two stacks (or two copies) never share it.
        suffix = hashlib.sha256(self.node.path.encode()).hexdigest()[:8]
        log_group_name = f"{WAF_LOG_GROUP_PREFIX}{stack.stack_name}-{suffix}"
        #: WAF's log group (the name WAF requires; deleted with the stack).
        self.log_group = logs.LogGroup(self, "Logs", log_group_name=log_group_name, retention=log_retention,
                                       removal_policy=cdk.RemovalPolicy.DESTROY)
        #: WAF's logging of the web ACL into the log group. The destination is the group's ARN without the ``:*``
        #: that LogGroup.log_group_arn ends with (AWS::WAFv2::LoggingConfiguration LogDestinationConfigs).
        self.logging = wafv2.CfnLoggingConfiguration(
            self, "Logging", resource_arn=self.web_acl.attr_arn,
            log_destination_configs=[stack.format_arn(service="logs", resource="log-group",
                                                      resource_name=log_group_name,
                                                      arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME)],
            redacted_fields=[wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": header})
                             for header in ("authorization", "cookie")])
        self.logging.node.add_dependency(self.log_group)


class SiteDistribution(Construct):
    """A CloudFront distribution in front of the load balancer.

    :param load_balancer: the origin.
    :param origin_https: reach the origin over HTTPS (the load balancer has a certificate for the site's name;
        CloudFront then forwards the viewer's Host header, which that certificate matches). Else HTTP on port 80.
    :param domain_name: the site's name, served by the distribution with ``certificate``. Default: none
        (``<id>.cloudfront.net``).
    :param certificate: a certificate in us-east-1 for ``domain_name``.
    :param name: the distribution's comment prefix.
    """

    def __init__(self, scope: Construct, id: str, *, load_balancer: elbv2.IApplicationLoadBalancer,
                 origin_https: bool, domain_name: Optional[str] = None,
                 certificate: Optional[acm.ICertificate] = None, name: str = "web-server") -> None:
        super().__init__(scope, id)
        origin = origins.LoadBalancerV2Origin(
            load_balancer,
            protocol_policy=(cloudfront.OriginProtocolPolicy.HTTPS_ONLY if origin_https
                             else cloudfront.OriginProtocolPolicy.HTTP_ONLY),
            origin_ssl_protocols=[cloudfront.OriginSslPolicy.TLS_V1_2])
        #: The distribution.
        self.distribution = cloudfront.Distribution(
            self, "Distribution", comment=f"{name}: the site, in front of its load balancer",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
                cache_policy=cloudfront.CachePolicy.USE_ORIGIN_CACHE_CONTROL_HEADERS,
                origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER if origin_https else None,
                compress=True),
            domain_names=[domain_name] if domain_name and certificate else None,
            certificate=certificate if domain_name else None,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 if certificate else None,
            # North America and Europe only: the cheapest price class, where a small site's visitors mostly are.
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            http_version=cloudfront.HttpVersion.HTTP2_AND_3, enable_ipv6=True)
        #: The site's address on the distribution's own name.
        self.url = f"https://{self.distribution.distribution_domain_name}/"
        acks = [
            cdk.Acknowledgment(id="AwsSolutions-CFR1", reason="A public web site, for visitors in every country: no "
                                                              "geographic restriction."),
            cdk.Acknowledgment(id="AwsSolutions-CFR2", reason="Every request reaches the site through the load "
                                                              "balancer, where waf=true puts a regional web ACL; a "
                                                              "CloudFront-scope web ACL would be a second one, in "
                                                              "us-east-1."),
            cdk.Acknowledgment(id="AwsSolutions-CFR3", reason="The load balancer's access logs record every request "
                                                              "CloudFront forwards; CloudFront's standard logs need "
                                                              "an ACL-enabled bucket."),
        ]
        if not domain_name or certificate is None:
            acks.append(cdk.Acknowledgment(
                id="AwsSolutions-CFR4", reason="Without domain_name the distribution answers on its cloudfront.net "
                                               "name with CloudFront's default certificate, whose security policy "
                                               "CloudFront fixes."))
        if not origin_https:
            acks.append(cdk.Acknowledgment(
                id="AwsSolutions-CFR5", reason="Without a certificate of the site's the load balancer has no name a "
                                               "certificate could match, so CloudFront reaches it on HTTP (port 80), "
                                               "within AWS's network; viewers are on HTTPS."))
        cdk.Validations.of(self.distribution).acknowledge(*acks)



def origin_facing_ingress(scope: Construct, *, https: bool) -> tuple[Ingress, ...]:
    """The load balancer's one rule with CloudFront: CloudFront's origin-facing addresses (the managed prefix list,
    looked up once and recorded in cdk.context.json), on the port CloudFront reaches it on."""
    prefix_list = ec2.PrefixList.from_lookup(scope, "CloudFrontOriginFacing", prefix_list_name=CLOUDFRONT_PREFIX_LIST)
    port = 443 if https else 80
    return (Ingress(port=port, prefix_list=prefix_list.prefix_list_id,
                    description=f"{'HTTPS' if https else 'HTTP'} from CloudFront (origin-facing prefix list)"),)
