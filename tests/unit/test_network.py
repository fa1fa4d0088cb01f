"""Security group rules, Elastic IP, key pair and outputs."""

from aws_cdk.assertions import Match

SG = "AWS::EC2::SecurityGroup"


def ingress(result):
    group = next(iter(result.resources(SG).values()))
    return group["Properties"]["SecurityGroupIngress"]


def test_http_is_open_on_ipv4_and_ipv6(default):
    rules = ingress(default)
    assert {"CidrIp": "0.0.0.0/0", "Description": "HTTP from anywhere (IPv4)", "FromPort": 80,
            "IpProtocol": "tcp", "ToPort": 80} in rules
    assert {"CidrIpv6": "::/0", "Description": "HTTP from anywhere (IPv6)", "FromPort": 80,
            "IpProtocol": "tcp", "ToPort": 80} in rules


def test_no_ssh_rule_without_ssh_cidr(default):
    assert all(rule["FromPort"] != 22 for rule in ingress(default))


def test_no_ssh_rule_warns_how_to_add_one(default):
    assert any("ssh_cidr=$(curl -s https://checkip.amazonaws.com)/32" in w for w in default.warnings)


def test_ssh_only_from_ssh_cidr_bare_address_means_32(loaded):
    ssh = [rule for rule in ingress(loaded) if rule["FromPort"] == 22]
    assert ssh == [{"CidrIp": "203.0.113.7/32", "Description": "SSH from 203.0.113.7/32", "FromPort": 22,
                    "IpProtocol": "tcp", "ToPort": 22}]


def test_ssh_from_anywhere_only_when_explicitly_allowed(synth_with):
    result = synth_with({"ssh_cidr": "0.0.0.0/0", "allow_ssh_from_anywhere": "true"})
    assert any(rule["FromPort"] == 22 and rule.get("CidrIp") == "0.0.0.0/0" for rule in ingress(result))


def test_security_group_has_a_description(default):
    default.assertions().has_resource_properties(SG, {"GroupDescription": Match.string_like_regexp("firewall")})


def test_instance_uses_the_security_group_in_the_looked_up_subnet(default):
    group = next(iter(default.resources(SG)))
    default.assertions().has_resource_properties("AWS::EC2::Instance", {
        "SecurityGroupIds": [{"Fn::GetAtt": [group, "GroupId"]}],
        "SubnetId": Match.string_like_regexp("^subnet-"),
    })


def test_elastic_ip_associated_separately(default):
    eip = next(iter(default.resources("AWS::EC2::EIP")))
    instance = next(iter(default.resources("AWS::EC2::Instance")))
    default.assertions().has_resource_properties("AWS::EC2::EIP", {"Domain": "vpc", "InstanceId": Match.absent()})
    default.assertions().has_resource_properties("AWS::EC2::EIPAssociation", {
        "AllocationId": {"Fn::GetAtt": [eip, "AllocationId"]}, "InstanceId": {"Ref": instance}})


def test_one_elastic_ip_per_instance(loaded):
    loaded.assertions().resource_count_is("AWS::EC2::EIP", 2)
    loaded.assertions().resource_count_is("AWS::EC2::EIPAssociation", 2)


def test_outputs_point_at_the_elastic_ip(default):
    eip = next(iter(default.resources("AWS::EC2::EIP")))
    outputs = default.template["Outputs"]
    assert outputs["Server1PublicIp"]["Value"] == {"Ref": eip}
    assert outputs["Server1WebUrl"]["Value"] == {"Fn::Join": ["", ["http://", {"Ref": eip}, "/"]]}


def test_without_elastic_ip_outputs_use_the_instance_address(synth_with):
    result = synth_with({"elastic_ip": "false"})
    result.assertions().resource_count_is("AWS::EC2::EIP", 0)
    instance = next(iter(result.resources("AWS::EC2::Instance")))
    assert result.template["Outputs"]["Server1PublicIp"]["Value"] == {"Fn::GetAtt": [instance, "PublicIp"]}


def test_new_key_pair_and_commands_to_save_it_and_ssh(default):
    key = next(iter(default.resources("AWS::EC2::KeyPair")))
    default.assertions().has_resource_properties("AWS::EC2::Instance", {"KeyName": {"Ref": key}})
    outputs = default.template["Outputs"]
    save = outputs["SavePrivateKeyCommand"]["Value"]["Fn::Join"][1]
    # The file is created private (umask 077 in a subshell), not made private after the key is in it.
    assert save[0].startswith("(umask 077 && aws ssm get-parameter --region us-east-1 --name /ec2/keypair/")
    assert save[1] == {"Fn::GetAtt": [key, "KeyPairId"]}
    assert "--with-decryption" in save[2]
    assert save[2].endswith("> web-server-key.pem) && chmod 400 web-server-key.pem")
    ssh = outputs["Server1SshCommand"]["Value"]["Fn::Join"][1]
    assert ssh[0] == "ssh -i web-server-key.pem ec2-user@"


def test_existing_key_pair_is_imported_not_created(loaded):
    loaded.assertions().resource_count_is("AWS::EC2::KeyPair", 0)
    loaded.assertions().has_resource_properties("AWS::EC2::Instance", {"KeyName": "my-existing-key"})
    assert "SavePrivateKeyCommand" not in loaded.template["Outputs"]


def test_no_secret_in_the_template(default, loaded):
    for result in (default, loaded):
        text = result.template_path.read_text()
        assert "PRIVATE KEY" not in text
        assert "PublicKeyMaterial" not in text


def test_vpc_id_is_looked_up_and_warns_about_auto_assigned_addresses(synth_with):
    from tests.conftest import base_context

    # The lookup answer for an explicit vpc_id, as the CLI would record it (here: the default VPC's).
    default_key, answer = next((k, v) for k, v in base_context().items() if k.startswith("vpc-provider:"))
    vpc_id = answer["vpcId"]
    key = f"vpc-provider:account=123456789012:filter.vpc-id={vpc_id}:region=us-east-1:returnAsymmetricSubnets=true"
    assert key != default_key
    result = synth_with({"vpc_id": vpc_id, key: answer})
    result.assertions().has_resource_properties(SG, {"VpcId": vpc_id})
    assert any(f"vpc_id {vpc_id}" in w and "auto-assign" in w for w in result.warnings)


def test_ssh_command_quotes_the_key_pair_name(synth_with):
    # Key pair names are any ASCII text; the command is pasted into a shell.
    result = synth_with({"key_pair_name": "my key $(touch /tmp/pwned)"})
    ssh = result.template["Outputs"]["Server1SshCommand"]["Value"]["Fn::Join"][1]
    assert ssh[0] == "ssh -i 'my key $(touch /tmp/pwned).pem' ec2-user@"


def egress(result):
    group = next(iter(result.resources(SG).values()))
    return {(r["IpProtocol"], r.get("FromPort"), r.get("CidrIp") or r.get("CidrIpv6"))
            for r in group["Properties"]["SecurityGroupEgress"]}


def test_egress_is_http_and_https_only(default):
    assert egress(default) == {("tcp", port, cidr) for port in (80, 443) for cidr in ("0.0.0.0/0", "::/0")}


def test_allow_all_outbound_widens_egress(synth_with):
    assert egress(synth_with({"allow_all_outbound": "true"})) == {("-1", None, "0.0.0.0/0"), ("-1", None, "::/0")}
