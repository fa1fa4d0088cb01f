"""Fills for moto's CloudFormation gaps, one module each (see ../README.md).

Every module has an ``apply()`` that patches moto in this process; the server
calls :func:`apply_all` before it serves. Each fill is listed in the README's
"moto gaps" table with the test that fails on plain moto and passes with it.
"""

from __future__ import annotations

import importlib

#: Gap modules in the order they are applied (later ones may build on earlier).
GAP_MODULES: tuple[str, ...] = (
    "stack_operations",
    "change_set_lifecycle",
    "stack_termination_protection",
    "ssm_parameter_reuse",
    "ec2_security_group",
    "ec2_placement_group",
    "ec2_instance",
    "ec2_volume",
    "ec2_volume_attachment",
    "ec2_eip",
    "ec2_eip_association",
    "ec2_key_pair",
)

_applied: set[str] = set()


def apply_all(names: tuple[str, ...] | None = None) -> None:
    """Apply the named gap fills (all by default), each at most once."""
    for name in GAP_MODULES if names is None else names:
        if name in _applied:
            continue
        module = importlib.import_module(f"emulator.gaps.{name}")
        module.apply()
        _applied.add(name)
