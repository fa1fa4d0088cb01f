"""A DNS-validated certificate, the site's records and the wait for it to answer, in the example zone."""

from __future__ import annotations

import cfn_scenario as cfn
import pytest

import emulator
from emulator import Emulator


def _zone_id(emu: Emulator) -> str:
    (zone,) = emu.client("route53").list_hosted_zones_by_name(DNSName=emulator.EXAMPLE_ZONE)["HostedZones"][:1]
    return zone["Id"].split("/")[-1]


def _records(emu: Emulator) -> dict[tuple[str, str], dict]:
    found = emu.client("route53").list_resource_record_sets(HostedZoneId=_zone_id(emu))["ResourceRecordSets"]
    return {(r["Name"], r["Type"]): r for r in found}


def _certificate(emu: Emulator, domain: str = "www.example.com", *, in_zone: bool = True) -> dict:
    option = {"DomainName": domain, "HostedZoneId": _zone_id(emu)} if in_zone else {"DomainName": domain}
    return {"Type": "AWS::CertificateManager::Certificate", "Properties": {
        "DomainName": domain, "ValidationMethod": "DNS", "DomainValidationOptions": [option]}}


def _record(emu: Emulator, name: str, values: list[str], kind: str = "A") -> dict:
    return {"Type": "AWS::Route53::RecordSet", "Properties": {
        "HostedZoneId": _zone_id(emu), "Name": name, "Type": kind, "TTL": "300", "ResourceRecords": values}}


def test_dns_validated_certificate_is_issued_with_its_record_in_the_zone(target: Emulator) -> None:
    body = cfn.template({"Cert": _certificate(target)}, outputs={"Arn": {"Value": {"Ref": "Cert"}}})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    acm = target.client("acm")
    arn = cfn.outputs(target)["Arn"]
    certificate = acm.describe_certificate(CertificateArn=arn)["Certificate"]
    assert certificate["Status"] == "ISSUED"
    (option,) = certificate["DomainValidationOptions"]
    record = _records(target)[(option["ResourceRecord"]["Name"], "CNAME")]
    assert record["ResourceRecords"] == [{"Value": option["ResourceRecord"]["Value"]}]
    assert cfn.delete(target) == "DELETE_COMPLETE"
    assert acm.list_certificates()["CertificateSummaryList"] == []
    # As in AWS, the validation record stays (free; the next certificate for this name uses it again).
    assert (option["ResourceRecord"]["Name"], "CNAME") in _records(target)


def test_certificate_outside_the_accounts_zones_is_not_issued(target: Emulator) -> None:
    acm = target.client("acm")
    arn = acm.request_certificate(DomainName="www.example.org", ValidationMethod="DNS")["CertificateArn"]
    assert acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"] == "PENDING_VALIDATION"
    body = cfn.template({"Cert": _certificate(target, "www.example.org", in_zone=False)})
    assert cfn.deploy(target, body) == "ROLLBACK_COMPLETE"
    assert any("cannot be validated" in f for f in cfn.failures(target)), cfn.failures(target)


def test_certificate_in_use_cannot_be_deleted(target: Emulator) -> None:
    assert cfn.deploy(target, cfn.template({"Cert": _certificate(target)})) == "CREATE_COMPLETE", \
        cfn.failures(target)
    acm = target.client("acm")
    arn = cfn.physical_id(target, "Cert")
    target.client("elb").create_load_balancer(
        LoadBalancerName="classic", AvailabilityZones=["us-east-1a"],
        Listeners=[{"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstancePort": 80, "SSLCertificateId": arn}])
    with pytest.raises(acm.exceptions.ClientError, match="ResourceInUse"):
        acm.delete_certificate(CertificateArn=arn)


def test_records_checked_as_route53_checks_them(target: Emulator) -> None:
    body = cfn.template({"Www": _record(target, "www.example.com.", ["192.0.2.10"])})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    body["Resources"]["Www"] = _record(target, "www.example.com.", ["192.0.2.20"])
    assert cfn.deploy(target, body) == "UPDATE_COMPLETE", cfn.failures(target)
    assert _records(target)[("www.example.com.", "A")]["ResourceRecords"] == [{"Value": "192.0.2.20"}]
    body["Resources"]["Again"] = _record(target, "www.example.com.", ["192.0.2.30"])
    assert cfn.deploy(target, body) == "UPDATE_ROLLBACK_COMPLETE"
    assert any("already exists" in f for f in cfn.failures(target))
    outside = cfn.template({"Www": _record(target, "www.example.org.", ["192.0.2.10"])})
    assert cfn.deploy(target, outside, stack="Outside") == "ROLLBACK_COMPLETE"
    assert any("is not permitted in zone" in f for f in cfn.failures(target, "Outside"))


def test_wait_condition_is_a_stack_resource(target: Emulator) -> None:
    body = cfn.template({
        "Www": _record(target, "www.example.com.", ["192.0.2.10"]),
        "SiteAnswers": {"Type": "AWS::CloudFormation::WaitCondition", "DependsOn": ["Www"],
                        "CreationPolicy": {"ResourceSignal": {"Count": 1, "Timeout": "PT20M"}}},
    }, outputs={"Data": {"Value": {"Fn::GetAtt": ["SiteAnswers", "Data"]}}})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    stack_id = target.client("cloudformation").describe_stacks(StackName=cfn.STACK)["Stacks"][0]["StackId"]
    assert cfn.physical_id(target, "SiteAnswers") == f"{stack_id}/SiteAnswers"
    assert cfn.outputs(target) == {"Data": "{}"}
    assert any("taken as received" in reason for reason in cfn.events(target, "SiteAnswers"))


def test_wait_condition_handle_is_a_stack_resource_whose_ref_is_a_url(target: Emulator) -> None:
    # The smallest stack there is (the bench's empty app, the bootstrap placeholder): one handle.
    body = cfn.template({"Nothing": {"Type": "AWS::CloudFormation::WaitConditionHandle"}},
                        outputs={"Url": {"Value": {"Ref": "Nothing"}}})
    assert cfn.deploy(target, body) == "CREATE_COMPLETE", cfn.failures(target)
    assert cfn.outputs(target)["Url"].startswith("https://cloudformation-waitcondition-us-east-1.s3.amazonaws.com/")
    assert cfn.physical_id(target, "Nothing") == cfn.outputs(target)["Url"]
    assert cfn.delete(target) == "DELETE_COMPLETE"


def _https_site(emu: Emulator, domain: str) -> dict:
    """A certificate for ``domain`` on an HTTPS listener of a load balancer."""
    return cfn.template({
        "Cert": _certificate(emu, domain),
        "Lb": {"Type": "AWS::ElasticLoadBalancingV2::LoadBalancer", "Properties": {
            "Scheme": "internet-facing", "Type": "application", "Subnets": cfn.subnets(emu)}},
        "Tg": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": {
            "Port": 80, "Protocol": "HTTP", "VpcId": cfn.default_vpc_id(emu), "TargetType": "instance"}},
        "Https": {"Type": "AWS::ElasticLoadBalancingV2::Listener", "Properties": {
            "LoadBalancerArn": {"Ref": "Lb"}, "Port": 443, "Protocol": "HTTPS",
            "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "Certificates": [{"CertificateArn": {"Ref": "Cert"}}],
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": {"Ref": "Tg"}}]}},
    })


def test_certificate_swap_moves_in_use_to_the_new_certificate(target: Emulator) -> None:
    # A new DomainName replaces the certificate; the listener is modified to the new one, and the old one,
    # no longer in use (ACM's InUseBy), is deleted in the clean-up phase. After the delete, none is left.
    acm = target.client("acm")
    assert cfn.deploy(target, _https_site(target, "www.example.com")) == "CREATE_COMPLETE", cfn.failures(target)
    old, balancer = cfn.physical_id(target, "Cert"), cfn.physical_id(target, "Lb")
    assert acm.describe_certificate(CertificateArn=old)["Certificate"]["InUseBy"] == [balancer]
    assert cfn.deploy(target, _https_site(target, "web.example.com")) == "UPDATE_COMPLETE", cfn.failures(target)
    new = cfn.physical_id(target, "Cert")
    assert new != old
    assert acm.describe_certificate(CertificateArn=new)["Certificate"]["InUseBy"] == [balancer]
    assert [c["CertificateArn"] for c in acm.list_certificates()["CertificateSummaryList"]] == [new]
    assert cfn.failures(target) == []  # the old certificate's delete did not fail
    assert cfn.delete(target) == "DELETE_COMPLETE", cfn.failures(target)
    assert acm.list_certificates()["CertificateSummaryList"] == []
