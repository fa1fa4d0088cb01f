"""Elastic Load Balancing: an Application Load Balancer's hours, its load balancer capacity units (LCUs: an assumed
average, ``--lcu``) and its public IPv4 addresses (one per Availability Zone it spans, at least). They keep costing
while the instances are stopped."""

from __future__ import annotations

from typing import Any

from cost_model.builder import Builder
from cost_model.templates import properties
from cost_model.words import plain

# A load balancer's listeners are in its hourly price; target groups cost nothing.
FREE = frozenset({"AWS::ElasticLoadBalancingV2::Listener", "AWS::ElasticLoadBalancingV2::TargetGroup"})


def load_balancer(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    props = properties(resource)
    if props.get("Type", "application") != "application":
        b.notes.append(f"not priced: {name} (a {props.get('Type')} load balancer)")
        return
    b.line(name, "Application Load Balancer hours", 1, "load balancer", b.region.usd("alb_hour"), "hour",
           stopped=True, after_destroy=retained)
    lcu = b.assumptions.lcu
    b.line(name, f"load balancer capacity units: {plain(lcu)} LCU an hour on average, assumed (one LCU is 25 "
                 "new connections a second, 3,000 active connections a minute, 1 GB processed an hour or 1,000 "
                 "rule evaluations a second, whichever is highest)", lcu, "LCU",
           b.region.usd("alb_lcu_hour"), "hour", stopped=True, after_destroy=retained)
    if props.get("Scheme", "internet-facing") == "internet-facing" and \
            props.get("IpAddressType") != "dualstack-without-public-ipv4":
        zones = len(props.get("Subnets") or props.get("SubnetMappings") or []) or 1
        b.line(name, "public IPv4 addresses of the load balancer (one per Availability Zone, at least)", zones,
               "address", b.region.usd("public_ipv4_hour"), "hour", stopped=True, after_destroy=retained)


PRICED = {"AWS::ElasticLoadBalancingV2::LoadBalancer": load_balancer}
