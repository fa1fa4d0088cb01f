"""AWS Certificate Manager: a public certificate costs nothing with Elastic Load Balancing; an exportable or private
one is named, not priced; the DNS validation record it leaves in the zone after destroy."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cost_model.builder import Builder
from cost_model.services.route53 import zone_used
from cost_model.templates import properties, render_value


def certificate(b: Builder, logical_id: str, name: str, resource: dict[str, Any], retained: bool) -> None:
    """An ACM certificate: a public one costs nothing (ACM pricing: public certificates provisioned through ACM
    are free for use with integrated services such as Elastic Load Balancing); an exportable or private one is
    charged and named, not priced. With DNS validation, cdk destroy leaves its validation record behind."""
    props = properties(resource)
    domains = ", ".join(render_value(d) for d in [props.get("DomainName"), *(props.get("SubjectAlternativeNames")
                                                                         or [])] if d is not None)
    if props.get("CertificateAuthorityArn") is not None:
        b.notes.append(f"not priced: {name} (a private certificate from AWS Private CA: ACM charges for each "
                       "one issued)")
        return
    if props.get("CertificateExport") == "ENABLED":
        b.notes.append(f"not priced: {name} (an exportable public certificate: ACM charges for each name at "
                       "issuance and at each renewal)")
        return
    method = props.get("ValidationMethod", "EMAIL")
    b.line(name, f"ACM public certificate for {domains} ({method}-validated): free (ACM's public certificates "
                 "cost nothing when used with Elastic Load Balancing and its other integrated services)",
           1, "certificate", b.region.usd("acm_public_certificate_month"), "month", stopped=True)
    for option in props.get("DomainValidationOptions") or []:
        zone_used(b, option.get("HostedZoneId"), name)
    if method == "DNS":
        # CloudFormation writes the validation CNAME into the zone and does not delete it with the certificate
        # (aws-cloudformation/cloudformation-coverage-roadmap#1603); records cost nothing beyond their zone.
        b.line(name, "DNS validation CNAME record left in the hosted zone by cdk destroy: free (records are "
                     "included in the zone's fee) and reused by the next certificate for the same name",
               1, "record", Decimal(0), "month", running=False, after_destroy=True)


PRICED = {"AWS::CertificateManager::Certificate": certificate}
