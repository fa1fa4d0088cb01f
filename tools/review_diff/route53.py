"""Amazon Route 53 in the review: what a record's change does to the site's name (where it points, how long
resolvers keep the old answer, a name that stops resolving, a record Route 53 refuses to create)."""

from __future__ import annotations

from typing import Any, Optional

from cost_model.templates import properties, references, render_value
from tools.review_diff.model import LOAD_BALANCER, Change
from tools.review_diff.words import NONE, dns_name

# An alias record has no TTL of its own: Route 53 answers with the TTL of the AWS resource it routes traffic to
# (Route 53 Developer Guide, "Choosing between alias and non-alias records"), a fixed 60 seconds for a load balancer
# (Route 53 FAQ on DNS failover: alias records to ELB endpoints have a fixed TTL of 60 seconds).
ALIAS_TTL = "an alias record's TTL is its target's"
LOAD_BALANCER_TTL = "60 s for a load balancer"
# Route 53 refuses to create a record whose name and type already exist ("Tried to create resource record set ...
# but it already exists"), and CloudFormation creates new resources before it deletes the ones that go: a record
# that moves to another logical id fails (aws/aws-cdk issue 12564).
RECORD_EXISTS = ("CloudFormation creates new resources before it deletes the ones that go, and Route 53 refuses a "
                 "record whose name and type already exist (\"Tried to create resource record set ... but it already "
                 "exists\"; aws/aws-cdk issue 12564), so this update will fail and roll back; remove the old record in "
                 "one deploy and add the new one in the next (the name does not resolve in between)")


class RecordWords:
    """Site's words for DNS records (a mixin of tools/review_diff/site.py's Site)."""

    @staticmethod
    def record_key(props: dict[str, Any]) -> Optional[tuple[str, str, str, str]]:
        if not props:
            return None
        zone = props.get("HostedZoneId") or props.get("HostedZoneName")
        return (render_value(zone), dns_name(props.get("Name")), str(props.get("Type")),
                render_value(props.get("SetIdentifier", "")))

    @staticmethod
    def record(props: dict[str, Any]) -> str:
        return f"`{dns_name(props.get('Name'))}` ({props.get('Type', '?')})"

    def target(self, props: dict[str, Any], template: dict[str, dict[str, Any]]) -> str:
        """What a record answers: a load balancer (alias), another alias target, or its values."""
        alias = props.get("AliasTarget")
        if isinstance(alias, dict):
            balancers = sorted(r for r in references(alias) if (template.get(r) or {}).get("Type") == LOAD_BALANCER)
            if balancers:
                return f"load balancer {self.name(balancers[0])} (alias)"
            return f"`{render_value(alias.get('DNSName'))}` (alias)"
        values = props.get("ResourceRecords")
        if isinstance(values, list) and values:
            return ", ".join(self.ref(value) for value in values)
        return "nothing"

    @staticmethod
    def ttl(props: dict[str, Any], template: dict[str, dict[str, Any]]) -> str:
        alias = props.get("AliasTarget")
        if isinstance(alias, dict):
            balancer = any((template.get(r) or {}).get("Type") == LOAD_BALANCER for r in references(alias))
            return f"{ALIAS_TTL}: {LOAD_BALANCER_TTL}" if balancer else ALIAS_TTL
        return f"its TTL, {props['TTL']} s" if props.get("TTL") is not None else "its TTL"


    def failures(self) -> list[str]:
        return [f"FAILS: DNS record {self.name(new)} is created for {self.record(properties(self.head[new]))} while DNS "
                f"record {self.name(old)} still holds that name and type: {RECORD_EXISTS}."
                for old, new in sorted(self.moves.items())]

    def record_lines(self, change: Change) -> tuple[list[str], list[str]]:
        name = self.name(change.logical_id)
        if change.logical_id in self.moves or change.logical_id in self.moves.values():
            return [], []  # failures() says it
        if change.action == "add":
            props = properties(self.head[change.logical_id])
            return [], [f"DNS record {name} makes {self.record(props)} resolve to {self.target(props, self.head)}."]
        if change.action == "remove":
            props = properties(self.base[change.logical_id])
            return [f"Cuts off clients: DNS record {name} is deleted, so {self.record(props)} stops resolving once "
                    f"resolvers' cached answers expire ({self.ttl(props, self.base)}): the site can no longer be "
                    "reached by that name."], []
        if change.action != "update":
            return [], []
        old, new = properties(self.base[change.logical_id]), properties(self.head[change.logical_id])
        engine = self.summarizer.engine.resources.get(change.logical_id)
        changed = {p for p, impact in (engine.properties.items() if engine else ()) if impact != "none"}
        plain = []
        if changed & {"AliasTarget", "ResourceRecords"}:
            before, after = self.target(old, self.base), self.target(new, self.head)
            if before == after:
                after = f"the new {after} (it is replaced)"
            plain.append(f"{self.record(new)} now points at {after} instead of {before} (updated in place): resolvers "
                         f"follow within {self.ttl(old, self.base)}; until then some clients still reach {before}.")
        if "TTL" in changed:
            plain.append(f"{self.record(new)}: resolvers now keep its answer for {new.get('TTL', NONE)} s instead "
                         f"of {old.get('TTL', NONE)} s.")
        if "Type" in changed:
            return [f"Cuts off clients: `{dns_name(new.get('Name'))}` now answers {new.get('Type')} queries instead of "
                    f"{old.get('Type')} (updated in place, as `cdk diff` says): clients that look up its "
                    f"{old.get('Type')} record no longer find one."], plain
        return [], plain
