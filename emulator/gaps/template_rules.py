"""Template ``Rules``: evaluated at CreateStack, UpdateStack and CreateChangeSet, before anything changes.

moto 5.2.5 ignores a template's ``Rules`` section: every assertion passes.
AWS (CloudFormation User Guide, "CloudFormation template Rules syntax",
rules-section-structure): the section "contains rule functions that validate
parameter values before CloudFormation creates or updates any resources";
"Rule functions" (intrinsic-function-reference-rules): "If a parameter value
isn't valid, CloudFormation doesn't create or update the stack. If the
condition evaluates to false, CloudFormation doesn't check the parameter value
and proceeds with the stack operation."

How a failed assertion is reported: the API call itself fails with
``ValidationError`` whose message is the assertion's ``AssertDescription``;
nothing is created (no stack, no change set, no REVIEW_IN_PROGRESS stack), no
event is written. The AWS documentation says only that the stack is not
created or updated; that the refusal is a validation error on the call is what
users report from the console ("You'd receive this kind of validation error",
theloudcloud, "This awesome CloudFormation feature is not talked about
enough"), and what other emulators settled on (ministackorg/ministack#1661);
the CDK CLI has no handling of its own for it and prints the API error
(``❌ <stack> failed: ValidationError: <AssertDescription>``). The message of
an assertion without an ``AssertDescription`` is not documented; here it is
"Rule <name> failed" (an assumption).

Evaluated: ``RuleCondition`` and ``Assertions`` with ``Fn::Equals``,
``Fn::Not``, ``Fn::And``, ``Fn::Or``, ``Fn::Contains``,
``Fn::EachMemberEquals``, ``Fn::EachMemberIn`` and ``Ref`` to parameters and
pseudo parameters (AWS::AccountId, AWS::Region, AWS::Partition,
AWS::URLSuffix, AWS::StackName, AWS::NotificationARNs); parameter values as
the stack will see them (the given value, the previous one for
``UsePreviousValue``, or the default), ``AWS::SSM::Parameter::Value<...>``
parameters resolved from Parameter Store, list types split on commas. An
assertion using anything else (``Fn::If``, ``Fn::RefAll``, ``Fn::ValueOf``,
``Fn::ValueOfAll``, which look up the account's resources) is not evaluated:
it passes, and the server log says so.
"""

from __future__ import annotations

import logging
from typing import Any

from moto.cloudformation.exceptions import ValidationError
from moto.ssm import ssm_backends
from moto.utilities.utils import get_partition

from emulator.gaps import _checks
from emulator.gaps._checks import Submission

logger = logging.getLogger("emulator")

_SSM_PREFIX = "AWS::SSM::Parameter::Value<"


class _NotEvaluated(Exception):
    """A function or reference the emulator does not evaluate."""


def _parameter_values(
    template: dict[str, Any], given: dict[str, Any], account_id: str, region: str
) -> dict[str, Any]:
    """Each template parameter's value as a rule sees it."""
    values: dict[str, Any] = {}
    for name, slot in (template.get("Parameters") or {}).items():
        value = given.get(name, slot.get("Default"))
        if value is None:
            continue  # missing: CloudFormation refuses it elsewhere
        kind = str(slot.get("Type", "String"))
        if kind.startswith(_SSM_PREFIX):
            parameter = ssm_backends[account_id][region].get_parameter(str(value))
            if parameter is None:
                continue  # not in Parameter Store: the operation fails elsewhere
            value = parameter.value
        if "List" in kind and isinstance(value, str):
            value = value.split(",")
        values[name] = value
    return values


class _Evaluator:
    """Evaluates rule-specific intrinsic functions over known values."""

    def __init__(self, values: dict[str, Any]):
        self.values = values

    def truth(self, node: Any) -> bool:
        value = self.value(node)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise _NotEvaluated(f"not a condition: {node!r}")

    def value(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.value(item) for item in node]
        if not isinstance(node, dict):
            return node
        if len(node) != 1:
            raise _NotEvaluated(f"not a function: {node!r}")
        ((function, arguments),) = node.items()
        if function == "Ref":
            if arguments not in self.values:
                raise _NotEvaluated(f"unknown reference {arguments}")
            return self.values[arguments]
        if function == "Fn::Equals":
            left, right = arguments
            return _text(self.value(left)) == _text(self.value(right))
        if function == "Fn::Not":
            (condition,) = arguments if isinstance(arguments, list) else [arguments]
            return not self.truth(condition)
        if function == "Fn::And":
            return all(self.truth(condition) for condition in arguments)
        if function == "Fn::Or":
            return any(self.truth(condition) for condition in arguments)
        if function == "Fn::Contains":
            strings, string = arguments
            return _text(self.value(string)) in [_text(item) for item in self._list(strings)]
        if function == "Fn::EachMemberEquals":
            strings, string = arguments
            return all(_text(item) == _text(self.value(string)) for item in self._list(strings))
        if function == "Fn::EachMemberIn":
            to_check, to_match = arguments
            matches = [_text(item) for item in self._list(to_match)]
            return all(_text(item) in matches for item in self._list(to_check))
        raise _NotEvaluated(f"{function} is not evaluated")

    def _list(self, node: Any) -> list[Any]:
        value = self.value(node)
        return value if isinstance(value, list) else [value]


def _text(value: Any) -> Any:
    """Values compared as CloudFormation compares them: as strings (true/false for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return [_text(item) for item in value]
    return value


def check_rules(
    template: dict[str, Any],
    parameters: dict[str, Any],
    *,
    account_id: str,
    region: str,
    stack_name: str,
    notification_arns: list[str] | None = None,
) -> None:
    """Raise ValidationError (the AssertDescription) for the first assertion that does not hold."""
    rules = template.get("Rules") or {}
    if not rules:
        return
    partition = get_partition(region)
    values = {
        "AWS::AccountId": account_id,
        "AWS::Region": region,
        "AWS::Partition": partition,
        "AWS::URLSuffix": "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com",
        "AWS::StackName": stack_name,
        "AWS::NotificationARNs": list(notification_arns or []),
        **_parameter_values(template, parameters, account_id, region),
    }
    evaluator = _Evaluator(values)
    for name, rule in rules.items():
        try:
            if "RuleCondition" in rule and not evaluator.truth(rule["RuleCondition"]):
                continue
        except (_NotEvaluated, ValueError, TypeError) as error:
            logger.warning("rule %s: condition not evaluated (%s); its assertions are skipped", name, error)
            continue
        for assertion in rule.get("Assertions") or []:
            try:
                holds = evaluator.truth(assertion.get("Assert"))
            except (_NotEvaluated, ValueError, TypeError) as error:
                logger.warning("rule %s: assertion not evaluated (%s); it passes", name, error)
                continue
            if not holds:
                raise ValidationError(message=assertion.get("AssertDescription") or f"Rule {name} failed")


def _check(submission: Submission) -> None:
    check_rules(submission.template, submission.parameters, account_id=submission.backend.account_id,
                region=submission.backend.region_name, stack_name=submission.stack_name,
                notification_arns=submission.notification_arns)


def apply() -> None:
    _checks.add(_check)
