"""`make diff`'s summary (tools/review_diff.py) on real before/after pairs synthesized in-process, and on small
hand-written templates (tests/tools/pairs.py) for the cases a pair would cost another synthesis for."""

import functools
import json

from constants import EXAMPLE_REGION, STACK_NAME
from tests.tools.conftest import CW_AGENT
from tests.tools.pairs import PAIRS
from tools import cfn_diff
from tools.review_diff import render_review, summarize

_REVIEWS = {}


def review(before, after, region=EXAMPLE_REGION):
    """The summary of a pair; each pair is reviewed once per module (one engine run each)."""
    before = before.template if hasattr(before, "template") else before
    after = after.template if hasattr(after, "template") else after
    key = json.dumps([before, after, region], sort_keys=True)
    if key not in _REVIEWS:
        _REVIEWS[key] = summarize(before, after, stack=STACK_NAME, region=region)
    return _REVIEWS[key]


@functools.cache
def _engine_diffs():
    """The engine's diff of every hand-written pair, from one Node start."""
    return dict(zip(PAIRS, cfn_diff.diff_templates(list(PAIRS.values())), strict=True))


@functools.cache
def pair(name):
    return summarize(*PAIRS[name], stack=STACK_NAME, region=EXAMPLE_REGION, engine=_engine_diffs()[name])


def flags(result, start):
    return [flag for flag in result.flags if flag.startswith(start)]


def actions(result):
    return {c.logical_id: (c.action, c.maybe, c.interrupt) for c in result.changes}


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

def test_wider_cidr_is_widening():
    assert pair("wider_cidr").flags == [
        "Widens network access: `Sg` now allows tcp 22 from 203.0.113.0/24 (was tcp 22 from 203.0.113.7/32)."]


def test_wider_port_range_is_widening():
    assert flags(pair("wider_port_range"), "Widens network access: `Sg` now allows tcp 22-8080")


def test_standalone_ingress_rule_to_the_internet_is_widening():
    assert pair("standalone_ingress").flags == [
        "Widens network access: `Sg` gets a new ingress rule, tcp 22 from 0.0.0.0/0 (the whole Internet)."]


def test_egress_to_the_internet_is_widening():
    assert pair("egress_to_internet").flags == [
        "Widens outbound access: `Sg` now allows all traffic to 0.0.0.0/0 (the whole Internet) "
        "(was icmp 252-86 to 255.255.255.255/32)."]


def test_egress_narrowed_to_one_port_is_not_widening():
    result = pair("egress_narrowed")
    assert result.flags == []
    assert result.notes == ["Narrows outbound access: `Sg` now allows tcp 443 to 0.0.0.0/0 (the whole Internet) "
                            "instead of all traffic to 0.0.0.0/0 (the whole Internet)."]


def test_removed_group_narrows_with_its_rules():
    result = pair("group_removed")
    assert result.flags == []
    assert "Narrows network access: `Sg` is removed, with its rule tcp 22 from 203.0.113.7/32." in result.notes


def test_instance_type_change_stops_and_starts_not_replaces():
    result = pair("instance_type")
    assert result.flags == []
    assert actions(result) == {"Web": ("update", False, True)}
    assert result.notes[0] == ("Stops and starts instance `Web` (the web server is down meanwhile): InstanceType: "
                               "t2.micro to t3.micro (stop and start; `cdk diff`: may be replaced). Its auto-assigned "
                               "public IPv4 address changes (it has no Elastic IP).")


def test_user_data_change_stops_and_starts():
    assert actions(pair("user_data")) == {"Web": ("update", False, True)}


def test_root_volume_change_replaces_the_instance():
    result = pair("root_volume_size")
    assert result.flags[0] == ("REPLACES instance `Web`: BlockDeviceMappings: /dev/xvda VolumeSize 8 to 20 "
                               "(requires replacement; `cdk diff`: may be replaced).")


def test_delete_on_termination_alone_updates_in_place():
    result = pair("delete_on_termination_only")
    assert (actions(result), result.flags) == ({"Web": ("update", False, False)}, [])
    assert result.changes[0].reasons == [
        "BlockDeviceMappings: /dev/xvda DeleteOnTermination true to false (no interruption; `cdk diff`: may be replaced)"]


def test_unrefined_conditional_property_may_replace():
    result = pair("tenancy")
    assert flags(result, "MAY REPLACE instance `Web`: Tenancy: (none) to dedicated (may require replacement)")


def test_replaced_instance_without_elastic_ip_gets_a_new_address():
    assert "Instance `Web` gets a new public IPv4 address (it has no Elastic IP)." \
        in pair("new_ami_without_elastic_ip").notes


def test_instance_follows_its_replaced_security_group_in_place():
    result = pair("group_replaced_under_the_instance")
    assert actions(result) == {"Sg": ("replace", False, False), "Web": ("update", False, False)}
    web = next(c for c in result.changes if c.logical_id == "Web")
    assert web.reasons == ["SecurityGroupIds: `Sg` is replaced (no interruption; `cdk diff`: may be replaced)"]


def test_new_logical_id_for_the_same_construct_replaces_it():
    result = pair("new_logical_id")
    assert flags(result, "REPLACES instance `WebServer/Server1/Instance`: its logical id changes")
    assert flags(result, "Loses data: instance `WebServer/Server1/Instance` is replaced")
    assert [(c.action, c.new_logical_id) for c in result.changes] == [("replace", "Instance1111AAAAc0ffee00")]


def test_a_moved_construct_path_alone_is_no_change():
    result = pair("construct_path_only")
    assert (result.changes, result.flags) == ([], [])


def test_shrinking_a_volume_is_called_out():
    assert any("cannot shrink" in note for note in pair("volume_shrinks").notes)


def test_volume_type_changes_in_place():
    assert actions(pair("volume_type")) == {"Data": ("update", False, False)}


def test_attachment_device_change_replaces_the_attachment():
    assert actions(pair("attachment_device")) == {"Attach": ("replace", False, False)}


def test_monitoring_changes_in_place_without_a_stop():
    assert actions(pair("monitoring")) == {"Web": ("update", False, False)}


def test_new_policy_statement_is_an_iam_change_in_bold():
    assert pair("inline_policy").flags == [
        "IAM: allows `AWS:${WebServer/InstanceRole}` to `s3:GetObject, s3:GetObjectVersion` on "
        "`arn:aws:s3:::web-content/*`."]


def test_new_role_and_its_trust_are_iam_changes():
    assert pair("new_role").flags == [
        "IAM: adds Role `Role`.", "IAM: allows `Service:ec2.amazonaws.com` to `sts:AssumeRole` on `${Role.Arn}`."]


def test_added_volume_shows_its_size_type_and_deletion_policy(default, with_volumes):
    added = {c.name: c.reasons for c in review(default, with_volumes).changes if c.action == "add"}
    assert added["WebServerServer1VolumeF"] == ["20 GiB gp3, DeletionPolicy Delete"]
    assert added["WebServerServer1VolumeG"] == ["30 GiB gp3, DeletionPolicy Snapshot"]
