"""What the audit's lookups share: which tags make a resource the deployment's, EC2 filters, prices, error codes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, Optional

from cost_model.prices import RegionPrices

STACK_NAME_TAG = "aws:cloudformation:stack-name"
GIB = Decimal(2**30)
# Errors that mean "not ours to read" (another service's key, a topic in someone else's policy), not a failure.
NOT_OURS = ("AccessDeniedException", "AccessDenied", "AuthorizationError", "NotFoundException", "NotFound")


def tag_filters(tag_key: str, tag_value: str, stack_name: str | None) -> list[list[dict[str, Any]]]:
    """One filter list per way of belonging (EC2 filters AND, so ORs are separate calls)."""
    filter_sets = [[{"Name": f"tag:{tag_key}", "Values": [tag_value]}]]
    if stack_name:
        filter_sets.append([{"Name": f"tag:{STACK_NAME_TAG}", "Values": [stack_name]}])
    return filter_sets


def unique(items: Iterable[dict[str, Any]], key: str) -> Iterator[dict[str, Any]]:
    seen: set[str] = set()
    for item in items:
        if item[key] not in seen:
            seen.add(item[key])
            yield item


def name_tag(tags: list[dict[str, str]] | None) -> str:
    for tag in tags or []:
        if tag["Key"] == "Name":
            return f" ({tag['Value']})"
    return ""


def belongs(tags: Iterable[dict[str, Any]] | None, tag_key: str, tag_value: str, stack_name: str | None) -> bool:
    """True when ``tags`` (``[{"Key", "Value"}]``) carry the app's tag or the stack's name tag."""
    found = {tag.get("Key"): tag.get("Value") for tag in tags or []}
    return found.get(tag_key) == tag_value or bool(stack_name and found.get(STACK_NAME_TAG) == stack_name)



def price(prices: Optional[RegionPrices], key: str, quantity: Decimal) -> Optional[Decimal]:
    """``quantity`` units at the region's ``key`` figure a month; None where the price file has no such region."""
    return None if prices is None else quantity * prices.usd(key)


def error_code(error: Exception) -> str:
    return str(getattr(error, "response", {}).get("Error", {}).get("Code", ""))



def gibibytes(size: Decimal) -> str:
    return format(size.quantize(Decimal("0.01")).normalize(), "f")
