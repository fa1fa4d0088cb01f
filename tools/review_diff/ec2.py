"""Amazon EC2 in the review: what the engine cannot know about instances (which "may replace" properties stop and
start an EBS-backed instance, update it in place or replace it), volumes (updates CloudFormation refuses, a shrink),
volume attachments (a device still in use, a volume still attached), Elastic IPs, and what is lost with each."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Optional

from cost_model.templates import DEFAULT_VOLUME_TYPE, RETAINED_POLICIES, elastic_ip_associations, properties, reference
from tools.review_diff.model import ATTACHMENT, INSTANCE, TWO_DEPLOYS, VOLUME, WORDS, Change, Reviewed
from tools.review_diff.words import labelled, transition

# The resource specification marks some AWS::EC2::Instance properties "may replace": whether they do depends
# on the instance. For an EBS-backed instance in a VPC (every instance this app builds) CloudFormation's
# AWS::EC2::Instance reference says which way each goes ("Update requires: ..."): a stop and start ("Some
# interruptions"), or an update in place ("No interruption"). BlockDeviceMappings: see _block_devices.
# Any other "may replace" property stays "may replace".
INSTANCE_UPDATES: dict[str, str] = {
    "InstanceType": "interrupt",
    "UserData": "interrupt",
    "EbsOptimized": "interrupt",
    "KernelId": "interrupt",
    "RamdiskId": "interrupt",
    "SecurityGroupIds": "in-place",
}
# User data runs on an instance's first boot only (cloud-init's default): a stop and start does not run a new
# script. This app replaces the instance instead (ec2.Instance's user_data_causes_replacement: the script's
# digest is part of the logical id), so a changed script reaches the servers on a new instance's first boot.
USER_DATA_NOT_RERUN = "the new script does not run: user data runs on an instance's first boot only"

# AWS::EC2::Volume properties CloudFormation cannot update: its resource reference says "Update requires: Updates
# are not supported" for AvailabilityZone, Encrypted, KmsKeyId and SnapshotId, and for MultiAttachEnabled that
# "AWS CloudFormation does not currently support updating a single-attach volume to be multi-attach enabled"
# (and back). Source: awsdocs/aws-cloudformation-user-guide, doc_source/aws-resource-ec2-volume.md (periodic update
# of 19 Sep 2023, commit 6c68a17a). The update fails and rolls back, the volume untouched. The resource
# specification the engine reads marks none of them as replacing the volume, so the engine says "update".
VOLUME_NOT_UPDATABLE = ("AvailabilityZone", "Encrypted", "KmsKeyId", "SnapshotId", "MultiAttachEnabled")
# The same reference, MultiAttachEnabled: nor does it support "updating the size or number of I/O operations per second
# (IOPS) of a multi-attach enabled volume".
VOLUME_NOT_UPDATABLE_MULTI_ATTACH = {"Size": "size", "Iops": "IOPS"}
_VOLUME_BOOLEANS = ("Encrypted", "MultiAttachEnabled")  # absent means false to CloudFormation
# EC2 changes these in place with one ModifyVolume call, which it paces: "After you initiate a volume modification,
# you must wait for that modification to reach the completed state before you can initiate another modification for
# the same volume. You can modify a volume up to four times within a rolling 24-hour period" (ModifyVolume, EC2 API
# reference); a modification stays "optimizing" for "a few minutes to a few hours" (EBS user guide, "Monitor the
# progress of volume modifications"). When the volume was last modified is in EC2, not in the templates.
MODIFY_VOLUME_PROPERTIES = ("Iops", "Size", "Throughput", "VolumeType")
MODIFY_VOLUME_PACING = (
    "in place by one ModifyVolume, which EC2 refuses (VolumeModificationRateExceeded) while this volume's previous "
    "modification is still in progress, often hours, or after four in 24 hours, and the update then fails and rolls "
    "back; make diff cannot see when the volume was last modified: `aws ec2 describe-volumes-modifications "
    "--volume-ids <id>` shows it")


def instance_behaviour(prop: str, old: Any, new: Any) -> Optional[str]:
    """How a property the engine says "may replace" really updates on an EBS-backed instance in a VPC:
    "replace", "interrupt" (stop and start) or "in-place"; None when that depends on more than the template."""
    if prop == "BlockDeviceMappings":
        # "Update requires: Replacement. If you change only the DeleteOnTermination property for one or more block
        # devices, update requires No interruption." (AWS::EC2::Instance reference)
        return "in-place" if _strip_delete_on_termination(old) == _strip_delete_on_termination(new) else "replace"
    return INSTANCE_UPDATES.get(prop)


def volume_update_fails(prop: str, old: Any, new: Any, *, multi_attach: bool = False) -> Optional[str]:
    """Why CloudFormation will fail this update of an AWS::EC2::Volume property, or None when it can make it;
    ``multi_attach``: the deployed volume has MultiAttachEnabled true."""
    if prop in _VOLUME_BOOLEANS and bool(old) == bool(new):
        return None  # e.g. Encrypted false written out or left to its default: no change to CloudFormation
    if prop in VOLUME_NOT_UPDATABLE:
        return (f"CloudFormation's AWS::EC2::Volume reference says \"Updates are not supported\" for {prop}, so this "
                "update will fail and roll back, the volume untouched; to change it, add a new volume under a new "
                "name and copy the data across")
    if prop == "Size" and _is_number(old) and _is_number(new) and Decimal(str(new)) < Decimal(str(old)):
        return (f"EBS volumes cannot shrink ({old} to {new} GiB), so this update will fail and roll back; make a new, "
                "smaller volume under a new name instead")
    if multi_attach and prop in VOLUME_NOT_UPDATABLE_MULTI_ATTACH:
        return (f"CloudFormation's AWS::EC2::Volume reference says it does not support updating the "
                f"{VOLUME_NOT_UPDATABLE_MULTI_ATTACH[prop]} of a multi-attach enabled volume (MultiAttachEnabled true), "
                "so this update will fail and roll back, the volume untouched; to change it, add a new volume under a "
                "new name and copy the data across")
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _strip_delete_on_termination(mappings: Any) -> Any:
    if not isinstance(mappings, list):
        return mappings
    stripped = []
    for mapping in mappings:
        mapping = dict(mapping)
        if isinstance(mapping.get("Ebs"), dict):
            mapping["Ebs"] = {k: v for k, v in mapping["Ebs"].items() if k != "DeleteOnTermination"}
        stripped.append(mapping)
    return stripped



def describe_mappings(old: Any, new: Any) -> Optional[str]:
    """Block device mappings, device by device: ``/dev/xvda VolumeSize 8 to 16``."""
    if not isinstance(old, list) or not isinstance(new, list):
        return None
    before = {m.get("DeviceName"): m for m in old if isinstance(m, dict)}
    after = {m.get("DeviceName"): m for m in new if isinstance(m, dict)}
    parts = []
    for device in sorted(set(before) | set(after), key=str):
        if device not in before or device not in after:
            parts.append(f"{device} {'added' if device in after else 'removed'}")
            continue
        old_ebs, new_ebs = before[device].get("Ebs") or {}, after[device].get("Ebs") or {}
        for key in sorted(set(old_ebs) | set(new_ebs)):
            if old_ebs.get(key) != new_ebs.get(key):
                parts.append(f"{device} {key} {transition(old_ebs.get(key), new_ebs.get(key), limit=None)}")
        if {k: v for k, v in before[device].items() if k != "Ebs"} != {k: v for k, v in after[device].items() if k != "Ebs"}:
            parts.append(f"{device} changes")
    return ", ".join(parts) or None


def describe_fields(old: Any, new: Any) -> list[str]:
    """A nested object's changes, key by key (a launch template's data): ``ImageId: ami-1 to ami-2``, ``UserData
    changes``; block device mappings device by device."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    parts = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "BlockDeviceMappings" and describe_mappings(before, after):
            parts.append(f"{key}: {describe_mappings(before, after)}")
            continue
        parts.append(labelled(key, before, after))
    return parts



def size(props: dict[str, Any], key: str) -> str:
    size = props.get(key)
    return f"{size} GiB " if isinstance(size, (int, float, Decimal, str)) else ""


def volume_fate(policy_key: str, policy: str) -> str:
    """What CloudFormation does with a volume that leaves the stack (DeletionPolicy or UpdateReplacePolicy)."""
    if policy in RETAINED_POLICIES:
        return f"stays in the account, detached ({policy_key} {policy})"
    if policy == "Snapshot":
        return f"is snapshotted, then deleted ({policy_key} Snapshot)"
    return f"is deleted with its data ({policy_key} {policy})"


def data_loss(change: Change, old_resource: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(bold, plain) lines about what happens to data when ``old_resource`` goes. A replacement in place
    follows UpdateReplacePolicy; a removal, and a replacement by a new logical id, follow DeletionPolicy."""
    replaced_in_place = change.action == "replace" and change.new_logical_id is None
    policy_key = "UpdateReplacePolicy" if replaced_in_place else "DeletionPolicy"
    policy = old_resource.get(policy_key, "Delete")
    props = properties(old_resource)
    name = f"`{change.name}`"
    event = "is removed" if change.action == "remove" else "is replaced (the old one is deleted)"
    if policy in RETAINED_POLICIES:
        return [], [f"{WORDS.get(change.type, change.type)} {name} leaves the stack but stays in the account "
                    f"({policy_key} {policy}): it keeps costing money until you delete it."]
    if change.type == VOLUME:
        what = f"volume {name} ({size(props, 'Size')}{props.get('VolumeType', DEFAULT_VOLUME_TYPE)})"
        if policy == "Snapshot":
            return [], [f"Data kept: {what} {event}; a snapshot of it is kept ({policy_key} Snapshot) and "
                        "costs money until you delete it."]
        return [f"Loses data: {what} {event} with {policy_key} {policy}: everything on it is lost."], []
    if change.type == INSTANCE:
        bold = []
        for mapping in props.get("BlockDeviceMappings") or []:
            ebs = mapping.get("Ebs")
            device = mapping.get("DeviceName", "?")
            if ebs is not None and ebs.get("DeleteOnTermination", True) is not False:
                bold.append(f"Loses data: instance {name} {event}, and its root volume {device} "
                            f"({size(ebs, 'VolumeSize')}{ebs.get('VolumeType', DEFAULT_VOLUME_TYPE)}) is deleted "
                            "with it (DeleteOnTermination): anything stored on it is lost.")
        return bold + instance_store_loss(change, old_resource, event.split(" (")[0]), []
    return [], []


def instance_store_loss(change: Change, old_resource: dict[str, Any], event: str) -> list[str]:
    """Bold lines for the instance-store volumes (VirtualName ephemeralN) of an instance that ``event`` ("is removed",
    "is replaced", "is stopped and started"). Their data lives on the host: it "persists only during the life of the
    associated instance" and is lost when the instance stops or terminates (EC2 User Guide, "Data persistence for
    Amazon EC2 instance store volumes"), so a stop and start wipes them as a replacement does."""
    return [f"Loses data: the instance-store volume {mapping.get('DeviceName', '?')} of instance `{change.name}` is "
            f"wiped when the instance {event}: anything stored on it is lost."
            for mapping in properties(old_resource).get("BlockDeviceMappings") or []
            if isinstance(mapping, dict) and mapping.get("Ebs") is None
            and str(mapping.get("VirtualName", "")).startswith("ephemeral")]



def attachment_slots(found: dict[str, dict[str, Any]]) -> dict[tuple[str, str], tuple[str, str]]:
    """(instance logical id, device) -> (the VolumeAttachment there, the volume it attaches), for a template's
    resources: the one place attachments are read, for both sides of a review (the Summarizer's slots)."""
    slots = {}
    for logical_id, attachment in found.items():
        if attachment.get("Type") != ATTACHMENT:
            continue
        props = properties(attachment)
        instance, volume = reference(props.get("InstanceId")), reference(props.get("VolumeId"))
        if instance and volume and isinstance(props.get("Device"), str):
            slots[(instance, props["Device"])] = (logical_id, volume)
    return slots


def volumes_at(slots: dict[tuple[str, str], tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(instance, device) -> the volume attached there."""
    return {slot: volume for slot, (_, volume) in slots.items()}


def pair_volume_renames(summarizer: Reviewed, changes: dict[str, Change]) -> None:
    """A data volume whose name changes is a new volume in the old one's place: the engine sees one removed
    and one added under another construct path. Paired when the new one takes the old one's device on the same
    instance, or, detached, when it is the only volume removed and added under the same construct."""
    removed = {c.logical_id: c for c in changes.values() if c.action == "remove" and c.type == VOLUME}
    added = {c.logical_id: c for c in changes.values() if c.action == "add" and c.type == VOLUME}
    pairs: dict[str, str] = {}
    before, after = (volumes_at(slots) for slots in summarizer.slots)
    for slot, volume in before.items():
        if volume in removed and after.get(slot) in added:
            pairs[volume] = after[slot]
    by_parent: dict[str, tuple[list[str], list[str]]] = {}
    for group, side in ((removed, 0), (added, 1)):
        for logical_id, change in group.items():
            if logical_id not in pairs and logical_id not in pairs.values():
                by_parent.setdefault(change.name.rpartition("/")[0], ([], []))[side].append(logical_id)
    for parent, (gone, new) in by_parent.items():
        if parent and len(gone) == len(new) == 1:
            pairs[gone[0]] = new[0]
    for old_id, new_id in pairs.items():
        old, new = changes[old_id], changes.pop(new_id)
        old.action, old.new_logical_id, old.new_name = "replace", new_id, new.name
        old.reasons = [f"renamed to `{new.name}`, a new volume ({'; '.join(new.reasons)}; logical id {old_id} to "
                       f"{new_id})"]


def device_conflicts(summarizer: Reviewed, changes: list[Change]) -> list[str]:
    """New attachments at a device that an attachment on its way out still holds on the same instance. CloudFormation
    creates new resources before it deletes the ones that go, and EC2 refuses a device in use."""
    before, after = (volumes_at(slots) for slots in summarizer.slots)
    old_attachments, new_attachments = ({slot: attachment for slot, (attachment, _) in slots.items()}
                                        for slots in summarizer.slots)
    replaced = {c.logical_id for c in changes if c.action == "replace"}
    lines = []
    for slot, new_id in sorted(new_attachments.items()):
        old_id = old_attachments.get(slot)
        if old_id is None or old_id == new_id or old_id in summarizer.head or slot[0] in replaced:
            continue
        instance, device = slot
        lines.append(f"FAILS: `{summarizer.name(new_id)}` attaches volume `{summarizer.name(after[slot])}` at {device} "
                     f"on instance `{summarizer.name(instance)}` while `{summarizer.name(old_id)}` (volume "
                     f"`{summarizer.name(before[slot])}`) still holds that device: CloudFormation creates the new "
                     "attachment before it deletes the old one, and EC2 refuses a device in use, so this update will "
                     f"fail; {TWO_DEPLOYS}.")
    return lines


def volumes_in_use(summarizer: Reviewed, changes: list[Change]) -> list[str]:
    """Instances replaced while data volumes stay attached across the update. CloudFormation creates the new instance
    and its attachments before it deletes the old instance, and AWS refuses to attach a volume that is still
    attached (VolumeInUse): the update fails after the new instance is up, and rolls back."""
    before, after = (volumes_at(slots) for slots in summarizer.slots)
    lines = []
    for change in changes:
        if change.type != INSTANCE or change.action != "replace":
            continue
        new_id = change.new_logical_id or change.logical_id
        kept = sorted({v for (i, _), v in before.items() if i == change.logical_id}
                      & {v for (i, _), v in after.items() if i == new_id})
        if kept:
            volumes = ", ".join(f"`{summarizer.name(v)}`" for v in kept)
            lines.append(f"FAILS: instance `{change.name}` is replaced while volume(s) {volumes} stay attached: "
                         "CloudFormation attaches them to the new instance before it deletes the old one, and AWS "
                         f"refuses a volume in use (VolumeInUse), so this update will fail; {TWO_DEPLOYS}.")
    return lines


def attachments_moved(summarizer: Reviewed, changes: list[Change]) -> None:
    """Attachments replaced while their volume stays attached where it was. Every AWS::EC2::VolumeAttachment
    property (Device, InstanceId, VolumeId) says "Update requires: Replacement" (its resource reference), and
    CloudFormation creates the replacement before it deletes the old attachment ("Understand update behaviors of
    stack resources", Replacement): EC2 refuses to attach a volume that is still attached (VolumeInUse), and the
    update fails and rolls back. Moving a data volume to another device does this: the attachment's logical id comes
    from the volume's name (Attach{Name}), so only its Device changes. An instance replaced with its volumes attached
    is volumes_in_use's (or the KeepAttachedVolumes rule's); a volume replaced with its attachment is a new volume."""
    replaced = {c.logical_id for c in changes if c.action == "replace"}
    for change in changes:
        if change.type != ATTACHMENT or change.action != "replace":
            continue
        old = properties(summarizer.base.get(change.logical_id))
        new = properties(summarizer.head.get(change.new_logical_id or change.logical_id))
        volume, instance = reference(old.get("VolumeId")), reference(old.get("InstanceId"))
        if volume is None or instance is None or volume != reference(new.get("VolumeId")) or volume in replaced \
                or {instance, reference(new.get("InstanceId"))} & replaced:
            continue
        moves = "; ".join(summarizer.describe(prop, old.get(prop), new.get(prop)) for prop in ("Device", "InstanceId")
                          if old.get(prop) != new.get(prop)) or "its logical id changes"
        change.fails.append(
            f"{moves}: CloudFormation replaces an attachment whose device or instance changes, and creates the new one "
            f"before it deletes the old one, while volume `{summarizer.name(volume)}` is still attached at "
            f"{old.get('Device', '?')} on instance `{summarizer.name(instance)}`: EC2 refuses a volume in use "
            f"(VolumeInUse), so this update will fail; {TWO_DEPLOYS}")



def addresses_by_instance(head: dict[str, dict[str, Any]], name: Any) -> dict[str, str]:
    """Each instance (logical id) of the head template that an Elastic IP is associated with -> that EIP's name (an
    allocation of yours, elastic_ip_allocation_id, by its id)."""
    found = {instance: name(eip) if eip else "?" for eip, instance in elastic_ip_associations({"Resources": head})
             if instance is not None}
    for resource in head.values():
        props = properties(resource)
        if resource.get("Type") == "AWS::EC2::EIPAssociation" and isinstance(props.get("AllocationId"), str):
            instance = reference(props.get("InstanceId"))
            if found.get(instance) == "?":
                found[instance] = props["AllocationId"]
    return found
