"""AWS::CloudFront::Distribution: ``cloudfront=true``'s distribution in front of the load balancer, and deleting a
distribution as AWS deletes one.

moto 5.2.5 has the CloudFront API but no CloudFormation type for distributions: a template with one failed as not
modelled. And its DeleteDistribution deletes an enabled distribution, which CloudFront refuses
(``DistributionNotDisabled``: CloudFront API Reference, DeleteDistribution: "you must first disable the
distribution ... wait until the value of Status for the distribution is Deployed").

Here, as CloudFormation's handler does (AWS::CloudFront::Distribution; "Delete a distribution" in the CloudFront
Developer Guide):

* create: CreateDistributionWithTags with the template's DistributionConfig (CloudFormation's lists become the
  API's ``{Quantity, Items}``) and a caller reference of CloudFormation's; Ref is the distribution's ID, Fn::GetAtt
  answers ``Id`` and ``DomainName`` (``<id>.cloudfront.net``), the schema's readOnlyProperties;
* a viewer certificate from ACM must be in us-east-1 (``InvalidViewerCertificate``: CloudFront takes no other
  region's), and its aliases need one;
* update: UpdateDistribution in place (the schema has no createOnly property);
* delete: first an UpdateDistribution with ``Enabled: false`` and a wait until it is Deployed (on AWS, minutes:
  every edge location must have it disabled), then DeleteDistribution; the stack's events say so.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from moto.cloudfront.models import CloudFrontBackend, cloudfront_backends
from moto.core.common_models import CloudFormationModel

from emulator.gaps._install import install, register_cloudformation_model
from emulator.gaps._model import FillModel
from emulator.gaps.exceptions import DistributionNotDisabled, InvalidViewerCertificate

_ACM_ARN = re.compile(r"arn:aws[a-z-]*:acm:([a-z0-9-]+):")


def _listed(items: Any) -> dict[str, Any]:
    items = list(items or [])
    return {"Quantity": len(items), "Items": items}


def _behavior(cfn: dict[str, Any]) -> dict[str, Any]:
    behavior = dict(cfn)
    if "AllowedMethods" in cfn:
        behavior["AllowedMethods"] = {**_listed(cfn["AllowedMethods"]),
                                      "CachedMethods": _listed(cfn.get("CachedMethods") or ["GET", "HEAD"])}
    return behavior


def api_config(cfn: dict[str, Any], caller_reference: str) -> dict[str, Any]:
    """CloudFormation's DistributionConfig as the CloudFront API takes it."""
    config = {key: value for key, value in cfn.items()
              if key not in ("Aliases", "Origins", "DefaultCacheBehavior", "CacheBehaviors", "ViewerCertificate",
                             "IPV6Enabled")}
    config["CallerReference"] = caller_reference
    config["Comment"] = cfn.get("Comment", "")
    config["Aliases"] = _listed(cfn.get("Aliases"))
    origins = []
    for origin in cfn.get("Origins") or []:
        origin = dict(origin)
        custom = dict(origin.get("CustomOriginConfig") or {})
        if custom:
            custom.setdefault("HTTPPort", 80)
            custom.setdefault("HTTPSPort", 443)
            custom["OriginSslProtocols"] = _listed(custom.pop("OriginSSLProtocols", ["TLSv1.2"]))
            origin["CustomOriginConfig"] = custom
        origins.append(origin)
    config["Origins"] = _listed(origins)
    config["DefaultCacheBehavior"] = _behavior(cfn["DefaultCacheBehavior"])
    if cfn.get("CacheBehaviors"):
        config["CacheBehaviors"] = _listed([_behavior(b) for b in cfn["CacheBehaviors"]])
    viewer = cfn.get("ViewerCertificate")
    if viewer:
        arn = viewer.get("AcmCertificateArn")
        match = _ACM_ARN.match(arn or "")
        if arn and (match is None or match.group(1) != "us-east-1"):
            raise InvalidViewerCertificate("The specified SSL certificate doesn't exist, isn't in us-east-1 region, "
                                           "isn't valid, or doesn't include a valid certificate chain.")
        config["ViewerCertificate"] = {"ACMCertificateArn": arn, "SSLSupportMethod": viewer.get("SslSupportMethod"),
                                       "MinimumProtocolVersion": viewer.get("MinimumProtocolVersion"),
                                       "CloudFrontDefaultCertificate": bool(viewer.get("CloudFrontDefaultCertificate"))}
    elif cfn.get("Aliases"):
        raise InvalidViewerCertificate("To add an alternate domain name (CNAME) to a CloudFront distribution, you "
                                       "must attach a trusted certificate that validates your authorization to use "
                                       "the domain name.")
    config["IsIPV6Enabled"] = cfn.get("IPV6Enabled", False)
    return config


def _backend(account_id: str) -> Any:
    return cloudfront_backends[account_id]["aws"]


class Distribution(FillModel, CloudFormationModel):
    TYPE = "AWS::CloudFront::Distribution"
    ID = "distribution_id"
    ATTRIBUTES = {"Id": "distribution_id", "DomainName": "domain_name"}

    def __init__(self, distribution: Any, caller_reference: str, account_id: str) -> None:
        self.distribution_id, self.domain_name = distribution.distribution_id, distribution.domain_name
        self.caller_reference, self.account_id = caller_reference, account_id

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> Distribution:
        props = cloudformation_json["Properties"]
        reference = f"{resource_name}-{uuid.uuid4()}"
        distribution, _, _ = _backend(account_id).create_distribution_with_tags(
            api_config(props["DistributionConfig"], reference), props.get("Tags") or [])
        return cls(distribution, reference, account_id)

    @classmethod
    def emulator_update(cls, distribution: Distribution, old: dict[str, Any], new: dict[str, Any], account_id: str,
                        region: str) -> Distribution:
        _backend(account_id).update_distribution(
            api_config(new["DistributionConfig"], distribution.caller_reference), distribution.distribution_id, True)
        return distribution

    def delete(self, account_id: str, region_name: str) -> None:
        backend = _backend(self.account_id)
        if self.distribution_id not in backend.distributions:
            return
        found = backend.distributions[self.distribution_id]
        # As CloudFormation does: disable, wait for Deployed, then delete (minutes on AWS).
        found.distribution_config.Enabled = False
        found.status = "Deployed"
        backend.delete_distribution(self.distribution_id, True)


class CloudFrontBackendFill:
    """DeleteDistribution refuses a distribution that is still enabled, as CloudFront does."""

    def delete_distribution(self, distribution_id: str, if_match: bool) -> None:
        found = self.distributions.get(distribution_id)
        if found is not None and if_match and getattr(found.distribution_config, "Enabled", False) in (True, "true"):
            raise DistributionNotDisabled()
        return _original_delete(self, distribution_id, if_match)


_original_delete = CloudFrontBackend.delete_distribution


def apply() -> None:
    install(CloudFrontBackend, CloudFrontBackendFill)
    register_cloudformation_model(Distribution)
