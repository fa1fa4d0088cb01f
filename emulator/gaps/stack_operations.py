"""Run stack create/update/delete and change sets through :mod:`emulator.cfn_engine`.

moto 5.2.5 gaps filled here (details in ../README.md):

* a change-set deploy leaves the stack's outputs (and template) empty;
* a deleted stack re-evaluates its outputs and resource list lazily, which
  re-creates the deleted resources;
* resources created through a change set get no stack / aws:cloudformation tags;
* an update changes only resources whose template text changed, so a replaced
  security group never reaches the instance; replacements delete the old
  copy first; resources moto cannot update are dropped from the stack;
* a failed create stays CREATE_IN_PROGRESS (and the API call fails) instead
  of rolling back to ROLLBACK_COMPLETE; a failed delete is ignored;
* DeletionPolicy Snapshot is ignored, and removal during an update ignores
  Retain.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.models import CloudFormationBackend, Stack

from emulator import cfn_engine

_moto_outputs = Stack.outputs.fget  # type: ignore[attr-defined]
_moto_exports = Stack.exports.fget  # type: ignore[attr-defined]


_NO_OUTPUTS = {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "CREATE_FAILED", "DELETE_COMPLETE"}


def _freeze_outputs(stack: Stack) -> None:
    """Evaluate outputs once, when an operation ends, as AWS stores them.

    The resource map is sealed (see cfn_engine.seal): evaluating an output
    never creates a resource; a stack that was rolled back has none.
    """
    cfn_engine.seal(stack.resource_map)
    stack.output_map = stack._create_output_map()
    stack._emulator_outputs, stack._emulator_exports = None, []
    if stack.status in _NO_OUTPUTS:
        return
    try:
        stack._emulator_outputs = _moto_outputs(stack)
        stack._emulator_exports = _moto_exports(stack)
    except KeyError:  # an output refers to a resource that does not exist
        pass


def _outputs(stack: Stack) -> list[dict[str, Any]] | None:
    return getattr(stack, "_emulator_outputs", None)


def _exports(stack: Stack) -> list[Any]:
    return getattr(stack, "_emulator_exports", [])


def _stack_resources(stack: Stack) -> list[Any]:
    # Only resources that exist: moto's lazy map would re-create the others.
    return list(cfn_engine.live_resources(stack.resource_map).values())


def _create_resources(stack: Stack) -> None:
    ok = cfn_engine.run(stack, stack.template_dict, None, "CREATE")
    stack.description = stack.template_dict.get("Description")
    if ok:
        stack.mark_creation_complete()
    _freeze_outputs(stack)


def _update(
    stack: Stack,
    template: str,
    role_arn: str | None = None,
    parameters: dict[str, Any] | None = None,
    tags: dict[str, str] | None = None,
) -> None:
    stack._add_stack_event("UPDATE_IN_PROGRESS", resource_status_reason="User Initiated")
    new_template = stack.parse_template(template)
    if cfn_engine.run(stack, new_template, parameters or {}, "UPDATE"):
        stack.template = template
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        if parameters:
            stack.parameters = parameters
        stack.status = "UPDATE_COMPLETE"
        stack._add_stack_event("UPDATE_COMPLETE")
    stack.role_arn = role_arn
    if tags is not None:
        stack.tags = tags
    _freeze_outputs(stack)


def _delete(stack: Stack) -> None:
    stack.status = "DELETE_IN_PROGRESS"
    stack._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
    if cfn_engine.delete_all(stack):
        stack.status = "DELETE_COMPLETE"
        stack._add_stack_event("DELETE_COMPLETE")
        stack._emulator_outputs = None
    else:
        stack.status = "DELETE_FAILED"
        stack._add_stack_event(
            "DELETE_FAILED",
            resource_status_reason="The following resource(s) failed to delete: "
            + ", ".join(
                e.logical_resource_id for e in stack.events if e.resource_status == "DELETE_FAILED"
            ),
        )


def _delete_stack(backend: CloudFormationBackend, name_or_stack_id: str) -> None:
    stack = backend.stacks.get(name_or_stack_id) or next(
        (s for s in backend.stacks.values() if s.name == name_or_stack_id), None
    )
    if stack is None:
        return  # AWS answers success for a stack that does not exist
    export_names = [export.name for export in stack.exports]
    stack.delete()
    if stack.status != "DELETE_COMPLETE":
        return  # DELETE_FAILED: the stack stays, as in AWS
    backend.stacks.pop(stack.stack_id, None)
    backend.deleted_stacks[stack.stack_id] = stack
    for name in export_names:
        backend.exports.pop(name, None)


def _execute_change_set(
    backend: CloudFormationBackend, change_set_name: str, stack_name: str | None = None
) -> None:
    change_set = backend.describe_change_set(change_set_name)
    stack = backend.stacks[change_set.stack_id]
    operation = change_set.change_set_type
    stack._add_stack_event(f"{operation}_IN_PROGRESS", resource_status_reason="User Initiated")
    ok = cfn_engine.run(stack, change_set.template_dict, change_set.parameters, operation)
    change_set.execution_status = "EXECUTE_COMPLETE" if ok else "EXECUTE_FAILED"
    if ok or operation == "CREATE":
        # A rolled-back create keeps its template, as in AWS.
        stack.template = change_set.template
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.parameters = change_set.parameters
    if ok:
        stack.status = f"{operation}_COMPLETE"
        stack._add_stack_event(f"{operation}_COMPLETE")
    _freeze_outputs(stack)


def apply() -> None:
    cfn_engine.install()
    Stack.outputs = property(_outputs)  # type: ignore[assignment]
    Stack.exports = property(_exports)  # type: ignore[assignment]
    Stack.stack_resources = property(_stack_resources)  # type: ignore[assignment]
    Stack.create_resources = _create_resources  # type: ignore[method-assign]
    Stack.update = _update  # type: ignore[method-assign]
    Stack.delete = _delete  # type: ignore[method-assign]
    CloudFormationBackend.delete_stack = _delete_stack  # type: ignore[method-assign]
    CloudFormationBackend.execute_change_set = _execute_change_set  # type: ignore[method-assign]
