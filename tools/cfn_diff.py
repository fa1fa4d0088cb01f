"""AWS's own diff engine from Python: what ``cdk diff`` knows about a change, as typed facts.

    diffs = diff_files([(base_file, head_file), ...])       # one Node start per Python process
    diffs = diff_templates([(base_template, head_template)])  # the same, for templates in memory

Runs ``tools/cfn_diff.cjs`` (``@aws-cdk/cloudformation-diff``, pinned in package.json): per resource its
change impact and each property's replacement impact from CloudFormation's resource specification,
replacements followed through references, and the security group and IAM changes the engine reports.
"""

from __future__ import annotations

import json
import re
import select
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, NoReturn, Optional, cast

from tools.templates import SecurityGroupRule, protocol

SCRIPT = Path(__file__).resolve().with_name("cfn_diff.cjs")
ROOT = SCRIPT.parent.parent
_PEER_KEYS = ("ip", "securityGroupId", "prefixListId")
_TOKEN = re.compile(r"\$\{([^.}]+)(?:\.[^}]*)?\}")


class EngineError(Exception):
    """The engine could not run (Node or the pinned package missing, a file that is not a template)."""


@dataclass(frozen=True)
class ResourceChange:
    """One resource's change. ``impact``: add, destroy, orphan, replace, may-replace, update, import or none."""

    logical_id: str
    impact: str
    old_type: Optional[str]
    new_type: Optional[str]
    properties: dict[str, str]  # each changed property's impact: replace, may-replace, update or none
    other: dict[str, tuple[Any, Any]]  # attributes besides Properties (DeletionPolicy, Metadata...): (old, new)

    @property
    def type(self) -> str:
        return self.new_type or self.old_type or ""


@dataclass(frozen=True)
class RuleChange:
    """A security group rule added or removed; ``group`` is the group's logical id when the template has it."""

    group: str
    rule: SecurityGroupRule
    egress: bool


@dataclass(frozen=True)
class PolicyChange:
    """A managed policy attached to (or detached from) ``identity``, a logical id when the template has it."""

    identity: str
    arn: str


@dataclass(frozen=True)
class StatementChange:
    """A policy statement as the engine renders it (``cdk diff``'s IAM Statement Changes table)."""

    resource: str
    effect: str
    action: str
    principal: str
    condition: str


@dataclass(frozen=True)
class TemplateDiff:
    resources: dict[str, ResourceChange]
    rules_added: list[RuleChange]
    rules_removed: list[RuleChange]
    policies_added: list[PolicyChange]
    policies_removed: list[PolicyChange]
    statements_added: list[StatementChange]
    statements_removed: list[StatementChange]
    permissions_broadened: bool

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> TemplateDiff:
        groups, iam = raw["securityGroups"], raw["iam"]
        return cls(
            resources={logical_id: ResourceChange(
                logical_id=logical_id, impact=change["impact"], old_type=change["oldType"], new_type=change["newType"],
                properties={name: p["impact"] for name, p in change["properties"].items()},
                other={name: (o.get("old"), o.get("new")) for name, o in change["other"].items()},
            ) for logical_id, change in raw["resources"].items()},
            rules_added=[_rule(r, egress=False) for r in groups["ingressAdded"]]
            + [_rule(r, egress=True) for r in groups["egressAdded"]],
            rules_removed=[_rule(r, egress=False) for r in groups["ingressRemoved"]]
            + [_rule(r, egress=True) for r in groups["egressRemoved"]],
            policies_added=[PolicyChange(logical_id(p["resource"]), p["arn"]) for p in iam["managedPoliciesAdded"]],
            policies_removed=[PolicyChange(logical_id(p["resource"]), p["arn"]) for p in iam["managedPoliciesRemoved"]],
            statements_added=[StatementChange(**s) for s in iam["statementsAdded"]],
            statements_removed=[StatementChange(**s) for s in iam["statementsRemoved"]],
            permissions_broadened=raw["permissionsBroadened"],
        )


def logical_id(rendered: str) -> str:
    """``${Role}`` or ``${Group.GroupId}`` (how the engine names a template's resources) -> the logical id;
    anything else (``sg-0123...``) as it is."""
    match = _TOKEN.fullmatch(rendered or "")
    return match.group(1) if match else rendered


def _rule(raw: dict[str, Any], *, egress: bool) -> RuleChange:
    peer = raw.get("peer") or {}
    source = next((str(peer[key]) for key in _PEER_KEYS if key in peer), "?")
    ports = [raw.get(key) if isinstance(raw.get(key), int) else -1 for key in ("fromPort", "toPort")]
    return RuleChange(logical_id(raw["groupId"]), SecurityGroupRule(protocol(raw["ipProtocol"]), *ports, source),
                      egress)


class _Engine:
    """One ``node tools/cfn_diff.cjs --serve`` for this Python process, started at its first diff.

    The engine's first diff reads CloudFormation's resource specification (about 0.7 s of CPU, most of a run);
    the next ones take a few milliseconds. A process that diffs again and again (`make diff` over several bases,
    the tests' summaries) pays the first once. The Node process ends with this one: its stdin closes.
    """

    _lock = threading.Lock()
    _running: Optional[subprocess.Popen] = None
    # Its stderr goes to a file, not a pipe nobody reads while it runs: a pipe's 64 KB would fill and stop it.
    _stderr: Optional[IO[bytes]] = None

    @classmethod
    def diff(cls, pairs: Sequence[tuple[Path, Path]], timeout: float) -> list[dict[str, Any]]:
        with cls._lock:
            engine = cls._start()
            ask, answer = cast(IO[str], engine.stdin), cast(IO[str], engine.stdout)
            answers = []
            for pair in pairs:
                try:
                    ask.write(json.dumps([str(path) for path in pair]) + "\n")
                    ask.flush()
                except BrokenPipeError:
                    cls._fail(engine, "exited")
                if not select.select([answer], [], [], timeout)[0]:
                    cls._fail(engine, f"gave no answer within {timeout:g} s")
                line = answer.readline()
                if not line:
                    cls._fail(engine, "exited")
                diff = json.loads(line)
                if "error" in diff:
                    raise EngineError(f"tools/cfn_diff.cjs: {diff['error']}")
                answers.append(diff)
            return answers

    @classmethod
    def _start(cls) -> subprocess.Popen:
        if cls._running is None or cls._running.poll() is not None:
            if cls._stderr is not None:
                cls._stderr.close()  # the ended engine's
            cls._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the Node process it serves)
            cls._running = subprocess.Popen(
                ["node", str(SCRIPT), "--serve"], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=cls._stderr, text=True, bufsize=1)
        return cls._running

    @classmethod
    def _fail(cls, engine: subprocess.Popen, what: str) -> NoReturn:
        engine.kill()
        engine.wait()
        stderr = ""
        if cls._stderr is not None:
            cls._stderr.seek(0)
            stderr = cls._stderr.read().decode(errors="replace")
        cls._running = None
        hint = " (run `make setup`)" if "Cannot find module" in stderr else ""
        raise EngineError(f"tools/cfn_diff.cjs {what} (exit status {engine.returncode}){hint}: "
                          f"{stderr.strip()[-1000:]}")


def diff_files(pairs: Sequence[tuple[Path, Path]], *, timeout: float = 120) -> list[TemplateDiff]:
    """The engine's diff of each (base template file, head template file) pair, from this process's one Node."""
    if not pairs:
        return []  # nothing to ask: no Node started for it
    return [TemplateDiff.from_json(answer) for answer in _Engine.diff(pairs, timeout)]


def diff_templates(pairs: Sequence[tuple[Optional[dict[str, Any]], Optional[dict[str, Any]]]]) -> list[TemplateDiff]:
    """The same for templates in memory (None is an empty template)."""
    with tempfile.TemporaryDirectory(prefix="cfn-diff-") as tmp:
        files = []
        for index, pair in enumerate(pairs):
            paths = (Path(tmp) / f"{index}.base.json", Path(tmp) / f"{index}.head.json")
            for path, template in zip(paths, pair, strict=True):
                path.write_text(json.dumps(template or {}, default=str))
            files.append(paths)
        return diff_files(files)
