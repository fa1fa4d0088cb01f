"""Type checks for construct props and option fields: one generic checker, driven by the annotations.

The constructs are used from Python, where nothing stops ``instance_count="2"`` or ``encrypted="no"``
from reaching CloudFormation. Every prop and option field is therefore checked against its own type
annotation, here, before any AWS rule looks at it; the message names the prop and the value:
``volumes[0].encrypted: got 'no'; must be true or false``. Turning CDK context strings into typed
values is not done here: that is the app's settings layer (stacks/settings.py).

``Annotated[int, "GiB"]`` adds a unit to the message ("must be a whole number of GiB").
Types this checker cannot judge (jsii interfaces such as ``ec2.IVpc``) are left to the CDK.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from .errors import SettingError


def describe(hint: Any) -> str:
    """What a value of type ``hint`` is, in the words of an error message."""
    origin = get_origin(hint)
    if origin is Annotated:
        base, *extras = get_args(hint)
        units = [extra for extra in extras if isinstance(extra, str)]
        return describe(base) + (f" of {units[0]}" if units else "")
    if origin is Literal:
        choices = [str(choice) for choice in get_args(hint)]
        return " or ".join(choices) if len(choices) == 2 else "one of " + ", ".join(choices)
    if origin in (Union, types.UnionType):
        return " or ".join(describe(arg) for arg in get_args(hint) if arg is not type(None))
    if origin in (tuple, list, Sequence):
        return f"a list of {describe(get_args(hint)[0])} values"
    return {bool: "true or false", int: "a whole number", str: "text"}.get(hint, f"a {getattr(hint, '__name__', hint)}")


def check_value(value: Any, hint: Any, name: str) -> None:
    """Raise :class:`SettingError` naming ``name`` unless ``value`` is of type ``hint``."""
    if not _matches(value, hint, name):
        raise SettingError(name, value, f"must be {describe(hint)}")


def _matches(value: Any, hint: Any, name: str) -> bool:
    origin = get_origin(hint)
    if origin is Annotated:
        return _matches(value, get_args(hint)[0], name)
    if origin in (Union, types.UnionType):
        return any(_matches(value, arg, name) for arg in get_args(hint))
    if hint is type(None):
        return value is None
    if origin is Literal:
        # `True == 1`, so compare types as well as values.
        return any(type(value) is type(choice) and value == choice for choice in get_args(hint))
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if origin in (tuple, list, Sequence):
        if isinstance(value, str) or not isinstance(value, (tuple, list)):
            return False
        (item,) = get_args(hint)[:1] or (Any,)
        for index, element in enumerate(value):
            check_value(element, item, f"{name}[{index}]")  # an element names its own index
        return True
    if isinstance(hint, type) and hint.__module__.split(".")[0] not in ("aws_cdk", "constructs", "typing"):
        return isinstance(value, hint)
    return True  # jsii types and Any: the CDK judges those


def check_fields(instance: Any, prefix: str) -> None:
    """Check every field of a dataclass ``instance``; errors name ``prefix.field``."""
    hints = _hints(type(instance))
    for item in dataclasses.fields(instance):
        check_value(getattr(instance, item.name), hints[item.name], f"{prefix}.{item.name}")


def check_args(function: Callable[..., Any], arguments: Mapping[str, Any]) -> None:
    """Check a call's keyword arguments (e.g. a construct's ``locals()``) against its signature."""
    hints = _hints(function)
    for parameter in inspect.signature(function).parameters.values():
        if parameter.name in hints and parameter.name in arguments and parameter.name not in ("scope", "id"):
            check_value(arguments[parameter.name], hints[parameter.name], parameter.name)


_HINTS: dict[Any, dict[str, Any]] = {}


def _hints(owner: Any) -> dict[str, Any]:
    if owner not in _HINTS:  # resolving string annotations costs a little: once per class or function
        _HINTS[owner] = get_type_hints(owner, include_extras=True)
    return _HINTS[owner]
