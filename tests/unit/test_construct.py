"""The WebServer construct as someone else's app uses it: keyword props with CDK types, reuse of a
security group, connections, the ports you choose, attributes, and what it says without an environment."""

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Match, Template

from constants import EXAMPLE_ACCOUNT, EXAMPLE_REGION
from ec2_web_server import AutoScaling, DataVolume, Ingress, SettingError, WebServer
from tests.conftest import base_context

IMAGE = ec2.MachineImage.generic_linux({EXAMPLE_REGION: "ami-0123456789abcdef0"})


def stack(env: bool = True) -> cdk.Stack:
    app = cdk.App(context=base_context())
    return cdk.Stack(app, "Theirs", env=cdk.Environment(account=EXAMPLE_ACCOUNT, region=EXAMPLE_REGION) if env else None)


def test_keyword_props_take_cdk_types():
    scope = stack()
    web = WebServer(scope, "Web", instance_type=ec2.InstanceType("t3.small"), machine_image=IMAGE,
                    volumes=[DataVolume(size=10)], instance_count=2)
    template = Template.from_stack(scope)
    template.resource_count_is("AWS::EC2::Instance", 2)
    template.has_resource_properties("AWS::EC2::Instance", {"InstanceType": "t3.small",
                                                            "ImageId": "ami-0123456789abcdef0"})
    assert (len(web.instances), len(web.volumes), len(web.elastic_ips), len(web.public_ips)) == (2, 2, 2, 2)
    assert web.instance is web.instances[0]
    # The attributes are the construct's own resources (tokens are always truthy: compare what they resolve to).
    def logical_id(construct):
        return scope.get_logical_id(construct.node.default_child)

    assert scope.resolve(web.role.role_arn) == {"Fn::GetAtt": [logical_id(web.role), "Arn"]}
    assert scope.resolve(web.key_pair.key_pair_name) == {"Ref": logical_id(web.key_pair)}
    assert scope.resolve(web.security_group.security_group_id) == {
        "Fn::GetAtt": [logical_id(web.security_group), "GroupId"]}


def test_the_default_image_is_amazon_linux_2023_for_the_type_architecture():
    scope = stack()
    web = WebServer(scope, "Web", instance_type="t4g.micro")
    image = scope.resolve(web.instance.node.default_child.image_id)
    key = (f"ssm:account={EXAMPLE_ACCOUNT}:parameterName=/aws/service/ami-amazon-linux-latest/"
           f"al2023-ami-kernel-6.1-arm64:region={EXAMPLE_REGION}")
    assert image == base_context()[key]


def test_connections_allow_from_another_group():
    scope = stack()
    web = WebServer(scope, "Web", machine_image=IMAGE)
    other = ec2.SecurityGroup(scope, "LoadBalancer", vpc=web.vpc)
    web.connections.allow_from(other, ec2.Port.tcp(8080), "app port from the load balancer")
    Template.from_stack(scope).has_resource_properties("AWS::EC2::SecurityGroupIngress", {
        "FromPort": 8080, "SourceSecurityGroupId": {"Fn::GetAtt": [Match.string_like_regexp("LoadBalancer"), "GroupId"]}})


def test_a_reused_security_group_is_taken_as_it_is():
    scope = stack()
    vpc = ec2.Vpc.from_lookup(scope, "Vpc", is_default=True)
    group = ec2.SecurityGroup.from_security_group_id(scope, "Theirs", "sg-0123456789abcdef0")
    web = WebServer(scope, "Web", machine_image=IMAGE, vpc=vpc, security_group=group)
    template = Template.from_stack(scope)
    template.resource_count_is("AWS::EC2::SecurityGroup", 0)
    template.has_resource_properties("AWS::EC2::Instance", {"SecurityGroupIds": ["sg-0123456789abcdef0"]})
    assert web.security_group is group


def test_a_reused_security_group_refuses_rules_for_a_new_one():
    scope = stack()
    group = ec2.SecurityGroup.from_security_group_id(scope, "Theirs", "sg-0123456789abcdef0")
    with pytest.raises(SettingError, match=r"^ssh_cidr: got '203.0.113.7'; either provide security_group or the "
                                           r"rules for a new one"):
        WebServer(scope, "Web", machine_image=IMAGE, security_group=group, ssh_cidr="203.0.113.7")


def test_ports_you_choose_replace_the_public_http_rules():
    scope = stack()
    WebServer(scope, "Web", machine_image=IMAGE,
              ingress=[Ingress(port=443, cidr="10.0.0.0/8"), Ingress(port=80, prefix_list="pl-0123abcd")])
    template = Template.from_stack(scope)
    (group,) = template.find_resources("AWS::EC2::SecurityGroup").values()
    assert group["Properties"]["SecurityGroupIngress"] == [
        {"CidrIp": "10.0.0.0/8", "Description": "tcp/443 from 10.0.0.0/8", "FromPort": 443, "IpProtocol": "tcp",
         "ToPort": 443}]
    # A prefix list cannot be written inline: the CDK makes it a rule of its own.
    template.has_resource_properties("AWS::EC2::SecurityGroupIngress", {
        "SourcePrefixListId": "pl-0123abcd", "Description": "tcp/80 from pl-0123abcd", "FromPort": 80, "ToPort": 80})


PEER_GROUP = "sg-0123456789abcdef0"


def rules_from(template: Template, group_id: str) -> list[tuple[int, str]]:
    """(port, description) of every rule admitting ``group_id``, inline or a rule of its own."""
    rules = [rule for group in template.find_resources("AWS::EC2::SecurityGroup").values()
             for rule in group["Properties"].get("SecurityGroupIngress", [])]
    rules += [rule["Properties"] for rule in template.find_resources("AWS::EC2::SecurityGroupIngress").values()]
    return sorted((rule["FromPort"], rule["Description"]) for rule in rules
                  if rule.get("SourceSecurityGroupId") == group_id)


def test_two_rules_from_one_security_group_id():
    scope = stack()
    WebServer(scope, "Web", machine_image=IMAGE,
              ingress=[Ingress(port=80, security_group=PEER_GROUP), Ingress(port=8080, security_group=PEER_GROUP)])
    assert rules_from(Template.from_stack(scope), PEER_GROUP) == [
        (80, f"tcp/80 from {PEER_GROUP}"), (8080, f"tcp/8080 from {PEER_GROUP}")]


def test_a_security_group_id_reaches_http_and_https_of_the_load_balancer():
    from aws_cdk import aws_certificatemanager as acm

    scope = stack()
    certificate = acm.Certificate.from_certificate_arn(
        scope, "Certificate",
        f"arn:aws:acm:{EXAMPLE_REGION}:{EXAMPLE_ACCOUNT}:certificate/01234567-89ab-cdef-0123-456789abcdef")
    WebServer(scope, "Web", machine_image=IMAGE, domain_name="www.example.com", certificate=certificate,
              # (with a domain_name the servers' own check of the site needs the public rule: issue 20)
              ingress=[Ingress(port=80, cidr="0.0.0.0/0"), Ingress(port=80, security_group=PEER_GROUP)])
    assert rules_from(Template.from_stack(scope), PEER_GROUP) == [
        (80, f"tcp/80 from {PEER_GROUP}"), (443, f"tcp/443 from {PEER_GROUP}")]


@pytest.mark.parametrize(("rule", "match"), [
    (Ingress(port=22, cidr="0.0.0.0/0"), r"^ingress\[0\].port: got 22; SSH \(22\) has its own setting, ssh_cidr"),
    (Ingress(port=80), r"^ingress\[0\]: got \{'port': 80, 'protocol': 'tcp'\}; needs exactly one of cidr"),
    (Ingress(port=80, cidr="10.0.0.1/8"), r"^ingress\[0\].cidr: got '10.0.0.1/8'; must be an IPv4 or IPv6 CIDR"),
    (Ingress(port=70000, cidr="0.0.0.0/0"), r"^ingress\[0\].port: got 70000; must be a port from 0 to 65535"),
    (Ingress(port=80, to_port=79, cidr="0.0.0.0/0"), r"^ingress\[0\].to_port: got 79; must not be below port"),
    (Ingress(port="80", cidr="0.0.0.0/0"), r"^ingress\[0\].port: got '80'; must be a whole number"),
    (Ingress(port=80, security_group="default"),
     r"^ingress\[0\].security_group: got 'default'; must be a security group id"),
    # EC2 rule descriptions: up to 255 characters of a-zA-Z0-9, spaces and ._-:/()#,@[]+=&;{}!$*
    (Ingress(port=80, cidr="0.0.0.0/0", description="Web \u2013 all"),
     r"^ingress\[0\].description: got 'Web \u2013 all'; must be at most 255 characters of letters, digits, spaces "
     r"and \._-:/\(\)#,@\[\]\+=&;\{\}!\$\* \(EC2's rule for security group descriptions\)$"),
    (Ingress(port=80, cidr="0.0.0.0/0", description="it's HTTP"), r"^ingress\[0\].description: got \"it's HTTP\"; must be"),
    (Ingress(port=80, cidr="0.0.0.0/0", description="x" * 256),
     r"^ingress\[0\].description: got 'x+\.\.\.; must be at most 255"),
])
def test_ingress_rules_are_checked(rule, match):
    with pytest.raises(SettingError, match=match):
        WebServer(stack(), "Web", machine_image=IMAGE, ingress=[rule])


def test_without_an_environment_the_construct_says_what_to_add():
    with pytest.raises(SettingError, match=r"^vpc: got None; is looked up when not given, which needs the stack's "
                                           r"account and region: create the stack with env=cdk.Environment"):
        WebServer(stack(env=False), "Web")


def test_a_site_dir_must_hold_an_index_html(tmp_path):
    with pytest.raises(SettingError, match=r"^site_dir: got '.*'; needs an index.html"):
        WebServer(stack(), "Web", machine_image=IMAGE, site_dir=tmp_path)


def test_a_description_that_https_lengthens_past_255_is_refused():
    from aws_cdk import aws_certificatemanager as acm

    scope = stack()
    certificate = acm.Certificate.from_certificate_arn(
        scope, "Certificate",
        f"arn:aws:acm:{EXAMPLE_REGION}:{EXAMPLE_ACCOUNT}:certificate/01234567-89ab-cdef-0123-456789abcdef")
    description = "HTTP " + "x" * 250  # 255 characters; the copy for 443 says HTTPS
    with pytest.raises(SettingError, match=r"^ingress\[0\].description: got 'HTTPS x+\.\.\.; must be at most 255 "
                                           r"characters .*the copy of this rule for HTTPS \(443\)"):
        WebServer(scope, "Web", machine_image=IMAGE, domain_name="www.example.com", certificate=certificate,
                  ingress=[Ingress(port=80, cidr="0.0.0.0/0", description=description)])


@pytest.mark.parametrize(("name", "match"), [
    ("web server\u00e9", r"^name: got 'web server\u00e9'; must be 1 to 200 characters of letters, digits, spaces and "
                         r"\._-:/\(\)#,@\[\]\+=&;\{\}!\$\* \(it begins the security groups' descriptions"),
    ("", r"^name: got ''; must be 1 to 200 characters"),
    ("w" * 201, r"^name: got 'w+\.\.\.; must be 1 to 200 characters"),
])
def test_the_name_must_fit_the_security_group_descriptions(name, match):
    with pytest.raises(SettingError, match=match):
        WebServer(stack(), "Web", machine_image=IMAGE, name=name)


def test_a_200_character_name_fits():
    scope = stack()
    WebServer(scope, "Web", machine_image=IMAGE, name="w" * 200, auto_scaling=AutoScaling())
    descriptions = [group["Properties"]["GroupDescription"]
                    for group in Template.from_stack(scope).find_resources("AWS::EC2::SecurityGroup").values()]
    assert max(map(len, descriptions)) == 255
