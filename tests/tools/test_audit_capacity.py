"""make audit and cost and capacity (issue 23): a capacity reservation left active is found; an Elastic IP of yours
(elastic_ip_allocation_id) is listed as yours, never as left behind."""

from __future__ import annotations

import pytest

from constants import APP_TAG_KEY, APP_TAG_VALUE
from cost_model.prices import Prices
from emulator import REGION, Emulator
from tools import audit
from tools.audit import capacity

TAG = [{"Key": APP_TAG_KEY, "Value": APP_TAG_VALUE}]


def _report(emu: Emulator, owned: tuple[str, ...] = ()) -> audit.AuditReport:
    return audit.audit(REGION, APP_TAG_KEY, APP_TAG_VALUE, endpoint_url=emu.endpoint, owned_addresses=owned)


def test_an_active_reservation_of_the_app_is_left_behind_and_a_cancelled_one_is_not(emu: Emulator) -> None:
    ec2 = emu.client("ec2")
    specification = [{"ResourceType": "capacity-reservation", "Tags": TAG}]
    left = ec2.create_capacity_reservation(InstanceType="t2.micro", InstancePlatform="Linux/UNIX", InstanceCount=2,
                                           AvailabilityZone="us-east-1a", TagSpecifications=specification)
    cancelled = ec2.create_capacity_reservation(InstanceType="t2.micro", InstancePlatform="Linux/UNIX",
                                                InstanceCount=1, AvailabilityZone="us-east-1a",
                                                TagSpecifications=specification)
    ec2.cancel_capacity_reservation(CapacityReservationId=cancelled["CapacityReservation"]["CapacityReservationId"])
    report = _report(emu)
    (finding,) = [f for f in report.findings if f.kind == "capacity-reservation"]
    assert finding.resource_id == left["CapacityReservation"]["CapacityReservationId"]
    assert "charged whether used or not" in finding.detail
    assert not finding.intended
    prices = Prices.load()
    assert finding.monthly == 2 * prices.region(REGION).instance_hour("t2.micro") * prices.hours_per_month
    assert "cancel-capacity-reservation" in finding.remove[0]
    assert not report.clean


def test_your_elastic_ip_is_listed_as_yours_not_left_behind(emu: Emulator) -> None:
    # Tagged with the app's tag too, so that the tag alone would call it a leftover.
    owned = emu.client("ec2").allocate_address(
        Domain="vpc", TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": TAG}])["AllocationId"]
    report = _report(emu, owned=(owned,))
    (finding,) = [f for f in report.findings if f.resource_id == owned]
    assert finding.intended
    assert "yours (elastic_ip_allocation_id)" in finding.detail
    assert report.clean
    assert not _report(emu).clean  # without naming it as yours, the tagged address is a leftover


@pytest.mark.parametrize(("context", "expected"), [
    ('{"context": {"elastic_ip_allocation_id": "eipalloc-0123456789abcdef0"}}', ["eipalloc-0123456789abcdef0"]),
    ('{"context": {"elastic_ip_allocation_id": ["eipalloc-1", "eipalloc-2"]}}', ["eipalloc-1", "eipalloc-2"]),
    ('{"context": {}}', []),
])
def test_the_audit_takes_your_addresses_from_cdk_json(tmp_path, context, expected) -> None:
    path = tmp_path / "cdk.json"
    path.write_text(context)
    assert capacity.configured_allocation_ids(path) == expected
