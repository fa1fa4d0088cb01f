"""The audit's findings and its report: a plain table, the commands that remove what it lists, a one-line verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from cost_model.words import money

# The kind of finding a dangling DNS record is (flagged whatever made it).
DANGLING = "dns-record"


@dataclass(frozen=True)
class Finding:
    """One leftover resource."""

    # instance, elastic-ip, volume, snapshot, key-pair, ssm-parameter, stack, load-balancer, target-group,
    # launch-template, auto-scaling-group, bucket, backup-vault, recovery-point, log-group, schedule, budget, kms-key,
    # sns-topic, certificate, dns-record (dangling), validation-record
    kind: str
    resource_id: str
    detail: str
    intended: bool = False
    monthly: Optional[Decimal] = None  # USD a month, where the price file knows it
    remove: tuple[str, ...] = ()  # the commands that delete it


@dataclass
class AuditReport:
    """Everything found for one tag (and stack name) in one region."""

    region: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def unintended(self) -> list[Finding]:
        return [f for f in self.findings if not f.intended]

    @property
    def clean(self) -> bool:
        """True when nothing but intended leftovers (snapshots, backup vaults and their recovery points, keys pending
        deletion, an access logs bucket kept on purpose) remains."""
        return not self.unintended

    @property
    def intended_monthly(self) -> Decimal:
        """What the intended leftovers cost a month (recovery points are in their vault's figure)."""
        return sum((f.monthly or Decimal(0) for f in self.findings if f.intended and f.kind != "recovery-point"),
                   Decimal(0))



def format_report(report: AuditReport, what: str) -> str:
    """A plain table, the commands that remove what it lists, then a one-line verdict."""
    lines = [f"Leftovers for {what} in {report.region}:"]
    if not report.findings:
        lines.append("  nothing found")
    else:
        rows = [("KIND", "ID", "DETAIL", "MONTHLY", "")] + [
            (f.kind, f.resource_id, f.detail, money(f.monthly) if f.monthly is not None else "",
             "intended" if f.intended else "DANGLING" if f.kind == DANGLING else "LEFT BEHIND")
            for f in report.findings
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            lines.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:4])) + "  " + row[4])
    kept = [f for f in report.findings if f.intended and f.remove and f.kind != "recovery-point"]
    if kept:
        lines.append(f"Intended leftovers cost {money(report.intended_monthly)} a month (where priced); once you "
                     "no longer need them, remove them with:")
        lines += [f"  {command}" for f in kept for command in f.remove]
    left = [f for f in report.unintended if f.remove and f.kind != DANGLING]
    if left:
        lines.append("cdk destroy removes these; remove what it left with:")
        lines += [f"  {command}" for f in left for command in f.remove]
    dangling = [f for f in report.unintended if f.kind == DANGLING]
    if dangling:
        lines.append("Dangling DNS records point at an address or load balancer the account no longer has, whatever made "
                     "them: anyone who is given that address can answer for the name. Check, then delete each with:")
        lines += [f"  {command}" for f in dangling for command in f.remove]
    count = len(report.unintended)
    said = f" ({len(dangling)} of them dangling DNS record(s))" if dangling else ""
    lines.append("OK: nothing unintended is left." if report.clean else
                 f"NOT CLEAN: {count} resource(s) left behind{said}.")
    return "\n".join(lines)
