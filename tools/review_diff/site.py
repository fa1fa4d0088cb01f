"""The site's name and HTTPS in the review: one Site per stack review holds the words for certificates (acm.py),
listeners (elbv2.py), DNS records (route53.py) and the last wait (cloudformation.py), and what they share: the
names of things, a table row's details, what a replacement means here."""

from __future__ import annotations

from typing import Any, Optional

from cost_model.templates import properties, reference, references, render_value
from tools.review_diff.acm import CertificateWords
from tools.review_diff.cloudformation import WaitWords
from tools.review_diff.elbv2 import ListenerWords
from tools.review_diff.model import CERTIFICATE, LISTENER, LOAD_BALANCER, RECORD, WAIT_CONDITION, Change, Reviewed
from tools.review_diff.route53 import ALIAS_TTL, LOAD_BALANCER_TTL, RecordWords
from tools.review_diff.words import dns_name


class Site(CertificateWords, ListenerWords, RecordWords, WaitWords):
    """Plain words for the site's name and HTTPS: what AWS does when a certificate, a listener, a DNS record or the
    wait for the site changes, beyond the engine's verdict (which stays the engine's: these words never change an
    action). Where neither can know (which clients a TLS policy keeps, which names an imported certificate covers),
    the words say so."""

    def __init__(self, summarizer: Reviewed, changes: list[Change],
                 outputs: tuple[dict[str, Any], dict[str, Any]]) -> None:
        self.summarizer = summarizer
        self.base, self.head = summarizer.base, summarizer.head
        self.changes = {change.logical_id: change for change in changes}
        self.outputs = outputs
        # Records removed while another is added for the same zone, name and type: Route 53 refuses the new one.
        self.moves: dict[str, str] = {}
        added = {self.record_key(properties(self.head[c.logical_id])): c.logical_id for c in changes
                 if c.type == RECORD and c.action == "add"}
        for change in changes:
            if change.type != RECORD:
                continue
            new_id = change.new_logical_id if change.action == "replace" else None
            key = self.record_key(properties(self.base.get(change.logical_id)))
            if change.action == "remove" and key in added:
                self.moves[change.logical_id] = added[key]
            elif new_id and key == self.record_key(properties(self.head.get(new_id))):
                self.moves[change.logical_id] = new_id

    # Names of things.

    def name(self, logical_id: str) -> str:
        return f"`{self.summarizer.name(logical_id)}`"

    def ref(self, value: Any) -> str:
        """A resource of either template by its name; anything else (an ARN) as it is."""
        target = reference(value)
        if target is not None and (target in self.head or target in self.base):
            return self.name(target)
        return f"`{render_value(value)}`"

    def owned(self, value: Any) -> bool:
        """Whether ``value`` names a resource of either template (not an ARN from outside the stack)."""
        target = reference(value)
        return target is not None and (target in self.head or target in self.base)

    def details(self, resource: dict[str, Any], template: dict[str, dict[str, Any]]) -> Optional[str]:
        props = properties(resource)
        kind = resource.get("Type")
        if kind == CERTIFICATE:
            return f"{', '.join(self.certificate_names(props))}, {self.validation(props)[0]}"
        if kind == LISTENER:
            tls = [f"certificate {', '.join(self.ref(c) for c in self.presented(props))}"] if props.get("Certificates") \
                else []
            tls += [f"TLS policy {props['SslPolicy']}"] if props.get("SslPolicy") else []
            return ", ".join([self.listener(props), *tls, self.actions(props.get("DefaultActions"))])
        if kind == RECORD:
            return f"{self.record(props)} to {self.target(props, template)}"
        if kind == WAIT_CONDITION:
            signal = (resource.get("CreationPolicy") or {}).get("ResourceSignal") or {}
            if signal:
                return (f"waits for {signal.get('Count', 1)} signal(s) within {signal.get('Timeout', 'PT5M')} "
                        "(CreationPolicy)")
            return "a wait condition"
        return None

    # The words.


    def replaced(self, change: Change) -> str:
        """What a replacement means here, beyond REPLACEMENT_MEANS: which listeners switch, which names stop
        resolving or lose their certificate."""
        old = properties(self.base.get(change.logical_id))
        new_id = change.new_logical_id or change.logical_id
        new = properties(self.head.get(new_id))
        if change.type == CERTIFICATE:
            how, wait = self.validation(new)
            listeners = self.presenting(new_id, self.head)
            text = f"It is {how}: {wait}" + (f"; listener {', '.join(self.name(i) for i in listeners)} then presents "
                                              "it." if listeners else ".")
            lost = [name for name in self.certificate_names(old) if name not in self.certificate_names(new)]
            if lost and listeners:
                text += (f" From the switch on, clients that still ask for {', '.join(lost)} get a certificate error: "
                         "the new certificate does not cover that name.")
            return text
        if change.type == LOAD_BALANCER:
            records = sorted(i for i, r in self.head.items() if r.get("Type") == RECORD
                             and new_id in references(properties(r).get("AliasTarget")))
            if records:
                return (f"DNS record {', '.join(self.name(i) for i in records)} follows it (its alias target is updated "
                        "in place), but clients whose resolvers still hold the old load balancer's addresses "
                        f"({ALIAS_TTL}: {LOAD_BALANCER_TTL}) may fail once the old one is deleted in the update's "
                        "cleanup.")
            return ""
        if change.type == RECORD and change.logical_id not in self.moves:
            before, after = dns_name(old.get("Name")), dns_name(new.get("Name"))
            if before != after:
                return (f"{self.record(new)} resolves from then on; `{before}` stops resolving once the old record is "
                        f"deleted and resolvers' cached answers expire ({self.ttl(old, self.base)}): the site can no "
                        "longer be reached by that name.")
            if (self.record_key(old) or ("",))[0] != (self.record_key(new) or ("",))[0]:
                return (f"{self.record(new)} moves to another hosted zone: whether it still resolves depends on which "
                        "zone the domain is delegated to, which the template does not say.")
        return ""

    def lines(self, change: Change) -> tuple[list[str], list[str]]:
        """(bold, plain) lines for one change of a certificate, a listener, a record or a wait condition."""
        handler = {CERTIFICATE: self.certificate_lines, LISTENER: self.listener_lines, RECORD: self.record_lines,
                   WAIT_CONDITION: self.wait_lines}.get(change.type)
        return handler(change) if handler is not None else ([], [])
