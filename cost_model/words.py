"""Numbers as the cost model's lines and the tools' tables write them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def money(value: Decimal, places: int = 2) -> str:
    """``$12.92``; ``places`` decimals, half up."""
    quantum = Decimal(1).scaleb(-places)
    return f"${value.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


def unit_price(value: Decimal) -> str:
    """A price as the price file has it, with at least two decimals: ``$0.0116``, ``$0.10``."""
    text = format(value.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return f"${whole}.{fraction.ljust(2, '0')}"


def counted(number: Decimal) -> str:
    """``1,000,000``; ``2.5``: a count as a person writes it."""
    number = Decimal(number)
    return f"{int(number):,}" if number == number.to_integral_value() else f"{number.normalize():,}"


def plain(number: Decimal) -> str:
    """``1``, ``0.5``: a number as a person writes it."""
    return format(Decimal(number).normalize(), "f")
