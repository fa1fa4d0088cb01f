"""A real name and HTTPS: the certificate, the TLS listener and its redirect, the record, and the last wait."""

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_route53 as route53
from aws_cdk.assertions import Match, Template

from constants import EXAMPLE_ACCOUNT, EXAMPLE_REGION
from ec2_web_server import AutoScaling, SettingError, WebServer
from tests.conftest import base_context
from tests.unit.test_validation import build

IMAGE = ec2.MachineImage.generic_linux({EXAMPLE_REGION: "ami-0123456789abcdef0"})
CERTIFICATE = f"arn:aws:acm:{EXAMPLE_REGION}:{EXAMPLE_ACCOUNT}:certificate/0123abcd-0123-4567-89ab-0123456789ab"


def web(**props) -> tuple[WebServer, Template]:
    stack = cdk.Stack(cdk.App(context=base_context()), "Named",
                      env=cdk.Environment(account=EXAMPLE_ACCOUNT, region=EXAMPLE_REGION))
    if props.pop("zone", True):
        props["hosted_zone"] = route53.HostedZone.from_hosted_zone_attributes(
            stack, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com")
    if "certificate_arn" in props:
        props["certificate"] = acm.Certificate.from_certificate_arn(stack, "Cert", props.pop("certificate_arn"))
    server = WebServer(stack, "Web", machine_image=IMAGE, domain_name="www.example.com", **props)
    return server, Template.from_stack(stack)


def listeners(template: Template) -> dict[int, dict]:
    return {r["Properties"]["Port"]: r["Properties"]
            for r in template.find_resources("AWS::ElasticLoadBalancingV2::Listener").values()}


def test_autoscaling_with_a_zone_gets_a_dns_validated_certificate_and_https():
    server, template = web(auto_scaling=AutoScaling())
    template.has_resource_properties("AWS::CertificateManager::Certificate", {
        "DomainName": "www.example.com", "ValidationMethod": "DNS",
        "DomainValidationOptions": [{"DomainName": "www.example.com", "HostedZoneId": "Z0123456789ABCDEFGHIJ"}]})
    ports = listeners(template)
    assert ports[443]["Protocol"] == "HTTPS"
    assert ports[443]["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
    assert ports[80]["DefaultActions"] == [{"Type": "redirect", "RedirectConfig": {
        "Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}]
    assert server.url == "https://www.example.com/"


def test_the_record_is_an_alias_to_the_load_balancer():
    _, template = web(auto_scaling=AutoScaling())
    template.has_resource_properties("AWS::Route53::RecordSet", {
        "Name": "www.example.com.", "Type": "A", "HostedZoneId": "Z0123456789ABCDEFGHIJ",
        "AliasTarget": {"DNSName": Match.any_value(), "HostedZoneId": {"Fn::GetAtt": [Match.any_value(),
                                                                                      "CanonicalHostedZoneID"]}}})


def test_the_load_balancer_opens_443_only_with_https():
    _, with_https = web(auto_scaling=AutoScaling())
    _, without = web(auto_scaling=AutoScaling(), https=False)

    def ports(template):
        groups = template.find_resources("AWS::EC2::SecurityGroup",
                                         {"Properties": {"GroupDescription": Match.string_like_regexp("load balancer")}})
        (group,) = groups.values()
        return sorted({rule["FromPort"] for rule in group["Properties"]["SecurityGroupIngress"]})

    assert ports(with_https) == [80, 443]
    assert ports(without) == [80]
    assert set(listeners(without)) == {80}


def test_an_existing_certificate_is_used_instead_of_a_new_one():
    _, template = web(auto_scaling=AutoScaling(), certificate_arn=CERTIFICATE)
    template.resource_count_is("AWS::CertificateManager::Certificate", 0)
    assert listeners(template)[443]["Certificates"] == [{"CertificateArn": CERTIFICATE}]


def test_an_existing_certificate_needs_no_zone_and_makes_no_record():
    _, template = web(auto_scaling=AutoScaling(), certificate_arn=CERTIFICATE, zone=False)
    template.resource_count_is("AWS::Route53::RecordSet", 0)
    assert 443 in listeners(template)


def test_single_tier_with_a_name_points_an_a_record_at_the_elastic_ip():
    server, template = web()
    (eip,) = template.find_resources("AWS::EC2::EIP")
    template.has_resource_properties("AWS::Route53::RecordSet", {
        "Name": "www.example.com.", "Type": "A", "ResourceRecords": [{"Ref": eip}]})
    template.resource_count_is("AWS::ElasticLoadBalancingV2::LoadBalancer", 0)
    assert server.url == "http://www.example.com/"


def test_single_tier_with_https_puts_a_load_balancer_in_front_of_the_server():
    server, template = web(https=True)
    ports = listeners(template)
    assert ports[443]["Protocol"] == "HTTPS"
    (instance,) = template.find_resources("AWS::EC2::Instance")
    template.has_resource_properties("AWS::ElasticLoadBalancingV2::TargetGroup",
                                     {"Targets": [{"Id": {"Ref": instance}, "Port": 80}]})
    # The server takes HTTP from the load balancer only; port 443 opens on the load balancer alone.
    instance_group = template.find_resources("AWS::EC2::SecurityGroup", {"Properties": {
        "GroupDescription": Match.string_like_regexp("web server firewall")}})
    (group,) = instance_group.values()
    assert "SecurityGroupIngress" not in group["Properties"]
    template.has_resource_properties("AWS::EC2::SecurityGroupIngress", {
        "FromPort": 80, "GroupId": {"Fn::GetAtt": [next(iter(instance_group)), "GroupId"]},
        "SourceSecurityGroupId": Match.any_value()})
    assert server.url == "https://www.example.com/"


@pytest.mark.parametrize("props", [{"auto_scaling": AutoScaling()}, {}, {"https": True}],
                         ids=["autoscaling", "single", "single-https"])
def test_the_deploy_ends_only_once_the_site_answers_on_its_name(props):
    server, template = web(**props)
    (wait_id, wait), = template.find_resources("AWS::CloudFormation::WaitCondition").items()
    assert wait["CreationPolicy"] == {"ResourceSignal": {"Count": 1, "Timeout": "PT20M"}}
    depends = set(wait["DependsOn"])
    assert any(r.startswith("WebDomain") for r in depends)  # the record
    if server.load_balancer is not None:
        assert {k for k in template.find_resources("AWS::ElasticLoadBalancingV2::Listener")} <= depends
    # Each instance checks the name, then signals that wait condition.
    data = (template.find_resources("AWS::EC2::LaunchTemplate") or template.find_resources("AWS::EC2::Instance"))
    script = "".join(_strings(next(iter(data.values()))))
    assert f"export WEB_SERVER_SITE_URL='{server.url}'" in script
    assert f"--resource {wait_id}" in script


def test_https_on_a_single_server_updates_its_record_in_place():
    # One logical id for the plain A record and the alias: a second id would be created while the first still
    # holds the name and type, and Route 53 refuses that.
    _, plain = web()
    _, alias = web(https=True)
    (plain_id, plain_record), = plain.find_resources("AWS::Route53::RecordSet").items()
    (alias_id, alias_record), = alias.find_resources("AWS::Route53::RecordSet").items()
    assert plain_id == alias_id
    assert "ResourceRecords" in plain_record["Properties"]
    assert "AliasTarget" in alias_record["Properties"]


def test_a_new_address_makes_a_new_wait_for_the_site():
    # CloudFormation waits for a wait condition's signals only when it creates it.
    def wait_id(template):
        (found,) = template.find_resources("AWS::CloudFormation::WaitCondition")
        return found

    assert wait_id(web()[1]) == wait_id(web()[1])  # deterministic
    assert wait_id(web()[1]) != wait_id(web(https=True)[1])  # http:// to https://
    stack = cdk.Stack(cdk.App(context=base_context()), "Other",
                      env=cdk.Environment(account=EXAMPLE_ACCOUNT, region=EXAMPLE_REGION))
    zone = route53.HostedZone.from_hosted_zone_attributes(stack, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ",
                                                          zone_name="example.com")
    WebServer(stack, "Web", machine_image=IMAGE, domain_name="shop.example.com", hosted_zone=zone)
    assert wait_id(Template.from_stack(stack)) != wait_id(web()[1])  # another name


def test_port_80_redirects_only_once_the_https_listener_exists():
    _, template = web(auto_scaling=AutoScaling())
    found = template.find_resources("AWS::ElasticLoadBalancingV2::Listener")
    (https_id,) = [k for k, v in found.items() if v["Properties"]["Port"] == 443]
    (http,) = [v for v in found.values() if v["Properties"]["Port"] == 80]
    assert https_id in http.get("DependsOn", [])


@pytest.mark.parametrize(("context", "match"), [
    ({"domain_name": "www.example.org", "hosted_zone": "example.com"},
     r"^domain_name: got 'www.example.org'; must lie inside hosted_zone \(example.com\)"),
    ({"domain_name": "*.example.com", "hosted_zone": "example.com"}, r"^domain_name: got '\*.example.com'; is a wildcard"),
    ({"domain_name": "203.0.113.10", "hosted_zone": "example.com"}, r"^domain_name: got '203.0.113.10'; is an IP address"),
    ({"domain_name": "www_example.com", "hosted_zone": "example.com"},
     r"^domain_name: got 'www_example.com'; must be a DNS name"),
    ({"domain_name": "www.example.com", "certificate_arn": "arn:aws:acm:eu-west-1:123456789012:certificate/"
                                                           "0123abcd-0123-4567-89ab-0123456789ab"},
     r"^certificate_arn: got 'arn:aws:acm:eu-west-1:.*'; is in eu-west-1, and a load balancer takes certificates of its "
     r"own region \(us-east-1\)"),
    ({"domain_name": "www.example.com", "certificate_arn": "my-certificate"},
     r"^certificate_arn: got 'my-certificate'; must be an ACM certificate ARN"),
    ({"domain_name": "www.example.com", "https": "true"},
     r"^https: got True; asks for a certificate with no way to get one: give hosted_zone"),
    ({"domain_name": "www.example.com"}, r"^domain_name: got 'www.example.com'; needs hosted_zone"),
    ({"hosted_zone": "example.com"}, r"^hosted_zone: got 'example.com'; needs domain_name"),
    ({"domain_name": "www.example.com", "hosted_zone": "example.com", "elastic_ip": "false"},
     r"^elastic_ip: got False; must be true with a domain_name on tier=single"),
    ({"health_check_path": "/health"}, r"^health_check_path: got '/health'; only applies with a load balancer"),
])
def test_name_rule(context, match):
    with pytest.raises(SettingError, match=match):
        build(**context)


def _strings(value) -> list[str]:
    """Every literal string in a template fragment, in order (the user data's pieces around references)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for inner in value.values() for text in _strings(inner)]
    if isinstance(value, list):
        return [text for inner in value for text in _strings(inner)]
    return []
