"""SSM-typed template parameters keep their input (the parameter name).

moto 5.2.5 keeps only the *resolved* value of an
``AWS::SSM::Parameter::Value<...>`` parameter (e.g. the AMI ID). An update
that passes ``UsePreviousValue`` for it (as the CDK CLI does) then looks up
an SSM parameter named like the AMI ID and the request fails with HTTP 500.
AWS keeps the input (the SSM parameter name) as ParameterValue, shows the
lookup as ResolvedValue, and resolves again on every update.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.models import Stack
from moto.cloudformation.parsing import ResourceMap

_moto_load_parameters = ResourceMap.load_parameters

_SSM_PREFIX = "AWS::SSM::Parameter::"


def _load_parameters(resource_map: ResourceMap) -> None:
    slots = resource_map._template.get("Parameters", {})
    given = resource_map.input_parameters or {}
    resource_map._emulator_inputs = {  # type: ignore[attr-defined]
        name: given.get(name, slot.get("Default")) for name, slot in slots.items()
    }
    _moto_load_parameters(resource_map)


def _inputs(stack: Stack) -> dict[str, Any]:
    return dict(getattr(stack.resource_map, "_emulator_inputs", stack.resource_map.resolved_parameters))


def _parameter_list(stack: Stack) -> list[dict[str, Any]]:
    resource_map = stack.resource_map
    slots = resource_map._template.get("Parameters", {})
    hidden = set(getattr(resource_map, "no_echo_parameter_keys", []))
    result = []
    for name, value in _inputs(stack).items():
        entry: dict[str, Any] = {"ParameterKey": name, "ParameterValue": "****" if name in hidden else value}
        if str(slots.get(name, {}).get("Type", "")).startswith(_SSM_PREFIX):
            resolved = resource_map.resolved_parameters.get(name)
            entry["ResolvedValue"] = ",".join(resolved) if isinstance(resolved, list) else resolved
        result.append(entry)
    return result


def apply() -> None:
    ResourceMap.load_parameters = _load_parameters  # type: ignore[method-assign]
    Stack.stack_parameters = property(_inputs)  # type: ignore[assignment]
    Stack.parameter_list = property(_parameter_list)  # type: ignore[assignment]
