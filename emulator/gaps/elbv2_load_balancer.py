"""AWS::ElasticLoadBalancingV2::LoadBalancer: attributes, access logs, deletion protection, the other attributes.

moto 5.2.5 creates the load balancer from Name, SecurityGroups, Subnets and
Scheme only: ``LoadBalancerAttributes`` (invalid headers dropped, access logs,
deletion protection), ``Type``, ``IpAddressType``, ``SubnetMappings`` and
``Tags`` are dropped; ``Fn::GetAtt`` of ``CanonicalHostedZoneID``,
``LoadBalancerFullName`` and ``SecurityGroups`` raises (so an alias record or an
alarm on the load balancer cannot be created); its hosted zone is a placeholder
(``Z2P70J7EXAMPLE``); any update deletes and re-creates it; and
DeleteLoadBalancer ignores deletion protection.

As AWS does it (aws-resource-elasticloadbalancingv2-loadbalancer.md and the
ELB API reference):

* attributes are set with ModifyLoadBalancerAttributes, and refused when the
  key is unknown (``ValidationError``);
* enabling access logs checks the bucket: it must exist, be encrypted with
  S3-managed keys (not KMS: aws/aws-cdk#21947), and its policy must let the
  region's Elastic Load Balancing account (or, in regions opened since August
  2022, ``logdelivery.elasticloadbalancing.amazonaws.com``) put objects under
  ``<prefix>/AWSLogs/<account>/``; otherwise ``InvalidConfigurationRequest``
  "Access Denied for bucket: <bucket>. Please check S3bucket permission". On
  success ELB writes ``<prefix>/AWSLogs/<account>/ELBAccessLogTestFile`` ("Enable
  AccessLog for ELB: <name> at <time>", Corymbia/eucalyptus#92), so the bucket
  is no longer empty ("Enable access logs for your Application Load Balancer",
  ELB user guide; the account table is the CDK's region-info ELBV2_ACCOUNTS);
* an application load balancer needs subnets in two Availability Zones;
* with ``deletion_protection.enabled`` true, DeleteLoadBalancer fails with
  ``OperationNotPermitted`` (so the stack's delete fails, DELETE_FAILED);
* Name, Scheme and Type replace; attributes, security groups, subnets, IP
  address type and tags change in place;
* CanonicalHostedZoneID is the region's zone for application load balancers
  (AWS General Reference, "Elastic Load Balancing endpoints and quotas");
  LoadBalancerFullName is ``app/<name>/<id>``;
* deleting a load balancer takes its listeners with it and frees its target
  groups (moto leaves the deleted ARN in their LoadBalancerArns);
* CloudFormation tags it with the stack's tags and its aws:cloudformation:* tags.
"""

from __future__ import annotations

import fnmatch
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.elbv2.exceptions import InvalidConfigurationRequest, ValidationError
from moto.elbv2.models import ELBv2Backend, FakeLoadBalancer, elbv2_backends
from moto.s3.models import s3_backends
from moto.utilities.utils import get_partition

from emulator import cfn_engine
from emulator.gaps._install import install
from emulator.gaps._props import changed, tag_changes, tag_dict
from emulator.gaps.elbv2_listener import record_certificate_users
from emulator.gaps.exceptions import ELBOperationNotPermittedError

#: Per region (elbv2_regions.json, data rather than code): the Route 53 zone of application (and classic) load
#: balancers, and the account Elastic Load Balancing writes access logs from, in regions opened before August 2022.
_REGIONS = json.loads((Path(__file__).with_name("elbv2_regions.json")).read_text())
CANONICAL_HOSTED_ZONES: dict[str, str] = _REGIONS["CanonicalHostedZoneID"]
ELB_LOG_ACCOUNTS: dict[str, str] = _REGIONS["ElbLogAccounts"]
LOG_DELIVERY_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com"
ACCESS_LOG_TEST_FILE = "ELBAccessLogTestFile"
_REPLACING = {"Name", "Scheme", "Type"}
_ATTRIBUTES = {"CanonicalHostedZoneID", "DNSName", "LoadBalancerArn", "LoadBalancerFullName",
               "LoadBalancerName", "SecurityGroups"}

_moto_modify_attributes = ELBv2Backend.modify_load_balancer_attributes
_moto_delete_load_balancer = ELBv2Backend.delete_load_balancer


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _allows_log_delivery(policy: dict[str, Any], region: str, object_arn: str) -> bool:
    """The policy lets ELB's log delivery put ``object_arn`` (wildcards in its Resource honoured)."""
    principals = {f"arn:aws:iam::{ELB_LOG_ACCOUNTS[region]}:root", ELB_LOG_ACCOUNTS[region]} \
        if region in ELB_LOG_ACCOUNTS else set()
    for statement in _as_list(policy.get("Statement") or []):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal") or {}
        granted = set(_as_list(principal.get("AWS", []))) if isinstance(principal, dict) else set()
        services = set(_as_list(principal.get("Service", []))) if isinstance(principal, dict) else set()
        if not (granted & principals or LOG_DELIVERY_SERVICE in services or principal == "*"):
            continue
        actions = _as_list(statement.get("Action") or [])
        if not any(fnmatch.fnmatchcase("s3:PutObject", a) or a == "*" for a in actions):
            continue
        if any(fnmatch.fnmatchcase(object_arn, r) for r in _as_list(statement.get("Resource") or [])):
            return True
    return False


def check_access_logs(balancer: FakeLoadBalancer, attributes: dict[str, str], account_id: str, region: str) -> None:
    """What ELB checks when access logs are enabled, then its test file; raises InvalidConfigurationRequest."""
    if str(attributes.get("access_logs.s3.enabled", "false")).lower() != "true":
        return
    bucket_name = attributes.get("access_logs.s3.bucket") or ""
    if not bucket_name:
        raise ValidationError("The value of 'access_logs.s3.bucket' cannot be empty when access logs are enabled")
    backend = s3_backends[account_id][get_partition(region)]
    denied = InvalidConfigurationRequest(f"Access Denied for bucket: {bucket_name}. Please check S3bucket permission")
    bucket = backend.buckets.get(bucket_name)
    if bucket is None:
        raise InvalidConfigurationRequest(f"The specified bucket does not exist: {bucket_name}")
    encryption = json.dumps(bucket.encryption or {})
    if "aws:kms" in encryption:
        raise denied
    prefix = attributes.get("access_logs.s3.prefix") or ""
    folder = f"{prefix}/AWSLogs/{account_id}/" if prefix else f"AWSLogs/{account_id}/"
    policy = json.loads(bucket.policy) if bucket.policy else {}
    if not _allows_log_delivery(policy, region, f"arn:aws:s3:::{bucket_name}/{folder}{ACCESS_LOG_TEST_FILE}"):
        raise denied
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    backend.put_object(bucket_name, folder + ACCESS_LOG_TEST_FILE,
                       f"Enable AccessLog for ELB: {balancer.name} at {stamp}".encode())


class ELBv2BackendFill:
    """What moto's ELBv2Backend gains (installed by :func:`apply`)."""

    def modify_load_balancer_attributes(self, arn: str, attrs: dict[str, Any]) -> dict[str, Any]:
        balancer = self.load_balancers.get(arn)
        if balancer is not None:
            unknown = sorted(set(attrs) - FakeLoadBalancer.VALID_ATTRS)
            if unknown:
                raise ValidationError(f"Load balancer attribute key '{unknown[0]}' is not recognized")
            check_access_logs(balancer, {**balancer.attrs, **attrs}, self.account_id, self.region_name)
        return _moto_modify_attributes(self, arn, attrs)

    def delete_load_balancer(self, arn: str) -> None:
        balancer = self.load_balancers.get(arn)
        if balancer is None:
            return
        if str(balancer.attrs.get("deletion_protection.enabled", "false")).lower() == "true":
            raise ELBOperationNotPermittedError(
                f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled")
        for target_group in self.target_groups.values():
            target_group.load_balancer_arns[:] = [a for a in target_group.load_balancer_arns if a != arn]
        _moto_delete_load_balancer(self, arn)
        record_certificate_users(self, arn)  # its listeners went with it


def _attributes(properties: dict[str, Any]) -> dict[str, str]:
    return {a["Key"]: str(a["Value"]) for a in properties.get("LoadBalancerAttributes") or []}


def _subnets(properties: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    return list(properties.get("Subnets") or []), list(properties.get("SubnetMappings") or [])


class FakeLoadBalancerFill:
    """What moto's FakeLoadBalancer gains (installed by :func:`apply`)."""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> FakeLoadBalancer:
        properties = cloudformation_json["Properties"]
        backend = elbv2_backends[account_id][region_name]
        subnets, mappings = _subnets(properties)
        kind = properties.get("Type", "application")
        if kind == "application":
            zones = {backend.ec2_backend.get_subnet(s).availability_zone for s in subnets}
            zones |= {backend.ec2_backend.get_subnet(m["SubnetId"]).availability_zone for m in mappings}
            if len(zones) < 2:
                raise InvalidConfigurationRequest(
                    "At least two subnets in two different Availability Zones must be specified")
        tags = tag_dict(properties.get("Tags"))
        operation = cfn_engine.current()
        if operation is not None:
            tags = {**operation.stack_tags(), **tags}
        balancer = backend.create_load_balancer(
            properties.get("Name") or resource_name,
            list(properties.get("SecurityGroups") or []),
            subnets,
            subnet_mappings=mappings,
            scheme=properties.get("Scheme", "internet-facing"),
            loadbalancer_type=kind,
            ip_address_type=properties.get("IpAddressType", "ipv4"),
            tags=[{"Key": k, "Value": v} for k, v in tags.items()],
        )
        balancer.canonical_hosted_zone_id = CANONICAL_HOSTED_ZONES.get(region_name, balancer.canonical_hosted_zone_id)
        balancer.activate()
        try:
            attributes = _attributes(properties)
            if attributes:
                backend.modify_load_balancer_attributes(balancer.arn, attributes)
        except Exception:
            backend.load_balancers.pop(balancer.arn, None)  # a failed create leaves nothing behind
            raise
        return balancer

    @classmethod
    def emulator_update(
        cls, balancer: FakeLoadBalancer, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> FakeLoadBalancer:
        differences = changed(old, new)
        if differences & _REPLACING:
            name = new.get("Name") or f"{balancer.name.rsplit('-', 1)[0]}-{cfn_suffix()}"
            return cls.create_from_cloudformation_json(name, {"Properties": new}, account_id, region)
        backend = elbv2_backends[account_id][region]
        if "SecurityGroups" in differences:
            backend.set_security_groups(balancer.arn, list(new.get("SecurityGroups") or []))
        if differences & {"Subnets", "SubnetMappings"}:
            backend.set_subnets(balancer.arn, *_subnets(new))
        if "IpAddressType" in differences:
            backend.set_ip_address_type(balancer.arn, new.get("IpAddressType", "ipv4"))
        if "LoadBalancerAttributes" in differences:
            backend.modify_load_balancer_attributes(balancer.arn, _attributes(new))
        if "Tags" in differences:
            removed, _ = tag_changes(old.get("Tags"), new.get("Tags"))
            if removed:
                backend.remove_tags([balancer.arn], removed)
            if new.get("Tags"):
                backend.tagging_service.tag_resource(balancer.arn, new["Tags"])
        return balancer

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in _ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "CanonicalHostedZoneID":
            return self.canonical_hosted_zone_id
        if attribute_name == "DNSName":
            return self.dns_name
        if attribute_name == "LoadBalancerArn":
            return self.arn
        if attribute_name == "LoadBalancerFullName":
            return self.arn.split(":loadbalancer/", 1)[1]
        if attribute_name == "LoadBalancerName":
            return self.name
        if attribute_name == "SecurityGroups":
            return list(self.security_groups)
        raise UnformattedGetAttTemplateException()


def cfn_suffix() -> str:
    from moto.cloudformation.utils import random_suffix

    return random_suffix()


def apply() -> None:
    install(ELBv2Backend, ELBv2BackendFill)
    install(FakeLoadBalancer, FakeLoadBalancerFill)
