"""S3 bucket policies evaluated with their conditions, for the account's own requests.

moto 5.2.5 checks a bucket policy on object requests
(``FakeBucket.get_permission``), but a statement with a Condition it cannot
verify comes out DENIED, whatever its Effect. The usual TLS-only statement
(Deny s3:* to everyone when ``aws:SecureTransport`` is false: the CDK's
``enforce_ssl``, and the CDK bootstrap's own staging bucket) therefore denies
every PutObject: once the policy is on the bucket (``s3_bucket_policy``),
``cdk deploy`` cannot even publish its assets (HTTP 403).

As S3 evaluates it ("How Amazon S3 authorizes a request", S3 user guide; IAM
policy evaluation logic): a statement applies when its action, resource,
principal and *every* condition match; an applying Deny denies, an applying
Allow allows, and a statement whose condition is false does not apply. The
requester here is the account itself (``arn:aws:iam::<account>:root``), which
needs no Allow, so only a Deny that names it (``*``, ``{"AWS": "*"}``, the
account or its root) can refuse it; an Allow for everyone is what lets an
anonymous request in.

The request context: ``aws:SecureTransport`` is ``true``. Clients reach AWS over
TLS; the emulator's plain HTTP on loopback stands for that connection, and
evaluating it as insecure would make every TLS-only bucket unusable here. Other
keys are absent, so a condition on them is false (and ``...IfExists`` and
negated operators true), as IAM treats a missing key. Operators: the Bool,
String, Null and ArnLike/ArnEquals families.
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from moto.iam.access_control import PermissionResult
from moto.s3.models import FakeBucket

from emulator.gaps._install import install

#: What the emulator knows of a request.
REQUEST_CONTEXT = {"aws:securetransport": "true"}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _matches(patterns: Any, value: str) -> bool:
    return any(fnmatch.fnmatchcase(value, str(p)) for p in _as_list(patterns))


def _condition_holds(operator: str, key: str, expected: Any) -> bool:
    if_exists = operator.endswith("IfExists")
    base = operator[: -len("IfExists")] if if_exists else operator
    actual = REQUEST_CONTEXT.get(key.lower())
    expected_values = [str(v) for v in _as_list(expected)]
    if base == "Null":
        return (actual is None) == (expected_values[0].lower() == "true")
    if actual is None:
        return if_exists or base.startswith(("StringNot", "ArnNot"))
    if base == "Bool":
        return actual.lower() in [v.lower() for v in expected_values]
    if base in ("StringEquals", "ArnEquals"):
        return actual in expected_values
    if base == "StringEqualsIgnoreCase":
        return actual.lower() in [v.lower() for v in expected_values]
    if base in ("StringNotEquals", "ArnNotEquals"):
        return actual not in expected_values
    if base in ("StringLike", "ArnLike"):
        return _matches(expected_values, actual)
    if base in ("StringNotLike", "ArnNotLike"):
        return not _matches(expected_values, actual)
    return False  # an operator not evaluated here: the statement does not apply


def conditions_hold(conditions: dict[str, Any] | None) -> bool:
    return all(
        _condition_holds(operator, key, expected)
        for operator, entries in (conditions or {}).items()
        for key, expected in entries.items()
    )


def _names_everyone(principal: Any) -> bool:
    if principal == "*":
        return True
    return isinstance(principal, dict) and "*" in _as_list(principal.get("AWS", []))


def _names_account(principal: Any, account_id: str) -> bool:
    if _names_everyone(principal):
        return True
    if isinstance(principal, dict):
        named = [str(p) for p in _as_list(principal.get("AWS", []))]
        return account_id in named or f"arn:aws:iam::{account_id}:root" in named
    return False


class FakeBucketFill:
    """What moto's FakeBucket gains (installed by :func:`apply`)."""

    def get_permission(self, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        statements = _as_list(json.loads(self.policy).get("Statement") or [])
        result = PermissionResult.NEUTRAL
        for statement in statements:
            actions = statement.get("Action")
            if actions is not None and not _matches(actions, action):
                continue
            if "NotAction" in statement and _matches(statement["NotAction"], action):
                continue
            if not _matches(statement.get("Resource", "*"), resource):
                continue
            if not conditions_hold(statement.get("Condition")):
                continue
            principal = statement.get("Principal")
            if statement.get("Effect") == "Deny" and _names_account(principal, self.account_id):
                return PermissionResult.DENIED
            if statement.get("Effect") == "Allow" and _names_everyone(principal):
                result = PermissionResult.PERMITTED
        return result


def apply() -> None:
    install(FakeBucket, FakeBucketFill)
