"""The app as the CDK CLI runs it: bad input ends with exit status 1 and one line on stderr."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, base_context


def run_app(tmp_path, **settings):
    context = {**base_context(), **settings}
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps(context), "CDK_OUTDIR": str(tmp_path),
           "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    return subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_bad_setting_is_one_line_and_exit_1(tmp_path):
    run = run_app(tmp_path, volumes='[{"size": 100, "type": "io1", "iops": 50}]')
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == ["error: volumes[0].iops: got 50; io1 takes 100 to 64000 IOPS"]
    assert "Traceback" not in run.stderr + run.stdout


def test_private_ip_outside_the_subnet_is_refused_at_synth(tmp_path):
    run = run_app(tmp_path, private_ip="10.1.2.3")
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        "error: private_ip: got '10.1.2.3'; must lie inside subnet subnet-"
        + run.stderr.split("subnet subnet-")[1].split(" ")[0]
        + " (172.31.0.0/20), from 172.31.0.4 to 172.31.15.254 (AWS reserves the rest)"]
