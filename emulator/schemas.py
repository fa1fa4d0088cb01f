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
* ``createOnlyProperties`` and ``readOnlyProperties`` are listed by :func:`create_only` and :func:`read_only`
  (attributes ``Fn::GetAtt`` may answer), for fills and for the README's coverage counts.
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
