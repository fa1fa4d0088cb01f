"""``Budget``: an AWS Budgets monthly cost budget for this stack, mailing at 80% forecast and 100% actual.

Filtered to the stack's own AWS-generated cost allocation tag, ``aws:cloudformation:stack-name``, which
must be activated once in the Billing console (Cost allocation tags) before costs carry it, and to the
stack's region: a stack of the same name in another region is another budget's. Budgets are per account,
so the name is ``<stack>-<region>``, which ``make audit`` finds after ``cdk destroy``. The synth-time
guard that refuses a stack estimated above the budget is the app's (tools/budget_guard.py).
"""

from __future__ import annotations

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

        #: The budget.
        self.budget = budgets.CfnBudget(self, "Budget", budget=budgets.CfnBudget.BudgetDataProperty(
            budget_name=f"{stack.stack_name}-{stack.region}",
            budget_type="COST", time_unit="MONTHLY",
            budget_limit=budgets.CfnBudget.SpendProperty(amount=amount_usd, unit="USD"),
            cost_filters={"TagKeyValue": [cdk.Fn.join("", ["aws:cloudformation:stack-name$", stack.stack_name])],
                          "Region": [stack.region]}),
            notifications_with_subscribers=[notify("FORECASTED", 80), notify("ACTUAL", 100)])
