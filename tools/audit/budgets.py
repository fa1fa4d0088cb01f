"""AWS Budgets in the audit: budgets named after the stack or filtering on its tag (account-wide)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tools.audit.common import STACK_NAME_TAG
from tools.audit.report import Finding


def account_budgets(budgets: Any, account: str, tag_key: str, tag_value: str, stack_name: str | None) -> list[Finding]:
    """AWS Budgets budgets named after the stack, or filtering costs on its tag or the app's: cdk destroy deletes
    them. Budgets are account-wide, not regional."""
    ours = {f"user:{tag_key}${tag_value}", f"{tag_key}${tag_value}"}
    if stack_name:
        ours.add(f"{STACK_NAME_TAG}${stack_name}")
    findings = []
    for page in budgets.get_paginator("describe_budgets").paginate(AccountId=account):
        for budget in page.get("Budgets", []):
            name = budget["BudgetName"]
            filters = set((budget.get("CostFilters") or {}).get("TagKeyValue") or [])
            if not (filters & ours or (stack_name and name.startswith(stack_name))):
                continue
            limit = budget.get("BudgetLimit") or {}
            findings.append(Finding(
                "budget", name, f"{limit.get('Amount', '?')} {limit.get('Unit', '')} "
                                f"{str(budget.get('TimeUnit', '')).lower()} (cdk destroy deletes it; free without "
                                "actions)", monthly=Decimal(0),
                remove=(f"aws budgets delete-budget --account-id {account} --budget-name {name}",)))
    return findings
