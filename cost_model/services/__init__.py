"""One module per AWS service: how each of its resource types is priced.

Each module declares
- ``PRICED``: resource type -> its pricing function (cost_model/builder.py's ``Pricer``);
- ``FREE`` (optional): resource types that cost nothing by themselves (their cost, if any, is counted on another
  resource), so they are not said to be "not priced";
- ``before(builder)`` / ``after(builder)`` (optional): what the service works out across the template before the
  resources are priced one by one (a schedule's running share) or after (the CloudWatch agent's logs, the hosted
  zones the stack only looks up).

A resource type no module names is listed as "not priced" in the estimate's notes. A new service is a new module
here and one entry in SERVICES (its position decides when its ``before``/``after`` run).
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from cost_model.builder import Builder, Pricer
from cost_model.services import (
    acm,
    autoscaling,
    awslambda,
    backup,
    budgets,
    capacity,
    cloudformation,
    cloudfront,
    cloudwatch,
    ec2,
    elbv2,
    iam,
    kms,
    route53,
    s3,
    scheduler,
    sns,
    ssm,
    wafv2,
)

SERVICES: tuple[ModuleType, ...] = (scheduler, ec2, capacity, autoscaling, elbv2, s3, awslambda, cloudwatch, kms, sns,
                                    backup, budgets, acm, route53, iam, ssm, cloudformation, wafv2, cloudfront)
PRICERS: dict[str, Pricer] = {kind: price for service in SERVICES for kind, price in service.PRICED.items()}
FREE_TYPES: frozenset[str] = frozenset(kind for service in SERVICES for kind in getattr(service, "FREE", ()))


def _hooks(name: str) -> list[Callable[[Builder], None]]:
    return [getattr(service, name) for service in SERVICES if hasattr(service, name)]


BEFORE = _hooks("before")
AFTER = _hooks("after")
