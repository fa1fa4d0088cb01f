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

from moto.cloudformation.exceptions import CloudFormationError
from moto.cloudformation.models import ChangeSet, CloudFormationBackend, Stack
from moto.cloudformation.responses import CloudFormationResponse
from moto.core.responses import ActionResult, EmptyResult

_moto_execute = CloudFormationBackend.execute_change_set


class ChangeSetNotFound(CloudFormationError):
    code = "ChangeSetNotFound"
    status_code = 404


def _find(backend: CloudFormationBackend, name_or_arn: str, stack_name: str | None) -> ChangeSet | None:
    if name_or_arn in backend.change_sets:
        return backend.change_sets[name_or_arn]
    for change_set in backend.change_sets.values():
        if change_set.change_set_name != name_or_arn:
            continue
        if stack_name in (None, "", change_set.stack_name, change_set.stack_id):
            return change_set
    return None


def _describe(backend: CloudFormationBackend, change_set_name: str, stack_name: str | None = None) -> ChangeSet:
    change_set = _find(backend, change_set_name, stack_name)
    if change_set is None:
        raise ChangeSetNotFound(f"ChangeSet [{change_set_name}] does not exist")
    return change_set


def _delete(backend: CloudFormationBackend, change_set_name: str, stack_name: str | None = None) -> None:
    change_set = _find(backend, change_set_name, stack_name)
    if change_set is not None:
        del backend.change_sets[change_set.change_set_id]


def _execute(backend: CloudFormationBackend, change_set_name: str, stack_name: str | None = None) -> Any:
    change_set = _describe(backend, change_set_name, stack_name)
    result = _moto_execute(backend, change_set.change_set_id, stack_name)
    # The stack has moved on: every change set made for it is now stale.
    for change_set_id, other in list(backend.change_sets.items()):
        if other.stack_id == change_set.stack_id:
            del backend.change_sets[change_set_id]
    return result


def _describe_response(response: CloudFormationResponse) -> ActionResult:
    # moto's handler drops StackName; two stacks may each have a change set
    # called cdk-deploy-change-set (the bootstrap stack and ours).
    backend = response.cloudformation_backend
    return ActionResult(_describe(backend, response._get_param("ChangeSetName"), response._get_param("StackName")))


def _delete_response(response: CloudFormationResponse) -> EmptyResult:
    backend = response.cloudformation_backend
    _delete(backend, response._get_param("ChangeSetName"), response._get_param("StackName"))
    return EmptyResult()


_moto_create_response = CloudFormationResponse.create_change_set


def _create_response(response: CloudFormationResponse) -> ActionResult:
    # UpdateStack's "No updates are to be performed." check does not apply to
    # change sets: moto's backend then marks the change set FAILED, as AWS does.
    response._emulator_creating_change_set = True  # type: ignore[attr-defined]
    try:
        return _moto_create_response(response)
    finally:
        response._emulator_creating_change_set = False  # type: ignore[attr-defined]


_moto_validate_different_update = CloudFormationResponse._validate_different_update


def _validate_different_update(response: CloudFormationResponse, *args: Any) -> None:
    if not getattr(response, "_emulator_creating_change_set", False):
        _moto_validate_different_update(response, *args)


def _has_parameters(stack: Stack, other: dict[str, Any]) -> bool:
    """Same effective inputs: a parameter left out takes its default, as in AWS."""
    slots = stack.template_dict.get("Parameters", {})
    current = stack.stack_parameters
    return all(other.get(name, slot.get("Default")) == current.get(name) for name, slot in slots.items())


def apply() -> None:
    global _moto_execute
    # Wrap whatever execute_change_set is in place (stack_operations' fill).
    _moto_execute = CloudFormationBackend.execute_change_set
    CloudFormationBackend.describe_change_set = _describe  # type: ignore[method-assign]
    CloudFormationBackend.delete_change_set = _delete  # type: ignore[method-assign]
    CloudFormationBackend.execute_change_set = _execute  # type: ignore[method-assign]
    CloudFormationResponse.describe_change_set = _describe_response  # type: ignore[method-assign]
    CloudFormationResponse.delete_change_set = _delete_response  # type: ignore[method-assign]
    CloudFormationResponse.create_change_set = _create_response  # type: ignore[method-assign]
    CloudFormationResponse._validate_different_update = _validate_different_update  # type: ignore[method-assign]
    Stack.has_parameters = _has_parameters  # type: ignore[method-assign]
