"""AWS::EC2::SecurityGroupEgress: an outbound rule of its own, as the CDK writes one to another group.

moto 5.2.5 has no such CloudFormation type: the resource is skipped, so a load
balancer's security group never gets its rule to the instances' group (and,
declared without inline egress rules, keeps EC2's default "all traffic out").

In AWS the rule is authorized on the group (CidrIp, CidrIpv6,
DestinationSecurityGroupId or DestinationPrefixListId, with its Description),
and CloudFormation removes the group's default allow-all IPv4 rule when it adds
one: the CDK relies on that for ``allow_all_outbound=False`` groups whose only
egress rules are separate resources (aws/aws-cdk#987, "CloudFormation's
behavior to strip the 'default outbound' rule when another rule gets added",
and the fix in aws/aws-cdk#998). Deleting the resource revokes its rule.
A rule the group already has (the same protocol, ports and destination,
whatever its description) is refused: AuthorizeSecurityGroupEgress answers
``InvalidPermission.Duplicate`` for it (AWS's message: the specified rule
"peer: sg-..., TCP, from port: 0, to port: 65535, ALLOW" already exists, as
galaxyproject/cloudlaunch#56 records it; a description is not part of a
rule's identity: UpdateSecurityGroupRuleDescriptionsEgress changes it on the
existing rule), so the resource fails, rather than sharing the rule with
another resource whose delete would revoke it for both. The error is moto's
(``InvalidPermissionDuplicateError``, "The specified rule already exists",
without AWS's rule text). Only the group's default allow-all rule (no
description), which the resource strips, is not counted.
Every property is create-only ("Update requires: Replacement",
aws-resource-ec2-security-group-egress.md).

Not documented, so assumed: deleting the last such rule does not bring the
default rule back, as the AWS::EC2::SecurityGroup reference says of the group's
own rules ("After the security group is created, if you remove all egress
rules that you added, we do not add egress rules"); an update of the group
does not bring it back either (ec2_security_group).
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.exceptions import InvalidPermissionDuplicateError
from moto.ec2.models import ec2_backends
from moto.ec2.models.security_groups import SecurityGroup

from emulator.gaps._install import register_cloudformation_model
from emulator.gaps._model import FillModel
from emulator.gaps.ec2_security_group import DEFAULT_EGRESS, RuleKey, authorize, rule_key, spec_key


class SecurityGroupEgress(FillModel, CloudFormationModel):
    """One egress rule on a security group; Ref returns the rule's ID (``sgr-...``)."""

    def __init__(self, group: SecurityGroup, key: RuleKey, rule_id: str):
        self.group = group
        self.key = key
        self.id = rule_id

    TYPE = "AWS::EC2::SecurityGroupEgress"
    ID = "id"
    ATTRIBUTES = {"Id": "id"}

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> SecurityGroupEgress:
        properties = dict(cloudformation_json["Properties"])
        backend = ec2_backends[account_id][region_name]
        group = backend.get_security_group_from_id(properties["GroupId"])
        if group is None:
            from moto.ec2.exceptions import InvalidSecurityGroupNotFoundError

            raise InvalidSecurityGroupNotFoundError(properties["GroupId"])
        key = spec_key(properties, egress=True)
        default = spec_key(DEFAULT_EGRESS, egress=True)
        # A rule is the same rule whatever its description (RuleKey's last field).
        if key[:5] in {rule_key(rule)[:5] for rule in group.egress_rules if rule_key(rule) != default}:
            raise InvalidPermissionDuplicateError()
        group.egress_rules[:] = [rule for rule in group.egress_rules if rule_key(rule) != default]
        authorize(group, key, egress=True)
        rule = next(rule for rule in group.egress_rules if rule_key(rule) == key)
        return cls(group, key, rule.id)

    def delete(self, account_id: str, region_name: str) -> None:
        rules = self.group.egress_rules
        rules[:] = [rule for rule in rules if rule_key(rule) != self.key]


def apply() -> None:
    register_cloudformation_model(SecurityGroupEgress)
