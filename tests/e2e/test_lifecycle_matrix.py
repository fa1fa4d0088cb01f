"""The lifecycle matrix (slow: `make test-slow`, run by CI): every shipped configuration goes deploy -> a
representative update -> destroy -> deploy again -> destroy, with the real CLI, and `make audit` after each destroy
finds nothing billable left but what the user chose to keep (exit 0).

Deploying again after a destroy is where kept resources bite: a retained backup vault's name, a log group a Lambda
made outside the stack. The updates are the ones users make on day two, and some are where AWS is strict: a
volume grown (ModifyVolume), a zone added (a rolling-update trigger), a certificate swapped for another name.
"""

import json

import pytest

import emulator
from tests.conftest import (
    AUTOSCALING,
    AUTOSCALING_LOADED,
    DAY_TWO,
    DAY_TWO_AUTOSCALING,
    DEFAULT,
    EDGE,
    FULLY_LOADED,
    PATCH_SCHEDULE,
    PRODUCTION,
    PRODUCTION_AUTOSCALING,
    SPOT,
    synth,
)
from tests.e2e.conftest import assembly, audit

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

DOMAIN = {"domain_name": f"www.{emulator.EXAMPLE_ZONE}", "hosted_zone": emulator.EXAMPLE_ZONE}
OTHER_NAME = {"domain_name": f"web.{emulator.EXAMPLE_ZONE}"}

#: name: (the configuration, its representative update)
MATRIX = {
    "default": (DEFAULT, {"ssh_cidr": "198.51.100.7"}),
    "fully-loaded": (FULLY_LOADED, {"volumes": json.dumps([
        {"name": "data", "size": 60, "type": "gp2", "device": "/dev/sdf"},
        {"name": "logs", "size": 100, "type": "io1", "iops": 3000, "on_destroy": "delete"}])}),
    "autoscaling": (AUTOSCALING, {"instance_type": "t3.small", "max_capacity": "5"}),
    "autoscaling-loaded": (AUTOSCALING_LOADED, {"termination_protection": "false", "zones": "2"}),
    "day-two": (DAY_TWO, {"log_retention_days": "30",
                          "backup": json.dumps({"schedule": "weekly", "retention_days": 14})}),
    "day-two-autoscaling": (DAY_TWO_AUTOSCALING, {"monthly_budget_usd": "300"}),
    "https-single": ({**DOMAIN, "https": "true"}, {"instance_type": "t3.small"}),
    "https-autoscaling": ({**AUTOSCALING, **DOMAIN}, OTHER_NAME),
    "production": (PRODUCTION, {"patch_schedule": json.dumps({**PATCH_SCHEDULE, "cron": "cron(0 4 ? * SAT *)"}),
                                "memory_alarm_percent": "80"}),
    "production-autoscaling": (PRODUCTION_AUTOSCALING, {"disk_alarm_percent": "75"}),
    # Cost and capacity (issue 23): a change of the mix rolls the group; a reservation follows the servers' type.
    "spot": (SPOT, {"spot_percent": "40", "instance_types": '["t3a.micro", "t2.micro"]'}),
    "reserved": ({"instance_count": "2", "capacity_reservation": "create"}, {"instance_type": "t3.small"}),
    # The edge (issue 24): the rate limit changed in place; the distribution is disabled before each destroy deletes it.
    "edge": ({**EDGE, **DOMAIN}, {"waf_rate_limit": "1000"}),
    "new-vpc": ({"vpc_id": "new", "ip_version": "dualstack", "https": "true", **DOMAIN}, {"zones": "3"}),
}


@pytest.mark.parametrize("name", list(MATRIX))
def test_deploy_update_destroy_deploy_destroy(name, cli, emu, tmp_synth_root):
    configuration, update = MATRIX[name]
    first = assembly(synth(configuration, tmp_synth_root))
    updated = assembly(synth({**configuration, **update}, tmp_synth_root))
    cli.deploy(app=first)
    cli.deploy(app=updated)
    assert cli.describe()["status"] == "UPDATE_COMPLETE"
    for round_ in ("first", "second"):
        cli.destroy(app=updated)
        assert not cli.stack_exists(), f"{name}: {round_} destroy left the stack"
        result = audit(emu)
        assert result.returncode == 0, f"{name}, after the {round_} destroy:\n{result.stdout}"
        if round_ == "first":
            cli.deploy(app=updated)  # again, after a destroy: kept resources must not be in the way


def test_an_address_of_yours_is_associated_again_after_a_destroy(cli, emu, tmp_synth_root):
    """elastic_ip_allocation_id: the stack associates addresses the account already holds; destroy releases none of
    them, the audit does not call them left behind, and the next deploy associates the same ones again."""
    ec2 = emu.client("ec2")
    owned = [ec2.allocate_address(Domain="vpc")["AllocationId"] for _ in range(2)]
    configuration = {"instance_count": "2", "elastic_ip_allocation_id": json.dumps(owned)}
    first = assembly(synth(configuration, tmp_synth_root))
    updated = assembly(synth({**configuration, "ssh_cidr": "198.51.100.7"}, tmp_synth_root))

    def associated() -> dict[str, bool]:
        found = ec2.describe_addresses(AllocationIds=owned)["Addresses"]
        return {a["AllocationId"]: bool(a.get("InstanceId")) for a in found}

    cli.deploy(app=first)
    cli.deploy(app=updated)
    assert associated() == dict.fromkeys(owned, True)
    for round_ in ("first", "second"):
        cli.destroy(app=updated)
        assert associated() == dict.fromkeys(owned, False), f"{round_} destroy released or kept an address"
        result = audit(emu)
        assert result.returncode == 0, f"after the {round_} destroy:\n{result.stdout}"
        if round_ == "first":
            cli.deploy(app=updated)
            assert associated() == dict.fromkeys(owned, True)
    ec2.release_address(AllocationId=owned[0])
    ec2.release_address(AllocationId=owned[1])
