"""Amazon Route 53: each record's queries (an assumed number a month, ``--dns-queries``): free for an alias to a load
balancer, standard queries otherwise; a hosted zone the stack creates. A zone the stack only looks up is said in a
note (it costs a month's fee outside the stack), not counted."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cost_model.builder import Builder
from cost_model.templates import properties, references, render_value, resources
from cost_model.words import counted, money, unit_price

ZONES = "route53.zones"  # the builder's state: a hosted zone the stack uses but does not create -> who uses it


def record(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """A Route 53 record's queries, an assumed number a month: free for an alias to a load balancer (Route 53
    pricing: queries to alias records mapped to Elastic Load Balancing load balancers are free), standard
    queries (per million, tiered) otherwise. Its hosted zone's fee is the zone's."""
    props = properties(resource)
    zone_used(b, props.get("HostedZoneId"), name)
    if props.get("HostedZoneId") is None and props.get("HostedZoneName") is not None:
        zone_used(b, f"named {render_value(props.get('HostedZoneName'))}", name)
    label = f"{render_value(props.get('Name', name)).rstrip('.')} {render_value(props.get('Type', '?'))} record"
    queries = b.assumptions.dns_queries_month
    said = f"{counted(queries)} a month, assumed"
    millions = queries / 1_000_000
    alias = props.get("AliasTarget")
    if alias is not None and references(alias.get("DNSName")) & set(resources(b.template,
                                                                               "AWS::CloudFront::Distribution")):
        b.line(name, f"alias queries to {label} (to a CloudFront distribution): {said}; free (Route 53 does not "
                     "charge for queries to an alias to a CloudFront distribution)", millions, "million queries",
               b.region.usd("route53_alias_queries_elb_million"), "month", stopped=True)
        return
    if alias is not None and to_load_balancer(b, alias):
        b.line(name, f"alias queries to {label} (to a load balancer): {said}; free (Route 53 does not charge "
                     "for queries to an alias to an Elastic Load Balancing load balancer)", millions,
               "million queries", b.region.usd("route53_alias_queries_elb_million"), "month", stopped=True)
        return
    kind = "alias" if alias is not None else "standard"
    if alias is not None:
        b.notes.append(f"{name}: an alias to something other than a load balancer is priced as standard "
                       "queries (Route 53 does not charge for aliases to CloudFront, S3 websites, API Gateway "
                       "and a few more either)")
    if any(key in props for key in ("Region", "GeoLocation", "GeoProximityLocation", "CidrRoutingConfig")):
        b.notes.append(f"{name}: a latency, geolocation or IP-based record is priced as standard queries (its "
                       "queries cost more)")
    remaining, lower = millions, Decimal(0)
    for up_to, price in b.region.tiers("route53_standard_queries_million"):
        in_tier = remaining if up_to is None else min(remaining, Decimal(up_to) - lower)
        if in_tier > 0 or lower == 0:
            span = f"at the price of the first {counted(Decimal(up_to) * 1_000_000)} a month" \
                if up_to is not None and lower == 0 else f"those above {counted(lower * 1_000_000)} a month"
            b.line(name, f"{kind} queries to {label}: {said} ({span})", in_tier, "million queries", price,
                   "month", stopped=True)
        remaining -= max(in_tier, Decimal(0))
        lower = Decimal(up_to) if up_to is not None else lower
        if remaining <= 0:
            break


def to_load_balancer(b: Builder, alias: dict[str, Any]) -> bool:
    """True when an alias targets an Elastic Load Balancing load balancer: this template's, or one named by its
    DNS name (``*.elb.amazonaws.com``, ``*.elb.<region>.amazonaws.com``)."""
    balancers = set(resources(b.template, "AWS::ElasticLoadBalancingV2::LoadBalancer")) | \
        set(resources(b.template, "AWS::ElasticLoadBalancing::LoadBalancer"))
    if references(alias.get("DNSName")) & balancers:
        return True
    target = render_value(alias.get("DNSName")).rstrip(".").lower()
    return target.endswith(".elb.amazonaws.com") or (".elb." in target and target.endswith(".amazonaws.com"))


def hosted_zone(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """A hosted zone the stack creates: its monthly fee (the first 25 of an account; less beyond)."""
    zone = render_value(properties(resource).get("Name", name)).rstrip(".")
    figure = b.region.raw["route53_hosted_zone_month"]
    b.line(name, f"Route 53 hosted zone {zone} (one of an account's first {figure['first_zones']}; "
                 f"{unit_price(Decimal(figure['usd_beyond']))} a month each beyond)", 1, "hosted zone",
           b.region.usd("route53_hosted_zone_month"), "month", stopped=True, after_destroy=retained)


def zone_used(b: Builder, zone: Any, user: str) -> None:
    """Remember a hosted zone a record or certificate uses that this template does not create."""
    if zone is None or references(zone) & set(resources(b.template, "AWS::Route53::HostedZone")):
        return
    users = b.state.setdefault(ZONES, {}).setdefault(render_value(zone).replace("/hostedzone/", ""), [])
    if user not in users:
        users.append(user)


def after(b: Builder) -> None:
    """A note for each hosted zone the stack uses but does not create (looked up): it costs its monthly fee
    whether or not the stack exists, so it is not counted."""
    figure = b.region.raw.get("route53_hosted_zone_month")
    for zone, users in sorted(b.state.get(ZONES, {}).items()):
        price = f"{money(Decimal(figure['usd']))} a month (the first {figure['first_zones']} zones of an " \
                f"account; {money(Decimal(figure['usd_beyond']))} each beyond)" if figure else "its monthly fee"
        b.notes.append(f"the hosted zone {zone} that {' and '.join(users)} {'use' if len(users) > 1 else 'uses'} "
                       f"is looked up, not created by this stack: it exists outside the stack and costs {price} "
                       "before, during and after it; not counted here")

# The CloudWatch agent: custom metrics and logs, per instance (or per instance of a group)


PRICED = {"AWS::Route53::RecordSet": record, "AWS::Route53::HostedZone": hosted_zone}
