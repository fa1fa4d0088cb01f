"""Reading resolved CloudFormation property values (strings or native types)."""

from __future__ import annotations

from typing import Any


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


def changed(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    """Names of properties whose resolved values differ."""
    return {k for k in set(old) | set(new) if old.get(k) != new.get(k)}
