"""make cost and cost and capacity (issue 23): a capacity reservation (charged whether used or not), a group's Spot
share under the SPOT_DISCOUNT assumption, and an Elastic IP of yours."""

import contextlib
import copy
import io
import subprocess
from decimal import Decimal

from cost_model.prices import Prices
from tests.conftest import RESERVED, ROOT, SPOT
from tools import cost

REGION = "us-east-1"


def _estimate(template, prices=None, **assumptions):
    prices = prices or Prices.load()
    return cost.estimate_template(template, region=REGION, prices=prices, stack="WebServerStack",
                                  assumptions=prices.assumptions(**assumptions))


def _without(template, resource_type):
    stripped = copy.deepcopy(template)
    stripped["Resources"] = {k: v for k, v in stripped["Resources"].items() if v["Type"] != resource_type}
    return stripped


def test_a_reservation_leaves_the_running_total_and_adds_the_instances_price_while_stopped(synth_with):
    template = synth_with(RESERVED).template
    reserved, plain = _estimate(template), _estimate(_without(template, "AWS::EC2::CapacityReservation"))
    prices = Prices.load()
    two_instances = 2 * prices.region(REGION).instance_hour("t2.micro") * prices.hours_per_month
    assert reserved.total("running") == plain.total("running")
    assert reserved.total("stopped")[1] == plain.total("stopped")[1] + two_instances
    text = cost.render_markdown([reserved], prices)
    assert "charged whether used or not" in text


def test_your_elastic_ip_counts_its_hours_while_stopped_and_after_destroy_and_no_auto_assigned_address(synth_with):
    result = _estimate(synth_with(RESERVED).template)
    owned = [line for line in result.lines if line.item.startswith("your Elastic IP eipalloc-")]
    assert len(owned) == 2
    assert all(line.running and line.stopped and line.after_destroy for line in owned)
    assert not [line for line in result.lines if "auto-assigned" in line.item]


def test_a_spot_group_is_priced_at_its_on_demand_ceiling_with_an_estimate_under_the_assumed_discount(synth_with):
    template = synth_with(SPOT).template
    prices = Prices.load()
    hour = prices.region(REGION).instance_hour("t3.micro")
    ceiling = max(hour, prices.region(REGION).instance_hour("t3a.micro"))
    result = _estimate(template, spot_discount=Decimal("0.5"))
    (group,) = [line for line in result.lines if "instances (group of" in line.item]
    assert group.price == ceiling
    # min_capacity 2, on_demand_base 1, spot_percent 70: 1 + 0.3 On-Demand, 0.7 Spot at half price.
    expected = (Decimal("1.3") * hour + Decimal("0.7") * hour * Decimal("0.5")) * prices.hours_per_month
    (note,) = [note for note in result.notes if "with Spot" in note]
    assert f"cost about ${expected.quantize(Decimal('0.01'))} a month" in note
    assert "50% below On-Demand" in note
    assert _estimate(template).notes != result.notes  # prices.json's own assumption gives another estimate


def test_a_spot_discount_outside_0_to_1_is_refused(default):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cost.main(["--cdk-out", str(default.template_path.parent), "--spot-discount", "1.5"])
    assert (code, err.getvalue().strip()) == (2, "error: --spot-discount must be from 0 to less than 1, a share of the "
                                                 "On-Demand price (got 1.5)")


def test_make_cost_passes_spot_discount():
    dry = subprocess.run(["make", "--no-print-directory", "-n", "-o", "synth", "cost", "SPOT_DISCOUNT=0.7"], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    assert dry.returncode == 0, dry.stderr
    assert "-m tools.cost --spot-discount 0.7" in dry.stdout
