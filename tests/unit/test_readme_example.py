"""The README's example app runs as written, from outside this repository, in both languages."""

import json
import os
import subprocess
import sys

from tests.conftest import base_context
from tests.readme_example import example_app


def test_the_example_is_the_same_in_both_readmes():
    assert example_app("README.ja.md") == example_app("README.md")


def test_the_example_app_synthesizes_two_servers_from_outside_the_repository(tmp_path):
    (tmp_path / "app.py").write_text(example_app())
    # What the CDK CLI hands an app: its context (here the example environment's recorded lookups).
    env = {**os.environ, "CDK_CONTEXT_JSON": json.dumps(base_context()), "CDK_OUTDIR": str(tmp_path / "cdk.out"),
           "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    run = subprocess.run([sys.executable, "app.py"], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=False, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    template = json.loads((tmp_path / "cdk.out" / "SiteStack.template.json").read_text())
    instances = [r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::Instance"]
    assert len(instances) == 2
    assert len({i["Properties"]["AvailabilityZone"] for i in instances}) == 2
    assert {"Server1Url", "Server2Url"} <= set(template["Outputs"])
