"""Elastic Load Balancing in the review: what a listener's change does to clients (a port or protocol changed or
closed, a new TLS security policy, another certificate presented, other default actions such as a redirect)."""

from __future__ import annotations

from typing import Any

from cost_model.templates import properties, reference, render_value
from tools.review_diff.model import LISTENER, RECORD, Change
from tools.review_diff.words import NONE, depends_on, dns_name

# A 301 is "heuristically cacheable" (RFC 9110, section 15.4.2): a browser may keep following it from its cache.
CACHED_301 = "a 301 is cacheable by default, RFC 9110"
# What neither the engine nor this summary can know about a new TLS policy: which clients the site has.
TLS_UNKNOWN = ("neither `cdk diff` nor this summary knows which clients the site has: compare the two policies in "
               "Elastic Load Balancing's \"Security policies for your Application Load Balancer\", and see the "
               "ssl_protocol and ssl_cipher fields of the load balancer's access logs")
# Route 53 refuses to create a record whose name and type already exist ("Tried to create resource record set ...
# but it already exists"), and CloudFormation creates new resources before it deletes the ones that go: a record
_STATUS = {"HTTP_301": "a permanent redirect (HTTP 301)", "HTTP_302": "a temporary redirect (HTTP 302)"}


class ListenerWords:
    """Site's words for listeners and their actions (a mixin of tools/review_diff/site.py's Site)."""

    @staticmethod
    def presented(props: dict[str, Any]) -> list[Any]:
        """The certificates a listener presents (its CertificateArn values)."""
        return [c.get("CertificateArn") for c in props.get("Certificates") or [] if isinstance(c, dict)]

    def action(self, action: Any) -> str:
        """A listener action in words: ``forwards to target group `Servers```."""
        if not isinstance(action, dict):
            return render_value(action)
        kind = action.get("Type")
        if kind == "forward":
            config = action.get("ForwardConfig") or {}
            groups = [action["TargetGroupArn"]] if action.get("TargetGroupArn") else \
                [g.get("TargetGroupArn") for g in config.get("TargetGroups") or [] if isinstance(g, dict)]
            return "forwards to target group " + ", ".join(self.ref(group) for group in groups)
        if kind == "redirect":
            config = action.get("RedirectConfig") or {}
            how = _STATUS.get(config.get("StatusCode"), "a redirect")
            protocol = config.get("Protocol", "#{protocol}")
            port = config.get("Port", "#{port}")
            where = f"to {'the same protocol' if protocol == '#{protocol}' else protocol} on " \
                    f"{'the same port' if port == '#{port}' else f'port {port}'}"
            for key, default in (("Host", "#{host}"), ("Path", "/#{path}"), ("Query", "#{query}")):
                if config.get(key, default) != default:
                    where += f", {key.lower()} {config[key]}"
            return f"answers every request with {how} {where}"
        return f"does `{kind}`"  # fixed-response, authenticate-*: not what this app's listeners do

    def actions(self, actions: Any) -> str:
        if not isinstance(actions, list) or not actions:
            return "does nothing"
        ordered = sorted(actions, key=lambda a: a.get("Order", 0) if isinstance(a, dict) else 0)
        return ", then ".join(self.action(action) for action in ordered)

    def listener(self, props: dict[str, Any]) -> str:
        return f"port {props.get('Port', '?')} ({props.get('Protocol', '?')})"

    # What a table row says about an added or removed resource of these types.

    def listener_lines(self, change: Change) -> tuple[list[str], list[str]]:
        name = self.name(change.logical_id)
        if change.action in ("add", "remove"):
            template = self.head if change.action == "add" else self.base
            props = properties(template[change.logical_id])
            balancer = reference(props.get("LoadBalancerArn"))
            if balancer is None or balancer not in self.base or balancer not in self.head or \
                    (self.changes.get(balancer) and self.changes[balancer].action == "replace"):
                return [], []  # a new, replaced or removed load balancer: its own row says it
            if change.action == "add":
                tls = ""
                if props.get("Certificates"):
                    tls = (f" presents certificate {', '.join(self.ref(c) for c in self.presented(props))} with TLS "
                           f"security policy {props.get('SslPolicy', '(the default)')} and")
                return [], [f"Opens {self.listener(props)} on load balancer {self.name(balancer)}: listener {name}"
                            f"{tls} {self.actions(props.get('DefaultActions'))}."]
            scheme = str(props.get("Protocol", "")).lower() or "its"
            return [f"Cuts off clients: {self.listener(props)} of load balancer {self.name(balancer)} closes: listener "
                    f"{name} is deleted in the update's cleanup, so {scheme}:// addresses of the site on that port stop "
                    "answering."], []
        if change.action != "update":
            return [], []
        old, new = properties(self.base[change.logical_id]), properties(self.head[change.logical_id])
        engine = self.summarizer.engine.resources.get(change.logical_id)
        changed = sorted(p for p, impact in (engine.properties.items() if engine else ()) if impact != "none")
        bold, plain = [], []
        label = f"listener {name} on {self.listener(old)}"
        tls = str(new.get("Protocol", "")).upper() in ("HTTPS", "TLS")  # else certificates and policies serve nothing
        for prop in changed:
            if prop == "Port":
                bold.append(f"Cuts off clients: listener {name} moves from port {old.get('Port')} to {new.get('Port')} "
                            f"(updated in place): clients of port {old.get('Port')} can no longer connect there, and "
                            f"the load balancer's security group must let port {new.get('Port')} in.")
            elif prop == "Protocol":
                was = str(old.get("Protocol", "")).lower()
                bold.append(f"Cuts off clients: {label} speaks {new.get('Protocol')} instead of {old.get('Protocol')} "
                            f"(updated in place): clients that use {was}:// on port {old.get('Port')} can no longer "
                            "connect there.")
            elif prop == "SslPolicy" and tls:
                bold.append(f"May cut off clients: {label} changes its TLS security policy from "
                            f"{old.get('SslPolicy', '(the default)')} to {new.get('SslPolicy', '(the default)')} "
                            "(updated in place, no interruption): which TLS versions and ciphers clients can use "
                            "changes, and a client that supports none of the new policy's can no longer connect; "
                            f"{TLS_UNKNOWN}.")
            elif prop == "Certificates" and tls:
                plain.append(self.certificate_switch(f"L{label[1:]}", old, new))
            elif prop == "DefaultActions":
                plain.append(self.actions_switch(change.logical_id, f"L{label[1:]}", old, new))
        return bold, plain

    def certificate_switch(self, label: str, old: dict[str, Any], new: dict[str, Any]) -> str:
        before, after = self.presented(old), self.presented(new)
        text = (f"{label} presents certificate {', '.join(self.ref(c) for c in after) or NONE} instead of "
                f"{', '.join(self.ref(c) for c in before) or NONE} (updated in place, no interruption)")
        text += ", once ACM has issued it." if any(reference(c) in self.head and reference(c) not in self.base
                                                     for c in after) else "."
        old_names = [n for c in before if self.owned(c) for n in self.certificate_names(
            properties(self.base.get(reference(c)) or self.head.get(reference(c))))]
        new_names = [n for c in after if self.owned(c) for n in self.certificate_names(
            properties(self.head.get(reference(c)) or self.base.get(reference(c))))]
        imported = [c for c in after if not self.owned(c)]
        if imported:
            names = old_names or sorted({dns_name(properties(r).get("Name")) for r in self.head.values()
                                         if r.get("Type") == RECORD})
            covers = ", ".join(names) or "the site's name"
            text += (f" The template cannot say which names {', '.join(self.ref(c) for c in imported)} covers: check "
                     f"that it covers {covers} before deploying (`aws acm describe-certificate`).")
        elif old_names:
            lost = [name for name in old_names if name not in new_names]
            if lost:
                text += (f" Clients that still ask for {', '.join(lost)} get a certificate error from then on: the new "
                         "certificate does not cover that name.")
        for certificate in before:
            if not self.owned(certificate) and certificate not in after:
                text += f" {self.ref(certificate)} is not the stack's: it stays in ACM, untouched."
        return text

    def actions_switch(self, logical_id: str, label: str, old: dict[str, Any], new: dict[str, Any]) -> str:
        before, after = old.get("DefaultActions"), new.get("DefaultActions")
        text = f"{label} now {self.actions(after)} (until this deploy it {self.actions(before)})."

        def redirects(actions: Any) -> list[dict[str, Any]]:
            return [a.get("RedirectConfig") or {} for a in actions or [] if isinstance(a, dict)
                    and a.get("Type") == "redirect" and (a.get("RedirectConfig") or {}).get("StatusCode") == "HTTP_301"]

        balancer = reference(new.get("LoadBalancerArn"))

        def listeners_on(port: Any, template: dict[str, dict[str, Any]]) -> list[str]:
            return sorted(i for i, r in template.items() if r.get("Type") == LISTENER
                          and str(properties(r).get("Port")) == str(port)
                          and reference(properties(r).get("LoadBalancerArn")) == balancer)

        # A permanent redirect this change starts (none before) or stops (none after).
        started, stopped = ([] if redirects(before) else redirects(after)), ([] if redirects(after) else redirects(before))
        for config in started:
            text += (" Browsers follow it; clients that do not follow redirects get the 301 instead of the page, and "
                     f"browsers may remember it ({CACHED_301}).")
            port = config.get("Port")
            created = [i for i in listeners_on(port, self.head) if i not in self.base]
            if created and created[0] not in depends_on(self.head[logical_id]):
                certificates = [reference(c) for c in self.presented(properties(self.head[created[0]]))
                                if reference(c) in self.head and reference(c) not in self.base]
                wait = f", which CloudFormation creates only once ACM has issued certificate " \
                    f"{self.name(certificates[0])}" if certificates else ", which this update creates"
                text += (f" Nothing in the template makes this update wait for listener {self.name(created[0])} on "
                         f"port {port}{wait}: meanwhile port {new.get('Port')} may already redirect visitors to a port "
                         "that does not answer yet.")
        for config in stopped:
            text += (" Browsers that saw the permanent redirect may keep following it from their cache "
                     f"({CACHED_301})")
            port = config.get("Port")
            closed = [i for i in listeners_on(port, self.base) if i not in self.head]
            text += (f", to port {port}, which this change closes: for them the site does not answer until that "
                     "cached redirect expires." if closed else ".")
        return text
