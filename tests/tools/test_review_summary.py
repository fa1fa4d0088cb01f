"""`make diff`'s summary (tools/review_diff.py) on real before/after pairs synthesized in-process, and on small
hand-written templates for the cases a pair would cost another synthesis for."""

import copy

import pytest

from tests.tools.conftest import CW_AGENT
from tools.review_diff import render_review, summarize, update_behaviour


def review(before, after, region="us-east-1"):
    return summarize(before.template if hasattr(before, "template") else before,
                     after.template if hasattr(after, "template") else after, stack="WebServerStack", region=region)


def flags(result, start):
    return [flag for flag in result.flags if flag.startswith(start)]


# --- real pairs --------------------------------------------------------------------------------------------

def test_new_ami_replaces_the_instance_in_bold(default, changed):
    result = review(default, changed)
    replaced = flags(result, "REPLACES instance `WebServerServer1Instance`")
    assert len(replaced) == 1
    assert "ImageId: ami-0fb23f2d720767b7a to ami-03c3da4cfa8e8943a (requires replacement)" in replaced[0]
    assert f"- **{replaced[0]}**" in render_review(result)


def test_replaced_instance_loses_its_root_volume(default, changed):
    lost = flags(review(default, changed), "Loses data:")
    assert lost == ["Loses data: instance `WebServerServer1Instance` is replaced (the old one is deleted), and its "
                    "root volume /dev/xvda (8 GiB gp2) is deleted with it (DeleteOnTermination): anything stored "
                    "on it is lost."]


def test_replacement_follows_references_to_the_replaced_instance(default, changed):
    association = next(c for c in review(default, changed).changes if c.type == "AWS::EC2::EIPAssociation")
    assert association.action == "replace"
    assert association.reasons == ["InstanceId: `WebServerServer1Instance` is replaced (requires replacement)"]


def test_new_ssh_rule_widens_network_access(default, changed):
    assert flags(review(default, changed), "Widens network access:") == [
        "Widens network access: `WebServerSecurityGroup` gets a new ingress rule, tcp 22 from 203.0.113.7/32."]


def test_removing_the_ssh_rule_narrows_and_is_not_flagged(changed, default):
    result = review(changed, default)
    assert flags(result, "Widens") == []
    assert "Narrows network access: `WebServerSecurityGroup` no longer allows tcp 22 from 203.0.113.7/32." \
        in result.notes


def test_managed_policy_is_an_iam_change_in_bold(default, changed):
    result = review(default, changed)
    assert flags(result, "IAM:") == [f"IAM: Role `WebServerInstanceRole` gets managed policy `{CW_AGENT}`."]


def test_removing_a_delete_on_destroy_volume_loses_data(with_volumes, default):
    assert flags(review(with_volumes, default), "Loses data:") == [
        "Loses data: volume `WebServerServer1VolumeF` (20 GiB gp3) is removed with DeletionPolicy Delete: "
        "everything on it is lost."]


def test_removing_a_snapshot_volume_keeps_a_snapshot_not_flagged(with_volumes, default):
    result = review(with_volumes, default)
    assert not any("VolumeG" in flag for flag in result.flags)
    assert any(note.startswith("Data kept: volume `WebServerServer1VolumeG` (30 GiB gp3) is removed; a snapshot")
               for note in result.notes)


def test_counts_added_removed_changed(with_volumes, default):
    text = render_review(review(with_volumes, default))
    assert "- 0 added, 4 removed, 0 changed (0 replaced, 0 updated in place)." in text


def test_cost_change_is_shown(with_volumes, default):
    # gp3 20 GB + 30 GB at 0.08 = 4.00 a month, running and stopped; the 30 GB snapshot volume would have
    # left up to 30 GB of snapshot at 0.05 = 1.50 after destroy.
    assert review(with_volumes, default).cost == [
        "Cost (us-east-1, `tools/prices.json`): while running $16.92 to $12.92 a month (-$4.00); while stopped "
        "$8.45 to $4.45 a month (-$4.00); after `cdk destroy` $1.50 to $0.00 a month (-$1.50)."]


def test_cost_change_uses_the_stack_region(with_volumes, default):
    # Tokyo: gp3 50 GB at 0.096 = 4.80
    assert "(-$4.80)" in review(with_volumes, default, region="ap-northeast-1").cost[0]


def test_no_change_raises_no_flag(default):
    result = review(default, default)
    assert (result.flags, result.changes) == ([], [])
    assert "- No changes to the stack's resources." in render_review(result)


# --- hand-written templates ----------------------------------------------------------------------------

def sg(*rules):
    return {"Type": "AWS::EC2::SecurityGroup",
            "Properties": {"GroupDescription": "web", "VpcId": "vpc-1", "SecurityGroupIngress": list(rules)}}


def ssh(cidr, to_port=22):
    return {"CidrIp": cidr, "IpProtocol": "tcp", "FromPort": 22, "ToPort": to_port}


def instance(**props):
    base = {"ImageId": "ami-1", "InstanceType": "t2.micro", "SubnetId": "subnet-1",
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
                                     "Ebs": {"VolumeSize": 8, "VolumeType": "gp2", "DeleteOnTermination": True}}]}
    return {"Type": "AWS::EC2::Instance", "Properties": {**base, **props}}


def test_wider_cidr_is_widening():
    before = {"Resources": {"Sg": sg(ssh("203.0.113.7/32"))}}
    after = {"Resources": {"Sg": sg(ssh("203.0.113.0/24"))}}
    assert review(before, after).flags == [
        "Widens network access: `Sg` now allows tcp 22 from 203.0.113.0/24 (was tcp 22 from 203.0.113.7/32)."]


def test_wider_port_range_is_widening():
    before = {"Resources": {"Sg": sg(ssh("203.0.113.7/32"))}}
    after = {"Resources": {"Sg": sg(ssh("203.0.113.7/32", to_port=8080))}}
    assert flags(review(before, after), "Widens network access: `Sg` now allows tcp 22-8080")


def test_standalone_ingress_rule_to_the_internet_is_widening():
    rule = {"Type": "AWS::EC2::SecurityGroupIngress",
            "Properties": {"GroupId": {"Fn::GetAtt": ["Sg", "GroupId"]}, **ssh("0.0.0.0/0")}}
    before = {"Resources": {"Sg": sg()}}
    after = {"Resources": {"Sg": sg(), "Ssh": rule}}
    assert review(before, after).flags == [
        "Widens network access: `Sg` gets a new ingress rule, tcp 22 from 0.0.0.0/0 (the whole Internet)."]


def test_instance_type_change_stops_and_starts_not_replaces():
    result = review({"Resources": {"Web": instance()}}, {"Resources": {"Web": instance(InstanceType="t3.micro")}})
    assert result.flags == []
    assert result.notes[0] == ("Stops and starts instance `Web` (the web server is down meanwhile): InstanceType: "
                               "t2.micro to t3.micro (stop and start). Its auto-assigned public IPv4 address changes "
                               "(it has no Elastic IP).")


def test_root_volume_change_replaces_the_instance():
    bigger = copy.deepcopy(instance())
    bigger["Properties"]["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"] = 20
    result = review({"Resources": {"Web": instance()}}, {"Resources": {"Web": bigger}})
    assert result.flags[0] == \
        "REPLACES instance `Web`: BlockDeviceMappings: /dev/xvda VolumeSize 8 to 20 (requires replacement)."


def test_delete_on_termination_alone_updates_in_place():
    kept = copy.deepcopy(instance())
    kept["Properties"]["BlockDeviceMappings"][0]["Ebs"]["DeleteOnTermination"] = False
    result = review({"Resources": {"Web": instance()}}, {"Resources": {"Web": kept}})
    assert [(c.action, result.flags) for c in result.changes] == [("update", [])]


def test_unrefined_conditional_property_may_replace():
    result = review({"Resources": {"Web": instance()}}, {"Resources": {"Web": instance(Tenancy="dedicated")}})
    assert flags(result, "MAY REPLACE instance `Web`: Tenancy: (none) to dedicated (may require replacement)")


def test_new_logical_id_for_the_same_construct_replaces_it():
    def tagged(logical_id):
        resource = instance()
        resource["Metadata"] = {"aws:cdk:path": "WebServerStack/WebServer/Server1/Instance/Resource"}
        return {"Resources": {logical_id: resource}}

    result = review(tagged("Instance1111AAAA"), tagged("Instance1111AAAAc0ffee00"))
    assert flags(result, "REPLACES instance `WebServer/Server1/Instance`: its logical id changes")
    assert flags(result, "Loses data: instance `WebServer/Server1/Instance` is replaced")


def test_shrinking_a_volume_is_called_out():
    def vol(size):
        return {"Resources": {"Data": {"Type": "AWS::EC2::Volume", "DeletionPolicy": "Snapshot",
                                       "Properties": {"AvailabilityZone": "us-east-1a", "Size": size}}}}

    assert any("cannot shrink" in note for note in review(vol(50), vol(20)).notes)


@pytest.mark.parametrize(("resource_type", "prop", "expected"), [
    ("AWS::EC2::Instance", "ImageId", "replace"),
    ("AWS::EC2::Instance", "SubnetId", "replace"),
    ("AWS::EC2::Instance", "KeyName", "replace"),
    ("AWS::EC2::Instance", "UserData", "interrupt"),
    ("AWS::EC2::Instance", "Monitoring", "in-place"),
    ("AWS::EC2::Volume", "VolumeType", "in-place"),
    ("AWS::EC2::VolumeAttachment", "Device", "replace"),
    ("AWS::EC2::SecurityGroup", "GroupDescription", "replace"),
])
def test_update_behaviour_comes_from_cfn_lint_schemas(resource_type, prop, expected):
    assert update_behaviour(resource_type, prop, {prop: "a"}, {prop: "b"}, "us-east-1") == expected


def test_added_volume_shows_its_size_type_and_deletion_policy(default, with_volumes):
    added = {c.name: c.reasons for c in review(default, with_volumes).changes if c.action == "add"}
    assert added["WebServerServer1VolumeF"] == ["20 GiB gp3, DeletionPolicy Delete"]
    assert added["WebServerServer1VolumeG"] == ["30 GiB gp3, DeletionPolicy Snapshot"]
