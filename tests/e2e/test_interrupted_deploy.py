"""A `cdk deploy` interrupted (Ctrl-C) while the stack is CREATE_IN_PROGRESS: the operation runs on to its end on
the server, as on AWS, and the next `cdk deploy` and `cdk destroy` succeed, leaving nothing behind."""

import signal
import subprocess
import time

import pytest

from constants import STACK_NAME
from tests.conftest import ROOT, synth
from tests.e2e.conftest import assembly, audit
from tools.cdk_cli import cdk_command

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _status(emu) -> str:
    cloudformation = emu.client("cloudformation")
    stacks = [s for s in cloudformation.list_stacks()["StackSummaries"]
              if s["StackName"] == STACK_NAME and s["StackStatus"] != "DELETE_COMPLETE"]
    return stacks[0]["StackStatus"] if stacks else ""


def test_ctrl_c_during_create_then_deploy_and_destroy(cli, emu, tmp_synth_root):
    app = assembly(synth({}, tmp_synth_root))
    deploy = subprocess.Popen(  # noqa: S603 - the pinned CLI, our own arguments
        [*cdk_command(), "deploy", STACK_NAME, "--require-approval", "never", "--app", app],
        cwd=ROOT, env=cli.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while _status(emu) != "CREATE_IN_PROGRESS":
        assert deploy.poll() is None, "the CLI ended before the stack was CREATE_IN_PROGRESS"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    deploy.send_signal(signal.SIGINT)  # Ctrl-C: the CLI stops waiting; CloudFormation does not stop
    assert deploy.wait(timeout=60) != 0
    # Deployed again at once: the CLI waits for the running operation, then finds nothing (or little) to change.
    cli.deploy(app=app)
    assert _status(emu) in ("CREATE_COMPLETE", "UPDATE_COMPLETE")
    cli.destroy(app=app)
    assert _status(emu) == ""
    assert audit(emu).returncode == 0, audit(emu).stdout
