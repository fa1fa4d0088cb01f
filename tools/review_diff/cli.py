"""`python -m tools.review_diff` (`make diff`): both sides synthesized, each stack summarized, the CLI's diff below."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

import tools.review_diff
from cost_model.prices import Prices
from tools import cfn_diff
from tools.review_diff.git import ROOT, base_worktree, cli_diff, exit_cleanly_on_signals, git, resolve_base, synth
from tools.review_diff.model import ReviewError
from tools.review_diff.summary import render_review, summarize
from tools.templates import AssemblyError, assembly_stacks


def review(*, base_ref: Optional[str] = None, context: Sequence[str] = (), repo: Path = ROOT) -> str:
    """The whole review as Markdown."""
    base = resolve_base(base_ref, cwd=repo)
    dirty = bool(git("status", "--porcelain", "--untracked-files=no", cwd=repo))
    head_sha = git("rev-parse", "--short", "HEAD", cwd=repo)
    prices = Prices.load()
    with tempfile.TemporaryDirectory(prefix="review-diff-") as tmp:
        tmp_dir = Path(tmp)
        head_out, base_out = tmp_dir / "head.out", tmp_dir / "base.out"
        synth(repo, head_out, context, "the working tree")
        with base_worktree(base.sha, repo=repo) as checkout:
            synth(checkout, base_out, context, f"the base {base.sha[:7]}")
        head_stacks = {s.name: s for s in assembly_stacks(head_out)}
        base_stacks = {s.name: s for s in assembly_stacks(base_out)}
        names = sorted(set(head_stacks) | set(base_stacks))
        empty = tmp_dir / "empty.template.json"
        empty.write_text(json.dumps({"Resources": {}}))
        files = [(base_stacks[n].path if n in base_stacks else empty, head_stacks[n].path if n in head_stacks else empty)
                 for n in names]
        engine = dict(zip(names, cfn_diff.diff_files(files), strict=True))  # one Node start for every stack
        parts = ["# Review of this change", "",
                 f"Base: `{base.sha[:7]}` ({base.label}). Head: the working tree at `{head_sha}`"
                 + (" with uncommitted changes" if dirty else "") + ". Both synthesized offline from "
                 "`cdk.context.json`" + (f" with {' '.join(context)}" if context else "") + ".", ""]
        for (name, (base_file, _)) in zip(names, files, strict=True):
            head_stack, base_stack = head_stacks.get(name), base_stacks.get(name)
            region = (head_stack or base_stack).region or ""
            head_template = head_stack.load() if head_stack else None
            base_template = base_stack.load() if base_stack else {"Resources": {}}
            summary = summarize(base_template, head_template, stack=name, region=region, prices=prices,
                                engine=engine[name], warnings=head_stack.warnings() if head_stack else ())
            parts += [render_review(summary), ""]
            if head_stack is None:
                parts += ["The stack is gone from the app: `cdk deploy` no longer touches it, and `cdk destroy` "
                          "must be run for it on the base commit.", ""]
                continue
            parts += [f"### `cdk diff {name}` (the CDK CLI's view)", "", "```text",
                      cli_diff(head_out, base_file, name, cwd=repo), "```", ""]
    return "\n".join(parts).rstrip() + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.review_diff",
                                     description=tools.review_diff.__doc__.split("\n\n")[0])
    parser.add_argument("--base", default=os.environ.get("BASE") or None,
                        help="git ref to compare with (default: the merge base of HEAD and main)")
    parser.add_argument("-c", "--context", action="append", default=[], metavar="KEY=VALUE",
                        help="context for both synths, as `cdk synth -c`")
    args = parser.parse_args(argv)
    exit_cleanly_on_signals()
    context = [arg for pair in args.context for arg in ("-c", pair)]
    try:
        sys.stdout.write(review(base_ref=args.base, context=context))
    except (ReviewError, AssemblyError, cfn_diff.EngineError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
