"""The checks a new template goes through before moto takes it, with the three calls that take one wrapped once.

CreateStack, UpdateStack and CreateChangeSet validate a template (its resource types, its circles, its Rules,
its type changes) before anything changes. Each fill that checks something registers a function with
:func:`add`; the first registration wraps the three backend calls, over whatever is in place then, and every
call runs the checks in the order they were added. A check raises ``ValidationError`` to refuse the call, or
:class:`ChangeSetFailed` for what CloudFormation reports on a change set it makes FAILED instead (UpdateStack,
which makes no change set, is refused with a ``ValidationError`` of the same message).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.cloudformation.models import CloudFormationBackend, Stack

from emulator.gaps._install import install


@dataclass(frozen=True)
class Submission:
    """A template as one of the three calls submits it."""

    backend: CloudFormationBackend
    stack_name: str  # the name, also when the call gave the stack's ID
    template: dict[str, Any]
    parameters: dict[str, Any]  # the values the stack would use (UsePreviousValue resolved)
    notification_arns: list[str] | None
    deployed: dict[str, Any] | None  # the stack's current template, for an update


class ChangeSetFailed(Exception):  # noqa: N818 - a verdict, as CloudFormation's FAILED status
    """The change set is made, FAILED with this reason (UpdateStack: refused with it)."""


Check = Callable[[Submission], None]
_checks: list[Check] = []


def _name(stack_name_or_id: str) -> str:
    """A stack's name, also from its ID (arn:...:stack/<name>/<uuid>)."""
    return stack_name_or_id.split("/")[1] if stack_name_or_id.startswith("arn:") else stack_name_or_id


def _run(submission: Submission) -> str | None:
    """Every check; the reason of the first ChangeSetFailed (the others still run: a refusal wins)."""
    failed = None
    for check in _checks:
        try:
            check(submission)
        except ChangeSetFailed as verdict:
            failed = failed or str(verdict)
    return failed


def add(check: Check) -> None:
    """Run ``check`` on every template submitted from now on (after the checks added before it)."""
    if not _checks:
        _wrap()
    _checks.append(check)


def _wrap() -> None:
    from emulator.gaps.update_stack_parameters import effective_parameters

    create_stack = CloudFormationBackend.create_stack
    update_stack = CloudFormationBackend.update_stack
    create_change_set = CloudFormationBackend.create_change_set

    class CloudFormationBackendFill:
        def create_stack(self, name: str, template: str, parameters: dict[str, Any], **kwargs: Any) -> Stack:
            failed = _run(Submission(self, name, Stack.parse_template(template), parameters or {},
                                     kwargs.get("notification_arns"), None))
            if failed:
                raise ValidationError(message=failed)
            return create_stack(self, name, template, parameters, **kwargs)

        def update_stack(self, name: str, template: str, role_arn: str | None, parameters: list[dict[str, Any]],
                         tags: dict[str, str] | None) -> Stack:
            stack = self.get_stack(name)
            failed = _run(Submission(self, stack.name, Stack.parse_template(template),
                                     effective_parameters(stack, parameters), stack.notification_arns,
                                     stack.template_dict))
            if failed:
                raise ValidationError(message=failed)
            return update_stack(self, name, template, role_arn, parameters, tags)

        def create_change_set(self, stack_name: str, change_set_name: str, template: str, parameters: dict[str, Any],
                              description: str, change_set_type: str, **kwargs: Any) -> tuple[str, str]:
            # The parameters come resolved: UsePreviousValue is read by the response handler.
            deployed = next((s.template_dict for s in self.stacks.values() if s.name == _name(stack_name)), None)
            failed = _run(Submission(self, _name(stack_name), Stack.parse_template(template), parameters or {},
                                     kwargs.get("notification_arns"),
                                     deployed if change_set_type == "UPDATE" else None))
            change_set_id, stack_id = create_change_set(
                self, stack_name, change_set_name, template, parameters, description, change_set_type, **kwargs)
            if failed:
                change_set = self.change_sets[change_set_id]
                change_set.status, change_set.execution_status = "FAILED", "UNAVAILABLE"
                change_set.status_reason = failed
            return change_set_id, stack_id

    install(CloudFormationBackend, CloudFormationBackendFill)
