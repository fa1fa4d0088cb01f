"""Template validation CloudFormation does before anything changes: resource types it knows.

moto 5.2.5 takes any ``Type``: a type it has no model for is skipped with a
warning in the server log (``resource_class_from_type``: "No Moto
CloudFormation support for ..."), so a stack "deploys" without it, and a
misspelt type (``AWS::EC2::Instanse``) goes unnoticed.

AWS refuses a template naming a resource type it does not know, before
anything is created: the call (CreateStack, UpdateStack, CreateChangeSet)
fails with ``ValidationError`` "Template format error: Unrecognized resource
types: [<type>, ...]" (the wording users report, which the CDK CLI prints
as the API error; it is not in the documentation). The types AWS knows are
the region's resource provider index cfn-lint ships (cfnlint/data/schemas/
providers/<region>.json, us-east-1's when the region has none), plus custom
resources named ``Custom::<name>`` (aws-resource-cloudformation-
customresource.md: a custom resource's type is
``AWS::CloudFormation::CustomResource`` or ``Custom::String``). The emulator
has no registry of private or third-party types, so any other name is
unknown, as in an account that registered none.

A type AWS knows but the emulator does not model is not refused here (AWS
accepts the template): the engine fails that resource when it would create it
(``cfn_engine``), so the operation rolls back, saying the emulator does not
model the type.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import cfnlint
from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend, Stack

from emulator.gaps._install import install

_PROVIDERS = Path(cfnlint.__file__).resolve().parent / "data" / "schemas" / "providers"
_DEFAULT_REGION = "us-east-1"

# What the fills below wrap: whatever is in place when apply() runs.
_wrapped_create_stack = CloudFormationBackend.create_stack
_wrapped_update_stack = CloudFormationBackend.update_stack
_wrapped_create_change_set = CloudFormationBackend.create_change_set


@cache
def known_types(region: str) -> frozenset[str]:
    """The resource types CloudFormation knows in ``region`` (cfn-lint's provider index)."""
    index = _PROVIDERS / f"{region}.json"
    if not index.is_file():
        index = _PROVIDERS / f"{_DEFAULT_REGION}.json"
    return frozenset(json.loads(index.read_text()))


def _resources(template: dict[str, Any]) -> dict[str, Any]:
    resources = template.get("Resources") if isinstance(template, dict) else None
    return resources if isinstance(resources, dict) else {}


def check_resource_types(template: dict[str, Any], region: str) -> None:
    """Raise ValidationError naming the resource types CloudFormation does not know."""
    known = known_types(region)
    unknown: list[str] = []
    for body in _resources(template).values():
        resource_type = str(body.get("Type", "")) if isinstance(body, dict) else ""
        if resource_type.startswith("Custom::") or resource_type in known or resource_type in unknown:
            continue
        unknown.append(resource_type)
    if unknown:
        raise ValidationError(message=f"Template format error: Unrecognized resource types: [{', '.join(unknown)}]")


def check_template(template: dict[str, Any], region: str) -> None:
    """Everything this fill checks, in the order CloudFormation reports it."""
    check_resource_types(template, region)


class CloudFormationBackendFill:
    """What moto's CloudFormationBackend gains (installed by :func:`apply`)."""

    def create_stack(self, name: str, template: str, parameters: dict[str, Any], **kwargs: Any) -> Stack:
        check_template(Stack.parse_template(template), self.region_name)
        return _wrapped_create_stack(self, name, template, parameters, **kwargs)

    def update_stack(
        self,
        name: str,
        template: str,
        role_arn: str | None,
        parameters: list[dict[str, Any]],
        tags: dict[str, str] | None,
    ) -> Stack:
        check_template(Stack.parse_template(template), self.region_name)
        return _wrapped_update_stack(self, name, template, role_arn, parameters, tags)

    def create_change_set(
        self,
        stack_name: str,
        change_set_name: str,
        template: str,
        parameters: dict[str, Any],
        description: str,
        change_set_type: str,
        **kwargs: Any,
    ) -> tuple[str, str]:
        check_template(Stack.parse_template(template), self.region_name)
        return _wrapped_create_change_set(
            self, stack_name, change_set_name, template, parameters, description, change_set_type, **kwargs
        )


def apply() -> None:
    global _wrapped_create_stack, _wrapped_update_stack, _wrapped_create_change_set
    _wrapped_create_stack = CloudFormationBackend.create_stack
    _wrapped_update_stack = CloudFormationBackend.update_stack
    _wrapped_create_change_set = CloudFormationBackend.create_change_set
    install(CloudFormationBackend, CloudFormationBackendFill)
