"""End-to-end fixtures: one emulator per session, bootstrapped once, driven by the real CDK CLI.

Most deployments use the assembly the unit tests already synthesized for that configuration
(``cdk deploy --app <assembly>``), so each configuration is synthesized once per session; the
default deployment goes through the CLI's own synth, as a user's `cdk deploy` does.
"""

from __future__ import annotations

import contextlib
import io
import subprocess

import pytest

import emulator
from tools.deployment import Deployment

EXISTING_KEY = "my-existing-key"


@pytest.fixture(scope="session")
def emu():
    with emulator.start(port=0) as running:
        yield running


@pytest.fixture(scope="session")
def cli(emu) -> Deployment:
    deployment = Deployment(emu)
    deployment.bootstrap()
    # The fully-loaded configuration imports an existing key pair: create it, as a user would have.
    emu.client("ec2").create_key_pair(KeyName=EXISTING_KEY)
    return deployment


def audit(emu) -> subprocess.CompletedProcess:
    """`make audit` against the emulator: exit 0 only when nothing unintended is left. The command's main() in this
    process, its exit status and output as the command gives them, without a Python start and boto3's import per
    call (1.4 s of CPU each); tests/tools/test_audit.py runs `python -m tools.audit` itself, and `make audit`."""
    from tools.audit.cli import main

    argv = ["--region", "us-east-1", "--tag-key", "app", "--tag-value", "ec2-web-server", "--endpoint-url",
            emu.endpoint]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return subprocess.CompletedProcess(["python", "-m", "tools.audit", *argv], code, out.getvalue(), err.getvalue())


def leftovers(emu) -> list:
    """The audit's findings (tools.audit's own API, so no table is parsed): what the deployments left."""
    from tools.audit import audit as find

    return find("us-east-1", "app", "ec2-web-server", stack_name="WebServerStack", endpoint_url=emu.endpoint).findings


def assembly(result) -> str:
    """The cloud assembly directory of a configuration synthesized by the unit-test fixtures."""
    return str(result.template_path.parent)
