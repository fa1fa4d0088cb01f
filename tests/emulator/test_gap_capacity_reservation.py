"""AWS::EC2::CapacityReservation and EC2's reservation actions (emulator/gaps/ec2_capacity_reservation.py)."""

from __future__ import annotations

import cfn_scenario as cfn

from emulator import Emulator


def _reservation(count: int = 1) -> dict:
    return {"Type": "AWS::EC2::CapacityReservation", "Properties": {
        "InstanceType": "t2.micro", "InstancePlatform": "Linux/UNIX", "AvailabilityZone": "us-east-1a",
        "InstanceCount": count, "InstanceMatchCriteria": "targeted", "EndDateType": "unlimited",
        "TagSpecifications": [{"ResourceType": "capacity-reservation",
                               "Tags": [{"Key": "app", "Value": "ec2-web-server"}]}]}}


def test_a_reservation_is_active_until_the_stack_is_deleted_then_cancelled(target: Emulator) -> None:
    assert cfn.deploy(target, cfn.template({"Reserved": _reservation()})) == "CREATE_COMPLETE", cfn.failures(target)
    reservation_id = cfn.physical_id(target, "Reserved")
    ec2 = target.client("ec2")
    (found,) = ec2.describe_capacity_reservations(
        Filters=[{"Name": "tag:app", "Values": ["ec2-web-server"]}])["CapacityReservations"]
    assert (found["CapacityReservationId"], found["State"], found["TotalInstanceCount"]) == (reservation_id, "active", 1)
    assert found["InstanceMatchCriteria"] == "targeted"
    assert cfn.delete(target) == "DELETE_COMPLETE"
    (gone,) = ec2.describe_capacity_reservations(CapacityReservationIds=[reservation_id])["CapacityReservations"]
    assert gone["State"] == "cancelled"


def test_a_new_instance_count_changes_the_reservation_in_place(emu: Emulator) -> None:
    assert cfn.deploy(emu, cfn.template({"Reserved": _reservation()})) == "CREATE_COMPLETE", cfn.failures(emu)
    before = cfn.physical_id(emu, "Reserved")
    assert cfn.deploy(emu, cfn.template({"Reserved": _reservation(count=2)})) == "UPDATE_COMPLETE", cfn.failures(emu)
    (found,) = emu.client("ec2").describe_capacity_reservations(CapacityReservationIds=[before])["CapacityReservations"]
    assert found["TotalInstanceCount"] == 2
