"""AWS::CertificateManager::Certificate: DNS validation through the emulator's hosted zones.

moto 5.2.5 has the ACM API but no CloudFormation type: the certificate is
skipped, and the HTTPS listener that refers to it fails (``'CertificateArn'``).
Its RequestCertificate then marks a certificate ISSUED 60 seconds after the
request, whether or not anybody validated it; and DeleteCertificate deletes a
certificate a load balancer still uses.

As AWS does it:

* with DNS validation, CloudFormation writes each domain's validation CNAME into
  the HostedZoneId its DomainValidationOptions name, "if the certificate domain
  is hosted in Amazon Route 53 ... in your AWS account"
  (aws-resource-certificatemanager-certificate.md), and ACM issues the
  certificate once every domain's CNAME resolves ("Option 1: DNS validation",
  ACM user guide). Here a certificate is issued when each validation record is
  in a public hosted zone the emulator holds (the most specific zone for the
  name), with the value ACM gave: for one requested through the API as well;
* without that (email validation, or a domain in no zone of the account) the
  stack would stay CREATE_IN_PROGRESS until someone validates it, for up to 72
  hours: the emulator cannot wait, so the resource fails with that reason;
* Ref is the certificate's ARN; DomainName, SubjectAlternativeNames,
  DomainValidationOptions, ValidationMethod, KeyAlgorithm and
  CertificateAuthorityArn replace it, Tags and the transparency-logging
  preference change in place;
* DeleteCertificate of a certificate in use fails with ``ResourceInUseException``
  (ACM API reference); CloudFormation deletes the listener first;
* the validation CNAME stays in the zone when the certificate is deleted:
  CloudFormation does not remove it (open: aws-cloudformation/
  cloudformation-coverage-roadmap#1603, aws/aws-cdk#11201). It costs nothing,
  and ACM gives the same record to the next certificate for that name in the
  account, which is why it is left.
"""

from __future__ import annotations

from typing import Any

from moto.acm.models import AWSCertificateManagerBackend, CertBundle, acm_backends
from moto.core.common_models import CloudFormationModel
from moto.core.utils import utcnow
from moto.route53.models import route53_backends
from moto.utilities.utils import get_partition

from emulator.gaps._install import install, register_cloudformation_model
from emulator.gaps._model import FillModel
from emulator.gaps._props import changed, tag_changes
from emulator.gaps.exceptions import ACMResourceInUseError, CertificateNotValidatedError

_REPLACING = {"CertificateAuthorityArn", "DomainName", "DomainValidationOptions", "KeyAlgorithm",
              "SubjectAlternativeNames", "ValidationMethod"}
_moto_delete_certificate = AWSCertificateManagerBackend.delete_certificate


def _name(value: str) -> str:
    return value.rstrip(".").lower()


def validation_records(bundle: CertBundle) -> list[dict[str, str]]:
    """Each domain's validation CNAME (Name, Type, Value), as DescribeCertificate gives them."""
    options = bundle.describe()["Certificate"].get("DomainValidationOptions") or []
    return [o["ResourceRecord"] for o in options if o.get("ResourceRecord")]


def _zone_for(account_id: str, region: str, name: str) -> Any:
    """The most specific public hosted zone of the account that holds ``name`` (None if none does)."""
    zones = [z for z in route53_backends[account_id][get_partition(region)].zones.values()
             if not z.private_zone and (_name(name) == _name(z.name) or _name(name).endswith("." + _name(z.name)))]
    return max(zones, key=lambda z: len(z.name), default=None)


def _resolves(account_id: str, region: str, record: dict[str, str]) -> bool:
    zone = _zone_for(account_id, region, record["Name"])
    if zone is None:
        return False
    return any(_name(r.name) == _name(record["Name"]) and r.type == "CNAME"
               and any(_name(v) == _name(record["Value"]) for v in r.records or [])
               for r in zone.rrsets)


class CertBundleFill:
    """What moto's CertBundle gains (installed by :func:`apply`)."""

    def check(self) -> None:
        """ACM's validation: issued once every domain's CNAME resolves (moto's 60 s timer is not ACM)."""
        if self._not_valid_after(self._cert) <= utcnow():
            self.status = "EXPIRED"
            return
        if self.type == "AMAZON_ISSUED" and self.status == "PENDING_VALIDATION":
            _, _, _, region, account_id, _ = self.arn.split(":", 5)
            records = validation_records(self)
            if records and all(_resolves(account_id, region, r) for r in records):
                self.status = "ISSUED"


class AWSCertificateManagerBackendFill:
    """What moto's ACM backend gains (installed by :func:`apply`)."""

    def delete_certificate(self, arn: str) -> None:
        bundle = self.get_certificate(arn)
        if bundle.in_use_by:
            raise ACMResourceInUseError(f"Certificate {arn} in use by {', '.join(bundle.in_use_by)}")
        _moto_delete_certificate(self, arn)


class Certificate(FillModel, CloudFormationModel):
    """The CloudFormation side of an ACM certificate (the certificate is moto's CertBundle)."""

    def __init__(self, arn: str, account_id: str, region_name: str):
        self.arn = arn
        self.account_id = account_id
        self.region_name = region_name

    TYPE = "AWS::CertificateManager::Certificate"
    ID = "arn"

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> Certificate:
        properties = cloudformation_json["Properties"]
        backend = acm_backends[account_id][region_name]
        domain = properties["DomainName"]
        sans = list(properties.get("SubjectAlternativeNames") or [])
        arn = backend.request_certificate(
            domain, None, sans or [domain], list(properties.get("Tags") or []),
            cert_authority_arn=properties.get("CertificateAuthorityArn"),
            cert_options={"CertificateTransparencyLoggingPreference":
                          properties.get("CertificateTransparencyLoggingPreference", "ENABLED")},
        )
        bundle = backend.get_certificate(arn)
        if bundle.status == "PENDING_VALIDATION":
            if properties.get("ValidationMethod", "EMAIL") != "DNS":
                cls._give_up(backend, arn, "email validation")
            zones = {_name(o["DomainName"]): o.get("HostedZoneId")
                     for o in properties.get("DomainValidationOptions") or []}
            route53 = route53_backends[account_id][get_partition(region_name)]
            for option, record in zip(bundle.describe()["Certificate"]["DomainValidationOptions"],
                                      validation_records(bundle), strict=True):
                zone_id = zones.get(_name(option["DomainName"]))
                if zone_id and zone_id.replace("/hostedzone/", "") in route53.zones:
                    route53.change_resource_record_sets(zone_id, [{"Action": "UPSERT", "ResourceRecordSet": {
                        "Name": record["Name"], "Type": "CNAME", "TTL": "300",
                        "ResourceRecords": [{"Value": record["Value"]}]}}])
            bundle.check()
            if bundle.status != "ISSUED":
                cls._give_up(backend, arn, "a validation record in no hosted zone of this account")
        return cls(arn, account_id, region_name)

    @staticmethod
    def _give_up(backend: AWSCertificateManagerBackend, arn: str, why: str) -> None:
        backend.delete_certificate(arn)
        raise CertificateNotValidatedError(
            f"The certificate cannot be validated ({why}): in AWS the stack would stay CREATE_IN_PROGRESS until it "
            "is validated (up to 72 hours); the emulator does not wait")

    @classmethod
    def emulator_update(
        cls, certificate: Certificate, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> Certificate:
        differences = changed(old, new)
        if differences & _REPLACING:
            return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)
        backend = acm_backends[account_id][region]
        if "Tags" in differences:
            removed, _ = tag_changes(old.get("Tags"), new.get("Tags"))
            if removed:
                backend.remove_tags_from_certificate(certificate.arn, [{"Key": k} for k in removed])
            if new.get("Tags"):
                backend.add_tags_to_certificate(certificate.arn, new["Tags"])
        if "CertificateTransparencyLoggingPreference" in differences:
            backend.get_certificate(certificate.arn).cert_options["CertificateTransparencyLoggingPreference"] = \
                new.get("CertificateTransparencyLoggingPreference", "ENABLED")
        return certificate

    def delete(self, account_id: str, region_name: str) -> None:
        acm_backends[self.account_id][self.region_name].delete_certificate(self.arn)


def apply() -> None:
    install(CertBundle, CertBundleFill)
    install(AWSCertificateManagerBackend, AWSCertificateManagerBackendFill)
    register_cloudformation_model(Certificate)
