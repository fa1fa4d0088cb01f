"""`make diff`'s summary (tools/review_diff/) on real before/after pairs synthesized in-process, and on small
hand-written templates (tests/tools/pairs.py) for the cases a pair would cost another synthesis for."""

import copy
import functools
import json

import pytest

from constants import EXAMPLE_REGION, STACK_NAME
from ec2_web_server.domain import SITE_ANSWERS_TIMEOUT
from tests.tools.conftest import CW_AGENT
from tests.tools.pairs import (
    IMPORTED_CERTIFICATE,
    PAIRS,
    attachment,
    instance,
    resources,
    volume,
    with_imported_certificate,
)
from tools import cfn_diff
from tools.review_diff import render_review, summarize

_REVIEWS = {}
_ENGINES = {}  # the engine's diff of a pair (json of before and after), computed ahead for many pairs at once
# The synthesized before/after pairs the module reviews (fixture names): their engine diffs come from one Node start
# (each start costs about half a second).
REAL_PAIRS = (("default", "changed"), ("changed", "default"), ("with_volumes", "default"), ("default", "default"),
              ("default", "with_volumes"), ("with_volumes", "volumes_changed"), ("with_volumes", "volumes_new_ami"),
              ("fleet", "fleet_loaded"), ("default", "fleet"))


def _key(before, after):
    return json.dumps([before, after], sort_keys=True)


def _prefetch(pairs):
    """Run the engine once for every pair whose diff is not known yet."""
    missing = list({_key(*p): p for p in pairs if _key(*p) not in _ENGINES}.items())
    for (key, _), engine in zip(missing, cfn_diff.diff_templates([p for _, p in missing]), strict=True):
        _ENGINES[key] = engine


@pytest.fixture(scope="module", autouse=True)
def _engines_of_the_real_pairs(request):
    synthesized = {name: request.getfixturevalue(name).template for name in {n for p in REAL_PAIRS for n in p}}
    _prefetch([(synthesized[before], synthesized[after]) for before, after in REAL_PAIRS])


def review(before, after, region=EXAMPLE_REGION):
    """The summary of a pair, once per module; its engine diff computed ahead when it is one of REAL_PAIRS."""
    before = before.template if hasattr(before, "template") else before
    after = after.template if hasattr(after, "template") else after
    key = json.dumps([before, after, region], sort_keys=True)
    if key not in _REVIEWS:
        _REVIEWS[key] = summarize(before, after, stack=STACK_NAME, region=region,
                                  engine=_ENGINES.get(_key(before, after)))
    return _REVIEWS[key]


@functools.cache
def _engine_diffs():
    """The engine's diff of every hand-written pair (tests/tools/pairs.py's and this module's), from one Node start."""
    every = {**PAIRS, **LOCAL_PAIRS}
    return dict(zip(every, cfn_diff.diff_templates(list(every.values())), strict=True))


@functools.cache
def pair(name):
    return summarize(*{**PAIRS, **LOCAL_PAIRS}[name], stack=STACK_NAME, region=EXAMPLE_REGION,
                     engine=_engine_diffs()[name])


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
        "Cost (us-east-1, `cost_model/prices.json`): while running $16.92 to $12.92 a month (-$4.00); while stopped "
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


def test_user_data_change_on_the_same_instance_stops_and_starts_and_says_the_script_does_not_run():
    result = pair("user_data")
    assert actions(result) == {"Web": ("update", False, True)}
    assert result.changes[0].reasons == [
        "UserData changes (stop and start; the new script does not run: user data runs on an instance's first boot "
        "only; `cdk diff`: may be replaced)"]


def test_root_volume_change_replaces_the_instance():
    result = pair("root_volume_size")
    assert result.flags[0].startswith("REPLACES instance `Web`: BlockDeviceMappings: /dev/xvda VolumeSize 8 to 20 "
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
    assert pair("new_ami_without_elastic_ip").flags[0] == (
        "REPLACES instance `Web`: ImageId: ami-1 to ami-2 (requires replacement). It has no Elastic IP: the new "
        "instance gets a new auto-assigned public IPv4 address.")


def test_replaced_instance_with_an_elastic_ip_keeps_its_address(default, changed):
    replaced = flags(review(default, changed), "REPLACES instance")
    assert replaced[0].endswith("Its Elastic IP `WebServerServer1ElasticIp` moves to the new instance: the public "
                                "address stays the same.")


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


def test_shrinking_a_volume_fails_in_bold():
    result = pair("volume_shrinks")
    assert result.flags == [
        "FAILS: volume `Data`: Size: 50 to 20: EBS volumes cannot shrink (50 to 20 GiB), so this update will fail and "
        "roll back; make a new, smaller volume under a new name instead."]
    assert f"- **{result.flags[0]}**" in render_review(result)
    assert "| **update (fails)** | Data |" in render_review(result)


def test_growing_a_volume_does_not_fail():
    grown = pair("volume_grows")
    assert (grown.flags, grown.changes[0].fails) == ([], [])


def test_a_volume_modification_says_ec2_paces_them_once_per_volume():
    # ModifyVolume: none while the previous modification of the volume is in progress, at most four in 24 hours.
    grown = pair("volume_grows")
    (reason,) = grown.changes[0].reasons
    assert reason.startswith("Size: 20 to 50 (in place by one ModifyVolume, which EC2 refuses "
                             "(VolumeModificationRateExceeded) while this volume's previous modification is still in "
                             "progress")
    assert "make diff cannot see when the volume was last modified" in render_review(grown)
    retyped = pair("volume_type")
    assert sum("ModifyVolume" in reason for reason in retyped.changes[0].reasons) == 1


def test_volume_type_changes_in_place():
    assert actions(pair("volume_type")) == {"Data": ("update", False, False)}


def test_moving_a_volume_to_another_device_fails_with_volume_in_use():
    # Every AWS::EC2::VolumeAttachment property says "Update requires: Replacement": CloudFormation attaches the volume
    # at the new device before it detaches it from the old one, and EC2 refuses a volume in use.
    result = pair("attachment_device")
    assert actions(result) == {"Attach": ("replace", False, False)}
    assert result.flags == [
        "FAILS: volume attachment `Attach`: Device: /dev/sdf to /dev/sdg: CloudFormation replaces an attachment whose "
        "device or instance changes, and creates the new one before it deletes the old one, while volume `Data` is "
        "still attached at /dev/sdf on instance `Web`: EC2 refuses a volume in use (VolumeInUse), so this update will "
        "fail; deploy with -c detach_volumes=true, then without it."]
    assert "| **replace (fails)** | Attach |" in render_review(result)


def test_an_instance_replaced_with_its_volumes_fails_once_not_once_per_attachment():
    result = pair("replaced_with_volumes_no_rule")
    assert [flag for flag in result.flags if flag.startswith("FAILS")] == [result.flags[0]]


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


# --- updates AWS refuses, volumes replaced (issue: nothing lost on update) ---------------------------------

NOT_UPDATABLE = "CloudFormation's AWS::EC2::Volume reference says \"Updates are not supported\" for {}, so this " \
    "update will fail and roll back, the volume untouched"


def test_volume_encryption_change_fails_in_bold_on_the_real_templates(with_volumes, volumes_changed):
    result = review(with_volumes, volumes_changed)
    assert f"FAILS: volume `WebServerServer1VolumeF`: Encrypted: true to false: {NOT_UPDATABLE.format('Encrypted')}; " \
        "to change it, add a new volume under a new name and copy the data across." in result.flags
    assert "| **update (fails)** | WebServerServer1VolumeF |" in render_review(result)


def test_volume_shrink_fails_in_bold_on_the_real_templates(with_volumes, volumes_changed):
    shrink = ("FAILS: volume `WebServerServer1VolumeF`: Size: 20 to 10: EBS volumes cannot shrink (20 to 10 GiB), so "
              "this update will fail")
    assert any(flag.startswith(shrink) for flag in review(with_volumes, volumes_changed).flags)


def test_hand_written_encryption_change_fails():
    assert pair("volume_encryption").flags[0].startswith(
        f"FAILS: volume `Data`: Encrypted: true to false: {NOT_UPDATABLE.format('Encrypted')}")


def test_encrypted_false_written_out_is_no_change_to_cloudformation():
    # CloudFormation reads an absent Encrypted as false: writing it out changes nothing, and must not "fail".
    result = pair("volume_encrypted_false_written_out")
    assert result.flags == []
    assert [change.fails for change in result.changes] == [[]]


NOT_UPDATABLE_PROPS = {"AvailabilityZone": ("us-east-1a", "us-east-1b"), "KmsKeyId": ("alias/one", "alias/two"),
                       "SnapshotId": ("snap-1", "snap-2"), "MultiAttachEnabled": (False, True)}


def test_every_property_cloudformation_cannot_update_fails():
    for prop in NOT_UPDATABLE_PROPS:
        result = pair(f"volume_{prop}")
        assert len(result.flags) == 1, prop
        assert NOT_UPDATABLE.format(prop) in result.flags[0], prop


def test_new_size_or_iops_of_a_multi_attach_volume_fails():
    # The AWS::EC2::Volume reference, MultiAttachEnabled: CloudFormation does not support "updating the size or number
    # of I/O operations per second (IOPS) of a multi-attach enabled volume".
    for prop, change in (("Size", "Size: 50 to 60"), ("Iops", "Iops: 3000 to 4000")):
        result = pair(f"multi_attach_{prop}")
        assert result.flags == [
            f"FAILS: volume `Data`: {change}: CloudFormation's AWS::EC2::Volume reference says it does not support "
            f"updating the {'size' if prop == 'Size' else 'IOPS'} of a multi-attach enabled volume (MultiAttachEnabled "
            "true), so this update will fail and roll back, the volume untouched; to change it, add a new volume under "
            "a new name and copy the data across."], prop
    assert pair("single_attach_iops").flags == []


def test_renamed_volume_is_replaced_in_bold_with_what_happens_to_the_old_one(with_volumes, volumes_changed):
    replaced = flags(review(with_volumes, volumes_changed), "REPLACES volume")
    assert len(replaced) == 1
    assert replaced[0].startswith(
        "REPLACES volume `WebServerServer1VolumeG` with `WebServerServer1VolumeH` (new, empty; the old one is "
        "snapshotted, then deleted (DeletionPolicy Snapshot)): renamed to `WebServerServer1VolumeH`, a new volume")


def test_renamed_attached_volume_fails_on_its_device(with_volumes, volumes_changed):
    (conflict,) = [flag for flag in review(with_volumes, volumes_changed).flags if "device in use" in flag]
    assert conflict.startswith("FAILS: `WebServerServer1AttachH` attaches volume `WebServerServer1VolumeH` at /dev/sdg "
                               "on instance `WebServerServer1Instance` while `WebServerServer1AttachG`")


def test_renamed_volume_with_construct_paths_is_named_once():
    result = pair("volume_renamed")
    assert [(c.logical_id, c.action, c.new_logical_id) for c in result.changes if c.type == "AWS::EC2::Volume"] == [
        ("DataVolume", "replace", "LogsVolume")]
    assert flags(result, "REPLACES volume `WebServer/Server1/VolumeData` with `WebServer/Server1/VolumeLogs` (new, "
                         "empty; the old one is snapshotted, then deleted (DeletionPolicy Snapshot))")


def test_renamed_detached_volume_is_paired_by_its_construct():
    assert flags(pair("volume_renamed_detached"), "REPLACES volume `WebServer/Server1/VolumeData` with "
                                                  "`WebServer/Server1/VolumeLogs`")


KEEP_ATTACHED = ("this update will be refused before any change by the KeepAttachedVolumes rule; deploy with "
                 "-c detach_volumes=true, then without it")


def test_instance_replacement_with_volumes_attached_is_refused_by_the_rule(with_volumes, volumes_new_ami):
    result = review(with_volumes, volumes_new_ami)
    assert result.flags[0].startswith("REFUSED (rule `WebServerServer1KeepAttachedVolumes`: the instance of "
                                      "`WebServerServer1` would be replaced while data volumes are attached to it): "
                                      + KEEP_ATTACHED)
    assert f"- **{result.flags[0]}**" in render_review(result)
    assert not any("VolumeInUse" in flag for flag in result.flags)  # refused first: nothing gets to fail


def _with_generation(template, generation, rule=True):
    template = {**template, "Parameters": {"Server1InstanceGenerationAAAA1111": {"Type": "String", "Default": generation}}}
    if rule:
        template["Rules"] = {"Server1KeepAttachedVolumesBBBB2222": {"Assertions": [{
            "Assert": {"Fn::Equals": [{"Ref": "Server1InstanceGenerationAAAA1111"}, generation]},
            "AssertDescription": "refused"}]}}
    return template


_BEFORE, _AFTER = resources(Web=instance()), resources(Web=instance(ImageId="ami-2"))
_MULTI_ATTACH = {"volume_type": "io2", "Iops": 3000, "MultiAttachEnabled": True}
# An instance with an instance-store volume (BlockDeviceVolume.ephemeral: a VirtualName, no Ebs).
_WITH_STORE = instance(InstanceType="m5d.large", BlockDeviceMappings=[
    *instance()["Properties"]["BlockDeviceMappings"], {"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"}])


def _with(resource, **props):
    return {**resource, "Properties": {**resource["Properties"], **props}}
_ATTACHED = {"Data": volume(), "Attach": attachment("Data")}
# Pairs of this module's own, in the same engine run as tests/tools/pairs.py's.
LOCAL_PAIRS = {
    "rule_generation_differs": (_with_generation(_BEFORE, "one"), _with_generation(_AFTER, "two")),
    # Deployed with detach_volumes (no generation parameter): the new parameter takes its default, the rule passes.
    "rule_first_attach": (_BEFORE, _with_generation(_AFTER, "two")),
    "rule_same_generation": (_with_generation(_BEFORE, "one"), _with_generation(_BEFORE, "one")),
    "replaced_with_volumes_no_rule": (resources(Web=instance(), **_ATTACHED),
                                      resources(Web=instance(ImageId="ami-2"), **_ATTACHED)),
    "volume_grows": tuple(reversed(PAIRS["volume_shrinks"])),
    "multi_attach_Size": (resources(Data=volume(**_MULTI_ATTACH)), resources(Data=volume(60, **_MULTI_ATTACH))),
    "multi_attach_Iops": (resources(Data=volume(**_MULTI_ATTACH)),
                          resources(Data=volume(**{**_MULTI_ATTACH, "Iops": 4000}))),
    "single_attach_iops": (resources(Data=volume(volume_type="io2", Iops=3000)),
                           resources(Data=volume(volume_type="io2", Iops=4000))),
    "instance_store_type": (resources(Web=_WITH_STORE), resources(Web=_with(_WITH_STORE, InstanceType="m5d.xlarge"))),
    "instance_store_image": (resources(Web=_WITH_STORE), resources(Web=_with(_WITH_STORE, ImageId="ami-2"))),
    **{f"volume_{prop}": (resources(Data=volume(**{prop: old})), resources(Data=volume(**{prop: new})))
       for prop, (old, new) in NOT_UPDATABLE_PROPS.items()},
}


def test_the_rule_refuses_only_when_the_deployed_generation_differs():
    refused = pair("rule_generation_differs")
    assert refused.flags[0].startswith("REFUSED (rule `Server1KeepAttachedVolumes`")
    assert KEEP_ATTACHED in refused.flags[0]
    assert not any(flag.startswith("REFUSED") for flag in pair("rule_first_attach").flags)
    assert pair("rule_same_generation").flags == []


def test_instance_replaced_with_volumes_attached_and_no_rule_fails_with_volume_in_use():
    result = pair("replaced_with_volumes_no_rule")
    assert result.flags[0] == (
        "FAILS: instance `Web` is replaced while volume(s) `Data` stay attached: CloudFormation attaches them to the "
        "new instance before it deletes the old one, and AWS refuses a volume in use (VolumeInUse), so this update "
        "will fail; deploy with -c detach_volumes=true, then without it.")


def test_a_stop_and_start_wipes_the_instance_store_in_bold():
    # EC2 User Guide, "Data persistence for instance store volumes": the data is lost when the instance stops.
    result = pair("instance_store_type")
    assert actions(result) == {"Web": ("update", False, True)}
    assert result.flags == ["Loses data: the instance-store volume /dev/sdb of instance `Web` is wiped when the "
                            "instance is stopped and started: anything stored on it is lost."]


def test_a_replacement_wipes_the_instance_store_in_bold():
    assert flags(pair("instance_store_image"), "Loses data: the instance-store") == [
        "Loses data: the instance-store volume /dev/sdb of instance `Web` is wiped when the instance is replaced: "
        "anything stored on it is lost."]


# --- user data (issue: a diff that misreads user-data changes) --------------------------------------------

def test_user_data_change_replaces_the_instance_which_runs_the_new_script_and_keeps_its_elastic_ip():
    result = pair("user_data_new_logical_id")
    assert result.flags[0] == (
        "REPLACES instance `WebServer/Server1/Instance`: its user data changes, and with it its logical id "
        "(Instance1111AAAA to Instance1111AAAAc0ffee00; `cdk diff` shows the old instance destroyed and a new one "
        "added): a new instance runs the new script on its first boot. Its Elastic IP `Address` moves to the new "
        "instance: the public address stays the same.")
    association = next(c for c in result.changes if c.logical_id == "Association")
    assert association.reasons == ["InstanceId: the new `WebServer/Server1/Instance` (its logical id changes) "
                                   "(requires replacement)"]


# --- the Auto Scaling tier ---------------------------------------------------------------------------------

def test_launch_template_change_rolls_the_group_batch_by_batch():
    result = pair("launch_template_image")
    assert result.flags == [
        "ROLLS the instances of Auto Scaling group `Group` (launch template `Template`: LaunchTemplateData: ImageId: "
        "ami-1 to ami-2): CloudFormation replaces them 2 at a time (MaxBatchSize 2) while MinInstancesInService 2 "
        "stay in service; each batch's new instances must signal success within PT15M (WaitOnResourceSignals), and a "
        "batch that does not fails the update, which rolls back."]
    assert "| **update (rolls its instances)** | Group |" in render_review(result)


def test_launch_template_change_without_a_rolling_policy_says_running_instances_keep_the_old_one():
    result = pair("launch_template_without_rolling_policy")
    assert result.flags == []
    assert any(note.startswith("Auto Scaling group `Group` does not roll (it has no AutoScalingRollingUpdate policy): "
                               "its running instances keep the old launch template") for note in result.notes)


def test_new_subnets_roll_the_group_but_a_new_size_does_not():
    assert pair("group_subnets").flags[0].startswith(
        "ROLLS the instances of Auto Scaling group `Group` (VPCZoneIdentifier: [\"subnet-1\", \"subnet-2\"] to "
        "[\"subnet-1\", \"subnet-3\"]")
    resized = pair("group_size_only")
    assert resized.flags == []
    assert [(c.logical_id, c.rolling) for c in resized.changes] == [("Group", [])]


def test_real_fleet_change_rolls_as_many_at_a_time_as_the_room_above_min_capacity(fleet, fleet_loaded):
    # fleet_loaded: min_capacity 3, max_capacity 6, so batches of 6 - 3 = 3 with 3 in service; a new AMI and type.
    (rolls,) = flags(review(fleet, fleet_loaded), "ROLLS the instances of Auto Scaling group `WebServerFleetGroupASG`")
    assert "CloudFormation replaces them 3 at a time (MaxBatchSize 3) while MinInstancesInService 3 stay in service" \
        in rolls
    assert "InstanceType: t2.micro to t3.small" in rolls
    assert "ImageId: ami-" in rolls


def test_replaced_load_balancer_and_target_group_are_bold_and_say_what_follows():
    assert pair("load_balancer_scheme").flags == [
        "REPLACES load balancer `Lb`: Scheme: internet-facing to internal (requires replacement). The new load balancer "
        "has a new DNS name, so the site's address (the SiteUrl output) changes; anything that points at the old name "
        "(a DNS record) must follow."]
    assert pair("target_group_port").flags[0].startswith(
        "REPLACES target group `Servers`: Port: 80 to 8080 (requires replacement). The instances are registered with "
        "the new target group")


# --- every row says what changes -----------------------------------------------------------------------------

def test_every_row_says_what_changes(default, with_volumes, fleet, fleet_loaded):
    for before, after in ((default, with_volumes), (with_volumes, default), (fleet, fleet_loaded), (default, fleet)):
        empty = [c.name for c in review(before, after).changes if not "; ".join(c.reasons).strip()]
        assert empty == []


def test_added_and_removed_attachments_name_volume_instance_and_device(default, with_volumes):
    added = {c.name: c.reasons for c in review(default, with_volumes).changes}
    assert added["WebServerServer1AttachF"] == [
        "attaches volume `WebServerServer1VolumeF` to instance `WebServerServer1Instance` at /dev/sdf"]
    removed = {c.name: c.reasons for c in review(with_volumes, default).changes}
    assert removed["WebServerServer1AttachG"] == [
        "detaches volume `WebServerServer1VolumeG` from instance `WebServerServer1Instance` (/dev/sdg)"]


def test_a_peer_security_group_is_named_as_cdk_diff_names_it(default, fleet):
    # The instances now take HTTP from the load balancer's group only: the peer by its name, not its logical id.
    assert flags(review(default, fleet), "Widens network access: `WebServerSecurityGroup` gets a new ingress rule, "
                                         "tcp 80 from ${WebServerLoadBalancerSecurityGroup.GroupId}.")


# --- the site's name and HTTPS (issue 14) --------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(fleet, named_fleet, named_fleet_new_name):
    """The summaries of the real pairs on a name: HTTPS on and off, a new name, a certificate of one's own
    (certificate_arn, a template edit) and back; one engine run for all."""
    named = named_fleet.template
    imported = with_imported_certificate(named)
    pairs = {"https_on": (fleet.template, named), "https_off": (named, fleet.template),
             "https_on_unordered": (fleet.template, without_listener_order(named)),
             "new_name": (named, named_fleet_new_name.template), "imported": (named, imported),
             "issued": (imported, named)}
    engines = cfn_diff.diff_templates(list(pairs.values()))
    return {name: summarize(*pair, stack=STACK_NAME, region=EXAMPLE_REGION, engine=engine)
            for (name, pair), engine in zip(pairs.items(), engines, strict=True)}


def without_listener_order(template: dict) -> dict:
    """The template as it would be if port 80's listener did not wait for the HTTPS one."""
    edited = copy.deepcopy(template)
    for resource in edited["Resources"].values():
        if resource["Type"] == "AWS::ElasticLoadBalancingV2::Listener":
            resource.pop("DependsOn", None)
    return edited


def starting(lines, start):
    (line,) = [line for line in lines if line.startswith(start)]
    return line


def test_a_new_name_replaces_the_certificate_new_one_first_then_the_listener_then_the_old_one_deleted(site):
    replaced = starting(site["new_name"].flags, "REPLACES certificate `WebServerDomainCertificate`: DomainName: "
                                                "www.example.com to shop.example.com (requires replacement)")
    assert "CloudFormation requests the new certificate first and waits until ACM issues it, then switches what " \
           "presents the old one to it (no interruption), and deletes the old certificate last, in the update's " \
           "cleanup." in replaced
    assert "It is validated through DNS in hosted zone `" in replaced
    assert "CloudFormation writes the validation record itself and waits until ACM issues it; listener " \
           "`WebServerLoadBalancerHttps` then presents it. From the switch on, clients that still ask for " \
           "www.example.com get a certificate error: the new certificate does not cover that name." in replaced
    assert f"- **{replaced}**" in render_review(site["new_name"])


def test_a_new_name_replaces_the_record_and_the_old_name_stops_resolving(site):
    replaced = starting(site["new_name"].flags, "REPLACES DNS record `WebServerDomainRecord`: Name: www.example.com. to "
                                                "shop.example.com. (requires replacement).")
    assert replaced.endswith(
        "CloudFormation creates the new record first and deletes the old one last, in the update's cleanup. "
        "`shop.example.com` (A) resolves from then on; `www.example.com` stops resolving once the old record is "
        "deleted and resolvers' cached answers expire (an alias record's TTL is its target's: 60 s for a load "
        "balancer): the site can no longer be reached by that name.")


def test_a_new_name_is_waited_for_by_a_new_wait_condition(site):
    notes = site["new_name"].notes
    assert "The site's address changes: https://www.example.com/ to https://shop.example.com/ (the SiteUrl output)." \
        in notes
    # The wait condition's logical id carries the address: a new name is waited for again.
    assert "Wait condition `WebServerDomainSiteAnswers` is created anew: this deploy waits again for an instance's " \
           "signal." in notes
    assert not [note for note in notes if "is not created again" in note]


def test_https_on_requests_a_dns_validated_certificate_before_the_listener_presents_it(site):
    requested = starting(site["https_on"].notes, "Requests certificate `WebServerDomainCertificate` for "
                                                 "www.example.com from ACM, validated through DNS in hosted zone `")
    assert requested.endswith(": CloudFormation writes the validation record itself and waits until ACM issues it, "
                              "before listener `WebServerLoadBalancerHttps` can present it.")


def test_https_on_opens_443_and_port_80_redirects_permanently(site, named_fleet):
    (policy,) = [r["Properties"]["SslPolicy"] for r in named_fleet.resources("AWS::ElasticLoadBalancingV2::Listener")
                 .values() if "SslPolicy" in r["Properties"]]
    notes = site["https_on"].notes
    assert "Opens port 443 (HTTPS) on load balancer `WebServerLoadBalancer`: listener `WebServerLoadBalancerHttps` " \
           f"presents certificate `WebServerDomainCertificate` with TLS security policy {policy} and forwards to " \
           "target group `WebServerLoadBalancerServers`." in notes
    redirect = starting(notes, "Listener `WebServerLoadBalancerHttp` on port 80 (HTTP) now answers every request with "
                               "a permanent redirect (HTTP 301) to HTTPS on port 443 (until this deploy it forwards to "
                               "target group `WebServerLoadBalancerServers`).")
    assert "clients that do not follow redirects get the 301 instead of the page" in redirect
    # Port 80's listener waits for the HTTPS one (DependsOn), so nothing redirects to a closed port ...
    assert "Nothing in the template makes this update wait" not in redirect
    # ... and without that order the summary says port 80 may redirect before 443 answers.
    unordered = starting(site["https_on_unordered"].notes, "Listener `WebServerLoadBalancerHttp` on port 80 (HTTP) now "
                                                           "answers every request with a permanent redirect")
    assert unordered.endswith("Nothing in the template makes this update wait for listener `WebServerLoadBalancerHttps` "
                             "on port 443, which CloudFormation creates only once ACM has issued certificate "
                             "`WebServerDomainCertificate`: meanwhile port 80 may already redirect visitors to a port "
                             "that does not answer yet.")
    assert "| update | WebServerLoadBalancerHttp | AWS::ElasticLoadBalancingV2::Listener | DefaultActions: forwards to " \
           "target group `WebServerLoadBalancerServers` to answers every request with a permanent redirect (HTTP " \
           "301) to HTTPS on port 443 |" in render_review(site["https_on"])


def test_https_on_makes_the_name_resolve_to_the_load_balancer(site):
    assert "DNS record `WebServerDomainRecord` makes `www.example.com` (A) resolve to load balancer " \
           "`WebServerLoadBalancer` (alias)." in site["https_on"].notes


def test_https_on_waits_for_the_site_on_its_name(site):
    waits = starting(site["https_on"].notes, "The deploy now ends only once an instance signals wait condition "
                                             "`WebServerDomainSiteAnswers` that the site answers on "
                                             f"https://www.example.com/ (1 signal within {SITE_ANSWERS_TIMEOUT}, its "
                                             "CreationPolicy), which CloudFormation creates after ")
    assert "`WebServerDomainRecord`" in waits
    assert "`WebServerLoadBalancerHttps`" in waits
    assert waits.endswith("; without a signal in time the deploy fails and rolls back.")


def test_https_off_closes_443_and_takes_the_name_off_the_internet_in_bold(site):
    result = site["https_off"]
    closes = starting(result.flags, "Cuts off clients: port 443 (HTTPS) of load balancer `WebServerLoadBalancer` "
                                    "closes: listener `WebServerLoadBalancerHttps` is deleted in the update's cleanup")
    gone = starting(result.flags, "Cuts off clients: DNS record `WebServerDomainRecord` is deleted, so "
                                  "`www.example.com` (A) stops resolving once resolvers' cached answers expire")
    text = render_review(result)
    assert f"- **{closes}**" in text
    assert f"- **{gone}**" in text


def test_https_off_deletes_the_certificate_and_the_wait_and_cached_redirects_lead_to_the_closed_port(site):
    notes = site["https_off"].notes
    assert "Deletes certificate `WebServerDomainCertificate` (www.example.com) from ACM, last, in the update's " \
           "cleanup: after the listeners that presented it have changed or gone." in notes
    assert "Deletes wait condition `WebServerDomainSiteAnswers`: deploys no longer wait for the site to answer on its " \
           "name." in notes
    back = starting(notes, "Listener `WebServerLoadBalancerHttp` on port 80 (HTTP) now forwards to target group "
                           "`WebServerLoadBalancerServers`")
    assert back.endswith("Browsers that saw the permanent redirect may keep following it from their cache (a 301 is "
                         "cacheable by default, RFC 9110), to port 443, which this change closes: for them the site "
                         "does not answer until that cached redirect expires.")


def test_an_imported_certificate_replaces_the_issued_one_in_place_and_its_names_are_unknown(site):
    result = site["imported"]
    assert result.flags == []
    assert "Listener `WebServerLoadBalancerHttps` on port 443 (HTTPS) presents certificate " \
           f"`{IMPORTED_CERTIFICATE}` instead of `WebServerDomainCertificate` (updated in place, no interruption). The " \
           f"template cannot say which names `{IMPORTED_CERTIFICATE}` covers: check that it covers www.example.com " \
           "before deploying (`aws acm describe-certificate`)." in result.notes
    assert "Deletes certificate `WebServerDomainCertificate` (www.example.com) from ACM, last, in the update's " \
           "cleanup: after the listeners that presented it have changed or gone." in result.notes


def test_a_certificate_issued_again_by_the_stack_leaves_the_imported_one_in_acm(site):
    notes = site["issued"].notes
    assert "Listener `WebServerLoadBalancerHttps` on port 443 (HTTPS) presents certificate `WebServerDomainCertificate` " \
           f"instead of `{IMPORTED_CERTIFICATE}` (updated in place, no interruption), once ACM has issued it. " \
           f"`{IMPORTED_CERTIFICATE}` is not the stack's: it stays in ACM, untouched." in notes
    assert any(note.startswith("Requests certificate `WebServerDomainCertificate` for www.example.com") for note in notes)


def test_every_row_on_a_name_says_what_changes(site):
    for name, result in site.items():
        assert [c.name for c in result.changes if not "; ".join(c.reasons).strip()] == [], name
    rows = {c.name: c.reasons for c in site["https_on"].changes}
    assert rows["WebServerDomainRecord"] == ["`www.example.com` (A) to load balancer `WebServerLoadBalancer` (alias)"]
    assert rows["WebServerDomainSiteAnswers"] == [f"waits for 1 signal(s) within {SITE_ANSWERS_TIMEOUT} (CreationPolicy)"]


def test_a_new_tls_policy_may_cut_off_clients_and_the_summary_says_it_cannot_know_which():
    (flag,) = pair("listener_tls_policy").flags
    assert flag.startswith("May cut off clients: listener `Https` on port 443 (HTTPS) changes its TLS security policy "
                           "from ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09 to ELBSecurityPolicy-TLS13-1-3-2021-06 "
                           "(updated in place, no interruption): which TLS versions and ciphers clients can use changes, "
                           "and a client that supports none of the new policy's can no longer connect")
    assert "neither `cdk diff` nor this summary knows which clients the site has" in flag


def test_a_listener_on_another_port_or_protocol_cuts_off_its_clients():
    assert pair("listener_port").flags == [
        "Cuts off clients: listener `Https` moves from port 443 to 8443 (updated in place): clients of port 443 can no "
        "longer connect there, and the load balancer's security group must let port 8443 in."]
    # HTTPS to HTTP: the certificate and TLS policy it drops serve nothing any more, so no TLS words.
    assert pair("listener_protocol").flags == [
        "Cuts off clients: listener `Web` on port 8080 (HTTPS) speaks HTTP instead of HTTPS (updated in place): clients "
        "that use https:// on port 8080 can no longer connect there."]


def test_a_listener_switched_to_a_certificate_for_other_names_gives_certificate_errors():
    assert "Listener `Https` on port 443 (HTTPS) presents certificate `Shop` instead of `Www` (updated in place, no " \
           "interruption). Clients that still ask for www.example.com get a certificate error from then on: the new " \
           "certificate does not cover that name." in pair("listener_switches_certificate").notes


def test_a_certificate_that_keeps_its_names_is_replaced_without_certificate_errors():
    (flag,) = pair("certificate_alternative_name").flags
    assert flag.startswith("REPLACES certificate `Cert`: SubjectAlternativeNames: (none) to [\"example.com\"] (requires "
                           "replacement).")
    assert "listener `Https` then presents it." in flag
    assert "certificate error" not in flag


def test_a_record_moved_to_another_logical_id_fails_on_route_53():
    result = pair("record_moves")
    assert result.flags[0].startswith(
        "FAILS: DNS record `Alias` is created for `www.example.com` (A) while DNS record `Address` still holds that name "
        "and type: CloudFormation creates new resources before it deletes the ones that go, and Route 53 refuses a "
        "record whose name and type already exist")
    assert not any(flag.startswith("Cuts off clients") for flag in result.flags)  # it fails first: nothing is cut off


def test_a_record_of_another_type_cuts_off_clients_of_the_old_one():
    assert pair("record_type").flags == [
        "Cuts off clients: `www.example.com` now answers AAAA queries instead of A (updated in place, as `cdk diff` "
        "says): clients that look up its A record no longer find one."]


def test_a_record_pointing_elsewhere_is_followed_within_its_ttl():
    notes = pair("record_addresses_and_ttl").notes
    assert "`www.example.com` (A) now points at `Eip1`, `Eip2` instead of `Eip1` (updated in place): resolvers follow " \
           "within its TTL, 300 s; until then some clients still reach `Eip1`." in notes
    assert "`www.example.com` (A): resolvers now keep its answer for 60 s instead of 300 s." in notes
    assert "ResourceRecords: `Eip1` to `Eip1`, `Eip2`; TTL: 300 to 60 |" in render_review(pair("record_addresses_and_ttl"))


def test_a_renamed_record_takes_the_old_name_off_the_internet():
    assert "`www.example.com` stops resolving once the old record is deleted" in pair("record_renamed").flags[0]


def test_a_replaced_load_balancer_takes_its_alias_record_along():
    (flag,) = pair("record_follows_replaced_load_balancer").flags
    assert flag.endswith("DNS record `Alias` follows it (its alias target is updated in place), but clients whose "
                         "resolvers still hold the old load balancer's addresses (an alias record's TTL is its target's: "
                         "60 s for a load balancer) may fail once the old one is deleted in the update's cleanup.")


def test_a_certificate_outside_a_known_zone_waits_for_someone_to_validate_it():
    assert pair("certificate_without_zone").notes == [
        "Requests certificate `Cert` for www.example.com from ACM, validated through DNS: the deploy stays in progress "
        "until someone adds ACM's validation record to the name's DNS and ACM issues it."]


def test_a_wait_condition_created_anew_waits_again():
    assert "Wait condition `WebServer/Domain/SiteAnswers` is created anew: this deploy waits again for an instance's " \
           "signal." in pair("wait_condition_renamed").notes


# --- issue 21 item 6: conditions, the ELB log-delivery account and a released Elastic IP, as a reviewer reads them


def _bucket_policy(*statements):
    return {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": "logs", "PolicyDocument": {
        "Version": "2012-10-17", "Statement": list(statements)}}}


def _put_logs(account):
    return {"Action": "s3:PutObject", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
            "Resource": "arn:aws:s3:::logs/*"}


def test_a_condition_reads_as_the_keys_and_values_it_tests():
    deny = {"Action": "s3:*", "Effect": "Deny", "Principal": {"AWS": "*"}, "Resource": "arn:aws:s3:::logs/*",
            "Condition": {"Bool": {"aws:SecureTransport": "false"},
                          "StringLike": {"aws:SourceArn": ["arn:aws:logs:*", "arn:aws:events:*"]}}}
    result = summarize(resources(), resources(Policy=_bucket_policy(deny)), stack=STACK_NAME, region=EXAMPLE_REGION)
    (line,) = flags(result, "IAM: denies")
    assert line.endswith(" when `aws:SecureTransport` is `false` (Bool) and `aws:SourceArn` is `arn:aws:logs:*` or "
                         "`arn:aws:events:*` (StringLike).")


@pytest.mark.parametrize(("region", "account"), [("us-east-1", "127311923021"), ("ap-northeast-1", "582318560864")])
def test_the_regions_load_balancing_account_is_named_as_such(region, account):
    result = summarize(resources(), resources(Policy=_bucket_policy(_put_logs(account))), stack=STACK_NAME,
                       region=region)
    (line,) = flags(result, "IAM: allows")
    assert f"`AWS:arn:aws:iam::{account}:root` (Elastic Load Balancing's account in {region}, which delivers the " \
           "access logs) to `s3:PutObject`" in line


def test_another_account_is_not_called_the_load_balancing_account():
    # 582318560864 is Elastic Load Balancing's account in ap-northeast-1, not in us-east-1.
    result = summarize(resources(), resources(Policy=_bucket_policy(_put_logs("582318560864"))), stack=STACK_NAME,
                       region="us-east-1")
    (line,) = flags(result, "IAM: allows")
    assert "Elastic Load Balancing" not in line


def test_a_released_elastic_ip_is_in_bold():
    before = resources(Web=instance(), Address={"Type": "AWS::EC2::EIP", "Properties": {"Domain": "vpc"}})
    result = summarize(before, resources(Web=instance()), stack=STACK_NAME, region=EXAMPLE_REGION)
    assert "Elastic IP `Address` is released: its address is gone for good." in result.flags
    assert "- **Elastic IP `Address` is released: its address is gone for good.**" in render_review(result)
