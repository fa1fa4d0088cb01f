"""Every resource type of every shipped configuration is modelled by the emulator: by a fill, or generically
(moto's model, checked against the type's CloudFormation schema); none would fail as not modelled."""

from __future__ import annotations

import pytest

import emulator
from emulator import Emulator
from tests.conftest import AUTOSCALING, EDGE, PRODUCTION, PRODUCTION_AUTOSCALING, RESERVED, SPOT

HTTPS_SINGLE = {"domain_name": f"www.{emulator.EXAMPLE_ZONE}", "hosted_zone": emulator.EXAMPLE_ZONE, "https": "true"}
HTTPS_AUTOSCALING = {**AUTOSCALING, "domain_name": f"www.{emulator.EXAMPLE_ZONE}", "hosted_zone": emulator.EXAMPLE_ZONE}
SHIPPED = ("default", "loaded", "fleet", "fleet_loaded", "day_two", "day_two_fleet")


@pytest.fixture(scope="module")
def shipped_types(request: pytest.FixtureRequest, synth_with) -> dict[str, set[str]]:
    """Each resource type, with the configurations whose template has it."""
    templates = {name: request.getfixturevalue(name).template for name in SHIPPED}
    templates["https_single"] = synth_with(HTTPS_SINGLE).template
    templates["https_autoscaling"] = synth_with(HTTPS_AUTOSCALING).template
    templates["production"] = synth_with(PRODUCTION).template  # kms_key, the memory and disk alarms, patching
    templates["production_autoscaling"] = synth_with(PRODUCTION_AUTOSCALING).template
    templates["spot"] = synth_with(SPOT).template  # a mixed instances policy (issue 23)
    templates["reserved"] = synth_with(RESERVED).template  # a capacity reservation, an address of yours
    templates["edge"] = synth_with(EDGE).template  # WAF, CloudFront, a new dual-stack VPC (issue 24)
    found: dict[str, set[str]] = {}
    for name, template in templates.items():
        for body in template["Resources"].values():
            found.setdefault(body["Type"], set()).add(name)
    return found


def test_every_shipped_type_is_handled(shipped_types: dict[str, set[str]], patched_server: Emulator) -> None:
    coverage = patched_server.coverage(shipped_types)
    assert set(coverage) == set(shipped_types)
    unhandled = {t: sorted(shipped_types[t]) for t, how in coverage.items() if how == "none"}
    assert unhandled == {}


def test_a_type_nothing_models_is_reported_as_unhandled(patched_server: Emulator) -> None:
    # The check above can fail: a real type that neither moto nor a fill models, and the engine's no-op.
    coverage = patched_server.coverage(["AWS::Glue::Crawler", "AWS::CDK::Metadata", "AWS::EC2::Volume"])
    assert coverage == {"AWS::Glue::Crawler": "none", "AWS::CDK::Metadata": "no-op", "AWS::EC2::Volume": "fill"}


def test_fill_models_answer_only_the_schemas_attributes() -> None:
    # A fill model's Fn::GetAtt answers are the type's readOnlyProperties (its schema), never more.
    import inspect

    import emulator.gaps as gaps
    from emulator import schemas
    from emulator.gaps._model import FillModel

    models = {cls for fill in gaps.FILLS for _, cls in inspect.getmembers(fill, inspect.isclass)
              if issubclass(cls, FillModel) and cls is not FillModel}
    assert len(models) >= 10
    extra = {m.TYPE: sorted(set(m.ATTRIBUTES) - schemas.read_only(m.TYPE)) for m in models
             if schemas.schema(m.TYPE) and set(m.ATTRIBUTES) - schemas.read_only(m.TYPE)}
    assert extra == {}


def test_the_readmes_counts_are_the_emulators(shipped_types: dict[str, set[str]], patched_server: Emulator) -> None:
    # emulator/README.md's coverage table gives, for the shipped configurations, how many types each way handles.
    import re
    from pathlib import Path

    readme = (Path(emulator.__file__).resolve().parent / "README.md").read_text()
    coverage = patched_server.coverage(shipped_types)
    counts = {how: sum(1 for h in coverage.values() if h == how) for how in ("schema", "fill", "no-op", "none")}
    stated = {how: int(re.search(rf"^\| {label}[^|]*\| (\d+)", readme, re.M).group(1))  # type: ignore[union-attr]
              for how, label in (("schema", "schema"), ("fill", "fill"), ("none", "not at all"))}
    assert f"shipped configurations ({len(shipped_types)} types)" in readme
    assert stated == {how: counts[how] for how in stated}
