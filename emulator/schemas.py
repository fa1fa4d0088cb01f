"""What every resource type's CloudFormation resource schema says, for the engine's generic behaviour.

The schemas are AWS's own (the CloudFormation registry's resource provider schemas, aws-cloudformation/
cloudformation-resource-schema), as the pinned cfn-lint ships them (cfnlint/data/schemas: a per-region index of
type -> schema file). The engine uses them for every type, whatever moto or a fill does with it:

* ``required`` (but a name that is the type's primary identifier, which CloudFormation generates), ``enum``,
  ``pattern``, ``minimum``/``maximum`` and ``minLength``/``maxLength`` of a top-level
  property refuse a create or update before anything is made, as CloudFormation's schema validation does
  ("Properties validation failed for resource <id> with message: #/<property>: failed validation constraint for
  keyword [<keyword>]", the wording CloudFormation gives for registry types; for ``required``, "#: required key
  [<property>] not found"). A value that is still an intrinsic function (unresolved) is not checked, and types
  are not (CloudFormation converts "7" to 7 for an integer);
* ``createOnlyProperties`` (:func:`create_only`, :func:`create_only_changes`): properties that can only be set
  when the resource is made, so a change to one replaces it (the CloudFormation CLI's "Resource type schema"
  page, cloudformation-cli/latest/userguide/resource-type-schema.html); the engine replaces a type moto
  models itself on such a change (cfn_engine._update_one), fills decide in their own ``emulator_update``;
* ``readOnlyProperties`` are the attributes ``Fn::GetAtt`` may name (:func:`get_att_allowed`; template_validation
  refuses any other, the engine answers one moto lacks: :func:`fallback_attribute`);
* ``writeOnlyProperties`` (:func:`write_only`) are never answered: they "can be written but can't be read by
  CloudFormation" (CloudFormation user guide, "Resolve write-only properties"), so ``Fn::GetAtt`` of one is refused;
* ``primaryIdentifier`` (:func:`primary_identifier`) is what identifies a resource: the engine derives a physical
  ID or an attribute from it where moto has none (several properties are joined with ``|``, as CloudFormation
  shows a compound identifier).
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

# Found, not imported: importing cfnlint costs every emulator start 0.6 s of CPU, and only its data files are read.
_SCHEMAS = Path(importlib.util.find_spec("cfnlint").origin).resolve().parent / "data" / "schemas"  # type: ignore[union-attr,arg-type]
_REGION = "us-east-1"


@cache
def _index(region: str) -> dict[str, str]:
    path = _SCHEMAS / "providers" / f"{region}.json"
    return dict(json.loads((path if path.is_file() else _SCHEMAS / "providers" / f"{_REGION}.json").read_text()))


def known_types(region: str) -> frozenset[str]:
    """The resource types CloudFormation knows in ``region`` (cfn-lint's provider index; us-east-1's for a region
    it has none for)."""
    return frozenset(_index(region))


@cache
def schema(resource_type: str, region: str = _REGION) -> dict[str, Any] | None:
    """The type's resource schema (None for a type CloudFormation's registry does not have, e.g. Custom::)."""
    name = _index(region).get(resource_type)
    return json.loads((_SCHEMAS / "resources" / f"{name}.json").read_text()) if name else None


def _names(pointers: list[str]) -> set[str]:
    return {p.removeprefix("/properties/").replace("/", ".") for p in pointers}


def create_only(resource_type: str) -> set[str]:
    """Properties whose change replaces the resource ("createOnlyProperties")."""
    return _names((schema(resource_type) or {}).get("createOnlyProperties", []))


def read_only(resource_type: str) -> set[str]:
    """What the resource's ``Fn::GetAtt`` may name ("readOnlyProperties", nested ones as ``A.B``)."""
    return _names((schema(resource_type) or {}).get("readOnlyProperties", []))


def write_only(resource_type: str) -> set[str]:
    """Properties that are never returned ("writeOnlyProperties")."""
    return _names((schema(resource_type) or {}).get("writeOnlyProperties", []))


def primary_identifier(resource_type: str) -> list[str]:
    """The properties that identify a resource ("primaryIdentifier"), in the schema's order."""
    pointers = (schema(resource_type) or {}).get("primaryIdentifier", [])
    return [p.removeprefix("/properties/").replace("/", ".") for p in pointers]


def _at(properties: Any, path: str) -> Any:
    """A (nested, ``A.B``) property's value; a ``*`` (any item of a list) stops at the list."""
    for part in path.split("."):
        if part == "*" or not isinstance(properties, dict):
            return properties
        properties = properties.get(part)
    return properties


def create_only_changes(resource_type: str, old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """The createOnlyProperties whose (resolved) value differs between ``old`` and ``new``."""
    return {name for name in create_only(resource_type) if _at(old, name) != _at(new, name)}


def get_att_allowed(resource_type: str, attribute: str) -> bool:
    """Whether ``Fn::GetAtt`` may name ``attribute`` of this type, as cfn-lint reads the same schemas (its GetAtt
    table, cfnlint/schema/_getatts.py): the readOnlyProperties (a ``*`` for any list item), an
    ``AWS::CloudFormation::Stack``'s ``Outputs.<name>``, and, for the older non-registry types whose schema has no
    readOnlyProperties to speak of (``AWS::SSM::Parameter``'s ``Value``, which the CDK bootstrap template reads),
    their properties; never a writeOnly property. A type without a schema (``Custom::``) answers whatever its
    provider returned, so anything goes."""
    if schema(resource_type) is None:
        return True
    if attribute in write_only(resource_type):
        return False
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    return PROVIDER_SCHEMA_MANAGER.get_type_getatts(resource_type, _REGION).get(attribute) is not None


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


_MISSING = object()


def _model_value(resource: Any, name: str) -> Any:
    """The model's attribute for a property or attribute name (``VpcId`` -> ``vpc_id``), or _MISSING."""
    for candidate in (_snake(name), name):
        value = getattr(resource, candidate, _MISSING)
        if value is not _MISSING and not callable(value):
            return value
    return _MISSING


def identifier(resource_type: str, resource: Any) -> str | None:
    """The resource's primaryIdentifier read from moto's model (several properties joined with ``|``), or None
    when the model keeps one of them under no attribute of that name."""
    names = primary_identifier(resource_type)
    values = [_model_value(resource, name) for name in names]
    if not names or any(v is _MISSING or v in (None, "") for v in values):
        return None
    return "|".join(str(v) for v in values)


def fallback_attribute(resource_type: str, attribute: str, resource: Any) -> Any:
    """An answer for a readOnly attribute that moto's model does not give: the physical ID when the attribute is
    the type's (single) primary identifier, else the model's attribute of that name (``VpcId`` -> ``vpc_id``;
    ``...Arn``/``...ARN`` -> ``arn``). None when the model has nothing to answer with."""
    if primary_identifier(resource_type) == [attribute]:
        return getattr(resource, "physical_resource_id", None)
    value = _model_value(resource, attribute)
    if value is _MISSING and attribute.lower().endswith("arn"):
        value = _model_value(resource, "arn")
    return None if value is _MISSING else value


def _is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref"))


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _number(value: Any) -> float | None:
    try:
        return float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _keyword_failed(rule: dict[str, Any], value: Any) -> str | None:
    """The first of the rule's keywords the value fails (only the keywords named in the module docstring)."""
    if _is_intrinsic(value):
        return None
    if "enum" in rule and _text(value) not in {_text(v) for v in rule["enum"]}:
        return "enum"
    if isinstance(value, str):
        if "pattern" in rule and not re.search(rule["pattern"], value):
            return "pattern"
        if len(value) < rule.get("minLength", 0):
            return "minLength"
        if "maxLength" in rule and len(value) > rule["maxLength"]:
            return "maxLength"
    number = _number(value) if rule.get("type") in ("integer", "number") else None
    if number is not None:
        if "minimum" in rule and number < rule["minimum"]:
            return "minimum"
        if "maximum" in rule and number > rule["maximum"]:
            return "maximum"
    return None


def violations(resource_type: str, properties: dict[str, Any]) -> list[str]:
    """What CloudFormation's schema validation would say of these (resolved) properties, in its words."""
    found = schema(resource_type)
    if not found:
        return []
    properties = {k: v for k, v in properties.items() if v is not None}  # AWS::NoValue
    # A required name that is the type's primary identifier is left out of the check: CloudFormation generates
    # a resource's name when the template gives none (aws-properties-name.md), which the fills follow.
    generated = _names(found.get("primaryIdentifier", []))
    messages = [f"#: required key [{name}] not found" for name in found.get("required", [])
                if name not in properties and name not in generated]
    rules = found.get("properties", {})
    for name, value in properties.items():
        rule = rules.get(name)
        keyword = _keyword_failed(rule, value) if isinstance(rule, dict) else None
        if keyword:
            messages.append(f"#/{name}: failed validation constraint for keyword [{keyword}]")
    return messages


def check(logical_id: str, resource_type: str, properties: dict[str, Any]) -> None:
    """Raise SchemaValidationError when the properties break the type's schema."""
    from emulator.gaps.exceptions import SchemaValidationError

    found = violations(resource_type, properties)
    if found:
        raise SchemaValidationError(
            f"Properties validation failed for resource {logical_id} with message:\n" + "\n".join(found))


def coverage(resource_type: str) -> str:
    """How the running emulator handles a type: "fill" (a fill in emulator/gaps models it or its updates),
    "schema" (moto's model, checked and updated generically from the schema), "no-op" (accepted, creates
    nothing: cfn_engine.NOT_MODELLED_NO_OP), or "none" (the resource would fail: not modelled)."""
    from moto.cloudformation import parsing

    from emulator.cfn_engine import NOT_MODELLED_NO_OP

    if resource_type in NOT_MODELLED_NO_OP:
        return "no-op"
    model = parsing.resource_class_from_type(resource_type)
    if model is None:
        return "none"
    hooks = [getattr(model, name, None) for name in ("create_from_cloudformation_json", "emulator_update", "delete")]
    modules = {getattr(getattr(h, "__func__", h), "__module__", "") for h in hooks if h is not None}
    if model.__module__.startswith("emulator.") or any(m.startswith("emulator.") for m in modules):
        return "fill"
    return "schema" if schema(resource_type) else "none"
