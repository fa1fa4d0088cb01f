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

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend, Stack

from emulator import cfn_engine, operations
from emulator.gaps._install import install

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


class StackFill:
    """What moto's Stack gains (installed by :func:`apply`)."""

    @property
    def outputs(self) -> list[dict[str, Any]] | None:
        return getattr(self, "_emulator_outputs", None)

    @property
    def exports(self) -> list[Any]:
        return getattr(self, "_emulator_exports", [])

    @property
    def stack_resources(self) -> list[Any]:
        # Only resources that exist: moto's lazy map would re-create the others.
        return list(cfn_engine.live_resources(self.resource_map).values())

    def create_resources(self) -> None:
        self.status = "CREATE_IN_PROGRESS"
        operations.start(self.stack_id, f"{self.name} CREATE", self._emulator_create)

    def _emulator_create(self) -> None:
        ok = cfn_engine.run(self, self.template_dict, None, "CREATE")
        self.description = self.template_dict.get("Description")
        if ok:
            self.mark_creation_complete()
        _freeze_outputs(self)

    def update(
        self,
        template: str,
        role_arn: str | None = None,
        parameters: dict[str, Any] | None = None,
        tags: dict[str, str] | None = None,
    ) -> None:
        refuse_while_running(self)
        new_template = self.parse_template(template)
        self.status = "UPDATE_IN_PROGRESS"
        self._add_stack_event("UPDATE_IN_PROGRESS", resource_status_reason="User Initiated")

        def work() -> None:
            if cfn_engine.run(self, new_template, parameters or {}, "UPDATE"):
                self.template = template
                self._parse_template()
                self.description = self.template_dict.get("Description")
                if parameters:
                    self.parameters = parameters
                self.status = "UPDATE_COMPLETE"
                self._add_stack_event("UPDATE_COMPLETE")
            self.role_arn = role_arn
            if tags is not None:
                self.tags = tags
            _freeze_outputs(self)

        operations.start(self.stack_id, f"{self.name} UPDATE", work)

    def delete(self) -> None:
        self.status = "DELETE_IN_PROGRESS"
        self._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
        if cfn_engine.delete_all(self):
            self.status = "DELETE_COMPLETE"
            self._add_stack_event("DELETE_COMPLETE")
            self._emulator_outputs = None
        else:
            self.status = "DELETE_FAILED"
            self._add_stack_event(
                "DELETE_FAILED",
                resource_status_reason="The following resource(s) failed to delete: "
                + ", ".join(e.logical_resource_id for e in self.events if e.resource_status == "DELETE_FAILED"),
            )


def refuse_while_running(stack: Stack) -> None:
    """UpdateStack and ExecuteChangeSet are refused while the stack has an operation under way."""
    if operations.running(stack.stack_id):
        raise ValidationError(message=f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated.")


class CloudFormationBackendFill:
    """What moto's CloudFormationBackend gains (installed by :func:`apply`)."""

    def delete_stack(self, name_or_stack_id: str) -> None:
        stack = self.stacks.get(name_or_stack_id) or next(
            (s for s in self.stacks.values() if s.name == name_or_stack_id), None
        )
        if stack is None:
            return  # AWS answers success for a stack that does not exist
        if stack.status == "DELETE_IN_PROGRESS":
            return  # already being deleted
        operations.after(stack.stack_id, lambda: self._emulator_delete(stack))

    def _emulator_delete(self, stack: Stack) -> None:
        if self.stacks.get(stack.stack_id) is not stack:
            return
        stack.status = "DELETE_IN_PROGRESS"

        def work() -> None:
            export_names = [export.name for export in stack.exports]
            stack.delete()
            if stack.status != "DELETE_COMPLETE":
                return  # DELETE_FAILED: the stack stays, as in AWS
            self.stacks.pop(stack.stack_id, None)
            self.deleted_stacks[stack.stack_id] = stack
            for name in export_names:
                self.exports.pop(name, None)

        operations.start(stack.stack_id, f"{stack.name} DELETE", work)

    def execute_change_set(self, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = self.describe_change_set(change_set_name)
        stack = self.stacks[change_set.stack_id]
        refuse_while_running(stack)
        operation = change_set.change_set_type
        stack.status = f"{operation}_IN_PROGRESS"
        stack._add_stack_event(f"{operation}_IN_PROGRESS", resource_status_reason="User Initiated")
        change_set.execution_status = "EXECUTE_IN_PROGRESS"

        def work() -> None:
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

        operations.start(stack.stack_id, f"{stack.name} {operation}", work)


def apply() -> None:
    cfn_engine.install()
    install(Stack, StackFill)
    install(CloudFormationBackend, CloudFormationBackendFill)
