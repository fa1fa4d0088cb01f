"""Run a review target for CI and keep its Markdown, or say plainly that it failed.

    python -m tools.ci_report --title "make diff" --out review.md -- make --no-print-directory -s diff

Writes the command's standard output to ``--out`` when it succeeds. When it fails, writes a section that says
so instead, with the exit status and the last lines it printed (its own one-line error among them), so a failed
``make diff`` shows as failed in the job summary and the pull-request comment, never as a missing section.
Appends the same text to ``$GITHUB_STEP_SUMMARY`` when that is set, and exits with the command's status, so the
step is red too.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

TAIL_LINES = 40


def failed_section(title: str, status: int, stderr: str, stdout: str = "") -> str:
    """A Markdown section for a command that exited with ``status``."""
    tail = "\n".join((stderr.strip() or stdout.strip() or "(it printed nothing)").splitlines()[-TAIL_LINES:])
    return (f"## `{title}` FAILED (exit status {status})\n\n"
            f"The review could not be made; the last lines it printed:\n\n```text\n{tail}\n```\n")


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.ci_report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--title", required=True, help="what ran, as the reader knows it (`make diff`)")
    parser.add_argument("--out", type=Path, required=True, help="where the Markdown goes")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command after --")
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    sys.stderr.write(run.stderr)  # the step's log keeps everything
    text = run.stdout if run.returncode == 0 else failed_section(args.title, run.returncode, run.stderr, run.stdout)
    args.out.write_text(text)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(text.rstrip("\n") + "\n\n")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
