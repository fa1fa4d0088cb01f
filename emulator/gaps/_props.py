"""Reading resolved CloudFormation property values (strings or native types)."""

from __future__ import annotations

from typing import Any

from moto.cloudformation.parsing import generate_resource_name

from emulator import cfn_engine, schemas
from emulator.gaps.exceptions import CustomNamedResourceReplacementError


def as_bool(value: Any, default: bool = False) -> bool:
    """CloudFormation accepts true/false as booleans or strings."""
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def as_int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def tag_dict(tags: list[dict[str, str]] | None, *, key: str = "Key", value: str = "Value") -> dict[str, str]:
    """Tags as a dict: a Tags property's list (``Key``/``Value``) or, with
    ``key="key", value="value"``, what moto's ``get_tags()`` returns."""
    return {t[key]: t[value] for t in tags or []}


def retag(resource: Any, old: list[dict[str, str]] | None, new: list[dict[str, str]] | None) -> None:
    """Apply a change of the Tags property to a TaggedEC2Resource."""
    old_tags, new_tags = tag_dict(old), tag_dict(new)
    backend = resource.ec2_backend
    gone = [k for k in old_tags if k not in new_tags]
    if gone:
        backend.delete_tags([resource.physical_resource_id], {k: None for k in gone})
    if new_tags:
        backend.create_tags([resource.physical_resource_id], new_tags)


def tag_changes(old: Any, new: Any) -> tuple[list[str], dict[str, str]]:
    """A change of a tags property (a Key/Value list or a dict): the keys to remove, the tags to set."""
    old_tags = old if isinstance(old, dict) else tag_dict(old)
    new_tags = new if isinstance(new, dict) else tag_dict(new)
    return [k for k in old_tags if k not in new_tags], dict(new_tags)


def retag_by_arn(backend: Any, arn: str, old: Any, new: Any) -> None:
    """Apply a change of a tags property through a service's TagResource and UntagResource (the backend's
    ``tag_resource(arn, tags)`` and ``untag_resource(arn, keys)``, as moto names them for Logs, SNS and KMS)."""
    removed, tags = tag_changes(old, new)
    if removed:
        backend.untag_resource(arn, removed)
    if tags:
        backend.tag_resource(arn, tags)


def changed(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """Names of properties whose resolved values differ."""
    return {k for k in set(old) | set(new) if old.get(k) != new.get(k)}


def replacement_name(old_name: Any, new_name: Any) -> str:
    """The name of a resource's replacement, from its name property in the old and new templates.

    A custom name kept as it was refuses the update ("You can't perform an update that
    causes a custom-named resource to be replaced. If you must replace the resource, specify
    a new name.", aws-properties-name.md); a new custom name is taken; without one,
    CloudFormation generates a name, as at creation (moto's ``generate_resource_name``).
    """
    if new_name:
        if new_name == old_name:
            raise CustomNamedResourceReplacementError(str(new_name))
        return str(new_name)
    operation = cfn_engine.current()
    if operation is None:
        raise RuntimeError("a replacement's name is generated only during a stack operation")
    return generate_resource_name(operation.resource_type, operation.stack.name, operation.logical_id)


def replaced_on_create_only(
    cls: Any, current_name: str, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str,
    *, name: Any = None, max_length: int = 255,
) -> Any:
    """A new copy of a fill's resource when one of its type's createOnlyProperties changed (its schema; None when
    none did), named ``name`` (a new custom name) or, as CloudFormation generates one, the current generated
    name's stem with a new random suffix (the last ``max_length`` characters). The engine deletes the old copy
    in the clean-up phase."""
    if not schemas.create_only_changes(cls.cloudformation_type(), old, new):
        return None
    from moto.cloudformation.utils import random_suffix

    name = name or f"{current_name.rsplit('-', 1)[0]}-{random_suffix()}"[-max_length:].lstrip("-")
    return cls.create_from_cloudformation_json(name, {"Properties": new}, account_id, region)
