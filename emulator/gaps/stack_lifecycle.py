"""One stack per name: a REVIEW_IN_PROGRESS stack is reused by the next CREATE change set, and deleted with its change sets.

moto 5.2.5's CreateChangeSet of type CREATE always makes a new stack, even when
one of that name exists. A ``cdk deploy`` interrupted (Ctrl-C) after its CREATE
change set was made leaves a REVIEW_IN_PROGRESS stack; the CDK CLI treats such
a stack as not deployed (``exists && stackStatus !== "REVIEW_IN_PROGRESS"`` in
``FullCloudFormationDeployment`` and ``prepareChangeSetEnv``,
node_modules/aws-cdk/lib/index.js), so the next ``cdk deploy`` deletes its
change set and sends CreateChangeSet CREATE again. moto then holds two stacks
of that name: the resources go on the second, and ``cdk destroy`` (DeleteStack
by name) deletes the first, empty one and "succeeds" while everything stays.

AWS (CloudFormation API reference, CreateChangeSet, ``ChangeSetType``): "If you
create a change set for a new stack, CloudFormation creates a stack with a
unique stack ID, but no template or resources. The stack will be in the
REVIEW_IN_PROGRESS state until you execute the change set." and "You can't use
... the CREATE type to create a change set for an existing stack." A stack in
REVIEW_IN_PROGRESS is a new stack still: the next CREATE change set for that
name goes on it (same stack ID), which is what the CLI relies on. A CREATE
change set for any other existing stack is refused with ``ValidationError``;
its wording, "Stack [<name>] already exists and cannot be created again with
the changeSet [<change set>].", is not in the documentation (an assumption).

DeleteStack of a REVIEW_IN_PROGRESS stack deletes it (DELETE_COMPLETE), as the
CLI expects when it cleans up after ``cdk diff`` (``createDiffChangeSet``) and
``cdk deploy --no-execute`` (``cleanupChangeSet``). A deleted stack's change
sets go with it (moto keeps them, still describable).
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import ChangeSet, CloudFormationBackend, Stack
from moto.cloudformation.utils import generate_changeset_id, validate_create_change_set

from emulator import operations
from emulator.gaps._install import install

# What the fills below wrap: whatever is in place when apply() runs.
_wrapped_create_change_set = CloudFormationBackend.create_change_set
_wrapped_delete_stack = CloudFormationBackend.delete_stack


def _live_stack(backend: CloudFormationBackend, name: str) -> Stack | None:
    """The stack of that name that is not deleted, if any."""
    return next((stack for stack in backend.stacks.values() if stack.name == name), None)


class CloudFormationBackendFill:
    """What moto's CloudFormationBackend gains (installed by :func:`apply`)."""

    def create_change_set(
        self,
        stack_name: str,
        change_set_name: str,
        template: str,
        parameters: dict[str, Any],
        description: str,
        change_set_type: str,
        notification_arns: list[str] | None = None,
        tags: dict[str, str] | None = None,
        role_arn: str | None = None,
        **kwargs: Any,
    ) -> tuple[str, str]:
        existing = _live_stack(self, stack_name) if change_set_type == "CREATE" else None
        if existing is None:
            return _wrapped_create_change_set(
                self, stack_name, change_set_name, template, parameters, description, change_set_type,
                notification_arns=notification_arns, tags=tags, role_arn=role_arn, **kwargs,
            )
        if existing.status != "REVIEW_IN_PROGRESS":
            raise ValidationError(
                message=f"Stack [{stack_name}] already exists and cannot be created again "
                f"with the changeSet [{change_set_name}]."
            )
        # The stack is still new: this change set creates it, with this request's settings.
        validate_create_change_set(change_set_name)
        existing.parameters = parameters
        existing.notification_arns = list(notification_arns or [])
        existing.tags = dict(tags or {})
        existing.role_arn = role_arn
        change_set = ChangeSet(
            change_set_type="CREATE",
            change_set_id=generate_changeset_id(change_set_name, self.region_name, self.account_id),
            change_set_name=change_set_name,
            stack=existing,
            template=template,
            parameters=parameters,
            description=description,
            notification_arns=notification_arns,
            tags=tags,
            role_arn=role_arn,
        )
        change_set.status = "CREATE_COMPLETE"
        change_set.execution_status = "AVAILABLE"
        self.change_sets[change_set.change_set_id] = change_set
        return change_set.change_set_id, existing.stack_id

    def delete_stack(self, name_or_stack_id: str) -> None:
        stack = self.stacks.get(name_or_stack_id) or _live_stack(self, name_or_stack_id)
        _wrapped_delete_stack(self, name_or_stack_id)
        if stack is not None:
            operations.after(stack.stack_id, lambda: self._emulator_forget_change_sets(stack))

    def _emulator_forget_change_sets(self, stack: Stack) -> None:
        if stack.status == "DELETE_COMPLETE":
            for change_set_id, change_set in list(self.change_sets.items()):
                if change_set.stack_id == stack.stack_id:
                    del self.change_sets[change_set_id]


def apply() -> None:
    global _wrapped_create_change_set, _wrapped_delete_stack
    _wrapped_create_change_set = CloudFormationBackend.create_change_set
    _wrapped_delete_stack = CloudFormationBackend.delete_stack
    install(CloudFormationBackend, CloudFormationBackendFill)
