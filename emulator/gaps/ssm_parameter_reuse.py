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

from emulator.gaps._install import install

_moto_load_parameters = ResourceMap.load_parameters

_SSM_PREFIX = "AWS::SSM::Parameter::"


class ResourceMapFill:
    """What moto's ResourceMap gains (installed by :func:`apply`)."""

    def load_parameters(self) -> None:
        slots = self._template.get("Parameters", {})
        given = self.input_parameters or {}
        self._emulator_inputs = {name: given.get(name, slot.get("Default")) for name, slot in slots.items()}
        _moto_load_parameters(self)


class StackFill:
    """What moto's Stack gains (installed by :func:`apply`)."""

    @property
    def stack_parameters(self) -> dict[str, Any]:
        return dict(getattr(self.resource_map, "_emulator_inputs", self.resource_map.resolved_parameters))

    @property
    def parameter_list(self) -> list[dict[str, Any]]:
        resource_map = self.resource_map
        slots = resource_map._template.get("Parameters", {})
        hidden = set(getattr(resource_map, "no_echo_parameter_keys", []))
        result = []
        for name, value in self.stack_parameters.items():
            entry: dict[str, Any] = {"ParameterKey": name, "ParameterValue": "****" if name in hidden else value}
            if str(slots.get(name, {}).get("Type", "")).startswith(_SSM_PREFIX):
                resolved = resource_map.resolved_parameters.get(name)
                entry["ResolvedValue"] = ",".join(resolved) if isinstance(resolved, list) else resolved
            result.append(entry)
        return result


def apply() -> None:
    install(ResourceMap, ResourceMapFill)
    install(Stack, StackFill)
