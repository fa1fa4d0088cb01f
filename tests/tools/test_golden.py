"""Golden outputs of `make diff`'s summary and `make cost`: what the tools print, byte for byte, for every review
pair of the tests (tests/tools/pairs.py, test_review_summary.py's own, the synthesized ones) and every shipped
configuration (tests/conftest.py). They were recorded before the tools were split into packages, so a
restructuring that changes a word fails here; a change meant to alter the output re-records them:

    GOLDEN_UPDATE=1 .venv/bin/python -m pytest -p no:cacheprovider -n 0 tests/tools/test_golden.py

and the diff of ``tests/tools/golden/`` is reviewed with the change.
"""

import functools
import os
from pathlib import Path

import pytest

from constants import EXAMPLE_REGION, STACK_NAME
from tests.tools.pairs import ADDRESS, PAIRS, eip_for, instance, resources
from tests.tools.test_review_summary import LOCAL_PAIRS, REAL_PAIRS
from tools import cfn_diff, cost
from tools.review_diff import render_review, summarize

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"
# Pairs no other test needs, for wording the others do not reach: an Elastic IP released with its association.
EXTRA_PAIRS = {
    "eip_released": (resources(Web=instance(), Address=ADDRESS, Association=eip_for("Web")),
                     resources(Web=instance())),
}
HAND_WRITTEN = {**PAIRS, **LOCAL_PAIRS, **EXTRA_PAIRS}
# Synthesized pairs (fixture names): the summary's real cases, the site's name among them.
SYNTHESIZED = (*REAL_PAIRS, ("fleet", "named_fleet"), ("named_fleet", "named_fleet_new_name"),
               ("default", "day_two"), ("fleet", "day_two_fleet"))
# The configurations the project ships (tests/conftest.py), priced as `make cost` prices them.
SHIPPED = ("default", "loaded", "fleet", "fleet_loaded", "day_two", "day_two_fleet")


def check(path: Path, text: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert path.is_file(), f"no golden file {path.name}: record it with GOLDEN_UPDATE=1"
    assert text == path.read_text(), f"{path.relative_to(GOLDEN)} differs from its golden output"


@functools.cache
def _hand_written_engines():
    return dict(zip(HAND_WRITTEN, cfn_diff.diff_templates(list(HAND_WRITTEN.values())), strict=True))


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_review_of_hand_written_pair(name):
    before, after = HAND_WRITTEN[name]
    review = summarize(before, after, stack=STACK_NAME, region=EXAMPLE_REGION, engine=_hand_written_engines()[name])
    check(GOLDEN / "review" / f"{name}.md", render_review(review) + "\n")


@pytest.fixture(scope="module")
def synthesized_engines(request):
    templates = {name: request.getfixturevalue(name).template for pair in SYNTHESIZED for name in pair}
    pairs = [(templates[before], templates[after]) for before, after in SYNTHESIZED]
    return templates, dict(zip(SYNTHESIZED, cfn_diff.diff_templates(pairs), strict=True))


@pytest.mark.parametrize(("before", "after"), SYNTHESIZED)
def test_review_of_synthesized_pair(before, after, synthesized_engines):
    templates, engines = synthesized_engines
    review = summarize(templates[before], templates[after], stack=STACK_NAME, region=EXAMPLE_REGION,
                       engine=engines[(before, after)])
    check(GOLDEN / "review" / f"{before}-to-{after}.md", render_review(review) + "\n")


@pytest.mark.parametrize("name", SHIPPED)
@pytest.mark.parametrize("region", [EXAMPLE_REGION, "ap-northeast-1"])
def test_cost_of_shipped_configuration(name, region, request):
    prices = cost.Prices.load()
    estimate = cost.estimate_template(request.getfixturevalue(name).template, region=region, prices=prices,
                                      stack=STACK_NAME, stack_region=EXAMPLE_REGION)
    check(GOLDEN / "cost" / f"{name}-{region}.md", cost.render_markdown([estimate], prices))
