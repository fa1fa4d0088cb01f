"""``Budget``: an AWS Budgets monthly cost budget for this stack, mailing at 80% forecast and 100% actual.

Filtered to the stack's own AWS-generated cost allocation tag, ``aws:cloudformation:stack-name``, which
must be activated once in the Billing console (Cost allocation tags) before costs carry it, and to the
stack's region: a stack of the same name in another region is another budget's. Budgets are per account,
so the name starts with ``<stack>-<region>``, which ``make audit`` finds after ``cdk destroy``. It ends with
a digest of the notifications: they cannot change in place (NotificationsWithSubscribers is create-only in
the resource's schema), and CloudFormation refuses to replace a resource whose custom name stays the same,
so a new ``alarm_email`` must come with a new name. The synth-time guard that refuses a stack estimated
above the budget is the app's (cost_model/budget_guard.py).
"""

from __future__ import annotations

import hashlib
import json

import aws_cdk as cdk
from aws_cdk import aws_budgets as budgets
from constructs import Construct


class Budget(Construct):
    """The budget and its two notifications."""

    def __init__(self, scope: Construct, id: str, *, amount_usd: float, email: str) -> None:
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        subscriber = budgets.CfnBudget.SubscriberProperty(subscription_type="EMAIL", address=email)

        def notify(kind: str, percent: int) -> budgets.CfnBudget.NotificationWithSubscribersProperty:
            return budgets.CfnBudget.NotificationWithSubscribersProperty(
                notification=budgets.CfnBudget.NotificationProperty(
                    notification_type=kind, comparison_operator="GREATER_THAN", threshold=percent,
                    threshold_type="PERCENTAGE"),
                subscribers=[subscriber])

        alerts = [("FORECASTED", 80), ("ACTUAL", 100)]
        digest = hashlib.sha256(json.dumps([alerts, email]).encode()).hexdigest()[:8]
        #: The budget.
        self.budget = budgets.CfnBudget(self, "Budget", budget=budgets.CfnBudget.BudgetDataProperty(
            budget_name=f"{stack.stack_name}-{stack.region}-{digest}",
            budget_type="COST", time_unit="MONTHLY",
            budget_limit=budgets.CfnBudget.SpendProperty(amount=amount_usd, unit="USD"),
            cost_filters={"TagKeyValue": [cdk.Fn.join("", ["aws:cloudformation:stack-name$", stack.stack_name])],
                          "Region": [stack.region]}),
            notifications_with_subscribers=[notify(kind, percent) for kind, percent in alerts])
