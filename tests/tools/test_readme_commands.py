"""The quick start's `npx cdk synth` commands, run as written (as a terminal runs what is pasted into it) in a clone
of the working tree, in a new user's bare shell and in one configured for ap-northeast-1 without credentials: they
synthesize, print nothing but the app's own output, and make no network call (watched with strace; see
tests/readme_example.run_watched). tests/unit/test_docs.py checks that README.ja.md gives the same commands."""

import re

import pytest

from tests.conftest import ROOT
from tests.readme_example import NOISE, new_users_shell, run_watched, strace_works
from tests.tools.conftest import clone_of_the_working_tree


def quick_start_commands() -> list[str]:
    """The `npx cdk ...` lines of the quick start's ```bash blocks, without their comments."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index("<!-- section:quick-start -->"):text.index("<!-- section:deploy -->")]
    return [line.split("  #")[0].strip() for block in re.findall(r"```bash\n(.*?)```", section, re.S)
            for line in block.splitlines() if line.startswith("npx cdk ")]


SHELLS = {"bare shell": None, "shell configured for ap-northeast-1": "ap-northeast-1"}


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    return clone_of_the_working_tree(tmp_path_factory.mktemp("quick-start"))


@pytest.fixture(scope="module", params=list(SHELLS))
def ran(request, clone, tmp_path_factory):
    root = tmp_path_factory.mktemp("shell")
    env = new_users_shell(root / "home", region=SHELLS[request.param])
    commands = quick_start_commands()
    return commands, [run_watched(command, cwd=clone, env=env, trace=root / f"trace{number}")
                      for number, command in enumerate(commands)]


def test_the_quick_start_has_an_npx_cdk_synth_command():
    commands = quick_start_commands()
    assert commands
    assert all(command.startswith("npx cdk synth ") for command in commands)


def test_each_synthesizes_what_it_says(ran):
    commands, runs = ran
    for command, watched in zip(commands, runs, strict=True):
        assert watched.run.returncode == 0, watched.output[-3000:]
        if "volumes=" in command:
            assert "Type: AWS::EC2::Volume" in watched.run.stdout


def test_each_is_quiet(ran):
    _, runs = ran
    for watched in runs:
        assert [noise for noise in NOISE if noise in watched.output] == []


@pytest.mark.skipif(not strace_works(), reason="strace cannot trace here: network calls cannot be watched")
def test_each_makes_no_network_call(ran):
    _, runs = ran
    for watched in runs:
        assert watched.network_calls == []
