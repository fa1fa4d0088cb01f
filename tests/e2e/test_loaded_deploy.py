"""Deploy the fully-loaded configuration: two servers, gp2 + io1 data volumes, an existing key pair,
SSH from one address, custom tags. Everything is read back from the emulator's EC2 API."""

import pytest

from tests.conftest import FULLY_LOADED, base_context, synth
from tests.e2e.conftest import EXISTING_KEY, assembly
from tools.deployment import deployed_ingress
from tools.templates import ingress_rule_set

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built(cli, tmp_synth_root):
    app = assembly(synth(FULLY_LOADED, tmp_synth_root))
    cli.deploy(app=app)
    yield cli.describe()
    cli.destroy(app=app)


def by_server(built):
    """{server number: instance}, from the Name tags web-server-1, web-server-2."""
    named = {}
    for instance in built["instances"]:
        name = next(t["Value"] for t in instance["Tags"] if t["Key"] == "Name")
        named[int(name.rsplit("-", 1)[1])] = instance
    return named


def test_two_instances_of_the_requested_type(built):
    servers = by_server(built)
    assert sorted(servers) == [1, 2]
    assert {i["InstanceType"] for i in servers.values()} == {"t2.micro"}


def test_pinned_al2023_ami_and_imdsv2_on_every_server(built):
    ami = base_context()["ssm:account=123456789012:parameterName=/aws/service/ami-amazon-linux-latest/"
                         "al2023-ami-kernel-6.1-x86_64:region=us-east-1"]
    assert len(built["instances"]) == 2  # instance_count=2
    for instance in built["instances"]:
        assert instance["ImageId"] == ami
        assert instance["MetadataOptions"]["HttpTokens"] == "required"


def test_ssh_only_from_the_given_address_http_from_anywhere(built, loaded):
    (group,) = built["security_groups"]
    assert deployed_ingress(group) == ingress_rule_set(loaded.template)
    assert deployed_ingress(group) == {("tcp", 80, 80, "0.0.0.0/0"), ("tcp", 80, 80, "::/0"),
                                       ("tcp", 22, 22, "203.0.113.7/32")}


def test_existing_key_pair_is_used_and_none_created(built):
    assert {i["KeyName"] for i in built["instances"]} == {EXISTING_KEY}
    assert built["key_pairs"] == []


def test_each_server_has_a_gp2_and_an_io1_volume_attached_in_its_zone(built):
    assert sorted(by_server(built)) == [1, 2]
    for instance in by_server(built).values():
        attached = {a["Device"]: v for v in built["volumes"] for a in v.get("Attachments", [])
                    if a["InstanceId"] == instance["InstanceId"]}
        gp2, io1 = attached["/dev/sdf"], attached["/dev/sdg"]
        assert (gp2["VolumeType"], gp2["Size"], gp2["Encrypted"]) == ("gp2", 50, True)
        assert (io1["VolumeType"], io1["Size"], io1["Iops"], io1["Encrypted"]) == ("io1", 100, 3000, True)
        zone = instance["Placement"]["AvailabilityZone"]
        assert gp2["AvailabilityZone"] == zone
        assert io1["AvailabilityZone"] == zone


def test_gp3_root_volume_with_custom_iops(built, emu):
    assert len(built["instances"]) == 2
    for instance in built["instances"]:
        root = next(m for m in instance["BlockDeviceMappings"] if m["DeviceName"] == "/dev/xvda")
        (volume,) = emu.client("ec2").describe_volumes(VolumeIds=[root["Ebs"]["VolumeId"]])["Volumes"]
        assert (volume["VolumeType"], volume["Size"], volume["Iops"], volume["Encrypted"]) == ("gp3", 30, 6000, True)


def test_each_elastic_ip_is_associated_with_its_own_server(built):
    outputs = built["outputs"]
    for number, instance in by_server(built).items():
        address = next(a for a in built["addresses"] if a["PublicIp"] == outputs[f"Server{number}PublicIp"])
        assert address["InstanceId"] == instance["InstanceId"]
        assert outputs[f"Server{number}InstanceId"] == instance["InstanceId"]


def test_custom_tags_on_instances_and_volumes(built):
    for resource in built["instances"] + built["volumes"]:
        tags = {t["Key"]: t["Value"] for t in resource.get("Tags", [])}
        assert (tags.get("team"), tags.get("cost-center"), tags.get("app")) == ("web", "1234", "ec2-web-server")
