"""Deploy the default settings with the real CLI (its own synth), then read back what AWS built."""

import pytest

from tests.conftest import base_context
from tools.deployment import deployed_ingress
from tools.templates import ingress_rule_set

pytestmark = pytest.mark.e2e
AL2_AMI = base_context()[
    "ssm:account=123456789012:parameterName=/aws/service/ami-amazon-linux-latest/"
    "amzn2-ami-kernel-5.10-hvm-x86_64-gp2:region=us-east-1"]


@pytest.fixture(scope="module")
def built(cli):
    cli.deploy()
    yield cli.describe()
    cli.destroy(app=cli.workdir / "cdk.out")  # the assembly the deploy synthesized: no second synthesis


def test_stack_is_complete(built):
    assert built["status"] == "CREATE_COMPLETE"


def test_instance_type_and_pinned_ami(built):
    (instance,) = built["instances"]
    assert (instance["InstanceType"], instance["ImageId"]) == ("t2.micro", AL2_AMI)


def test_imdsv2_required(built):
    (instance,) = built["instances"]
    assert instance["MetadataOptions"]["HttpTokens"] == "required"


def test_security_group_rules_exactly_as_synthesized(built, default):
    (group,) = built["security_groups"]
    assert deployed_ingress(group) == ingress_rule_set(default.template)
    assert deployed_ingress(group) == {("tcp", 80, 80, "0.0.0.0/0"), ("tcp", 80, 80, "::/0")}


def test_instance_is_in_the_stack_security_group(built):
    (instance,) = built["instances"]
    (group,) = built["security_groups"]
    assert [g["GroupId"] for g in instance["SecurityGroups"]] == [group["GroupId"]]


def test_elastic_ip_is_associated_with_the_instance(built):
    (instance,) = built["instances"]
    (address,) = built["addresses"]
    assert address["InstanceId"] == instance["InstanceId"]


def test_root_volume_encrypted_gp2(built, emu):
    (instance,) = built["instances"]
    (mapping,) = instance["BlockDeviceMappings"]
    (volume,) = emu.client("ec2").describe_volumes(VolumeIds=[mapping["Ebs"]["VolumeId"]])["Volumes"]
    assert (mapping["DeviceName"], volume["VolumeType"], volume["Size"], volume["Encrypted"]) == \
        ("/dev/xvda", "gp2", 8, True)


def test_new_key_pair_has_its_private_key_in_ssm(built):
    (instance,) = built["instances"]
    (key,) = built["key_pairs"]
    assert instance["KeyName"] == key["KeyName"]
    assert key["PrivateKeyParameter"] == f"/ec2/keypair/{key['KeyPairId']}"
    assert key["PrivateKeyIsPem"]


def test_outputs(built):
    (instance,) = built["instances"]
    (address,) = built["addresses"]
    (key,) = built["key_pairs"]
    outputs = built["outputs"]
    assert outputs["Server1InstanceId"] == instance["InstanceId"]
    assert outputs["Server1PublicIp"] == address["PublicIp"]
    assert outputs["Server1WebUrl"] == f"http://{address['PublicIp']}/"
    assert outputs["Server1SshCommand"] == f"ssh -i web-server-key.pem ec2-user@{address['PublicIp']}"
    assert f"--name /ec2/keypair/{key['KeyPairId']} --with-decryption" in outputs["SavePrivateKeyCommand"]


def test_instance_and_elastic_ip_carry_the_audit_tag(built):
    (instance,) = built["instances"]
    (address,) = built["addresses"]
    for resource in (instance, address):
        tags = {t["Key"]: t["Value"] for t in resource.get("Tags", [])}
        assert tags.get("app") == "ec2-web-server"
        assert tags.get("Name") == "web-server"
