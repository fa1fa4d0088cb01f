"""How values read in the summary: a value short enough to quote, ``(none)`` for a side without one, ``old to new``,
a nested value's changes leaf by leaf, sizes and DNS names. The one place "(none) ... to ..." is written."""

from __future__ import annotations

from typing import Any, Optional

from cost_model.templates import render_value

# What a side of a change shows when it has no value.
NONE = "(none)"


def side(value: Any, limit: Optional[int] = 70) -> Optional[str]:
    """One side of a change: ``(none)`` when absent, else the value if short enough to quote (any length when
    ``limit`` is None), else None."""
    if value is None:
        return NONE
    return render_value(value) if limit is None else short(value, limit)


def transition(old: Any, new: Any, *, limit: Optional[int] = 70) -> Optional[str]:
    """``old to new``, each side as ``side`` shows it; None when either is too long to quote."""
    before, after = side(old, limit), side(new, limit)
    return None if before is None or after is None else f"{before} to {after}"


def labelled(label: str, old: Any, new: Any) -> str:
    """``Label: old to new``, or ``Label changes`` when a side is too long to quote."""
    text = transition(old, new)
    return f"{label}: {text}" if text is not None else f"{label} changes"


def short(value: Any, limit: int = 70) -> Optional[str]:
    """A value short enough to quote in a sentence, or None (user data, policy documents...)."""
    text = render_value(value)
    return text if len(text) <= limit and "\n" not in text else None


def leaf_changes(old: Any, new: Any, path: str = "", limit: int = 6) -> list[str]:
    """A nested value's changes leaf by leaf, ``MaxBatchSize: 2 to 3`` (``Key.Inner`` for deeper ones); lists of the
    same length item by item, others as a whole. At most ``limit`` parts, then "and N more"."""
    found: list[str] = []

    def walk(before: Any, after: Any, where: str) -> None:
        if before == after:
            return
        if isinstance(before, dict) and isinstance(after, dict):
            for key in sorted(set(before) | set(after)):
                walk(before.get(key), after.get(key), f"{where}.{key}" if where else key)
        elif keyed(before) and keyed(after):  # [{Key, Value}, ...]: load balancer attributes, tags
            walk({item["Key"]: item.get("Value") for item in before}, {item["Key"]: item.get("Value") for item in after},
                 where)
        elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after) and before:
            for index, (one, other) in enumerate(zip(before, after, strict=True)):
                walk(one, other, f"{where}[{index}]")
        else:
            found.append(labelled(where or "value", before, after))

    walk(old, new, path)
    return found[:limit] + ([f"and {len(found) - limit} more"] if len(found) > limit else [])


def keyed(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) and "Key" in item for item in value)


def dns_name(value: Any) -> str:
    """A DNS name as a reviewer reads it and as it compares: lower case, without the final dot."""
    return value.rstrip(".").lower() if isinstance(value, str) else render_value(value)


def depends_on(resource: dict[str, Any]) -> set[str]:
    depends = resource.get("DependsOn") or []
    return {depends} if isinstance(depends, str) else set(depends)
