"""Bad input: one rule per test, each a SettingError naming the setting, the value and what is allowed.

These build the app exactly as `cdk synth` does (settings parsed from context, then the stack and its
constructs, whose props are checked before anything is built), without synthesizing.
"""

import json

import pytest

from app import build_app
from ec2_web_server import DataVolume, RootVolume, SettingError, WebServer
from stacks.settings import Settings
from tests.conftest import base_context


def parse(**context):
    """The settings layer alone: context in, parsed settings out."""
    return Settings.from_context(context)


def build(**context):
    """The whole app, as `cdk synth` builds it before synthesizing; returns the stack."""
    return build_app(context={**base_context(), **context})[1]


def volumes(*specs, **extra):
    return build(volumes=json.dumps(list(specs)), **extra)


def test_defaults_parse():
    settings = parse()
    assert settings.instance_type == "t2.micro"
    assert settings.machine_image == "amazon-linux-2"


@pytest.mark.parametrize(("context", "match"), [
    ({"instance_type": "t2.micor"}, r"^instance_type: got 't2.micor'; must be an EC2 instance type .*did you mean t2.micro"),
    ({"machine_image": "ubuntu"}, r"^machine_image: got 'ubuntu'; must be amazon-linux-2, amazon-linux-2023 or an AMI id"),
    ({"vpc_id": "vpc-xyz"}, r"^vpc_id: got 'vpc-xyz'; must be a VPC id"),
    ({"ssh_cidr": "10.0.0.300/32"}, r"^ssh_cidr: got '10.0.0.300/32'; must be an IPv4 or IPv6 CIDR"),
    ({"ssh_cidr": "10.0.0.5/24"}, r"^ssh_cidr: got '10.0.0.5/24'; has host bits set; did you mean 10.0.0.0/24"),
    ({"ssh_cidr": "0.0.0.0/0"}, r"^ssh_cidr: got '0.0.0.0/0'; opens SSH to the whole Internet.*allow_ssh_from_anywhere=true"),
    ({"ssh_cidr": "::/0"}, r"^ssh_cidr: got '::/0'; opens SSH to the whole Internet"),
    ({"ssh_cidr": "0.0.0.0/1"}, r"^ssh_cidr: got '0.0.0.0/1'; opens SSH to a large part of the Internet"),
    ({"ssh_cidr": "2000::/3"}, r"^ssh_cidr: got '2000::/3'; opens SSH to a large part of the Internet"),
    ({"instance_type": 5}, r"^instance_type: got 5; must be text"),
    ({"tags": '["team"]'}, r"^tags: got \['team'\]; must be a JSON object"),
    ({"tags": json.dumps({f"k{i}": "v" for i in range(46)})}, r"^tags: got '46 tags'; at most 45"),
    ({"tags": '{"owner": "a,b"}'}, r"^tags.owner: got 'a,b'; tags may only use letters, digits, spaces and _.:/=\+-@ \(IAM's rule\), not ','"),
    ({"tags": '{"own#er": "a"}'}, r"^tags: got 'own#er'; tags may only use"),
    ({"placement_group": "bad\tname"}, r"^placement_group: got 'bad\\tname'; must be cluster, spread, partition, or an existing group's name"),
    ({"root_volume": '{"delete_on_termination": "no"}'}, r"^root_volume.delete_on_termination: got 'no'; must be true or false"),
    ({"root_volume": '{"type": {"a": 1}}'}, r"^root_volume.type: got \{'a': 1\}; must be one of gp2, gp3, io1, io2, standard"),
    ({"root_volume": '{"encrypted": false}'}, r"^root_volume.unencrypted_reason: got None; is required with encrypted=false"),
    ({"elastic_ip": "yes"}, r"^elastic_ip: got 'yes'; must be true or false"),
    ({"instance_count": "ten"}, r"^instance_count: got 'ten'; must be a whole number"),
    ({"instance_count": "0"}, r"^instance_count: got 0; must be a whole number from 1 to 20"),
    ({"instance_count": "21"}, r"^instance_count: got 21; must be a whole number from 1 to 20"),
    ({"shutdown_behavior": "hibernate"}, r"^shutdown_behavior: got 'hibernate'; must be stop or terminate"),
    ({"instance_store": "true"}, r"^instance_store: got True; t2.micro has no instance-store volumes; types that do include "),
    ({"instance_type": "m3.medium", "instance_store": "true"}, r"^instance_store: got True; m3.medium's instance store is not encrypted at rest"),
    ({"placement_group": "cluster"}, r"^placement_group: got 'cluster'; t2.micro supports only partition, spread"),
    ({"placement_group": "spread", "instance_count": "8", "subnet_id": "subnet-a75c2d454c03fb817"},
     r"^placement_group: got 'spread'; a spread group holds at most 7 instances per Availability Zone, and 8 of the 8 "
     r"servers would be in us-east-1a"),
    ({"private_ip": "172.31.0.300"}, r"^private_ip: got '172.31.0.300'; must be an IPv4 address"),
    ({"private_ip": "172.31.0.10", "instance_count": "2"}, r"^private_ip: got '172.31.0.10'; one address cannot go to 2 instances"),
    ({"iam_policies": '["AdministratorAccess"]'}, r"^iam_policies\[0\]: got 'AdministratorAccess'; must be a managed policy ARN"),
    ({"iam_policies": '{"a": 1}'}, r"^iam_policies: got \{'a': 1\}; must be a JSON list"),
    ({"key_pair_name": "x" * 256}, r"^key_pair_name: got 'x+\.\.\.; must be an existing key pair's name"),
    ({"tags": '{"aws:owner": "me"}'}, r"^tags: got 'aws:owner'; tag keys starting with aws: are reserved"),
    ({"tags": json.dumps({"k" * 129: "v"})}, r"^tags: got 'k+\.\.\.; tag keys must be 1 to 128 characters"),
    ({"tags": json.dumps({"team": "v" * 257})}, r"^tags.team: got 'v+\.\.\.; tag values must be at most 256 characters"),
    ({"tags": '{"Name": "x"}'}, r"^tags: got 'Name'; Name is set by the stack itself"),
    ({"tags": '{"team": 1}'}, r"^tags.team: got 1; tag values must be text"),
    ({"tags": "{team: web}"}, r"^tags: got '\{team: web\}'; is not valid JSON"),
    ({"instnace_type": "t3.micro"}, r"^instnace_type: got 't3.micro'; not a setting; did you mean instance_type\?"),
    ({"root_volume": '{"type": "gp3", "throughput": 500}'}, r"^root_volume.throughput: got 500; CloudFormation cannot set throughput on a root device"),
    ({"root_volume": '{"size": 4}'}, r"^root_volume.size: got 4; must be at least the AMI's root size, 8 GiB"),
    ({"root_volume": '{"type": "gp2", "iops": 3000}'}, r"^root_volume.iops: got 3000; IOPS cannot be set for gp2"),
    ({"root_volume": '{"device": "/dev/sdf"}'}, r"^root_volume.device: got '/dev/sdf'; unknown key; allowed keys: size, type, iops"),
    # Issue 10: what AWS refuses, or what did something else than was asked.
    ({"tags": '{"App": "x"}'}, r"^tags: got 'App'; app is set by the stack itself, and IAM treats tag keys that differ only in case as the same key"),
    ({"tags": '{"team": "a", "Team": "b"}'}, r"^tags: got 'Team'; team is also given, and IAM treats tag keys that differ only in case"),
    ({"volumes": '[{"size": 10, "device": "/dev/sdg\\n"}]'}, r"^volumes\[0\].device: got '/dev/sdg\\n'; must be a data device name"),
    ({"iam_policies": '["arn:aws:iam::aws:policy/ReadOnlyAccess\\n"]'}, r"^iam_policies\[0\]: got 'arn:aws:iam::aws:policy/ReadOnlyAccess\\n'; must be a managed policy ARN"),
    ({"iam_policies": '["arn:aws:iam::aws:policy/AdministratorAccess"]'}, r"^iam_policies\[0\]: got 'arn:aws:iam::aws:policy/AdministratorAccess'; gives a public web server administrator-level access.*allow_admin_policies=true"),
    ({"iam_policies": '["arn:aws:iam::aws:policy/PowerUserAccess"]'}, r"^iam_policies\[0\]: got 'arn:aws:iam::aws:policy/PowerUserAccess'; gives a public web server administrator-level access"),
    ({"instance_type": "t4g.micro", "machine_image": "ami-0fb23f2d720767b7a"}, r"^machine_image: got 'ami-0fb23f2d720767b7a'; is an x86_64 image \(/aws/service/ami-amazon-linux-latest/amzn2-ami-kernel-5.10-hvm-x86_64-gp2\) and t4g.micro is arm64"),
    ({"instance_type": "mac1.metal"}, r"^instance_type: got 'mac1.metal'; Mac instances run only on a Dedicated Host"),
    ({"ami": "ami-0123456789abcdef0"}, r"^ami: got 'ami-0123456789abcdef0'; not a setting; did you mean machine_image\?"),
    # Issue 20: near-misses in any case or convention, and other tools' names, point at the setting.
    ({"InstanceType": "m5.large"}, r"^InstanceType: got 'm5.large'; not a setting; did you mean instance_type\?"),
    ({"instance-type": "m5.large"}, r"^instance-type: got 'm5.large'; not a setting; did you mean instance_type\?"),
    ({"INSTANCE_TYPE": "m5.large"}, r"^INSTANCE_TYPE: got 'm5.large'; not a setting; did you mean instance_type\?"),
    ({"MachineImage": "amazon-linux-2023"}, r"^MachineImage: got 'amazon-linux-2023'; not a setting; did you mean machine_image\?"),
    ({"type": "t3.micro"}, r"^type: got 't3.micro'; not a setting; did you mean instance_type\?"),
    ({"ImageId": "ami-0123456789abcdef0"}, r"^ImageId: got 'ami-0123456789abcdef0'; not a setting; did you mean machine_image\?"),
    ({"key_name": "my-key"}, r"^key_name: got 'my-key'; not a setting; did you mean key_pair_name\?"),
    ({"Colour": "blue"}, r"^Colour: got 'blue'; not a setting; see the settings table in README.md"),
    ({"instance_count": "\u0663"}, r"^instance_count: got '\u0663'; must be a whole number"),
    ({"tags": '{"team": "a", "team": "b"}'}, r"^tags: got '\{\"team\": \"a\", \"team\": \"b\"\}'; is not valid here: duplicate key 'team'"),
    ({"ssh_cidr": "fe80::1%eth0/128"}, r"^ssh_cidr: got 'fe80::1%eth0/128'; must be a CIDR without a zone id"),
    ({"instance_count": "20", "volumes": json.dumps([{"name": f"v{i}", "size": 1} for i in range(11)])}, r"^instance_count: got 20; with 11 data volume\(s\) per server the stack would have \d+ resources, over CloudFormation's 500"),
    ({"volumes": '[{"size": 10}, {"size": 20}]'}, r"^volumes\[0\].name: got None; is required when there is more than one volume.*name it after its device letter \(f\)"),
    ({"volumes": '[{"name": "data", "size": 10}, {"name": "Data", "size": 20}]'}, r"^volumes\[1\].name: got 'Data'; already used by volumes\[0\]"),
    ({"volumes": '[{"name": "my-data", "size": 10}]'}, r"^volumes\[0\].name: got 'my-data'; must be 1 to 32 letters and digits"),
])
def test_setting_rule(context, match):
    with pytest.raises(SettingError, match=match):
        build(**context)


@pytest.mark.parametrize(("spec", "match"), [
    ({"type": "gp3"}, r"^volumes\[0\].size: got None; is required"),
    ({"size": "ten"}, r"^volumes\[0\].size: got 'ten'; must be a whole number of GiB"),
    ({"size": 10, "type": "sc9"}, r"^volumes\[0\].type: got 'sc9'; must be one of gp2, gp3, io1, io2, standard"),
    ({"size": 16385, "type": "gp2"}, r"^volumes\[0\].size: got 16385; gp2 takes 1 to 16384 GiB"),
    ({"size": 65537, "type": "gp3"}, r"^volumes\[0\].size: got 65537; gp3 takes 1 to 65536 GiB"),
    ({"size": 3, "type": "io1", "iops": 100}, r"^volumes\[0\].size: got 3; io1 takes 4 to 16384 GiB"),
    ({"size": 65537, "type": "io2", "iops": 100}, r"^volumes\[0\].size: got 65537; io2 takes 4 to 65536 GiB"),
    ({"size": 1025, "type": "standard"}, r"^volumes\[0\].size: got 1025; standard takes 1 to 1024 GiB"),
    ({"size": 10, "type": "gp2", "iops": 300}, r"^volumes\[0\].iops: got 300; IOPS cannot be set for gp2"),
    ({"size": 10, "type": "standard", "iops": 100}, r"^volumes\[0\].iops: got 100; IOPS cannot be set for standard"),
    ({"size": 10, "type": "io1"}, r"^volumes\[0\].iops: got None; io1 requires iops \(100 to 64000\)"),
    ({"size": 10, "type": "io2"}, r"^volumes\[0\].iops: got None; io2 requires iops \(100 to 256000\)"),
    ({"size": 100, "type": "io1", "iops": 50}, r"^volumes\[0\].iops: got 50; io1 takes 100 to 64000 IOPS"),
    ({"size": 100, "type": "io1", "iops": 5001}, r"^volumes\[0\].iops: got 5001; io1 allows at most 50 IOPS per GiB, so 5000 for 100 GiB"),
    ({"size": 10, "type": "io2", "iops": 10001}, r"^volumes\[0\].iops: got 10001; io2 allows at most 1000 IOPS per GiB"),
    ({"size": 1000, "type": "io1", "iops": 40000}, r"^volumes\[0\].iops: got 40000; t2.micro is not built on Nitro and can use at most 32000"),
    ({"size": 100, "type": "gp3", "iops": 2999}, r"^volumes\[0\].iops: got 2999; gp3 takes 3000 to 80000 IOPS"),
    ({"size": 100, "type": "gp3", "iops": 80001}, r"^volumes\[0\].iops: got 80001; gp3 takes 3000 to 80000 IOPS"),
    ({"size": 10, "type": "gp3", "iops": 5001}, r"^volumes\[0\].iops: got 5001; gp3 allows at most 500 IOPS per GiB, so 5000 for 10 GiB"),
    ({"size": 10, "type": "gp2", "throughput": 200}, r"^volumes\[0\].throughput: got 200; throughput cannot be set for gp2"),
    ({"size": 10, "type": "io1", "iops": 100, "throughput": 200}, r"^volumes\[0\].throughput: got 200; throughput cannot be set for io1"),
    ({"size": 10, "type": "gp3", "throughput": 124}, r"^volumes\[0\].throughput: got 124; gp3 takes 125 to 2000 MiB/s"),
    ({"size": 100, "type": "gp3", "throughput": 2001}, r"^volumes\[0\].throughput: got 2001; gp3 takes 125 to 2000 MiB/s"),
    ({"size": 100, "type": "gp3", "throughput": 751}, r"^volumes\[0\].throughput: got 751; gp3 allows at most 0.25 MiB/s per IOPS, so 750 with 3000 IOPS"),
    ({"size": 10, "device": "/dev/xvda"}, r"^volumes\[0\].device: got '/dev/xvda'; must be a data device name .* /dev/xvda is the root device"),
    ({"size": 10, "device": "sdf"}, r"^volumes\[0\].device: got 'sdf'; must be a data device name"),
    ({"size": 10, "on_destroy": "keep"}, r"^volumes\[0\].on_destroy: got 'keep'; must be one of snapshot, delete, retain"),
    ({"size": 10, "encrypted": "no"}, r"^volumes\[0\].encrypted: got 'no'; must be true or false"),
    ({"size": 10, "unencrypted_reason": "scratch"}, r"^volumes\[0\].unencrypted_reason: got 'scratch'; only goes with encrypted=false"),
    ({"size": 10, "encrypted": False}, r"^volumes\[0\].unencrypted_reason: got None; is required with encrypted=false"),
    ({"size": 10, "encrypted": False, "unencrypted_reason": " "}, r"^volumes\[0\].unencrypted_reason: got ' '; only goes with encrypted=false, as text"),
    ({"size": 10, "encrypted": False, "unencrypted_reason": 5}, r"^volumes\[0\].unencrypted_reason: got 5; must be text"),
    ({"size": 10, "type": ["gp2"]}, r"^volumes\[0\].type: got \['gp2'\]; must be one of"),
    ({"size": 10, "on_destroy": ["delete"]}, r"^volumes\[0\].on_destroy: got \['delete'\]; must be one of snapshot, delete, retain"),
    ({"size": 10, "iopz": 3000}, r"^volumes\[0\].iopz: got 3000; unknown key; allowed keys: size, type, iops, throughput, encrypted, unencrypted_reason, name, device, on_destroy, snapshot_id"),
])
def test_volume_rule(spec, match):
    with pytest.raises(SettingError, match=match):
        volumes(spec)


def test_volume_error_names_its_index():
    with pytest.raises(SettingError, match=r"^volumes\[1\].iops: got 50; io1 takes 100 to 64000 IOPS"):
        volumes({"size": 10}, {"size": 100, "type": "io1", "iops": 50})


def test_duplicate_devices_are_refused_even_spelt_differently():
    with pytest.raises(SettingError, match=r"^volumes\[1\].device: got '/dev/xvdf'; device already used by volumes\[0\]"):
        volumes({"size": 10, "device": "/dev/sdf"}, {"size": 10, "device": "/dev/xvdf"})


def test_device_must_not_collide_with_instance_store():
    with pytest.raises(SettingError, match=r"^volumes\[0\].device: got '/dev/sdb'; device already used by instance store"):
        volumes({"size": 10, "device": "/dev/sdb"}, instance_type="m5d.large", instance_store="true")


def test_volumes_must_be_a_list():
    with pytest.raises(SettingError, match=r"^volumes: got \{'size': 10\}; must be a JSON list"):
        parse(volumes='{"size": 10}')


def test_malformed_volumes_json():
    with pytest.raises(SettingError, match=r"^volumes: got '\[\{size: 10\}\]'; is not valid JSON"):
        parse(volumes="[{size: 10}]")


def test_io1_above_32000_iops_is_fine_on_nitro():
    stack = volumes({"size": 1000, "type": "io1", "iops": 50000}, instance_type="m5.large")
    assert stack.web_server.servers[0].volumes[0].node.default_child.iops == 50000


def attachment_devices(stack):
    return [child.device for child in stack.web_server.servers[0].node.children
            if child.node.id.startswith("Attach")]


def test_devices_are_assigned_from_sdf_skipping_taken_ones():
    stack = volumes({"name": "a", "size": 10}, {"name": "b", "size": 10, "device": "/dev/sdf"}, {"name": "c", "size": 10})
    assert attachment_devices(stack) == ["/dev/sdg", "/dev/sdf", "/dev/sdh"]


def ssh_rules(stack):
    group = stack.web_server.security_group.node.default_child
    return [rule for rule in stack.resolve(group.security_group_ingress) if rule["fromPort"] == 22]


def test_bare_ipv4_means_one_host():
    assert [rule["cidrIp"] for rule in ssh_rules(build(ssh_cidr="198.51.100.23"))] == ["198.51.100.23/32"]


def test_cdk_json_values_arrive_typed_and_are_accepted():
    settings = parse(elastic_ip=False, instance_count=3, volumes=[{"size": 10}], tags={"team": "web"})
    assert (settings.elastic_ip, settings.instance_count, settings.volumes, settings.tags) == \
        (False, 3, (DataVolume(size=10),), (("team", "web"),))


def test_the_construct_validates_its_own_props_too():
    # The construct is reusable without the settings parser: its props refuse the same values, by name.
    import aws_cdk as cdk
    from aws_cdk import aws_ec2 as ec2

    def web_server(**props):
        stack = cdk.Stack(cdk.App(), "Props", env=cdk.Environment(account="123456789012", region="us-east-1"))
        return WebServer(stack, "Web", machine_image=ec2.MachineImage.generic_linux({"us-east-1": "ami-0123456789abcdef0"}),
                         **props)

    with pytest.raises(SettingError, match=r"^volumes\[0\].iops: got 50"):
        web_server(volumes=(DataVolume(size=100, type="io1", iops=50),))
    with pytest.raises(SettingError, match=r"^root_volume.size: got 0; gp2 takes 1 to 16384 GiB"):
        web_server(root_volume=RootVolume(size=0))
    with pytest.raises(SettingError, match=r"^instance_count: got '2'; must be a whole number$"):
        web_server(instance_count="2")
    with pytest.raises(SettingError, match=r"^volumes\[0\].encrypted: got 'no'; must be true or false$"):
        web_server(volumes=[DataVolume(size=10, encrypted="no")])


def test_hardware_extract_names_only_types_botocore_knows():
    # instance_type_info trusts the extract without loading botocore: it must never hold a name
    # the EC2 API would refuse.
    from ec2_web_server.instance_types import _hardware, known_instance_types

    assert set(_hardware()) <= known_instance_types()


def test_type_newer_than_the_extract_is_accepted_from_botocore():
    from ec2_web_server.instance_types import _hardware, instance_type_info, known_instance_types

    newer = sorted(known_instance_types() - set(_hardware()))[0]
    assert instance_type_info(newer).name == newer


def test_volume_entry_must_be_an_object():
    with pytest.raises(SettingError, match=r"^volumes\[0\]: got 10; must be a JSON object"):
        parse(volumes="[10]")


def test_no_free_device_left():
    # /dev/sdf to /dev/sdp: eleven automatic slots.
    with pytest.raises(SettingError, match=r"^volumes\[11\].device: got None; no free device left in /dev/sdf to /dev/sdp"):
        volumes(*[{"name": f"v{i}", "size": 1} for i in range(12)])


def test_text_settings_are_stored_without_surrounding_spaces():
    settings = parse(key_pair_name=" my-key ", vpc_id=" vpc-0123456789abcdef0")
    # (parsed only: building would look the VPC up)
    assert (settings.key_pair_name, settings.vpc_id) == ("my-key", "vpc-0123456789abcdef0")


def test_a_graviton_type_newer_than_the_extract_is_taken_for_arm64(monkeypatch):
    from ec2_web_server import instance_types

    monkeypatch.setattr(instance_types, "_hardware", lambda: {})
    assert instance_types.instance_type_info("m7g.large").arm64
    assert not instance_types.instance_type_info("g5.xlarge").arm64  # "g" family, no "g" attribute: x86 GPU


def test_a_vpc_without_a_public_subnet_is_refused():
    import aws_cdk as cdk
    from aws_cdk import aws_ec2 as ec2

    from ec2_web_server import WebServer

    stack = cdk.Stack(cdk.App(), "Private", env=cdk.Environment(account="123456789012", region="us-east-1"))
    vpc = ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id="vpc-0123456789abcdef0", availability_zones=["us-east-1a"],
                                      private_subnet_ids=["subnet-0123456789abcdef0"])
    with pytest.raises(SettingError, match=r"^vpc_id: got 'vpc-0123456789abcdef0'; needs a public subnet"):
        WebServer(stack, "Web", machine_image=ec2.MachineImage.generic_linux({"us-east-1": "ami-0123456789abcdef0"}),
                  vpc=vpc)


def test_bare_metal_types_are_on_nitro():
    # m5.metal has no hypervisor to report; its NVMe-only EBS interface says Nitro, so io1 may pass 32,000 IOPS.
    stack = volumes({"size": 1000, "type": "io1", "iops": 50000}, instance_type="m5.metal")
    assert stack.web_server.servers[0].volumes[0].node.default_child.iops == 50000


def test_admin_policy_only_when_explicitly_allowed():
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    stack = build(iam_policies=json.dumps([admin]), allow_admin_policies="true")
    assert admin in stack.resolve(stack.web_server.role.node.default_child.managed_policy_arns)


def test_a_snapshot_id_must_look_like_one():
    with pytest.raises(SettingError, match=r"^volumes\[0\].snapshot_id: got 'backup-1'; must be an EBS snapshot id"):
        volumes({"size": 10, "snapshot_id": "backup-1"})


# A VPC with private subnets too (as the CLI records a vpc_id lookup): the CDK's default selection
# would pick the private ones, where subnet_id must name one of the public subnets.
_MIXED_VPC_ID = "vpc-0a1b2c3d4e5f60718"
_MIXED_PUBLIC = "subnet-0aaaaaaaaaaaaaaa1"
_MIXED_PRIVATE = "subnet-0bbbbbbbbbbbbbbb1"


def mixed_vpc_context(**extra):
    key = f"vpc-provider:account=123456789012:filter.vpc-id={_MIXED_VPC_ID}:region=us-east-1:returnAsymmetricSubnets=true"
    answer = {
        "vpcId": _MIXED_VPC_ID, "vpcCidrBlock": "10.0.0.0/16", "ownerAccountId": "123456789012",
        "availabilityZones": [],
        "subnetGroups": [
            {"name": "Public", "type": "Public", "subnets": [
                {"subnetId": _MIXED_PUBLIC, "cidr": "10.0.0.0/24", "availabilityZone": "us-east-1a",
                 "routeTableId": "rtb-0aaaaaaaaaaaaaaa1"},
                {"subnetId": "subnet-0aaaaaaaaaaaaaaa2", "cidr": "10.0.1.0/24", "availabilityZone": "us-east-1b",
                 "routeTableId": "rtb-0aaaaaaaaaaaaaaa1"}]},
            {"name": "Private", "type": "Private", "subnets": [
                {"subnetId": _MIXED_PRIVATE, "cidr": "10.0.2.0/24", "availabilityZone": "us-east-1a",
                 "routeTableId": "rtb-0bbbbbbbbbbbbbbb1"},
                {"subnetId": "subnet-0bbbbbbbbbbbbbbb2", "cidr": "10.0.3.0/24", "availabilityZone": "us-east-1b",
                 "routeTableId": "rtb-0bbbbbbbbbbbbbbb2"}]},
        ],
    }
    return {"vpc_id": _MIXED_VPC_ID, key: answer, **extra}


def test_subnet_id_is_chosen_among_the_public_subnets_of_a_vpc_with_private_ones():
    stack = build(**mixed_vpc_context(subnet_id=_MIXED_PUBLIC))
    assert [subnet.subnet_id for subnet in stack.web_server.subnets] == [_MIXED_PUBLIC]


def test_a_private_subnet_id_is_refused_by_name():
    with pytest.raises(SettingError, match=rf"^subnet_id: got '{_MIXED_PRIVATE}'; is not one of the public subnets of "
                                           rf"{_MIXED_VPC_ID}"):
        build(**mixed_vpc_context(subnet_id=_MIXED_PRIVATE))


def test_subnet_id_waits_for_a_vpc_lookup_the_cli_has_yet_to_make():
    # With credentials the CLI looks an unrecorded VPC up and runs the app again: the first run must not
    # judge subnet_id against the CDK's placeholder VPC.
    _, stack = build_app(context={**base_context(), "vpc_id": "vpc-0fedcba9876543210",
                                  "subnet_id": "subnet-0123456789abcdef0"}, lookups_possible=True)
    assert stack.web_server.vpc.vpc_id == "vpc-12345"


# EC2: "user data is limited to 16 KB" (raw, before base64 encoding). The boot script itself takes some.
@pytest.mark.parametrize("tier", ["single", "autoscaling"])
def test_user_data_over_ec2s_16_kb_is_refused(tier):
    commands = json.dumps([f"echo {'x' * 4000}"] * 4)
    with pytest.raises(SettingError, match=r"^user_data_commands: got '4 command\(s\), 16020 bytes'; make the boot "
                                           r"script at least \d+ bytes, over EC2's user data limit of 16 KB \(16384 "
                                           r"bytes, before base64\)"):
        build(user_data_commands=commands, tier=tier)


def test_user_data_just_under_the_limit_is_accepted():
    from ec2_web_server.boot import MAX_USER_DATA_BYTES, user_data_size

    stack = build(user_data_commands=json.dumps([f"echo {'x' * 9000}"]))
    assert 9000 < user_data_size(stack, stack.web_server.instance.user_data) <= MAX_USER_DATA_BYTES
