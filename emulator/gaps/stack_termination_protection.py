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

from emulator.gaps._install import install

# What delete_stack wraps: whatever is in place when apply() runs (stack_operations' fill).
_wrapped_delete_stack = CloudFormationBackend.delete_stack


class CloudFormationResponseFill:
    """What moto's CloudFormationResponse gains (installed by :func:`apply`)."""

    def update_termination_protection(self) -> ActionResult:
        stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
        stack.enable_termination_protection = self._get_bool_param("EnableTerminationProtection", False)
        return ActionResult({"StackId": stack.stack_id})


class CloudFormationBackendFill:
    """What moto's CloudFormationBackend gains (installed by :func:`apply`)."""

    def delete_stack(self, name_or_stack_id: str) -> None:
        for stack in self.stacks.values():
            if name_or_stack_id in (stack.name, stack.stack_id) and stack.enable_termination_protection:
                raise ValidationError(
                    message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled"
                )
        _wrapped_delete_stack(self, name_or_stack_id)


def apply() -> None:
    global _wrapped_delete_stack
    _wrapped_delete_stack = CloudFormationBackend.delete_stack
    install(CloudFormationResponse, CloudFormationResponseFill)
    install(CloudFormationBackend, CloudFormationBackendFill)
