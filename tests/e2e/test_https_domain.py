"""HTTPS on a real name with the real CLI: the Auto Scaling tier in the emulator's example zone, then destroyed.

The certificate, the listeners and the record are read back from ACM, Elastic Load Balancing and Route 53.
"""

import pytest

import emulator
from tests.conftest import AUTOSCALING, synth
from tests.e2e.conftest import assembly, audit
from tools.deployment import describe_domain, describe_fleet

pytestmark = pytest.mark.e2e
NAME = f"www.{emulator.EXAMPLE_ZONE}"
DOMAIN = {**AUTOSCALING, "domain_name": NAME, "hosted_zone": emulator.EXAMPLE_ZONE}


@pytest.fixture(scope="module")
def site(cli, emu, tmp_synth_root):
    app = assembly(synth(DOMAIN, tmp_synth_root))
    cli.deploy(app=app)
    built = {"fleet": describe_fleet(emu), "domain": describe_domain(emu, emulator.EXAMPLE_ZONE),
             "outputs": cli.describe()["outputs"], "physical": cli.describe()["physical"]}
    cli.destroy(app=app)
    built["records_after"] = {k for k in describe_zone_records(emu)}
    built["certificates_after"] = emu.client("acm").list_certificates()["CertificateSummaryList"]
    built["audit"] = audit(emu)
    return built


def describe_zone_records(emu) -> dict:
    route53 = emu.client("route53")
    (zone,) = route53.list_hosted_zones_by_name(DNSName=emulator.EXAMPLE_ZONE)["HostedZones"][:1]
    return {(r["Name"], r["Type"]): r for r in route53.list_resource_record_sets(HostedZoneId=zone["Id"])[
        "ResourceRecordSets"]}


def test_certificate_issued_through_dns_in_the_zone(site):
    (certificate,) = site["domain"]["certificates"]
    assert (certificate["DomainName"], certificate["Status"]) == (NAME, "ISSUED")
    (option,) = certificate["DomainValidationOptions"]
    assert (option["ValidationMethod"], option["ValidationStatus"]) == ("DNS", "SUCCESS")
    assert (option["ResourceRecord"]["Name"], "CNAME") in site["domain"]["records"]
    assert site["outputs"]["CertificateArn"] == certificate["CertificateArn"]


def test_https_listener_with_the_certificate_and_the_tls13_policy(site):
    (balancer,) = site["fleet"]["load_balancers"]
    listeners = {listener["Port"]: listener for listener in balancer["Listeners"]}
    (certificate,) = site["domain"]["certificates"]
    assert listeners[443]["Protocol"] == "HTTPS"
    assert listeners[443]["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
    assert listeners[443]["Certificates"] == [{"CertificateArn": certificate["CertificateArn"]}]
    assert certificate["InUseBy"] == [balancer["LoadBalancerArn"]]  # ACM names the load balancer that uses it


def test_http_redirects_permanently_to_https(site):
    (balancer,) = site["fleet"]["load_balancers"]
    (http,) = [listener for listener in balancer["Listeners"] if listener["Port"] == 80]
    (action,) = http["DefaultActions"]
    assert action["Type"] == "redirect"
    assert (action["RedirectConfig"]["Protocol"], action["RedirectConfig"]["StatusCode"]) == ("HTTPS", "HTTP_301")


def test_name_resolves_to_the_load_balancer(site):
    (balancer,) = site["fleet"]["load_balancers"]
    alias = site["domain"]["records"][(f"{NAME}.", "A")]["AliasTarget"]
    assert alias["DNSName"].lower() == f"dualstack.{balancer['DNSName']}".lower()
    assert alias["HostedZoneId"] == balancer["CanonicalHostedZoneId"]


def test_site_url_on_its_name_and_the_wait_for_it(site):
    assert site["outputs"]["SiteUrl"] == f"https://{NAME}/"
    assert len(site["physical"]["AWS::CloudFormation::WaitCondition"]) == 1


def test_destroy_removes_certificate_and_record(site):
    assert site["certificates_after"] == []
    assert (f"{NAME}.", "A") not in site["records_after"]
    # AWS leaves the DNS validation CNAME in the zone (free; reused by the next certificate for the name).
    assert {t for _, t in site["records_after"]} == {"NS", "SOA", "CNAME"}
    assert site["audit"].returncode == 0, site["audit"].stdout + site["audit"].stderr
