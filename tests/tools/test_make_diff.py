"""`make diff`, the way a reviewer runs it.

In `make test`: the review's whole path (the merge base, a temporary worktree at it, both sides synthesized with
the same context, the engine's summary, the cost change, the CLI's `cdk diff` without the synthesis's warnings)
in a small repository, each side's `cdk synth` answered by a configuration tests/conftest.py synthesizes once per
run (~4 s instead of ~25 s).

In `make test-slow` (CI runs it too): the same end to end in a temporary clone of this repository (with the working
tree's files, so uncommitted work is what gets tested), a branch with one commit that changes settings, two real
offline `cdk synth` runs of the CLI in a shell with a region configured and no credentials (issue: offline targets
on a configured machine), and construct paths in the summary. That CLI synthesis (`--no-lookups` with
tools/cdk_cli.offline_env) is the one `make diagram` runs, which tests/tools/test_offline_targets.py checks in
`make test` on the same configured machine."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.tools.conftest import clone_of_the_working_tree, configured_shell, git, make
from tools import review_diff
from tools.deployment import placeholder_assembly

# --- the review's path, each side's synthesis answered from the test run's cache ------------------------------


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """main with a commit, a branch `change` one commit ahead; node_modules borrowed (the CLI's `cdk diff`)."""
    path = tmp_path_factory.mktemp("review") / "repo"
    path.mkdir()
    git(path, "init", "--quiet", "--initial-branch=main")
    (path / "cdk.json").write_text("{}\n")
    git(path, "add", "cdk.json")
    git(path, "commit", "--quiet", "-m", "base")
    git(path, "checkout", "--quiet", "-b", "change")
    (path / "cdk.json").write_text('{"context": {"volumes": "two"}}\n')
    git(path, "commit", "--quiet", "-am", "two data volumes")
    (path / "node_modules").symlink_to(review_diff.ROOT / "node_modules", target_is_directory=True)
    return path


@pytest.fixture(scope="module")
def reviewed(repo, default, with_volumes):
    """review() of the branch: the working tree synthesizes as with_volumes, the base as default."""
    calls = []

    def synthesized(checkout, outdir, context, label):
        calls.append((checkout, git(checkout, "rev-parse", "HEAD"), tuple(context), label))
        source = with_volumes if checkout == repo else default
        shutil.copytree(source.template_path.parent, outdir)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(review_diff.cli, "synth", synthesized)
        text = review_diff.review(repo=repo, context=["-c", "volumes=two"])
    return text, calls


def test_both_sides_are_synthesized_with_the_context_the_base_in_a_worktree_at_the_merge_base(reviewed, repo):
    _, calls = reviewed
    merge_base = git(repo, "merge-base", "HEAD", "main")
    (head_dir, head_sha, head_context, head_label), (base_dir, base_sha, base_context, base_label) = calls
    assert (head_dir, head_sha, head_label) == (repo, git(repo, "rev-parse", "HEAD"), "the working tree")
    assert base_dir != repo
    assert (base_sha, base_label) == (merge_base, f"the base {merge_base[:7]}")
    assert head_context == base_context == ("-c", "volumes=two")
    assert not base_dir.exists()
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1


def test_the_summary_comes_first_then_the_clis_diff_without_the_synthesis_warnings(reviewed, repo):
    text, _ = reviewed
    base = git(repo, "rev-parse", "--short=7", "main")
    assert text.startswith(f"# Review of this change\n\nBase: `{base}` (the merge base of HEAD and `main`).")
    assert "Both synthesized offline from `cdk.context.json` with -c volumes=two." in text
    summary, cli = text.split("### `cdk diff WebServerStack` (the CDK CLI's view)")
    assert "## WebServerStack (us-east-1)" in summary
    assert "- No SSH rule: port 22 is closed" in summary  # the working tree's warning, once
    assert "No SSH rule" not in cli
    assert "\nStack WebServerStack\n" in cli
    assert "[+] AWS::EC2::Volume" in cli


def test_the_cost_change_is_in_the_summary(reviewed):
    # The two data volumes, gp3 20 GB + 30 GB at 0.08 = 4.00 a month (as test_review_summary.py's reverse pair).
    text, _ = reviewed
    assert "while running $12.92 to $16.92 a month (+$4.00); while stopped $4.45 to $8.45 a month (+$4.00)" in text


# --- end to end with the real CLI (make test-slow) -------------------------------------------------------------


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


@pytest.mark.slow
def test_make_diff_succeeds(make_diff):
    assert make_diff.returncode == 0, make_diff.stderr[-3000:]


@pytest.mark.slow
def test_summary_comes_first_and_names_the_base(make_diff, clone):
    out = make_diff.stdout
    base = git(clone, "rev-parse", "--short=7", "main")
    assert out.startswith(f"# Review of this change\n\nBase: `{base}` (the merge base of HEAD and `main`).")
    assert out.index("## WebServerStack (us-east-1)") < out.index("### `cdk diff WebServerStack`")


@pytest.mark.slow
def test_new_ami_replacement_is_bold_with_the_construct_path(make_diff):
    # The CLI's synthesis records construct paths, so the summary names resources by them.
    assert "- **REPLACES instance `WebServer/Server1/Instance`: ImageId: ami-0fb23f2d720767b7a to " \
           "ami-03c3da4cfa8e8943a (requires replacement); InstanceType: t2.micro to t3.micro (stop and start; " \
           "`cdk diff`: may be replaced)" in make_diff.stdout
    assert "- **Loses data: instance `WebServer/Server1/Instance` is replaced" in make_diff.stdout


@pytest.mark.slow
def test_cost_change_is_in_the_summary(make_diff):
    # t2.micro 8.468 -> t3.micro 0.0104 * 730 = 7.592 a month: -0.876
    assert "while running $12.92 to $12.04 a month (-$0.88)" in make_diff.stdout


@pytest.mark.slow
def test_the_cli_diff_follows(make_diff):
    cli = make_diff.stdout.split("### `cdk diff WebServerStack` (the CDK CLI's view)")[1]
    assert "[~] AWS::EC2::Instance WebServer/Server1/Instance" in cli
    assert "ImageId (requires replacement)" in cli


@pytest.mark.slow
def test_the_temporary_worktree_is_gone(make_diff, clone):
    assert git(clone, "worktree", "list", "--porcelain").count("worktree ") == 1


@pytest.mark.slow
def test_synth_warnings_are_listed_once_and_kept_out_of_the_cli_diff(make_diff):
    summary, cli = make_diff.stdout.split("### `cdk diff WebServerStack` (the CDK CLI's view)")
    assert "- No SSH rule: port 22 is closed" in summary  # the working tree's warning, in the summary
    assert "No SSH rule" not in cli
    assert "\nStack WebServerStack\n" in cli


@pytest.mark.parametrize("ci", [False, True], ids=["terminal", "CI"])
def test_the_clis_diff_leaves_its_annotations_out_wherever_it_prints_them(monkeypatch, ci):
    # The CLI prints its diff to stderr, or to stdout in its CI mode (CI=true), and the annotations to stderr.
    warning = "WARNING No SSH rule: port 22 is closed (Annotation)\n   WebServerStack aws-cdk-lib.Stack\n" \
              "   Acknowledge with 'Annotation::web-server:no-ssh'\n"
    diff = "Stack WebServerStack\nResources\n[+] AWS::EC2::Volume WebServer/Server1/VolumeData\n"
    stdout, stderr = (diff, warning) if ci else ("", warning + diff)
    monkeypatch.setattr(review_diff.git, "_cdk", lambda *args, **kwargs: subprocess.CompletedProcess(
        args, 0, stdout=stdout, stderr=stderr))
    text = review_diff.cli_diff(Path("assembly"), Path("base.json"), "WebServerStack")
    assert text == diff.strip()


def test_a_cdk_diff_that_fails_is_an_error_not_the_clis_view(tmp_path):
    # The real CLI, offline: a stack the assembly does not have makes it exit 1 ("No stacks match"). Differences do
    # not (--no-fail), so exit 1 is a failure, never a diff to print.
    assembly = placeholder_assembly(tmp_path / "assembly")
    with pytest.raises(review_diff.ReviewError,
                       match=r"(?s)cdk diff NoSuchStack failed \(exit status 1\).*No stacks match"):
        review_diff.cli_diff(assembly, assembly / "Placeholder.template.json", "NoSuchStack")


def test_a_difference_is_the_clis_answer_with_exit_status_0(tmp_path):
    assembly = placeholder_assembly(tmp_path / "assembly")
    base = tmp_path / "base.json"
    base.write_text(json.dumps({"Resources": {}}))
    text = review_diff.cli_diff(assembly, base, "Placeholder")
    assert text.startswith("Stack Placeholder")
    assert "[+] AWS::CloudFormation::WaitConditionHandle Nothing" in text
