"""Amazon CloudFront: a distribution's requests and data transfer out to viewers, assumed, in its price class's
cheapest region (North America and Europe for PriceClass_100), after CloudFront's always-free tier (1 TB out and
10 million HTTP or HTTPS requests a month, per account). Data from an AWS origin (the load balancer) to CloudFront is
free. CloudFront pricing is global: the same whichever region the stack is in. A distribution that is disabled and
deleted by cdk destroy costs nothing after."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cost_model.builder import Builder
from cost_model.words import counted, unit_price

#: Requests viewers make a month, assumed (a small site).
CLOUDFRONT_REQUESTS_MONTH = Decimal(1_000_000)
#: Data transfer out to viewers a month, assumed: 1 million requests of about 50 KB each.
CLOUDFRONT_GB_MONTH = Decimal(50)


def distribution(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    free_requests = b.region.free_per_month("cloudfront_https_request")
    price = b.region.usd("cloudfront_https_request")
    billed = max(Decimal(0), CLOUDFRONT_REQUESTS_MONTH - free_requests)
    b.line(name, f"CloudFront HTTPS requests: {counted(CLOUDFRONT_REQUESTS_MONTH)} a month, assumed; the first "
                 f"{counted(free_requests)} a month of the account are free (then {unit_price(price * 10_000)} per "
                 "10,000, North America and Europe)", billed, "request", price, "month", stopped=True)
    free_gb = b.region.free_per_month("cloudfront_data_out_gb")
    gb_price = b.region.usd("cloudfront_data_out_gb")
    billed_gb = max(Decimal(0), CLOUDFRONT_GB_MONTH - free_gb)
    b.line(name, f"CloudFront data transfer out: {counted(CLOUDFRONT_GB_MONTH)} GB a month, assumed; the first "
                 f"{counted(free_gb)} GB a month of the account are free (then {unit_price(gb_price)} per GB); "
                 "from the load balancer to CloudFront is free", billed_gb, "GB", gb_price, "month", stopped=True)


PRICED = {"AWS::CloudFront::Distribution": distribution}
