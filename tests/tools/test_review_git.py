"""`make diff`'s git side: which commit is the base, and the temporary worktree that is always removed."""

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.tools.conftest import git
from tools.review_diff import ReviewError, base_worktree, resolve_base


@pytest.fixture
def repo(tmp_path):
    """main with two commits, and a branch `feature` forked after the first, one commit ahead."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "--quiet", "--initial-branch=main")
    (path / "a.txt").write_text("1")
    git(path, "add", "a.txt")
    git(path, "commit", "--quiet", "-m", "one")
    git(path, "checkout", "--quiet", "-b", "feature")
    (path / "b.txt").write_text("2")
    git(path, "add", "b.txt")
    git(path, "commit", "--quiet", "-m", "feature")
    git(path, "checkout", "--quiet", "main")
    (path / "a.txt").write_text("3")
    git(path, "commit", "--quiet", "-am", "two")
    git(path, "checkout", "--quiet", "feature")
    return path


def test_default_base_is_the_merge_base_with_main(repo):
    assert resolve_base(None, cwd=repo).sha == git(repo, "rev-parse", "main~1")


def test_base_ref_overrides(repo):
    assert resolve_base("main", cwd=repo).sha == git(repo, "rev-parse", "main")


def test_unknown_base_ref_is_a_clear_error(repo):
    with pytest.raises(ReviewError, match="BASE=nope is not a commit in this repository"):
        resolve_base("nope", cwd=repo)


def test_worktree_is_removed_when_the_review_fails_and_borrowed_folders_survive(repo):
    (repo / ".venv").mkdir()
    (repo / ".venv" / "keep.txt").write_text("the shared virtual environment")
    seen = []

    def review_that_fails():
        with base_worktree(git(repo, "rev-parse", "main"), repo=repo) as checkout:
            seen.append((checkout, (checkout / "a.txt").read_text(), (checkout / ".venv" / "keep.txt").exists()))
            raise RuntimeError("synth failed")

    with pytest.raises(RuntimeError, match="synth failed"):
        review_that_fails()
    (checkout, text, borrowed), = seen
    assert (text, borrowed) == ("3", True)  # main's file, and the .venv borrowed through a symlink
    assert not checkout.exists()
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert (repo / ".venv" / "keep.txt").read_text() == "the shared virtual environment"


def test_worktree_is_removed_when_the_review_is_terminated(repo):
    script = (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        "from tools import review_diff\n"
        "review_diff.exit_cleanly_on_signals()\n"
        "with review_diff.base_worktree(sys.argv[2], repo=Path(sys.argv[1])) as checkout:\n"
        "    print(checkout, flush=True)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    time.sleep(30)\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(repo), git(repo, "rev-parse", "main")], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 128 + signal.SIGTERM
    assert not Path(run.stdout.strip()).exists()
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
