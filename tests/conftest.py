"""Shared test helpers: every configuration is synthesized once per session, offline.

Context is what the CLI would pass: cdk.json's defaults, the committed lookups in cdk.context.json
(so the VPC and AMI lookups answer without AWS), then the configuration's overrides.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

# Never let a test reach a real AWS account, or read the developer's AWS configuration (a region there changes
# what make cost says), whatever the shell has: the tests that need a region or a configuration set their own.
for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION",
              "AWS_DEFAULT_REGION"):
    os.environ.pop(_name, None)
os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull


def base_context() -> dict[str, Any]:
    context = dict(json.loads((ROOT / "cdk.json").read_text())["context"])
    context.update(json.loads((ROOT / "cdk.context.json").read_text()))
    return context


@dataclass(frozen=True)
class Synth:
    """One synthesized configuration: the stack's template (as dict), its file on disk, its warnings."""

    template: dict
    template_path: Path
    warnings: tuple[str, ...]
    termination_protection: bool

    def resources(self, type_: str) -> dict[str, dict]:
        return {k: v for k, v in self.template["Resources"].items() if v["Type"] == type_}

    def assertions(self):
        from aws_cdk.assertions import Template

        return Template.from_json(self.template)


_CACHE: dict[str, Synth] = {}
_RECORD = "synth-record.json"


def synth(overrides: dict[str, Any] | None = None, tmp_root: Path | None = None) -> Synth:
    """Synthesize a configuration with cdk-nag, as `cdk synth` does: once per test run.

    The assembly goes to ``tmp_root`` (shared by every pytest-xdist worker): the first worker to need
    a configuration synthesizes it under a file lock and records the result (or the failure); the
    others, and later calls, read that record back instead of synthesizing again.
    """
    key = json.dumps(overrides or {}, sort_keys=True)
    if key in _CACHE:
        return _CACHE[key]
    root = tmp_root or Path(tempfile.gettempdir())
    outdir = root / f"synth-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    with open(f"{outdir}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record_file = outdir / _RECORD
        if not record_file.exists():
            _synthesize(overrides or {}, outdir, record_file)
    record = json.loads(record_file.read_text())
    if record["error"]:
        raise RuntimeError(record["error"])
    template_path = outdir / record["template_file"]
    result = Synth(template=json.loads(template_path.read_text()), template_path=template_path,
                   warnings=tuple(record["warnings"]), termination_protection=record["termination_protection"])
    _CACHE[key] = result
    return result


def _synthesize(overrides: dict[str, Any], outdir: Path, record_file: Path) -> None:
    from app import build_app

    record: dict[str, Any] = {"overrides": overrides, "error": None}
    try:
        app, stack = build_app(context={**base_context(), **overrides}, outdir=str(outdir), cfn_validation=True)
        assembly = app.synth()
        artifact = assembly.get_stack_artifact(stack.artifact_id)
        record.update(
            template_file=artifact.template_file,
            warnings=[str(m.entry.data) for m in artifact.messages if str(m.level).lower().endswith("warning")],
            termination_protection=bool(stack.termination_protection),
        )
    except Exception as error:  # e.g. cdk-nag's ValidationFailed: every caller sees the same failure
        record["error"] = f"{type(error).__name__}: {error}"
    outdir.mkdir(parents=True, exist_ok=True)
    record_file.write_text(json.dumps(record))


def synth_count(root: Path) -> int:
    """How many configurations were synthesized below ``root`` in this run."""
    return len(list(root.glob(f"**/synth-*/{_RECORD}")))


# The configurations the project ships and tests; each is synthesized once per session.
DEFAULT: dict[str, Any] = {}
FULLY_LOADED: dict[str, Any] = {
    "machine_image": "amazon-linux-2023",
    "instance_count": "2",
    "ssh_cidr": "203.0.113.7",
    "key_pair_name": "my-existing-key",
    "root_volume": json.dumps({"type": "gp3", "size": 30, "iops": 6000}),
    "volumes": json.dumps([
        {"name": "data", "size": 50, "type": "gp2", "device": "/dev/sdf"},
        {"name": "logs", "size": 100, "type": "io1", "iops": 3000, "on_destroy": "delete"},
    ]),
    "tags": json.dumps({"team": "web", "cost-center": "1234"}),
    "detailed_monitoring": "true",
    "placement_group": "spread",
    "iam_policies": json.dumps(["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"]),
}


# The Auto Scaling tier with its defaults, and loaded with every option it takes.
AUTOSCALING: dict[str, Any] = {"tier": "autoscaling"}
AUTOSCALING_LOADED: dict[str, Any] = {
    "tier": "autoscaling",
    "machine_image": "amazon-linux-2023",
    "instance_type": "t3.small",
    "min_capacity": "3",
    "max_capacity": "6",
    "desired_capacity": "4",
    "cpu_target": "60",
    "requests_per_target": "1000",
    "health_check_path": "/health.html",
    "site_dir": str(ROOT / "tests" / "unit" / "site"),  # which serves /health.html (checked since issue 20)
    "access_log_days": "30",
    "ssh_cidr": "203.0.113.7",
    "volumes": json.dumps([{"name": "scratch", "size": 20, "on_destroy": "delete"}]),
    "termination_protection": "true",
    "zones": "3",
}


# Day two, every option on: alarms, logs, backups, a schedule and a budget (a data volume to back up).
SCHEDULE = {"stop": "cron(0 20 ? * MON-FRI *)", "start": "cron(0 8 ? * MON-FRI *)", "timezone": "Asia/Tokyo"}
DAY_TWO: dict[str, Any] = {
    "alarm_email": "ops@example.com",
    "logs": "true",
    "log_retention_days": "90",
    "backup": json.dumps({"schedule": "daily", "retention_days": 7}),
    "schedule": json.dumps(SCHEDULE),
    "monthly_budget_usd": "100",
    "volumes": json.dumps([{"size": 20}]),
}
DAY_TWO_AUTOSCALING: dict[str, Any] = {
    "tier": "autoscaling", "alarm_email": "ops@example.com", "logs": "true", "schedule": json.dumps(SCHEDULE),
    "monthly_budget_usd": "200",
}

# Months in production (issue 20): day two with the data under a key of its own, the memory and disk alarms'
# thresholds set, a data volume's mount point watched, and the servers patched on Sunday nights. Checked by cdk-nag
# and cfn-lint here (checkov by hand: README, Months in production); deployed, updated and destroyed on the emulator
# by the lifecycle matrix (make test-slow).
PATCH_SCHEDULE = {"cron": "cron(0 3 ? * SUN *)", "timezone": "Asia/Tokyo"}
PRODUCTION: dict[str, Any] = {
    **DAY_TWO, "kms_key": "create", "memory_alarm_percent": "85", "disk_alarm_percent": "80",
    "volumes": json.dumps([{"size": 20, "mount_point": "/data"}]), "patch_schedule": json.dumps(PATCH_SCHEDULE),
}
PRODUCTION_AUTOSCALING: dict[str, Any] = {
    **DAY_TWO_AUTOSCALING, "kms_key": "create", "patch_schedule": json.dumps(PATCH_SCHEDULE),
    "domain_name": "www.example.com", "hosted_zone": "example.com",
}

#: The edge, heaviest combination (issue 24): WAF, CloudFront, the stack's own dual-stack VPC and a name.
EDGE: dict[str, Any] = {
    "tier": "autoscaling", "waf": "true", "waf_rate_limit": "500", "cloudfront": "true", "vpc_id": "new",
    "ip_version": "dualstack", "domain_name": "www.example.com", "hosted_zone": "example.com",
}


# Cost and capacity (issue 23): Spot and a second type in the group; a reservation made for two servers, each with an
# Elastic IP of the user's own.
SPOT: dict[str, Any] = {"tier": "autoscaling", "instance_type": "t3.micro", "instance_types": '["t3a.micro"]',
                        "spot_percent": "70", "on_demand_base": "1"}
RESERVED: dict[str, Any] = {"instance_count": "2", "capacity_reservation": "create",
                            "elastic_ip_allocation_id": '["eipalloc-0123456789abcdef0", "eipalloc-0123456789abcdef1"]'}


def jsii_package_cache() -> str:
    """This machine's jsii package cache (where jsii keeps aws-cdk-lib's extracted package between runs): a new HOME
    would start an empty one, and the first `cdk synth` there spends 4-6 s extracting aws-cdk-lib again. It holds
    extracted npm packages only (no credentials, no settings), so sharing it changes no answer."""
    if os.environ.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT"):
        return os.environ["JSII_RUNTIME_PACKAGE_CACHE_ROOT"]
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(cache_home) / "aws" / "jsii" / "package-cache")


def _run_root(tmp_path_factory) -> Path:
    """The run's temporary root: under pytest-xdist, workers' basetemps are <root>/popen-gwN."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def tmp_synth_root(tmp_path_factory) -> Path:
    root = _run_root(tmp_path_factory) / "cdk-out"
    root.mkdir(exist_ok=True)
    return root


def _configuration(overrides: dict[str, Any], doc: str):
    """A session fixture that synthesizes one shipped configuration (once per run, across workers)."""
    def fixture(tmp_synth_root) -> Synth:
        return synth(overrides, tmp_synth_root)

    fixture.__doc__ = doc
    return pytest.fixture(scope="session")(fixture)


default = _configuration(DEFAULT, "The default settings.")
loaded = _configuration(FULLY_LOADED, "The single tier with most options on.")
fleet = _configuration(AUTOSCALING, "tier=autoscaling with its defaults.")
fleet_loaded = _configuration(AUTOSCALING_LOADED, "tier=autoscaling with every option it takes.")
day_two = _configuration(DAY_TWO, "Every day-two option on, single tier.")
day_two_fleet = _configuration(DAY_TWO_AUTOSCALING, "Every day-two option on, tier=autoscaling.")


@pytest.fixture(scope="session")
def synth_with(tmp_synth_root):
    """Synthesize another configuration (cached per session)."""
    return lambda overrides: synth(overrides, tmp_synth_root)


def pytest_terminal_summary(terminalreporter, config):
    """How many configurations this run synthesized in-process (the benchmark reads this line)."""
    root = config._tmp_path_factory.getbasetemp()  # the controller's: the root every worker wrote under
    terminalreporter.write_line(f"in-process syntheses: {synth_count(root)}")
