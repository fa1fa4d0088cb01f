"""AWS::ElasticLoadBalancingV2::TargetGroup: attributes, targets, tags, attributes for GetAtt; deleted with the stack.

moto 5.2.5 creates a target group from its port, protocol and health check
only: ``TargetGroupAttributes`` (the deregistration delay: moto keeps its
default, 300 s), ``Targets``, ``Tags``, ``HealthCheckEnabled`` and
``ProtocolVersion`` are dropped; Fn::GetAtt knows no attribute (an alarm on
``TargetGroupFullName`` cannot be created); an update deletes nothing and
creates nothing (the template change is lost); and deleting the stack leaves
the target group behind (the model has no delete).

As AWS does it (aws-resource-elasticloadbalancingv2-targetgroup.md):
Name, Port, Protocol, ProtocolVersion, TargetType, VpcId and IpAddressType
replace the group; health check settings, attributes, targets and tags change in
place. DeleteTargetGroup fails with ``ResourceInUse`` while a listener or rule
forwards to it (moto's own check), so CloudFormation deletes listeners first.
The attributes are TargetGroupFullName (``targetgroup/<name>/<id>``),
TargetGroupName, TargetGroupArn and LoadBalancerArns. CloudFormation tags it
with the stack's tags and its aws:cloudformation:* tags.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.elbv2.models import FakeTargetGroup, elbv2_backends

from emulator import cfn_engine
from emulator.gaps._install import install
from emulator.gaps._props import as_bool, changed, replaced_on_create_only, tag_dict

#: Each health check property, with the argument moto's CreateTargetGroup and ModifyTargetGroup take it as.
_HEALTH_CHECK_ARGUMENTS = {
    "HealthCheckProtocol": ("healthcheck_protocol", "health_check_proto"),
    "HealthCheckPort": ("healthcheck_port", "health_check_port"),
    "HealthCheckPath": ("healthcheck_path", "health_check_path"),
    "HealthCheckIntervalSeconds": ("healthcheck_interval_seconds", "health_check_interval"),
    "HealthCheckTimeoutSeconds": ("healthcheck_timeout_seconds", "health_check_timeout"),
    "HealthyThresholdCount": ("healthy_threshold_count", "healthy_threshold_count"),
    "UnhealthyThresholdCount": ("unhealthy_threshold_count", "unhealthy_threshold_count"),
}
_HEALTH_CHECK = {*_HEALTH_CHECK_ARGUMENTS, "HealthCheckEnabled", "Matcher"}
_ATTRIBUTES = {"LoadBalancerArns", "TargetGroupArn", "TargetGroupFullName", "TargetGroupName"}


def _attributes(properties: dict[str, Any]) -> dict[str, str]:
    return {a["Key"]: str(a["Value"]) for a in properties.get("TargetGroupAttributes") or []}


def _targets(properties: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in t.items() if k in ("Id", "Port", "AvailabilityZone")}
            for t in properties.get("Targets") or []]


def _health_check_arguments(properties: dict[str, Any], call: int) -> dict[str, Any]:
    """The health check properties as moto's CreateTargetGroup (``call`` 0) or ModifyTargetGroup (1) takes them."""
    return {names[call]: properties.get(name) for name, names in _HEALTH_CHECK_ARGUMENTS.items()}


def _health_check(group: FakeTargetGroup, properties: dict[str, Any]) -> None:
    enabled = properties.get("HealthCheckEnabled")
    elbv2_backends[group.account_id][group.region_name].modify_target_group(
        group.arn,
        **_health_check_arguments(properties, 1),
        http_codes=(properties.get("Matcher") or {}).get("HttpCode"),
        health_check_enabled=None if enabled is None else as_bool(enabled),
    )


class FakeTargetGroupFill:
    """What moto's FakeTargetGroup gains (installed by :func:`apply`)."""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> FakeTargetGroup:
        properties = cloudformation_json["Properties"]
        backend = elbv2_backends[account_id][region_name]
        enabled = properties.get("HealthCheckEnabled")
        tags = tag_dict(properties.get("Tags"))
        operation = cfn_engine.current()
        if operation is not None:
            tags = {**operation.stack_tags(), **tags}
        group = backend.create_target_group(
            name=properties.get("Name") or resource_name,
            vpc_id=properties.get("VpcId"),
            protocol=properties.get("Protocol"),
            protocol_version=properties.get("ProtocolVersion"),
            port=properties.get("Port"),
            **_health_check_arguments(properties, 0),
            healthcheck_enabled=None if enabled is None else str(as_bool(enabled)).lower(),
            matcher=properties.get("Matcher"),
            target_type=properties.get("TargetType"),
            ip_address_type=properties.get("IpAddressType"),
            tags=[{"Key": k, "Value": v} for k, v in tags.items()],
        )
        try:
            if _attributes(properties):
                backend.modify_target_group_attributes(group.arn, _attributes(properties))
            if _targets(properties):
                backend.register_targets(group.arn, _targets(properties))
        except Exception:
            backend.target_groups.pop(group.arn, None)  # a failed create leaves nothing behind
            raise
        return group

    @classmethod
    def emulator_update(
        cls, group: FakeTargetGroup, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> FakeTargetGroup:
        replaced = replaced_on_create_only(cls, group.name, old, new, account_id, region, name=new.get("Name"),
                                           max_length=32)
        if replaced is not None:
            return replaced
        differences = changed(old, new)
        backend = elbv2_backends[account_id][region]
        if differences & _HEALTH_CHECK:
            _health_check(group, new)
        if "TargetGroupAttributes" in differences:
            backend.modify_target_group_attributes(group.arn, _attributes(new))
        if "Targets" in differences:
            wanted = {t["Id"] for t in _targets(new)}
            gone = [t for t in _targets(old) if t["Id"] not in wanted]
            if gone:
                backend.deregister_targets(group.arn, gone)
            if _targets(new):
                backend.register_targets(group.arn, _targets(new))
        if "Tags" in differences:
            gone_keys = [k for k in tag_dict(old.get("Tags")) if k not in tag_dict(new.get("Tags"))]
            if gone_keys:
                backend.remove_tags([group.arn], gone_keys)
            if new.get("Tags"):
                backend.tagging_service.tag_resource(group.arn, new["Tags"])
        return group

    def delete(self, account_id: str, region_name: str) -> None:
        elbv2_backends[self.account_id][self.region_name].delete_target_group(self.arn)

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in _ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "TargetGroupArn":
            return self.arn
        if attribute_name == "TargetGroupFullName":
            return self.arn.split(":", 5)[5]
        if attribute_name == "TargetGroupName":
            return self.name
        if attribute_name == "LoadBalancerArns":
            return list(self.load_balancer_arns)
        raise UnformattedGetAttTemplateException()


def apply() -> None:
    install(FakeTargetGroup, FakeTargetGroupFill)
