"""The budget guard: a CDK validation plugin, registered beside cdk-nag, that prices the synthesized stack with
the project's own cost model (this package, the same as `make cost`) and fails the
synthesis when the monthly estimate is above ``monthly_budget_usd``, before anything is deployed.

Because it is a validation plugin, every synthesis runs it: `cdk synth`, `cdk deploy` and the tests.

What the template does not say is not guessed: a data volume restored from a snapshot without a size takes the
snapshot's, which only AWS knows. The guard checks the part it can price (such a volume counts as 0 GB) and, when
that is above the budget, its message names what it left out; below the budget it passes, and `make cost` shows the
volume's line with its size unknown.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import jsii

from cost_model.estimate import estimate_template
from cost_model.lines import Estimate
from cost_model.prices import Prices
from cost_model.templates import load_template

RULE = "MonthlyBudget"


@jsii.implements(cdk.IPolicyValidationPlugin)
class BudgetGuard:
    """Fail synthesis when ``stack_name``'s estimate for a month is above ``budget_usd``."""

    def __init__(self, *, budget_usd: float, stack_name: str, region: str) -> None:
        self._budget = budget_usd
        self._stack = stack_name
        self._region = region

    @property
    def name(self) -> str:
        return "web-server-budget-guard"

    @property
    def rule_ids(self) -> list[str]:
        return [RULE]

    @property
    def version(self) -> str:
        return "1.0.0"

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        violations = []
        for path in context.template_paths:
            if Path(path).name != f"{self._stack}.template.json":
                continue
            estimate = self.estimate(path)
            if float(estimate.monthly) > self._budget:
                violations.append(cdk.PolicyViolation(
                    rule_name=RULE, severity="error", description=self.message(estimate),
                    fix="raise monthly_budget_usd, or choose smaller or fewer resources (make cost shows each)",
                    violating_resources=[cdk.PolicyViolatingResource(
                        resource_logical_id=self._stack, template_path=path, locations=["Resources"])]))
        return cdk.PolicyValidationPluginReport(success=not violations, violations=violations)

    def estimate(self, template_path: str) -> Estimate:
        """The monthly estimate while running, as `make cost` shows it: day two's lines included (key, metrics, logs
        and backups at prices.json's assumptions), and the whole month even with a schedule, which stops the servers
        only while it stays enabled (`make cost` shows the month with the schedule beside it)."""
        template = load_template(template_path)
        return estimate_template(template, region=self._region, prices=Prices.load(), stack=self._stack)

    def message(self, estimate: Estimate) -> str:
        unknown = "; ".join(dict.fromkeys(f"{line.resource} ({line.unknown})" for line in estimate.unknowns()))
        left_out = f", not counting what is unknown offline: {unknown}" if unknown else ""
        return (f"monthly_budget_usd: got {self._budget!r}; the stack is estimated at ${float(estimate.monthly):,.2f} "
                f"a month in {self._region}{left_out} (make cost shows each line), above the budget")
