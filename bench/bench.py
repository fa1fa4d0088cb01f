"""``make bench``: how close this app is to the CDK-in-Python floor, measured side by side in one run.

Prints a table of medians and the ratios that matter (absolute seconds vary between machines):
1. ``cdk synth`` (the pinned CLI) of this app vs an empty Python CDK app with the same pinned versions and
   feature flags, twice: the empty app as ``cdk init`` makes it (aws-cdk-lib's built-in CloudFormation validation
   on), and with ``App(builtin_cloud_formation_validation=False)``, the true floor (issue 18: at most 1.5x).
   This app skips that validation offline (app.py, ``builtin_validation``) and runs it where the template can
   reach AWS: that path (``CDK_VALIDATION=true``) is measured against the validating empty app.
   ``python app.py`` alone vs the empty app's, to separate the CLI's share.
2. Growth: synth with instance_count 1, 5 and 20 (3 data volumes each): seconds per extra server; the
   Auto Scaling tier's synth vs the single tier's (issue 13: at most 1.3x), and synth with every day-two
   option on vs the default (issue 15: at most 1.4x), and the heaviest edge combination (WAF, CloudFront, a dual-stack
   VPC of the stack's own and a name, on the Auto Scaling tier) vs the default (issue 24: at most 1.3x).
3. Where one synth's time goes: imports, construct building, cdk-nag, the rest of synthesis.
4. The test suite's wall time and how many syntheses it performs.
5. One deploy + destroy cycle of this stack vs an almost empty stack on the emulator, and of the Auto Scaling tier
   (``-c tier=autoscaling``) vs the single tier (issue 13: at most 2x).

Runs are interleaved (A, B, A, B...) so that load on the machine hits both sides alike.
Run on a quiet machine: ``make bench`` (``RUNS=5`` by default). Results go to stdout; copy the table
into bench/RESULTS.md with the date.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
sys.path.insert(0, str(ROOT))

from constants import VALIDATION_ENV  # noqa: E402
from tools.cdk_cli import QUIET_ENV, cdk, cdk_command, cli_env, offline_env  # noqa: E402

EMPTY_APP = '''
import os
import aws_cdk as cdk
# EMPTY_APP_VALIDATION=false: the true floor, with aws-cdk-lib's built-in CloudFormation validation off.
app = cdk.App(builtin_cloud_formation_validation=os.environ.get("EMPTY_APP_VALIDATION") != "false")
stack = cdk.Stack(app, "EmptyStack", env=cdk.Environment(account="123456789012", region="us-east-1"))
# One no-op resource: CloudFormation (and the CLI) will not deploy a stack with no resources at all.
cdk.CfnResource(stack, "Nothing", type="AWS::CloudFormation::WaitConditionHandle")
app.synth()
'''


def make_empty_app(workdir: Path) -> Path:
    """An empty CDK app beside ours: same venv, same CLI, same feature flags."""
    app_dir = workdir / "empty-app"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(EMPTY_APP)
    ours = json.loads((ROOT / "cdk.json").read_text())
    flags = {k: v for k, v in ours["context"].items() if k.startswith("@")}
    (app_dir / "cdk.json").write_text(json.dumps({"app": f"{PY} app.py", "versionReporting": False,
                                                  "notices": False, "cli-telemetry": False, "context": flags}))
    (app_dir / "node_modules").symlink_to(ROOT / "node_modules")
    return app_dir


def timed(command: list[str], *, cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_pair(a, b, runs: int) -> tuple[float, float]:
    """Interleaved medians of two measurements."""
    first, second = median_all((a, b), runs)
    return first, second


def median_all(measurements, runs: int) -> list[float]:
    """Interleaved medians of several measurements (A, B, C, A, B, C...)."""
    samples: list[list[float]] = [[] for _ in measurements]
    for _ in range(runs):
        for sample, measure in zip(samples, measurements, strict=True):
            sample.append(measure())
    return [statistics.median(sample) for sample in samples]


def python_env(context: dict | None = None) -> dict:
    """``python app.py`` as the CLI runs it: with the context the CLI would pass.

    ``context=None`` is the empty app: the feature flags only (what its cdk.json holds), so that
    both apps synthesize under the same flags; otherwise this app's cdk.json, cdk.context.json and
    the given overrides.
    """
    env = offline_env()
    ours = json.loads((ROOT / "cdk.json").read_text())["context"]
    if context is None:
        merged = {k: v for k, v in ours.items() if k.startswith("@")}
    else:
        merged = {**ours, **json.loads((ROOT / "cdk.context.json").read_text()), **context}
    env["CDK_CONTEXT_JSON"] = json.dumps(merged)
    return env


def bench_synth(workdir: Path, empty: Path, runs: int) -> dict:
    env = offline_env()  # the example environment, as on a machine without credentials
    out = workdir / "out"
    synth = [*cdk_command(), "synth", "-q", "-o"]
    ours_cli = partial(timed, [*synth, str(out / "ours")], cwd=ROOT, env=env)
    # The deploy path: the same synthesis with aws-cdk-lib's built-in validation, as with credentials.
    ours_validating_cli = partial(timed, [*synth, str(out / "ours-validating")], cwd=ROOT,
                                  env={**env, VALIDATION_ENV: "true"})
    empty_cli = partial(timed, [*synth, str(out / "empty")], cwd=empty, env=env)
    floor_cli = partial(timed, [*synth, str(out / "floor")], cwd=empty, env={**env, "EMPTY_APP_VALIDATION": "false"})
    # The heaviest edge combination as a user synthesizes it (issue 24: within 1.3x the default's synth).
    edge_args = [arg for key, value in EDGE.items() for arg in ("-c", f"{key}={value}")]
    edge_cli = partial(timed, [*synth, str(out / "edge"), *edge_args], cwd=ROOT, env=env)
    measures = (ours_cli, ours_validating_cli, empty_cli, floor_cli, edge_cli)
    for measure in measures:
        measure()  # warm caches (bytecode, node modules) outside the measurement
    ours, ours_validating, empty_default, floor, edge = median_all(measures, runs)
    # `python app.py` alone, with the context the CLI would pass and an output folder.
    ours_py = partial(timed, [PY, "app.py"], cwd=ROOT, env={**python_env({}), "CDK_OUTDIR": str(out / "ours-py")})
    floor_py = partial(timed, [PY, "app.py"], cwd=empty,
                       env={**python_env(None), "CDK_OUTDIR": str(out / "floor-py"), "EMPTY_APP_VALIDATION": "false"})
    app = median_pair(ours_py, floor_py, runs)
    return {"cli": (ours, empty_default), "floor": (ours, floor), "validating": (ours_validating, empty_default),
            "app": app, "edge": (edge, ours)}


def bench_growth(workdir: Path, runs: int) -> dict:
    volumes = json.dumps([{"name": "a", "size": 10}, {"name": "b", "size": 20, "type": "gp2"},
                          {"name": "c", "size": 30, "type": "io1", "iops": 1000}])
    results = {}
    for count in (1, 5, 20):
        env = {**python_env({"instance_count": str(count), "volumes": volumes}),
               "CDK_OUTDIR": str(workdir / f"growth-{count}")}
        results[count] = statistics.median(timed([PY, "app.py"], cwd=ROOT, env=env) for _ in range(runs))
    return results


# Every day-two option at once, on the single tier (backup is refused on the Auto Scaling tier).
DAY_TWO = {
    "alarm_email": "ops@example.com", "logs": "true", "backup": json.dumps({"schedule": "daily", "retention_days": 7}),
    "schedule": json.dumps({"stop": "cron(0 20 ? * MON-FRI *)", "start": "cron(0 8 ? * MON-FRI *)",
                            "timezone": "Asia/Tokyo"}),
    "monthly_budget_usd": "100",
}


# The heaviest edge combination (issue 24): everything in front of and under the load balancer, with a name.
EDGE = {
    "tier": "autoscaling", "waf": "true", "cloudfront": "true", "vpc_id": "new", "ip_version": "dualstack",
    "domain_name": "www.example.com", "hosted_zone": "example.com",
}


def bench_tiers(workdir: Path, runs: int) -> dict:
    """``python app.py`` of the default, the Auto Scaling tier and every day-two option, interleaved."""
    def synth(name: str, context: dict) -> partial:
        return partial(timed, [PY, "app.py"], cwd=ROOT,
                       env={**python_env(context), "CDK_OUTDIR": str(workdir / f"tiers-{name}")})

    measures = (synth("default", {}), synth("autoscaling", {"tier": "autoscaling"}), synth("day-two", DAY_TWO),
                synth("edge", EDGE))
    for measure in measures:
        measure()  # warm caches outside the measurement
    default, fleet, day_two, edge = median_all(measures, runs)
    return {"default": default, "autoscaling": fleet, "day_two": day_two, "edge": edge}


PROFILE_SCRIPT = '''
import json, os, sys, time
t0 = time.perf_counter()
import aws_cdk, cdk_nag, aws_cdk.aws_ec2, aws_cdk.aws_iam  # the imports a synth needs
sys.path.insert(0, os.getcwd())
import app as app_module
t1 = time.perf_counter()
app, stack = app_module.build_app(context=json.loads(os.environ["CDK_CONTEXT_JSON"]), outdir=sys.argv[2],
                                  nag=sys.argv[1] == "nag")
t2 = time.perf_counter()
app.synth()
t3 = time.perf_counter()
print(json.dumps({"import": t1 - t0, "build": t2 - t1, "synth": t3 - t2}))
'''


def bench_profile(workdir: Path, runs: int) -> dict:
    """Phase timings from inside one process; cdk-nag's share is synth with it minus synth without."""
    script = workdir / "profile_synth.py"
    script.write_text(PROFILE_SCRIPT)
    phases = {"nag": [], "plain": []}
    for i in range(runs):
        for mode in phases:
            out = subprocess.run([PY, str(script), mode, str(workdir / f"profile-{mode}-{i}")], cwd=ROOT,
                                 env=python_env({}), check=True, capture_output=True, text=True).stdout
            phases[mode].append(json.loads(out.strip().splitlines()[-1]))
    med = {mode: {k: statistics.median(r[k] for r in rows) for k in rows[0]} for mode, rows in phases.items()}
    return {"import": med["nag"]["import"], "build": med["nag"]["build"],
            "nag": med["nag"]["synth"] - med["plain"]["synth"], "synth": med["plain"]["synth"]}


def bench_tests(target: str = "test") -> dict:
    """The whole `make test` (lint, then pytest on two workers), or `make test-slow`, as CI and people run it."""
    start = time.perf_counter()
    run = subprocess.run(["make", "--no-print-directory", target], cwd=ROOT, env={**os.environ, **QUIET_ENV},
                         capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    syntheses = re.search(r"in-process syntheses: (\d+)", run.stdout)
    summary = [line.strip("= ") for line in run.stdout.splitlines() if " passed" in line or " failed" in line]
    return {"wall": wall, "syntheses": int(syntheses.group(1)) if syntheses else None,
            "summary": summary[-1] if summary else run.stdout[-200:]}


def bench_cycle(workdir: Path, empty: Path, runs: int) -> dict:
    import emulator
    from tools.deployment import placeholder_assembly

    ours_out, empty_out, fleet_out = workdir / "cycle-ours", workdir / "cycle-empty", workdir / "cycle-fleet"
    subprocess.run([PY, "app.py"], cwd=ROOT, env={**python_env({}), "CDK_OUTDIR": str(ours_out)}, check=True,
                   capture_output=True)
    subprocess.run([PY, "app.py"], cwd=ROOT, env={**python_env({"tier": "autoscaling"}), "CDK_OUTDIR": str(fleet_out)},
                   check=True, capture_output=True)
    subprocess.run([PY, "app.py"], cwd=empty, env={**python_env(None), "CDK_OUTDIR": str(empty_out)}, check=True,
                   capture_output=True)
    with emulator.start(port=0) as emu:
        env = cli_env(emulator_env=emu.env())
        cdk(["bootstrap", "aws://123456789012/us-east-1", "--app", str(placeholder_assembly(workdir / "bootstrap"))],
            env=env, capture=True)

        def cycle(assembly: Path, stack: str, cwd: Path) -> float:
            start = time.perf_counter()
            cdk(["deploy", stack, "--app", str(assembly), "--require-approval", "never"], env=env, capture=True, cwd=cwd)
            cdk(["destroy", stack, "--app", str(assembly), "--force"], env=env, capture=True, cwd=cwd)
            return time.perf_counter() - start

        ours, floor, fleet = median_all((partial(cycle, ours_out, "WebServerStack", ROOT),
                                         partial(cycle, empty_out, "EmptyStack", empty),
                                         partial(cycle, fleet_out, "WebServerStack", ROOT)), runs)
        return {"ours": ours, "empty": floor, "fleet": fleet}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=int(os.environ.get("RUNS", "5")))
    parser.add_argument("--skip", action="append", default=[],
                        choices=["synth", "growth", "tiers", "profile", "tests", "cycle"])
    parser.add_argument("--with-slow", action="store_true",
                        help="also time `make test-slow` (about ten minutes; CI runs it after make test)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        empty = make_empty_app(workdir)
        rows = []
        if "synth" not in args.skip:
            synth = bench_synth(workdir, empty, args.runs)
            (ours, floor) = synth["floor"]
            rows.append(("`cdk synth`: this app / empty app with the built-in validation off (the true floor)",
                         f"{ours:.2f} s / {floor:.2f} s", ours / floor, "≤ 1.5"))
            (ours, floor) = synth["cli"]
            rows.append(("`cdk synth`: this app / empty app as `cdk init` makes it (validating)",
                         f"{ours:.2f} s / {floor:.2f} s", ours / floor, "≤ 1.25"))
            (ours, floor) = synth["validating"]
            rows.append(("`cdk synth` on the deploy path (CDK_VALIDATION=true) / empty app, both validating",
                         f"{ours:.2f} s / {floor:.2f} s", ours / floor, "≤ 1.25"))
            (edge, ours) = synth["edge"]
            rows.append(("`cdk synth`: the heaviest edge combination (waf, cloudfront, vpc_id=new, dualstack, a name) "
                         "/ the default", f"{edge:.2f} s / {ours:.2f} s", edge / ours, "≤ 1.3"))
            (ours, floor) = synth["app"]
            rows.append(("`python app.py`: this app / empty app with the built-in validation off",
                         f"{ours:.2f} s / {floor:.2f} s", ours / floor, "≤ 1.5"))
        if "growth" not in args.skip:
            growth = bench_growth(workdir, args.runs)
            per = (growth[20] - growth[1]) / 19
            rows.append(("synth (python app.py), 1 / 5 / 20 servers × 3 volumes",
                         f"{growth[1]:.2f} / {growth[5]:.2f} / {growth[20]:.2f} s; {per * 1000:.0f} ms per extra server",
                         growth[20] / growth[1], "≤ 2 (20 vs 1)"))
        if "tiers" not in args.skip:
            t = bench_tiers(workdir, args.runs)
            rows.append(("synth (python app.py): Auto Scaling tier / single tier",
                         f"{t['autoscaling']:.2f} s / {t['default']:.2f} s", t["autoscaling"] / t["default"], "≤ 1.3"))
            rows.append(("synth (python app.py): every day-two option / default",
                         f"{t['day_two']:.2f} s / {t['default']:.2f} s", t["day_two"] / t["default"], "≤ 1.4"))
            rows.append(("synth (python app.py): the heaviest edge combination (waf, cloudfront, vpc_id=new, "
                         "dualstack, a name) / default", f"{t['edge']:.2f} s / {t['default']:.2f} s",
                         t["edge"] / t["default"], "≤ 1.3"))
        if "profile" not in args.skip:
            p = bench_profile(workdir, args.runs)
            total = sum(p.values())
            rows.append(("one synth, in process: imports / building / cdk-nag / rest of synth",
                         " / ".join(f"{p[k]:.2f} s ({p[k] / total:.0%})" for k in ("import", "build", "nag", "synth")),
                         None, ""))
        if "tests" not in args.skip:
            t = bench_tests()
            rows.append(("`make test` (ruff, then pytest -n 2 -m 'not slow')",
                         f"{t['wall']:.0f} s, {t['syntheses']} in-process syntheses; {t['summary']}", None, "≤ 75 s"))
        if args.with_slow:
            t = bench_tests("test-slow")
            rows.append(("`make test-slow` (pytest -m slow, one process)", f"{t['wall']:.0f} s; {t['summary']}", None,
                         "CI's 90 minutes, with make test"))
        if "cycle" not in args.skip:
            c = bench_cycle(workdir, empty, max(1, args.runs // 2))
            rows.append(("deploy + destroy on the emulator: this stack / empty stack",
                         f"{c['ours']:.1f} s / {c['empty']:.1f} s", c["ours"] / c["empty"], "≤ 1.3"))
            rows.append(("deploy + destroy on the emulator: Auto Scaling tier / single tier",
                         f"{c['fleet']:.1f} s / {c['ours']:.1f} s", c["fleet"] / c["ours"], "≤ 2"))
        print(f"\nBenchmark, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, medians of {args.runs} runs\n")
        print("| measurement | medians | ratio | target |\n|---|---|---|---|")
        for name, value, ratio, target in rows:
            print(f"| {name} | {value} | {'' if ratio is None else f'{ratio:.2f}×'} | {target} |")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
