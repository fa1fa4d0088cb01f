"""Stack termination protection: UpdateTerminationProtection, and DeleteStack refusing.

moto 5.2.5 does not implement UpdateTerminationProtection (HTTP 500: the CDK
CLI calls it on every deploy of a stack with ``terminationProtection``), and
deletes a protected stack anyway. AWS sets the flag, shows it in DescribeStacks
(EnableTerminationProtection) and refuses DeleteStack with a ValidationError.
"""

from __future__ import annotations

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult

_moto_delete_stack = CloudFormationBackend.delete_stack


def _update_termination_protection(response: CloudFormationResponse) -> ActionResult:
    stack = response.cloudformation_backend.get_stack(response._get_param("StackName"))
    stack.enable_termination_protection = response._get_bool_param("EnableTerminationProtection", False)
    return ActionResult({"StackId": stack.stack_id})


def _delete_stack(backend: CloudFormationBackend, name_or_stack_id: str) -> None:
    for stack in backend.stacks.values():
        if name_or_stack_id in (stack.name, stack.stack_id) and stack.enable_termination_protection:
            raise ValidationError(
                message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled"
            )
    _moto_delete_stack(backend, name_or_stack_id)


def apply() -> None:
    global _moto_delete_stack
    # Wrap whatever delete_stack is in place (stack_operations' fill).
    _moto_delete_stack = CloudFormationBackend.delete_stack
    CloudFormationResponse.update_termination_protection = _update_termination_protection  # type: ignore[attr-defined]
    CloudFormationBackend.delete_stack = _delete_stack  # type: ignore[method-assign]
