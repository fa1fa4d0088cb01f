"""Git and synthesis for the review: the base commit, a temporary worktree for it (always removed), both sides
synthesized offline, and the CDK CLI's own diff of each stack."""

from __future__ import annotations

import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from tools.cdk_cli import SynthError, cdk_command, offline_env, synth_offline
from tools.review_diff.model import ReviewError

ROOT = Path(__file__).resolve().parent.parent.parent
# Folders the base worktree borrows from this checkout (both are git-ignored, so a worktree has neither).
SHARED_FOLDERS = (".venv", "node_modules")
DEFAULT_BASE_BRANCHES = ("main", "origin/main")


def git(*args: str, cwd: Path = ROOT) -> str:
    run = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise ReviewError(f"git {' '.join(args)} failed: {run.stderr.strip() or run.stdout.strip()}")
    return run.stdout.strip()


@dataclass(frozen=True)
class Base:
    sha: str
    label: str


def resolve_base(ref: Optional[str], *, cwd: Path = ROOT) -> Base:
    """The commit to compare with: ``ref`` itself, or the merge base of HEAD with main (or origin/main)."""
    if ref:
        try:
            sha = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=cwd)
        except ReviewError:
            raise ReviewError(f"BASE={ref} is not a commit in this repository") from None
        return Base(sha, f"`{ref}`")
    for branch in DEFAULT_BASE_BRANCHES:
        try:
            git("rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}", cwd=cwd)
        except ReviewError:
            continue
        return Base(git("merge-base", "HEAD", branch, cwd=cwd), f"the merge base of HEAD and `{branch}`")
    raise ReviewError(f"no {' or '.join(DEFAULT_BASE_BRANCHES)} branch to compare with; pass BASE=<git ref>")


def _cdk(args: Sequence[str], *, cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([*cdk_command(), *args], cwd=cwd, env=offline_env(), capture_output=True,
                          text=True, timeout=timeout, check=False)


def synth(checkout: Path, outdir: Path, context: Sequence[str], label: str) -> None:
    try:
        synth_offline(outdir, context, cwd=checkout)
    except SynthError as error:
        raise ReviewError(f"synthesizing {label} failed (exit status {error.returncode}):\n{error.tail}") from None


def cli_diff(head_assembly: Path, base_template: Path, stack: str, *, cwd: Path = ROOT) -> str:
    """The CDK CLI's resource-level diff of ``stack`` against a template file, from its ``Stack <name>`` line on:
    the synthesis's warnings the CLI prints first are the summary's to list, once."""
    # --no-fail: differences are this command's answer, not a failure, whatever cdk.json's feature flags say (with
    # @aws-cdk/core:enableDiffNoFail off the CLI exits 1 on a difference); so exit 1 means the CLI failed.
    run = _cdk(["diff", "--app", str(head_assembly), "--template", str(base_template), "--no-color", "--no-fail",
                stack], cwd=cwd)
    text = (run.stdout + run.stderr).strip()
    if run.returncode != 0:
        raise ReviewError(f"cdk diff {stack} failed (exit status {run.returncode}):\n{text[-2000:]}")
    # The diff goes to stderr, or to stdout when CI is set (the CLI's CI mode), while the annotations stay on
    # stderr: the diff is read from the stream that has it, so the annotations never follow it in.
    diff_stream = next((stream for stream in (run.stdout, run.stderr)
                        if any(line.startswith("Stack ") for line in stream.splitlines())), text)
    return without_annotations(diff_stream.strip())


def without_annotations(text: str) -> str:
    """The CLI's output without the annotation blocks (``WARNING ...`` and its indented lines, ``Acknowledge with``)
    it prints before the diff itself, which starts at the first ``Stack `` line."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Stack ")), 0)
    return "\n".join(lines[start:]).strip()


@contextmanager
def base_worktree(sha: str, *, repo: Path = ROOT) -> Iterator[Path]:
    """A temporary worktree at ``sha`` that borrows ``repo``'s .venv and node_modules; always removed."""
    holder = Path(tempfile.mkdtemp(prefix="review-diff-base-"))
    path = holder / "base"
    added = False
    try:
        git("worktree", "add", "--detach", "--quiet", str(path), sha, cwd=repo)
        added = True
        for name in SHARED_FOLDERS:
            source = repo / name
            if source.exists() and not (path / name).exists():
                (path / name).symlink_to(source.resolve(), target_is_directory=True)
        yield path
    finally:
        for name in SHARED_FOLDERS:  # unlink the borrowed folders first: never delete through them
            link = path / name
            if link.is_symlink():
                link.unlink()
        if added:
            subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=repo, capture_output=True,
                           check=False)
        subprocess.run(["git", "worktree", "prune"], cwd=repo, capture_output=True, check=False)
        shutil.rmtree(holder, ignore_errors=True)


def _on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks, so the worktree is removed


def exit_cleanly_on_signals() -> None:
    """Turn SIGTERM and SIGHUP (a cancelled CI job, a closed terminal) into an exception, like Ctrl-C."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _on_signal)
