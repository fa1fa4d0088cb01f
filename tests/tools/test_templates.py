"""tools/templates.py: the one reader of synthesized templates and cloud assemblies, on small hand-written
templates and on the default configuration's assembly."""

import json

import pytest

from constants import EXAMPLE_REGION, STACK_NAME
from tools import templates
from tools.deployment import deployed_ingress
from tools.templates import SecurityGroupRule

GROUP = {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "web", "SecurityGroupIngress": [
    {"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80},
    {"CidrIpv6": "::/0", "IpProtocol": "6", "FromPort": "80", "ToPort": "80"},
]}}
SSH = {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {
    "GroupId": {"Fn::GetAtt": ["Web", "GroupId"]}, "CidrIp": "203.0.113.7/32", "IpProtocol": "tcp",
    "FromPort": 22, "ToPort": 22}}
TEMPLATE = {"Resources": {
    "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2:deflate64:..."}},
    "Web": GROUP,
    "Ssh": SSH,
    "Ping": {"Type": "AWS::EC2::SecurityGroupIngress", "Properties": {"GroupId": "sg-0123", "IpProtocol": "-1",
                                                                       "SourceSecurityGroupId": "sg-0456"}},
}}


def test_elastic_ip_associations_by_the_eip_itself_or_an_association():
    template = {"Resources": {
        "Own": {"Type": "AWS::EC2::EIP", "Properties": {"InstanceId": {"Ref": "One"}}},
        "Loose": {"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}},
        "Association": {"Type": "AWS::EC2::EIPAssociation", "Properties": {
            "AllocationId": {"Fn::GetAtt": ["Loose", "AllocationId"]}, "InstanceId": {"Ref": "Two"}}},
        "Literal": {"Type": "AWS::EC2::EIPAssociation", "Properties": {"AllocationId": "eipalloc-1",
                                                                        "NetworkInterfaceId": "eni-1"}},
    }}
    assert templates.elastic_ip_associations(template) == [("Own", "One"), ("Loose", "Two"), (None, None)]


def test_resources_leave_out_cdk_metadata_and_filter_by_type():
    assert list(templates.resources(TEMPLATE)) == ["Web", "Ssh", "Ping"]
    assert list(templates.resources(TEMPLATE, "AWS::EC2::SecurityGroupIngress")) == ["Ssh", "Ping"]
    assert templates.resources(None) == {}


@pytest.mark.parametrize(("value", "expected"), [
    ({"Ref": "Role"}, {"Role"}),
    ({"Fn::GetAtt": ["Eip", "AllocationId"]}, {"Eip"}),
    ({"Fn::GetAtt": "Eip.PublicIp"}, {"Eip"}),
    ({"Fn::Sub": "http://${Eip}/${Instance.PublicDnsName}"}, {"Eip", "Instance"}),
    ({"Fn::Sub": ["${Key}", {}]}, {"Key"}),
    ({"Fn::Join": ["", ["a", {"Ref": "A"}, [{"Ref": "B"}]]]}, {"A", "B"}),
    ("plain", set()),
])
def test_references_follow_ref_getatt_and_sub(value, expected):
    assert templates.references(value) == expected


def test_reference_is_the_one_target_of_a_ref_or_getatt():
    assert templates.reference({"Ref": "Key"}) == "Key"
    assert templates.reference({"Fn::GetAtt": ["Web", "GroupId"]}) == "Web"
    assert templates.reference({"Fn::Join": ["", [{"Ref": "A"}]]}) is None
    assert templates.reference("sg-0123") is None


def test_display_name_is_the_construct_path_or_the_id_without_its_hash():
    with_path = {"Metadata": {"aws:cdk:path": f"{STACK_NAME}/WebServer/Server1/Instance/Resource"}}
    assert templates.display_name("WebServerServer1Instance9262064F", with_path) == "WebServer/Server1/Instance"
    assert templates.display_name("WebServerServer1Instance9262064F", {}) == "WebServerServer1Instance"
    # ec2.Instance(user_data_causes_replacement=True) appends a digest of its user data
    assert templates.display_name("WebServerServer1Instance9262064Fea0bfc5c417b8007", {}) == \
        "WebServerServer1Instance"


@pytest.mark.parametrize(("value", "expected"), [
    ({"Ref": "Key"}, "${Key}"),
    ({"Fn::GetAtt": ["Eip", "PublicIp"]}, "${Eip.PublicIp}"),
    ({"Fn::Join": ["", ["http://", {"Ref": "Eip"}, "/"]]}, "http://${Eip}/"),
    (True, "true"),
    (8, "8"),
    ({"Fn::Select": [0, ["a"]]}, '{"Fn::Select": [0, ["a"]]}'),
])
def test_render_value_shows_intrinsics_as_cdk_diff_does(value, expected):
    assert templates.render_value(value) == expected


def test_ingress_rules_by_group_inline_then_standalone_in_template_order():
    assert templates.ingress_rules(TEMPLATE) == {
        "Web": [SecurityGroupRule("tcp", 80, 80, "0.0.0.0/0"), SecurityGroupRule("tcp", 80, 80, "::/0"),
                SecurityGroupRule("tcp", 22, 22, "203.0.113.7/32")],
        "sg-0123": [SecurityGroupRule("-1", -1, -1, "sg-0456")],
    }


def test_rules_read_back_from_the_ec2_api_equal_the_synthesized_ones():
    group = {"IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
         "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "203.0.113.7/32"}]},
    ]}
    web_only = {"Resources": {"Web": GROUP, "Ssh": SSH}}
    assert deployed_ingress(group) == templates.ingress_rule_set(web_only)
    assert deployed_ingress(group) == {("tcp", 80, 80, "0.0.0.0/0"), ("tcp", 80, 80, "::/0"),
                                       ("tcp", 22, 22, "203.0.113.7/32")}


@pytest.mark.parametrize(("rule", "text"), [
    (SecurityGroupRule("tcp", 22, 22, "203.0.113.7/32"), "tcp 22 from 203.0.113.7/32"),
    (SecurityGroupRule("tcp", 22, 8080, "::/0"), "tcp 22-8080 from ::/0 (the whole Internet)"),
    (SecurityGroupRule("udp", 0, 65535, "10.0.0.0/8"), "udp all ports from 10.0.0.0/8"),
    (SecurityGroupRule("-1", -1, -1, "sg-0456"), "all traffic from sg-0456"),
])
def test_rules_describe_themselves(rule, text):
    assert rule.describe() == text


def test_a_rule_covers_narrower_sources_and_port_ranges_only():
    wide = SecurityGroupRule("tcp", 22, 8080, "203.0.113.0/24")
    assert wide.covers(SecurityGroupRule("tcp", 22, 22, "203.0.113.7/32"))
    assert not wide.covers(SecurityGroupRule("tcp", 22, 22, "198.51.100.7/32"))
    assert not wide.covers(SecurityGroupRule("udp", 22, 22, "203.0.113.7/32"))
    assert not SecurityGroupRule("tcp", 22, 22, "0.0.0.0/0").covers(SecurityGroupRule("tcp", 22, 22, "::/0"))
    assert SecurityGroupRule("-1", -1, -1, "sg-1").covers(SecurityGroupRule("tcp", 80, 80, "sg-1"))


def test_assembly_stacks_name_each_stack_its_template_and_region(default):
    assembly = default.template_path.parent
    assert templates.assembly_stacks(assembly) == [
        templates.StackTemplate(STACK_NAME, default.template_path, EXAMPLE_REGION)]
    assert templates.template_stack(default.template_path).region == EXAMPLE_REGION


def test_a_stack_lists_its_synthesis_warnings_once(default, tmp_path):
    (stack,) = templates.assembly_stacks(default.template_path.parent)
    warnings = stack.warnings()
    # The default settings have no SSH rule, and the app warns about it (the in-process synthesis records the
    # warnings the same way as the CLI's).
    assert [w for w in default.warnings if w.startswith("No SSH rule")]
    assert [w for w in warnings if w.startswith("No SSH rule: port 22 is closed")]
    assert len(warnings) == len(set(warnings))
    inline = templates.StackTemplate("Web", tmp_path / "t.json", None, metadata=({"/Web": [
        {"type": "aws:cdk:warning", "data": "first line\nsecond line"},
        {"type": "aws:cdk:info", "data": "not a warning"}]},))
    assert inline.warnings() == ["first line"]


def test_a_template_outside_an_assembly_has_no_region(tmp_path):
    template = tmp_path / "Web.template.json"
    template.write_text(json.dumps(TEMPLATE))
    assert templates.template_stack(template) == templates.StackTemplate("Web", template, None)
    with pytest.raises(templates.AssemblyError, match="no cloud assembly in .*; run `make synth` first"):
        templates.assembly_stacks(tmp_path)


def test_region_of_an_environment():
    assert templates.region_of(f"aws://123456789012/{EXAMPLE_REGION}") == EXAMPLE_REGION
    assert templates.region_of("aws://unknown-account/unknown-region") == "unknown-region"
    assert templates.region_of("") is None
