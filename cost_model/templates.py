"""Reading synthesized CloudFormation templates: the one place the cost model, the tools and the tests do it.

    resources(template, "AWS::EC2::Instance")   # {logical id: resource}, never CDK's metadata resource
    references(value)                            # logical ids a value points at (Ref, Fn::GetAtt, Fn::Sub)
    display_name(logical_id, resource)           # WebServer/Server1/Instance, or the id without CDK's hash
    elastic_ip_associations(template)            # [(Elastic IP logical id, instance logical id), ...]
    render_value(value)                          # a value as `cdk diff` shows it: ${Instance.PublicIp}
    load_template(path)                          # a template file as a dict

Templates are plain dicts as ``json.loads`` returns them; nothing here calls AWS or the CDK. The tools' own
template reading (security group rules, cloud assemblies) is tools/templates.py, built on this.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

METADATA_TYPE = "AWS::CDK::Metadata"
# DeletionPolicy / UpdateReplacePolicy values that keep the resource in the account.
RETAINED_POLICIES = ("Retain", "RetainExceptOnCreate")
# CloudFormation's and EC2's volume type when a template names none.
DEFAULT_VOLUME_TYPE = "gp2"
# CDK's logical id hash, and the user-data digest ec2.Instance appends with user_data_causes_replacement.
_HASH_SUFFIX = re.compile(r"[0-9A-F]{8}(?:[0-9a-f]{16})?$")


# --------------------------------------------------------------------------------------------------
# Resources and references


def resources(template: Optional[dict[str, Any]], resource_type: Optional[str] = None) -> dict[str, dict[str, Any]]:
    """The template's resources by logical id, without CDK's metadata resource; only ``resource_type`` if given."""
    found = (template or {}).get("Resources") or {}
    return {logical_id: resource for logical_id, resource in found.items()
            if resource.get("Type") != METADATA_TYPE and resource_type in (None, resource.get("Type"))}


def properties(resource: Optional[dict[str, Any]]) -> dict[str, Any]:
    return (resource or {}).get("Properties") or {}


def references(value: Any) -> set[str]:
    """Logical ids that ``value`` points at: Ref, Fn::GetAtt, and Fn::Sub's ``${Id}`` / ``${Id.Attribute}``."""
    found: set[str] = set()
    if isinstance(value, dict):
        if isinstance(value.get("Ref"), str):
            found.add(value["Ref"])
        attribute = value.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute and isinstance(attribute[0], str):
            found.add(attribute[0])
        elif isinstance(attribute, str):
            found.add(attribute.split(".")[0])
        sub = value.get("Fn::Sub")
        text = sub[0] if isinstance(sub, list) and sub and isinstance(sub[0], str) else sub
        if isinstance(text, str):
            found |= {piece.split("}")[0].split(".")[0] for piece in text.split("${")[1:]}
        for inner in value.values():
            found |= references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= references(inner)
    return found


def reference(value: Any) -> Optional[str]:
    """The one logical id a ``Ref`` or ``Fn::GetAtt`` value points at, else None."""
    if isinstance(value, dict) and len(value) == 1 and ("Ref" in value or "Fn::GetAtt" in value):
        targets = references(value)
        return next(iter(targets)) if len(targets) == 1 else None
    return None


def elastic_ip_associations(template: Optional[dict[str, Any]]) -> list[tuple[Optional[str], Optional[str]]]:
    """(Elastic IP, instance) for each association the template makes, in template order: an AWS::EC2::EIP's own
    InstanceId, or an AWS::EC2::EIPAssociation's AllocationId (or EIP) and InstanceId. The Elastic IP is a logical
    id (of the template's AWS::EC2::EIP, or of a parameter), None when the association names it by a literal; the
    instance is None when the association names none (a network interface instead)."""
    found = []
    for logical_id, resource in resources(template).items():
        props = properties(resource)
        if resource.get("Type") == "AWS::EC2::EIP" and props.get("InstanceId") is not None:
            eip: Optional[str] = logical_id
        elif resource.get("Type") == "AWS::EC2::EIPAssociation":
            eip = reference(props.get("AllocationId")) or reference(props.get("EIP"))
        else:
            continue
        found.append((eip, next(iter(sorted(references(props.get("InstanceId")))), None)))
    return found


def display_name(logical_id: str, resource: dict[str, Any]) -> str:
    """The construct path (``WebServer/Server1/Instance``) when the template has it, else the logical id
    without CDK's hash suffix (and the user-data digest an instance's id may carry)."""
    path = (resource.get("Metadata") or {}).get("aws:cdk:path")
    if isinstance(path, str) and "/" in path:
        parts = path.split("/")[1:]  # drop the stack name
        if parts and parts[-1] in ("Resource", "Default"):
            parts = parts[:-1]
        return "/".join(parts) or logical_id
    return _HASH_SUFFIX.sub("", logical_id) or logical_id


def render_value(value: Any) -> str:
    """A template value as a reviewer reads it: literals as they are, intrinsics like the CDK CLI shows them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        if key == "Ref":
            return f"${{{inner}}}"
        if key == "Fn::GetAtt":
            return "${" + (".".join(inner) if isinstance(inner, list) else str(inner)) + "}"
        if key == "Fn::Join" and isinstance(inner, list) and len(inner) == 2 and isinstance(inner[1], list):
            return str(inner[0]).join(render_value(part) for part in inner[1])
        if key == "Fn::Sub" and isinstance(inner, str):
            return inner
    return json.dumps(value, sort_keys=True, default=str)



def load_template(path: Path | str) -> dict[str, Any]:
    """A template file as a plain dict."""
    return json.loads(Path(path).read_text())
