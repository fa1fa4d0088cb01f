"""AWS::EC2::SecurityGroupIngress from a managed prefix list or an IPv6 CIDR: ``cloudfront=true``'s one rule on the
load balancer (CloudFront's origin-facing prefix list), and ``ip_version=dualstack``'s ``::/0`` rules.

moto 5.2.5's model of the type asserts a CidrIp, a CidrIpv6 or a source group (a ``SourcePrefixListId`` fails the
stack with an AssertionError) and drops ``CidrIpv6`` (only CidrIp reaches AuthorizeSecurityGroupIngress). Here the
rule is authorized as EC2 authorizes it (AWS::EC2::SecurityGroupIngress; AuthorizeSecurityGroupIngress): the prefix
list must exist (``InvalidPrefixListID.NotFound``), and it weighs against the group's quota of 60 inbound rules as
many rules as its maximum entries (Amazon VPC User Guide, "Reference prefix lists in your AWS resources": an
AWS-managed list weighs its documented weight, 55 for com.amazonaws.global.cloudfront.origin-facing):
``RulesPerSecurityGroupLimitExceeded`` beyond it. Deleting the resource revokes its rule.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import EC2ClientError, RulesPerSecurityGroupLimitExceededError
from moto.ec2.models import ec2_backends
from moto.ec2.models.security_groups import SecurityGroupIngress

from emulator.gaps._install import install

#: Inbound rules per security group (Amazon VPC quotas, default).
RULES_PER_GROUP = 60
#: The weights of AWS-managed prefix lists (Amazon VPC User Guide, "AWS-managed prefix lists").
AWS_MANAGED_WEIGHTS = {"com.amazonaws.global.cloudfront.origin-facing": 55}

_plain_create = SecurityGroupIngress.create_from_cloudformation_json


class InvalidPrefixListIdNotFound(EC2ClientError):
    def __init__(self, prefix_list_id: str) -> None:
        super().__init__("InvalidPrefixListID.NotFound", f"The prefix list ID '{prefix_list_id}' does not exist")


def _weight(backend: Any, prefix_list_id: str) -> int:
    found = backend.managed_prefix_lists.get(prefix_list_id)
    if found is None:
        raise InvalidPrefixListIdNotFound(prefix_list_id)
    if found.prefix_list_name in AWS_MANAGED_WEIGHTS:
        return AWS_MANAGED_WEIGHTS[found.prefix_list_name]
    return int(found.max_entries or len(found.entries.get(found.version, []) if found.entries else 1) or 1)


def _group_weight(backend: Any, group: Any) -> int:
    return sum(_weight(backend, rule.prefix_list_id) if rule.prefix_list_id else 1 for rule in group.ingress_rules)


class SecurityGroupIngressFill:
    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> Any:
        props = cloudformation_json["Properties"]
        prefix_list, ipv6 = props.get("SourcePrefixListId"), props.get("CidrIpv6")
        if prefix_list is None and ipv6 is None:
            return _plain_create.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        backend = ec2_backends[account_id][region_name]
        group = backend.describe_security_groups(group_ids=[props["GroupId"]])[0]
        if prefix_list is not None and _group_weight(backend, group) + _weight(backend, prefix_list) > RULES_PER_GROUP:
            raise RulesPerSecurityGroupLimitExceededError()
        backend.authorize_security_group_ingress(
            group_name_or_id=group.id, ip_protocol=props["IpProtocol"], from_port=props.get("FromPort"),
            to_port=props.get("ToPort"),
            ip_ranges=[{"CidrIpv6": ipv6, "Description": props.get("Description")}] if ipv6 else [],
            prefix_list_ids=[{"PrefixListId": prefix_list, "Description": props.get("Description")}]
            if prefix_list else [])
        return cls(group, props)

    def delete(self, account_id: str, region_name: str) -> None:
        props = self.properties
        prefix_list, ipv6 = props.get("SourcePrefixListId"), props.get("CidrIpv6")
        backend = ec2_backends[account_id][region_name]
        if backend.get_security_group_by_name_or_id(self.security_group.id, None) is None:
            return
        if prefix_list is None and ipv6 is None:
            return  # moto's own rules: as moto leaves them (they go with their group)
        backend.revoke_security_group_ingress(
            group_name_or_id=self.security_group.id, ip_protocol=props["IpProtocol"],
            from_port=props.get("FromPort"), to_port=props.get("ToPort"),
            ip_ranges=[{"CidrIpv6": ipv6}] if ipv6 else [],
            prefix_list_ids=[{"PrefixListId": prefix_list}] if prefix_list else [])


def apply() -> None:
    install(SecurityGroupIngress, SecurityGroupIngressFill)
