"""Change sets: "not found" as AWS says it, and removal after execution.

moto 5.2.5 answers DescribeChangeSet for a change set that does not exist
with ``ValidationError``, fails DeleteChangeSet for one that does not exist,
and keeps every change set after execution. AWS answers
``ChangeSetNotFoundException``, deletes nothing quietly, and removes all of a
stack's change sets once one is executed. The CDK CLI relies on all three: a
second ``cdk deploy`` deletes the previous ``cdk-deploy-change-set`` and polls
DescribeChangeSet until it is *not found*, so on plain moto every update fails
with "Stack with id cdk-deploy-change-set does not exist".

Also: a change set that changes nothing makes moto's CreateChangeSet fail with
"No updates are to be performed." (UpdateStack's answer). AWS creates the
change set with status FAILED and the reason "The submitted information didn't
contain changes...", which the CLI reads as "no changes" (``cdk deploy --force``).
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.models import ChangeSet, CloudFormationBackend, Stack
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult, EmptyResult

from emulator.gaps._install import install
from emulator.gaps.exceptions import ChangeSetNotFoundException, InvalidChangeSetStatusException

# What the fills below wrap: moto's own, except execute_change_set, which is
# whatever is in place when apply() runs (stack_operations' fill).
_moto_create_change_set_response = CloudFormationResponse.create_change_set
_moto_validate_different_update = CloudFormationResponse._validate_different_update
_wrapped_execute_change_set = CloudFormationBackend.execute_change_set


def _find(backend: CloudFormationBackend, name_or_arn: str, stack_name: str | None) -> ChangeSet | None:
    if name_or_arn in backend.change_sets:
        return backend.change_sets[name_or_arn]
    for change_set in backend.change_sets.values():
        if change_set.change_set_name != name_or_arn:
            continue
        if stack_name in (None, "", change_set.stack_name, change_set.stack_id):
            return change_set
    return None


class CloudFormationBackendFill:
    """What moto's CloudFormationBackend gains (installed by :func:`apply`)."""

    def describe_change_set(self, change_set_name: str, stack_name: str | None = None) -> ChangeSet:
        change_set = _find(self, change_set_name, stack_name)
        if change_set is None:
            raise ChangeSetNotFoundException(change_set_name)
        return change_set

    def delete_change_set(self, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = _find(self, change_set_name, stack_name)
        if change_set is not None:
            del self.change_sets[change_set.change_set_id]

    def execute_change_set(self, change_set_name: str, stack_name: str | None = None) -> Any:
        change_set = self.describe_change_set(change_set_name, stack_name)
        # Only an AVAILABLE change set can be executed: a FAILED one (UNAVAILABLE), or one already executed,
        # is refused with InvalidChangeSetStatus (ExecuteChangeSet, CloudFormation API reference).
        if change_set.execution_status != "AVAILABLE":
            raise InvalidChangeSetStatusException(change_set.change_set_id, change_set.execution_status or "UNAVAILABLE")
        result = _wrapped_execute_change_set(self, change_set.change_set_id, stack_name)
        # The stack has moved on: every change set made for it is now stale.
        for change_set_id, other in list(self.change_sets.items()):
            if other.stack_id == change_set.stack_id:
                del self.change_sets[change_set_id]
        return result


class CloudFormationResponseFill:
    """What moto's CloudFormationResponse gains (installed by :func:`apply`)."""

    def describe_change_set(self) -> ActionResult:
        # moto's handler drops StackName; two stacks may each have a change set
        # called cdk-deploy-change-set (the bootstrap stack and ours).
        backend = self.cloudformation_backend
        return ActionResult(backend.describe_change_set(self._get_param("ChangeSetName"), self._get_param("StackName")))

    def delete_change_set(self) -> EmptyResult:
        self.cloudformation_backend.delete_change_set(self._get_param("ChangeSetName"), self._get_param("StackName"))
        return EmptyResult()

    def create_change_set(self) -> ActionResult:
        # UpdateStack's "No updates are to be performed." check does not apply to
        # change sets: moto's backend then marks the change set FAILED, as AWS does.
        self._emulator_creating_change_set = True
        try:
            return _moto_create_change_set_response(self)
        finally:
            self._emulator_creating_change_set = False

    def _validate_different_update(self, *args: Any) -> None:
        if not getattr(self, "_emulator_creating_change_set", False):
            _moto_validate_different_update(self, *args)


class StackFill:
    """What moto's Stack gains (installed by :func:`apply`)."""

    def has_parameters(self, other: dict[str, Any]) -> bool:
        """Same effective inputs: a parameter left out takes its default, as in AWS."""
        slots = self.template_dict.get("Parameters", {})
        current = self.stack_parameters
        return all(other.get(name, slot.get("Default")) == current.get(name) for name, slot in slots.items())


def apply() -> None:
    global _wrapped_execute_change_set
    _wrapped_execute_change_set = CloudFormationBackend.execute_change_set
    install(CloudFormationBackend, CloudFormationBackendFill)
    install(CloudFormationResponse, CloudFormationResponseFill)
    install(Stack, StackFill)
