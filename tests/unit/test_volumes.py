"""Extra EBS data volumes: type, size, IOPS, encryption, AZ, attachment, what destroy does."""

import json

VOLUME = "AWS::EC2::Volume"


def volume_by_device(result, device: str, server: int = 1) -> dict:
    attachments = [a for a in result.resources("AWS::EC2::VolumeAttachment").values()
                   if a["Properties"]["Device"] == device
                   and a["Properties"]["InstanceId"]["Ref"].startswith(f"WebServerServer{server}")]
    assert len(attachments) == 1, attachments
    return result.template["Resources"][attachments[0]["Properties"]["VolumeId"]["Ref"]]


def test_no_data_volumes_by_default(default):
    default.assertions().resource_count_is(VOLUME, 0)


def test_each_instance_gets_its_own_volumes(loaded):
    loaded.assertions().resource_count_is(VOLUME, 4)
    loaded.assertions().resource_count_is("AWS::EC2::VolumeAttachment", 4)


def test_gp2_volume_encrypted_by_default(loaded):
    props = volume_by_device(loaded, "/dev/sdf")["Properties"]
    assert props["VolumeType"] == "gp2"
    assert props["Size"] == 50
    assert props["Encrypted"] is True
    assert "Iops" not in props
    assert "Throughput" not in props


def test_io1_volume_gets_its_iops_and_the_next_free_device(loaded):
    props = volume_by_device(loaded, "/dev/sdg", server=2)["Properties"]
    assert props["VolumeType"] == "io1"
    assert props["Size"] == 100
    assert props["Iops"] == 3000


def test_volume_lives_in_the_instance_availability_zone(loaded):
    for server in (1, 2):
        instance = next(r for k, r in loaded.resources("AWS::EC2::Instance").items() if f"Server{server}" in k)
        volume = volume_by_device(loaded, "/dev/sdf", server)
        assert volume["Properties"]["AvailabilityZone"] == instance["Properties"]["AvailabilityZone"]


def test_snapshot_on_destroy_is_the_default(loaded):
    volume = volume_by_device(loaded, "/dev/sdf")
    assert volume["DeletionPolicy"] == "Snapshot"
    assert volume["UpdateReplacePolicy"] == "Snapshot"


def test_on_destroy_delete(loaded):
    assert volume_by_device(loaded, "/dev/sdg")["DeletionPolicy"] == "Delete"


def test_on_destroy_retain(synth_with):
    result = synth_with({"volumes": json.dumps([{"size": 10, "on_destroy": "retain"}])})
    assert volume_by_device(result, "/dev/sdf")["DeletionPolicy"] == "Retain"


def test_gp3_volume_with_iops_and_throughput_beyond_old_cdk_limits(synth_with):
    # 2025 limits: 64 TiB, 80,000 IOPS, 2,000 MiB/s.
    spec = {"size": 65536, "type": "gp3", "iops": 80000, "throughput": 2000}
    result = synth_with({"instance_type": "m5.large", "volumes": json.dumps([spec])})
    props = volume_by_device(result, "/dev/sdf")["Properties"]
    assert (props["Size"], props["Iops"], props["Throughput"]) == (65536, 80000, 2000)


def test_volumes_carry_name_and_stack_tags(loaded):
    tags = {t["Key"]: t["Value"] for t in volume_by_device(loaded, "/dev/sdf")["Properties"]["Tags"]}
    assert tags["Name"] == "web-server-1-data"
    assert tags["app"] == "ec2-web-server"
    assert tags["team"] == "web"


def test_io2_up_to_1000_iops_per_gib_although_the_pinned_cdk_stops_at_500(synth_with):
    result = synth_with({"instance_type": "m5.large",
                         "volumes": json.dumps([{"size": 10, "type": "io2", "iops": 10000}])})
    props = volume_by_device(result, "/dev/sdf")["Properties"]
    assert (props["VolumeType"], props["Size"], props["Iops"]) == ("io2", 10, 10000)


# --- identity: a volume's logical ID comes from its name, never from its place in the list or its device


def volume_ids(result, server: int = 1) -> dict[str, dict]:
    """Volumes of one server by logical ID (hash suffix stripped), with their properties."""
    prefix = f"WebServerServer{server}Volume"
    return {key[len(prefix):-8]: value["Properties"] for key, value in result.resources(VOLUME).items()
            if key.startswith(prefix)}


def test_a_lone_unnamed_volume_is_named_after_its_device_letter(synth_with):
    result = synth_with({"volumes": json.dumps([{"size": 20}])})
    assert set(volume_ids(result)) == {"F"}


def test_named_volumes_keep_their_identity_when_reordered_or_given_a_device(synth_with):
    before = synth_with({"volumes": json.dumps([{"name": "f", "size": 10}, {"name": "g", "size": 20}])})
    after = synth_with({"volumes": json.dumps([{"name": "g", "size": 20},
                                               {"name": "f", "size": 10, "device": "/dev/sdh"}])})
    assert {k: v["Size"] for k, v in volume_ids(before).items()} == {"F": 10, "G": 20}
    assert {k: v["Size"] for k, v in volume_ids(after).items()} == {"F": 10, "G": 20}


def test_detach_volumes_keeps_the_volumes_and_drops_attachments_and_the_guard(synth_with):
    result = synth_with({"volumes": json.dumps([{"size": 20}]), "detach_volumes": "true"})
    assert set(volume_ids(result)) == {"F"}
    result.assertions().resource_count_is("AWS::EC2::VolumeAttachment", 0)
    assert not [rule for rule in result.template["Rules"] if "KeepAttached" in rule]
    assert not [p for p in result.template["Parameters"] if "InstanceGeneration" in p]


# --- the guard: an update that replaces the instance while volumes are attached is refused up front


def guard(result, server: int = 1) -> tuple[str, dict, dict]:
    """(parameter name, parameter, rule) of one server's instance-generation guard."""
    (name, parameter), = [(k, v) for k, v in result.template["Parameters"].items()
                          if k.startswith(f"WebServerServer{server}InstanceGeneration")]
    (rule,) = [v for k, v in result.template["Rules"].items() if k.startswith(f"WebServerServer{server}KeepAttached")]
    return name, parameter, rule


def test_attached_volumes_bring_a_rule_that_holds_the_deployed_instance_generation(synth_with):
    result = synth_with({"volumes": json.dumps([{"size": 20}])})
    name, parameter, rule = guard(result)
    assert parameter["Type"] == "String"
    (assertion,) = rule["Assertions"]
    assert assertion["Assert"] == {"Fn::Equals": [{"Ref": name}, parameter["Default"]]}
    assert "detach_volumes=true" in assertion["AssertDescription"]
    assert "VolumeInUse" in assertion["AssertDescription"]


def test_the_generation_changes_exactly_when_the_instance_would_be_replaced(synth_with):
    base = {"volumes": json.dumps([{"size": 20}])}
    generation = {name: guard(synth_with({**base, **extra}))[1]["Default"] for name, extra in {
        "base": {},
        "new ami": {"machine_image": "amazon-linux-2023"},
        "bigger root": {"root_volume": json.dumps({"type": "gp2", "size": 20})},
        "new instance type": {"instance_type": "t3.micro"},  # a stop and start, not a replacement
        "root kept on termination": {"root_volume": json.dumps({"type": "gp2", "delete_on_termination": False})},
        # user_data_causes_replacement: a new script is a new instance (its logical ID carries the hash)
        "new user data": {"user_data_commands": json.dumps(["echo hello"])},
        # A launch template (issue 23) replaces the instance, and so does another version of it.
        "no reservation": {"capacity_reservation": "none"},
        "a reservation": {"capacity_reservation": "cr-0123456789abcdef0"},
    }.items()}
    assert len({generation["base"], generation["no reservation"], generation["a reservation"]}) == 3
    assert generation["new ami"] != generation["base"]
    assert generation["bigger root"] != generation["base"]
    assert generation["new user data"] != generation["base"]
    assert generation["new instance type"] == generation["base"]
    assert generation["root kept on termination"] == generation["base"]


def test_no_guard_without_volumes(default):
    assert list(default.template["Rules"]) == ["CheckBootstrapVersion"]  # the CDK's own rule only


def test_a_volume_can_be_restored_from_a_snapshot(synth_with):
    result = synth_with({"volumes": json.dumps([{"name": "data", "size": 20}, {
        "name": "restored", "size": 20, "snapshot_id": "snap-0123456789abcdef0"}])})
    assert volume_ids(result)["Restored"]["SnapshotId"] == "snap-0123456789abcdef0"
    assert "SnapshotId" not in volume_ids(result)["Data"]
