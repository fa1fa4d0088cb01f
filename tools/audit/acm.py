"""AWS Certificate Manager in the audit: certificates with the tag (or CDK's ``Name`` tag under the stack's path), and
the validation records the region's certificates still use."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from cost_model.prices import RegionPrices
from tools.audit.common import NOT_OURS, belongs, error_code, price
from tools.audit.report import Finding


def all_key_types(acm: Any) -> list[str]:
    """Every key algorithm ACM knows: ListCertificates returns only RSA_1024 and RSA_2048 certificates unless asked
    for others (ACM API reference, Filters.keyTypes)."""
    return list(acm.meta.service_model.shape_for("KeyAlgorithm").enum)


def certificates(acm: Any, region: str, prices: Optional[RegionPrices], tag_key: str, tag_value: str,
                 stack_name: str | None) -> list[Finding]:
    """ACM certificates with the app's tag, the stack's name tag, or a Name tag under the stack's construct path
    (CDK names a certificate after its path; CloudFormation does not put its aws:cloudformation tags on ACM
    certificates, aws-cloudformation/cloudformation-coverage-roadmap#1438): cdk destroy deletes them."""
    findings = []
    paginator = acm.get_paginator("list_certificates")
    for page in paginator.paginate(Includes={"keyTypes": all_key_types(acm)}):
        for summary in page["CertificateSummaryList"]:
            arn = summary["CertificateArn"]
            try:
                tags = acm.list_tags_for_certificate(CertificateArn=arn).get("Tags", [])
            except acm.exceptions.ClientError as error:
                if error_code(error) in (*NOT_OURS, "ResourceNotFoundException"):
                    continue  # deleted meanwhile, or not ours to read
                raise
            named = {tag["Key"]: tag.get("Value", "") for tag in tags}.get("Name", "")
            if not (belongs(tags, tag_key, tag_value, stack_name)
                    or (stack_name and named.startswith(f"{stack_name}/"))):
                continue
            described = acm.describe_certificate(CertificateArn=arn)["Certificate"]
            kind, users = described.get("Type", "?"), described.get("InUseBy") or []
            public = kind == "AMAZON_ISSUED" and (described.get("Options") or {}).get("Export") != "ENABLED"
            used = f", in use by {', '.join(users)}" if users else ""
            said = "; a public certificate costs nothing" if public else ""
            first = "; delete what uses it first (ACM refuses a certificate in use)" if users else ""
            findings.append(Finding(
                "certificate", arn, f"{described.get('DomainName', '?')}, {described.get('Status', '?')}, {kind}{used} "
                                    f"(cdk destroy deletes it{said}{first})",
                monthly=price(prices, "acm_public_certificate_month", Decimal(1)) if public else None,
                remove=(f"aws acm delete-certificate --certificate-arn {arn} --region {region}",)))
    return findings



def validation_records_in_use(acm: Any) -> set[str]:
    """The names of the validation CNAMEs the region's certificates use (DescribeCertificate's
    DomainValidationOptions), lower case, without the final dot."""
    used = set()
    for page in acm.get_paginator("list_certificates").paginate(Includes={"keyTypes": all_key_types(acm)}):
        for summary in page["CertificateSummaryList"]:
            try:
                described = acm.describe_certificate(CertificateArn=summary["CertificateArn"])["Certificate"]
            except acm.exceptions.ClientError as error:
                if error_code(error) in (*NOT_OURS, "ResourceNotFoundException"):
                    continue
                raise
            for option in described.get("DomainValidationOptions") or []:
                if option.get("ResourceRecord"):
                    used.add(option["ResourceRecord"]["Name"].rstrip(".").lower())
    return used
