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
    assert tags["Name"] == "web-server-1-sdf"
    assert tags["app"] == "ec2-web-server"
    assert tags["team"] == "web"


def test_io2_up_to_1000_iops_per_gib_although_the_pinned_cdk_stops_at_500(synth_with):
    result = synth_with({"instance_type": "m5.large",
                         "volumes": json.dumps([{"size": 10, "type": "io2", "iops": 10000}])})
    props = volume_by_device(result, "/dev/sdf")["Properties"]
    assert (props["VolumeType"], props["Size"], props["Iops"]) == ("io2", 10, 10000)
