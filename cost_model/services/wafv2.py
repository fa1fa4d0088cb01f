"""AWS WAF: a web ACL's monthly fee, one fee per rule (a managed rule group is one rule), and its requests (an
assumed number a month); its logs are CloudWatch Logs vended logs, priced on the log group (cloudwatch.py) as any
other log group is, plus their ingestion here. AWS WAF pricing: 5.00 USD per web ACL a month, 1.00 USD per rule a
month, 0.60 USD per million requests; the AWS managed rule groups used here (IP reputation, common rule set, known
bad inputs) carry no subscription fee of their own (only Bot Control, Fraud Control and the like do)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cost_model.builder import Builder
from cost_model.templates import properties
from cost_model.words import counted, unit_price

#: Requests a web ACL inspects a month, assumed: every request to a small site's load balancer.
WAF_REQUESTS_MONTH = Decimal(1_000_000)
#: WAF's logs a month, assumed: a log record is about 1 to 1.5 KB, so 1 million requests write about 1.5 GB.
WAF_LOG_GB_MONTH = Decimal("1.5")

FREE = frozenset({"AWS::WAFv2::WebACLAssociation"})


def web_acl(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    rules = len(properties(resource).get("Rules") or [])
    b.line(name, "AWS WAF web ACL", 1, "web ACL", b.region.usd("waf_web_acl_month"), "month", stopped=True,
           after_destroy=retained)
    b.line(name, f"AWS WAF rules ({rules}: each managed rule group counts as one)", rules, "rule",
           b.region.usd("waf_rule_month"), "month", stopped=True, after_destroy=retained)
    price = b.region.usd("waf_request")
    b.line(name, f"AWS WAF requests: {counted(WAF_REQUESTS_MONTH)} a month, assumed (every request to the load "
                 f"balancer; {unit_price(price * 1_000_000)} per million)", WAF_REQUESTS_MONTH, "request", price,
           "month", stopped=True, after_destroy=retained)


def logging(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    b.line(name, f"WAF logs into CloudWatch Logs (vended logs): {WAF_LOG_GB_MONTH} GB a month, assumed (a record "
                 "of about 1.5 KB per request inspected)", WAF_LOG_GB_MONTH, "GB", b.region.usd("logs_ingestion_gb"),
           "month", stopped=True, after_destroy=retained)


PRICED = {"AWS::WAFv2::WebACL": web_acl, "AWS::WAFv2::LoggingConfiguration": logging}
