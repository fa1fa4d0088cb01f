"""AWS Certificate Manager in the review: a certificate requested (how it is validated, what the deploy waits for)
or deleted, and the names a replaced one no longer covers."""

from __future__ import annotations

from typing import Any

from cost_model.templates import properties, references, render_value
from tools.review_diff.model import LISTENER, Change
from tools.review_diff.words import dns_name


class CertificateWords:
    """Site's words for certificates (a mixin of tools/review_diff/site.py's Site)."""

    @staticmethod
    def certificate_names(props: dict[str, Any]) -> list[str]:
        names = [props.get("DomainName")] + list(props.get("SubjectAlternativeNames") or [])
        return [dns_name(name) for name in names if isinstance(name, str)]

    @staticmethod
    def validation(props: dict[str, Any]) -> tuple[str, str]:
        """How ACM validates a new certificate, and what the deploy waits for. The AWS::CertificateManager::Certificate
        reference: validation is automatic with DNS validation in a Route 53 zone of the account; otherwise "the stack
        will remain in the CREATE_IN_PROGRESS state" until someone validates the request."""
        if props.get("ValidationMethod") == "DNS":
            zones = sorted({render_value(option["HostedZoneId"]) for option in props.get("DomainValidationOptions") or []
                            if isinstance(option, dict) and option.get("HostedZoneId")})
            if zones:
                return ("validated through DNS in hosted zone " + ", ".join(f"`{zone}`" for zone in zones),
                        "CloudFormation writes the validation record itself and waits until ACM issues it")
            return ("validated through DNS", "the deploy stays in progress until someone adds ACM's validation record to "
                    "the name's DNS and ACM issues it")
        return "validated by email", "the deploy stays in progress until someone approves ACM's email and ACM issues it"

    def presenting(self, certificate_id: str, template: dict[str, dict[str, Any]]) -> list[str]:
        """The listeners of ``template`` that present the certificate ``certificate_id``."""
        return sorted(i for i, r in template.items() if r.get("Type") == LISTENER
                      and certificate_id in references(properties(r).get("Certificates")))

    def certificate_lines(self, change: Change) -> tuple[list[str], list[str]]:
        name = self.name(change.logical_id)
        if change.action == "add":
            props = properties(self.head[change.logical_id])
            listeners = self.presenting(change.logical_id, self.head)
            then = f", before listener {', '.join(self.name(i) for i in listeners)} can present it" if listeners else ""
            how, wait = self.validation(props)
            return [], [f"Requests certificate {name} for {', '.join(self.certificate_names(props))} from ACM, {how}: "
                        f"{wait}{then}."]
        if change.action == "remove":
            props = properties(self.base[change.logical_id])
            return [], [f"Deletes certificate {name} ({', '.join(self.certificate_names(props))}) from ACM, last, in "
                        "the update's cleanup: after the listeners that presented it have changed or gone."]
        return [], []
