"""The offline targets (`make synth`, `make cost`, `make diagram`; `make diff` in test_make_diff.py) on a machine
that already has AWS configured but no credentials: AWS_REGION=ap-northeast-1 exported and a config file naming
that region. Each runs the real CLI in a clone of the working tree; `make cost` synthesizes first, so one run
covers `make synth` too. `make diagram`'s synthesis (`cdk synth --no-lookups` in tools/cdk_cli.offline_env) is the
one `make diff` runs for each side, whose end-to-end run in a clone is in `make test-slow`."""

import json
import re

import pytest

from constants import EXAMPLE_ACCOUNT, EXAMPLE_REGION, STACK_NAME
from tests.tools.conftest import clone_of_the_working_tree, configured_shell, make
from tools.diagram import BEGIN, END, embed, mermaid, write_readmes

LOOKUP_FAILURES = ("Need to perform AWS calls", "vpc-12345", "Context lookups have been disabled")


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    return clone_of_the_working_tree(tmp_path_factory.mktemp("offline"))


@pytest.fixture(scope="module")
def shell(tmp_path_factory):
    return configured_shell(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def make_cost(clone, shell):
    return make(clone, shell, "cost", "REGION=ap-northeast-1")


def test_make_synth_targets_the_example_environment_offline(make_cost, clone):
    assert make_cost.returncode == 0, make_cost.stderr[-3000:]
    assert not [failure for failure in LOOKUP_FAILURES if failure in make_cost.stderr]
    manifest = json.loads((clone / "cdk.out" / "manifest.json").read_text())
    assert manifest["artifacts"][STACK_NAME]["environment"] == f"aws://{EXAMPLE_ACCOUNT}/{EXAMPLE_REGION}"


def test_make_cost_prices_the_region_asked_for(make_cost):
    assert make_cost.stdout.count("### Cost of WebServerStack in ap-northeast-1 (Asia Pacific (Tokyo))") == 1
    assert f"the stack itself is synthesized for {EXAMPLE_REGION}" in make_cost.stdout
    assert "$0.0152 per instance-hour" in make_cost.stdout  # t2.micro in Tokyo (us-east-1: $0.0116)


def test_make_cost_says_why_it_prices_the_example_region_in_a_shell_set_for_another(make_cost, clone, shell):
    # -o synth: the assembly of the run above serves (no second synthesis).
    run = make(clone, shell, "-o", "synth", "cost")
    assert run.returncode == 0, run.stderr[-3000:]
    assert f"### Cost of WebServerStack in {EXAMPLE_REGION}" in run.stdout
    assert "not for ap-northeast-1; `make cost REGION=ap-northeast-1` prices yours." in run.stdout
    assert "the example environment's region" not in make_cost.stdout  # REGION=... asked for


def test_make_cost_refuses_a_region_it_cannot_price_in_one_line(make_cost, clone, shell):
    # -o synth: the assembly of the run above serves (no second synthesis).
    run = make(clone, shell, "-o", "synth", "cost", "REGION=eu-west-3")
    assert run.returncode != 0
    assert run.stdout == ""
    assert run.stderr.startswith("error: no prices for region eu-west-3 in prices.json (it has: ap-northeast-1, "
                                 "us-east-1)")


@pytest.fixture(scope="module")
def make_diagram(clone, shell):
    return make(clone, shell, "diagram")


def test_make_diagram_draws_the_example_environments_template_offline(make_diagram, clone, default):
    assert make_diagram.returncode == 0, make_diagram.stderr[-3000:]
    assert re.fullmatch(r"((updated README(\.ja)?\.md|README(\.ja)?\.md is up to date)\n){2}", make_diagram.stdout)
    text = (clone / "README.md").read_text()
    assert text[text.index(BEGIN):text.index(END) + len(END)] == embed(f"{BEGIN}\n{END}", mermaid(default.template))


def test_make_diagram_says_up_to_date_when_nothing_changed(make_diagram, clone, tmp_path):
    readmes = [tmp_path / "README.md", tmp_path / "README.ja.md"]
    for readme in readmes:
        readme.write_text((clone / readme.name).read_text())  # as `make diagram` above left them
    text = readmes[0].read_text()
    current = text[text.index(BEGIN):text.index(END)].split("```mermaid\n")[1].split("```")[0]
    assert write_readmes(current, readmes) == ["README.md is up to date", "README.ja.md is up to date"]
    assert write_readmes(current + "  extra --> node\n", readmes) == ["updated README.md", "updated README.ja.md"]


def test_make_diagram_with_args_prints_that_configuration_and_leaves_the_readmes(clone, shell):
    dry = make(clone, shell, "-n", "diagram", "ARGS=-c tier=autoscaling")
    assert dry.stdout.strip() == ".venv/bin/python -m tools.diagram -c tier=autoscaling"


@pytest.mark.slow
def test_make_diagram_of_the_auto_scaling_tier(clone, shell, fleet):
    before = (clone / "README.md").read_text()
    run = make(clone, shell, "diagram", "ARGS=-c tier=autoscaling")
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout == mermaid(fleet.template)
    assert (clone / "README.md").read_text() == before
