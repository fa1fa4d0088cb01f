"""AWS::ElasticLoadBalancingV2::Listener: HTTPS checked as ELB checks it, tags, and deleted when removed.

moto 5.2.5's CreateListener takes any SslPolicy (it checks the name only on
ModifyListener), an HTTPS listener without a certificate, and a certificate that
ACM has not issued; the listener's ``Tags`` are dropped; and the model has no
delete, so a listener removed from the template by an update keeps serving.

As Elastic Load Balancing does it (CreateListener, ELB API reference;
aws-resource-elasticloadbalancingv2-listener.md):

* an HTTPS listener needs exactly one default certificate ("You must provide a
  list containing exactly one certificate if the listener protocol is HTTPS",
  moto's ModifyListener wording); the certificate must exist in ACM (or IAM) and
  be issued: a certificate still pending validation cannot be used
  (``CertificateNotFound``, "Certificate '<arn>' not found"; ACM's "Certificates
  that are not issued cannot be associated with other AWS services");
* the SslPolicy must be one ELB has (``SSLPolicyNotFound``; the list is moto's
  copy of DescribeSSLPolicies);
* LoadBalancerArn replaces the listener; everything else changes in place;
* deleting it (DeleteListener) frees its certificate and target groups.

moto 5.2.5 records a listener's certificate in ACM's ``InUseBy`` when the
listener is created (under the listener's ARN), never when it is modified or
deleted. ACM lists there "the ARNs of the AWS resources that are using the
certificate" (CertificateDetail, ACM API reference). For a load balancer it is
the load balancer's ARN (what ACM's console lists as the certificate's
associated resource; the reference names no resource type, so an assumption
from observed behaviour), for a certificate any of its listeners uses. It is kept true on every change
(CreateListener, ModifyListener, Add/RemoveListenerCertificates,
DeleteListener, DeleteLoadBalancer), so a certificate swapped out by an update
can be deleted in the clean-up phase, and one swapped in is in use.
"""

from __future__ import annotations

from typing import Any

from moto.elbv2.models import ELBv2Backend, FakeListener, elbv2_backends
from moto.elbv2.ssl_policies import SSL_POLICIES

from emulator.gaps._install import install
from emulator.gaps._props import changed, tag_changes
from emulator.gaps.exceptions import ELBCertificateNotFoundError, ELBSSLPolicyNotFoundError

_moto_create_listener = ELBv2Backend.create_listener
_moto_modify_listener = ELBv2Backend.modify_listener
_moto_delete_listener = ELBv2Backend.delete_listener
_moto_add_listener_certificates = ELBv2Backend.add_listener_certificates
_moto_remove_listener_certificates = ELBv2Backend.remove_listener_certificates
_POLICY_NAMES = set(SSL_POLICIES)
_SECURE = {"HTTPS", "TLS"}


def _check_certificate(backend: ELBv2Backend, certificate_arn: str) -> None:
    from moto.acm.models import CertificateNotFound, acm_backends

    if ":iam::" in certificate_arn:
        if not backend._certificate_exists(certificate_arn):
            raise ELBCertificateNotFoundError(f"Certificate '{certificate_arn}' not found")
        return
    try:
        bundle = acm_backends[backend.account_id][backend.region_name].get_certificate(certificate_arn)
    except CertificateNotFound:
        raise ELBCertificateNotFoundError(f"Certificate '{certificate_arn}' not found") from None
    if bundle.status != "ISSUED":
        raise ELBCertificateNotFoundError(f"Certificate '{certificate_arn}' not found")


def check_listener(backend: ELBv2Backend, protocol: str | None, ssl_policy: str | None,
                   certificates: list[str]) -> None:
    """What CreateListener checks for a secure listener."""
    if (protocol or "").upper() in _SECURE:
        if len(certificates) != 1:
            from moto.elbv2.exceptions import InvalidConfigurationRequest

            raise InvalidConfigurationRequest(
                "You must provide a list containing exactly one certificate if the listener protocol is HTTPS.")
        _check_certificate(backend, certificates[0])
    if ssl_policy and ssl_policy not in _POLICY_NAMES:
        raise ELBSSLPolicyNotFoundError(ssl_policy)


def record_certificate_users(backend: ELBv2Backend, load_balancer_arn: str) -> None:
    """ACM's InUseBy for this load balancer: on exactly the certificates its listeners use now."""
    from moto.acm.models import acm_backends

    balancer = backend.load_balancers.get(load_balancer_arn)
    used = {arn for listener in (balancer.listeners.values() if balancer else ())
            for arn in (listener.certificates or [])}
    # moto's CreateListener records the listener's ARN instead: those entries go too.
    listeners = load_balancer_arn.replace(":loadbalancer/", ":listener/", 1) + "/"
    for arn, bundle in acm_backends[backend.account_id][backend.region_name]._certificates.items():
        users = [user for user in bundle.in_use_by if user != load_balancer_arn and not user.startswith(listeners)]
        bundle.in_use_by = [*users, load_balancer_arn] if arn in used else users


def _balancer_of(backend: ELBv2Backend, listener_arn: str) -> str | None:
    return next((arn for arn, balancer in backend.load_balancers.items() if listener_arn in balancer.listeners), None)


class ELBv2BackendFill:
    """What moto's ELBv2Backend gains (installed by :func:`apply`)."""

    def create_listener(self, load_balancer_arn: str, protocol: str, port: str, ssl_policy: str,
                        certificate: str | None, actions: list[dict[str, Any]],
                        alpn_policy: list[str] | None = None, tags: list[dict[str, str]] | None = None) -> FakeListener:
        check_listener(self, protocol, ssl_policy, [certificate] if certificate else [])
        listener = _moto_create_listener(self, load_balancer_arn, protocol, port, ssl_policy, certificate, actions,
                                         alpn_policy, tags)
        record_certificate_users(self, load_balancer_arn)
        return listener

    def modify_listener(self, arn: str, *args: Any, **kwargs: Any) -> FakeListener:
        listener = _moto_modify_listener(self, arn, *args, **kwargs)
        record_certificate_users(self, listener.load_balancer_arn)
        return listener

    def add_listener_certificates(self, arn: str, certificates: list[dict[str, Any]]) -> list[str]:
        added = _moto_add_listener_certificates(self, arn, certificates)
        record_certificate_users(self, _balancer_of(self, arn) or "")
        return added

    def remove_listener_certificates(self, arn: str, certificates: list[dict[str, Any]]) -> None:
        _moto_remove_listener_certificates(self, arn, certificates)
        record_certificate_users(self, _balancer_of(self, arn) or "")

    def delete_listener(self, listener_arn: str) -> FakeListener:
        listener = _moto_delete_listener(self, listener_arn)
        record_certificate_users(self, listener.load_balancer_arn)
        return listener


def _certificates(properties: dict[str, Any]) -> list[str]:
    return [c["CertificateArn"] for c in properties.get("Certificates") or []]


class FakeListenerFill:
    """What moto's FakeListener gains (installed by :func:`apply`)."""

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str, **kwargs: Any
    ) -> FakeListener:
        properties = cloudformation_json["Properties"]
        backend = elbv2_backends[account_id][region_name]
        certificates = _certificates(properties)
        protocol = properties.get("Protocol")
        if (protocol or "").upper() in _SECURE and len(certificates) != 1:
            check_listener(backend, protocol, None, certificates)  # raises: exactly one certificate
        return backend.create_listener(
            properties["LoadBalancerArn"], protocol, properties.get("Port"), properties.get("SslPolicy"),
            certificates[0] if certificates else None, backend.convert_and_validate_properties(properties),
            properties.get("AlpnPolicy"), properties.get("Tags"),
        )

    @classmethod
    def emulator_update(
        cls, listener: FakeListener, old: dict[str, Any], new: dict[str, Any], account_id: str, region: str
    ) -> FakeListener:
        differences = changed(old, new)
        backend = elbv2_backends[account_id][region]
        if "LoadBalancerArn" in differences:
            return cls.create_from_cloudformation_json("", {"Properties": new}, account_id, region)
        check_listener(backend, new.get("Protocol"), new.get("SslPolicy"), _certificates(new))
        backend.modify_listener(
            listener.arn, new.get("Port"), new.get("Protocol"), new.get("SslPolicy"),
            [{"CertificateArn": arn} for arn in _certificates(new)], backend.convert_and_validate_properties(new),
        )
        if "Tags" in differences:
            removed, _ = tag_changes(old.get("Tags"), new.get("Tags"))
            if removed:
                backend.remove_tags([listener.arn], removed)
            if new.get("Tags"):
                backend.tagging_service.tag_resource(listener.arn, new["Tags"])
        return listener

    def delete(self, account_id: str, region_name: str) -> None:
        backend = elbv2_backends[account_id][region_name]
        balancer = backend.load_balancers.get(self.load_balancer_arn)
        if balancer is None or self.arn not in balancer.listeners:
            return  # went with its load balancer
        backend.delete_listener(self.arn)
        for target_group in backend.target_groups.values():
            if not backend._any_listener_using(target_group.arn):
                target_group.load_balancer_arns[:] = [
                    a for a in target_group.load_balancer_arns if a != self.load_balancer_arn]


def apply() -> None:
    install(ELBv2Backend, ELBv2BackendFill)
    install(FakeListener, FakeListenerFill)
