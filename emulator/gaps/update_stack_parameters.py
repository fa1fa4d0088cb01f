"""UpdateStack: ``UsePreviousValue`` takes the value the stack is using, defaulted parameters included.

moto 5.2.5's UpdateStack reads a ``UsePreviousValue`` parameter from the
parameters given when the stack was *created* (``Stack.parameters``). A
parameter that took its template ``Default`` then was never given, so the
update fails with a KeyError: HTTP 500. The CDK CLI passes ``UsePreviousValue``
for every parameter the deployed stack has (``ParameterValues`` in
node_modules/aws-cdk/lib/index.js), and every CDK parameter has a default, so
``cdk deploy --method=direct`` of any update fails. (CreateChangeSet reads the
stack's effective values, ``Stack.stack_parameters``, and is right.)

AWS: "UsePreviousValue: During a stack update, use the existing parameter value
that the stack is using for a given parameter key." (CloudFormation API
reference, ``Parameter``). A parameter neither given nor marked takes its
(new) template default, as ``ParameterKey`` says ("If you don't specify a key
and value for a particular parameter, CloudFormation uses the default value
that's specified in your template"), which the engine already does.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import MissingParameterError
from moto.cloudformation.models import CloudFormationBackend, Stack

from emulator.gaps._install import install


def _marked(parameter: dict[str, Any]) -> bool:
    return str(parameter.get("UsePreviousValue", "")).lower() == "true"


def effective_parameters(stack: Stack, incoming: list[dict[str, Any]]) -> dict[str, Any]:
    """UpdateStack's ``Parameters`` as values: given ones, and previous ones where marked."""
    current = stack.stack_parameters
    values: dict[str, Any] = {}
    for parameter in incoming or []:
        key = parameter["ParameterKey"]
        if _marked(parameter):
            if key not in current:
                # AWS's wording for a previous value the stack does not have is not documented.
                raise MissingParameterError(key)
            values[key] = current[key]
        elif "ParameterValue" in parameter:
            values[key] = parameter["ParameterValue"]
    return values


class CloudFormationBackendFill:
    """What moto's CloudFormationBackend gains (installed by :func:`apply`)."""

    def update_stack(
        self,
        name: str,
        template: str,
        role_arn: str | None,
        parameters: list[dict[str, Any]],
        tags: dict[str, str] | None,
    ) -> Stack:
        stack = self.get_stack(name)
        stack.update(template, role_arn, parameters=effective_parameters(stack, parameters), tags=tags)
        return stack


def apply() -> None:
    install(CloudFormationBackend, CloudFormationBackendFill)
