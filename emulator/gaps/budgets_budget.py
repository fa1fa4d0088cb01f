"""AWS::Budgets::Budget: a budget with its notifications, checked as AWS Budgets checks it.

moto 5.2.5 has the Budgets API but no CloudFormation type: the budget that
watches the bill is skipped. Its CreateBudget keeps the amount as given (a
number; AWS answers a string), and takes any notification.

As AWS does it (aws-resource-budgets-budget.md; CreateBudget, AWS Budgets API
reference):

* a COST budget has a BudgetLimit with an Amount above zero; TimeUnit is DAILY,
  MONTHLY, QUARTERLY or ANNUALLY; each notification's NotificationType is ACTUAL
  or FORECASTED, its ComparisonOperator GREATER_THAN, LESS_THAN or EQUAL_TO, its
  ThresholdType PERCENTAGE or ABSOLUTE_VALUE, with 1 to 11 subscribers of which at
  most 10 EMAIL (valid addresses) and 1 SNS; at most 5 notifications; all
  ``InvalidParameterException``;
* CloudFormation names the budget when BudgetName is not given; Ref is the name;
  BudgetName and NotificationsWithSubscribers replace it (both are
  createOnlyProperties in the resource's schema, aws-budgets-budget.json, as
  cfn-lint ships it), so a custom-named budget whose notifications change is
  refused; the rest is an UpdateBudget; deleting it is DeleteBudget (with its
  notifications).
"""

from __future__ import annotations

import re
from typing import Any

from moto.budgets.models import budgets_backends
from moto.core.common_models import CloudFormationModel

from emulator.gaps._install import register_cloudformation_model
from emulator.gaps._model import FillModel
from emulator.gaps._props import replacement_name
from emulator.gaps.exceptions import BudgetsInvalidParameterException as InvalidParameterException

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TIME_UNITS = {"DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"}


def _budget(properties: dict[str, Any], name: str) -> dict[str, Any]:
    budget = dict(properties["Budget"])
    budget["BudgetName"] = name
    limit = budget.get("BudgetLimit")
    if budget.get("BudgetType") == "COST" and not limit:
        raise InvalidParameterException("A cost budget needs a BudgetLimit")
    if limit:
        if float(limit["Amount"]) <= 0:
            raise InvalidParameterException("The budget limit amount must be greater than 0")
        budget["BudgetLimit"] = {"Amount": str(float(limit["Amount"])), "Unit": limit.get("Unit", "USD")}
    if budget.get("TimeUnit") not in _TIME_UNITS:
        raise InvalidParameterException(f"Invalid TimeUnit {budget.get('TimeUnit')}")
    return budget


def _notifications(properties: dict[str, Any]) -> list[dict[str, Any]]:
    entries = properties.get("NotificationsWithSubscribers") or []
    if len(entries) > 5:
        raise InvalidParameterException("A budget can have at most 5 notifications")
    for entry in entries:
        notification, subscribers = entry["Notification"], entry.get("Subscribers") or []
        if notification.get("NotificationType") not in ("ACTUAL", "FORECASTED"):
            raise InvalidParameterException(f"Invalid NotificationType {notification.get('NotificationType')}")
        if notification.get("ComparisonOperator") not in ("GREATER_THAN", "LESS_THAN", "EQUAL_TO"):
            raise InvalidParameterException(f"Invalid ComparisonOperator {notification.get('ComparisonOperator')}")
        if notification.get("ThresholdType", "PERCENTAGE") not in ("PERCENTAGE", "ABSOLUTE_VALUE"):
            raise InvalidParameterException(f"Invalid ThresholdType {notification.get('ThresholdType')}")
        emails = [s for s in subscribers if s.get("SubscriptionType") == "EMAIL"]
        topics = [s for s in subscribers if s.get("SubscriptionType") == "SNS"]
        if not subscribers or len(emails) > 10 or len(topics) > 1 or len(emails) + len(topics) != len(subscribers):
            raise InvalidParameterException("A notification has 1 to 11 subscribers: up to 10 EMAIL and 1 SNS")
        for subscriber in emails:
            if not _EMAIL.match(subscriber.get("Address", "")):
                raise InvalidParameterException(f"Invalid email address {subscriber.get('Address')}")
    return [dict(e) for e in entries]


class BudgetResource(FillModel, CloudFormationModel):
    def __init__(self, name: str, account_id: str):
        self.name = name
        self.account_id = account_id

    TYPE = "AWS::Budgets::Budget"
    ATTRIBUTES = {"Id": "name"}

    @staticmethod
    def _backend(account_id: str) -> Any:
        return budgets_backends[account_id]["aws"]

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> BudgetResource:
        properties = cloudformation_json["Properties"]
        name = properties["Budget"].get("BudgetName") or resource_name
        cls._backend(account_id).create_budget(account_id, _budget(properties, name), _notifications(properties))
        return cls(name, account_id)

    @classmethod
    def emulator_update(cls, resource: BudgetResource, old: dict[str, Any], new: dict[str, Any], account_id: str,
                        region: str) -> BudgetResource:
        old_name, new_name = old["Budget"].get("BudgetName"), new["Budget"].get("BudgetName")
        if old_name != new_name or old.get("NotificationsWithSubscribers") != new.get("NotificationsWithSubscribers"):
            name = replacement_name(old_name, new_name)
            return cls.create_from_cloudformation_json(name, {"Properties": new}, account_id, region)
        name = resource.name
        budget, notifications = _budget(new, name), _notifications(new)
        backend = cls._backend(account_id)
        backend.delete_budget(account_id, name)
        backend.create_budget(account_id, budget, notifications)
        return resource

    def delete(self, account_id: str, region_name: str) -> None:
        self._backend(self.account_id).delete_budget(self.account_id, self.name)


def apply() -> None:
    register_cloudformation_model(BudgetResource)
