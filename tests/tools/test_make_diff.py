"""`make diff` end to end, the way a reviewer runs it: a temporary clone of this repository (with the working
tree's files, so uncommitted work is what gets tested), a branch with one commit that changes settings, and
the real path: git merge base, a temporary worktree, two offline `cdk synth` runs and the CLI's `cdk diff`.
Run in a shell with a region configured and no credentials (issue: offline targets on a configured machine).
The one slow test of the review tools (two CLI syntheses, about 20 s)."""

import json

import pytest

from tests.tools.conftest import clone_of_the_working_tree, configured_shell, git, make


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    repo = clone_of_the_working_tree(tmp_path_factory.mktemp("make-diff"))
    # The change under review: Amazon Linux 2023 and a t3.micro, as a commit on a branch.
    git(repo, "checkout", "--quiet", "-b", "change")
    cdk_json = json.loads((repo / "cdk.json").read_text())
    cdk_json["context"].update({"machine_image": "amazon-linux-2023", "instance_type": "t3.micro"})
    (repo / "cdk.json").write_text(json.dumps(cdk_json, indent=2) + "\n")
    git(repo, "commit", "--quiet", "-am", "AL2023 on a t3.micro")
    return repo


@pytest.fixture(scope="module")
def make_diff(clone, tmp_path_factory):
    return make(clone, configured_shell(tmp_path_factory.mktemp("home")), "diff")


def test_make_diff_succeeds(make_diff):
    assert make_diff.returncode == 0, make_diff.stderr[-3000:]


def test_summary_comes_first_and_names_the_base(make_diff, clone):
    out = make_diff.stdout
    base = git(clone, "rev-parse", "--short=7", "main")
    assert out.startswith(f"# Review of this change\n\nBase: `{base}` (the merge base of HEAD and `main`).")
    assert out.index("## WebServerStack (us-east-1)") < out.index("### `cdk diff WebServerStack`")


def test_new_ami_replacement_is_bold_with_the_construct_path(make_diff):
    # The CLI's synthesis records construct paths, so the summary names resources by them.
    assert "- **REPLACES instance `WebServer/Server1/Instance`: ImageId: ami-0fb23f2d720767b7a to " \
           "ami-03c3da4cfa8e8943a (requires replacement); InstanceType: t2.micro to t3.micro (stop and start; " \
           "`cdk diff`: may be replaced)" in make_diff.stdout
    assert "- **Loses data: instance `WebServer/Server1/Instance` is replaced" in make_diff.stdout


def test_cost_change_is_in_the_summary(make_diff):
    # t2.micro 8.468 -> t3.micro 0.0104 * 730 = 7.592 a month: -0.876
    assert "while running $12.92 to $12.04 a month (-$0.88)" in make_diff.stdout


def test_the_cli_diff_follows(make_diff):
    cli = make_diff.stdout.split("### `cdk diff WebServerStack` (the CDK CLI's view)")[1]
    assert "[~] AWS::EC2::Instance WebServer/Server1/Instance" in cli
    assert "ImageId (requires replacement)" in cli


def test_the_temporary_worktree_is_gone(make_diff, clone):
    assert git(clone, "worktree", "list", "--porcelain").count("worktree ") == 1


def test_synth_warnings_are_listed_once_and_kept_out_of_the_cli_diff(make_diff):
    summary, cli = make_diff.stdout.split("### `cdk diff WebServerStack` (the CDK CLI's view)")
    assert "- No SSH rule: port 22 is closed" in summary  # the working tree's warning, in the summary
    assert "No SSH rule" not in cli
    assert "\nStack WebServerStack\n" in cli
