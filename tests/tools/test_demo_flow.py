"""`make demo`'s flow (tools/demo.main), with the emulator, the CLI and the read-backs stubbed (the real thing is
tests/e2e/test_demo_show.py's and a manual `make demo`): the settings are checked before anything starts, every demo
the README lists deploys an update and says so at the end, and nothing is left in the temporary directory."""

import gc
import re
import shlex
import subprocess
import tempfile

import pytest

from ec2_web_server import SettingError
from stacks.settings import Settings
from tests.conftest import ROOT, base_context
from tests.tools.conftest import configured_shell, make
from tools import demo
from tools.deployment import Deployment


class FakeEmulator:
    endpoint = "http://localhost:1"

    def __init__(self):
        self.stopped = False

    def env(self):
        return {}

    def stop(self):
        self.stopped = True


@pytest.fixture
def run(monkeypatch):
    """Runs demo.main; returns what happened: the emulators started, the CLI commands (with the temporary folder
    their output went to), and the settings each "show" step was given."""
    happened = {"emulators": [], "commands": [], "workdirs": set(), "shown": []}

    def start():
        happened["emulators"].append(FakeEmulator())
        return happened["emulators"][-1]

    def cli(self, what, args, *, check=True):
        happened["commands"].append(what)
        happened["workdirs"].add(self.workdir)
        return subprocess.CompletedProcess(args, 0)

    def show_all(emu, context):
        happened["shown"].append(dict(context))
        return {"instances": [], "groups": [{"MinSize": 2}]}

    monkeypatch.setattr(demo.emulator, "start", start)
    monkeypatch.setattr(Deployment, "_run", cli)
    monkeypatch.setattr(demo, "show_all", show_all)
    monkeypatch.setattr(demo, "rolling_update_sizes", lambda emu, start: [start])
    monkeypatch.setattr(demo, "describe_domain", lambda *args, **kwargs: {"records": {}})
    monkeypatch.setattr(demo, "audit", lambda deployment: happened["commands"].append("audit"))

    def main(argv):
        return demo.main(argv), happened

    return main


def readme_demos():
    """The `make demo` commands of the README's emulator section, as tools.demo's arguments."""
    text = (ROOT / "README.md").read_text()
    return [shlex.split(args or "") for args in re.findall(r'^make demo(?: ARGS="([^"]*)")?$', text, re.M)]


@pytest.mark.parametrize("argv", [*readme_demos(), ["-c", "domain_name=www.example.com", "-c",
                                                    "hosted_zone=example.com", "-c", "https=true"]], ids=" ".join)
def test_every_demo_deploys_an_update_and_says_so(run, argv, capsys):
    assert len(readme_demos()) == 3
    code, happened = run(argv)
    out = capsys.readouterr().out
    assert code == 0
    assert happened["commands"] == ["cdk bootstrap", "cdk deploy", "cdk deploy", "cdk destroy", "audit"]
    first, updated = happened["shown"]
    assert first != updated  # the second deploy changed a setting
    assert "cdk deploy again" in out
    assert out.rstrip().splitlines()[-1].endswith(": deployed, updated, destroyed, nothing billable left.")


def test_a_demo_leaves_nothing_in_the_temporary_directory(run, capsys):
    code, happened = run([])
    assert code == 0
    (workdir,) = happened["workdirs"]
    assert workdir.name.startswith("cdk-deploy-")
    assert not workdir.exists()
    assert happened["emulators"][0].stopped


def test_a_failed_demo_leaves_nothing_in_the_temporary_directory(run, monkeypatch, capsys):
    def fail(self, context=None, **kwargs):
        self._run("cdk deploy", [])
        raise RuntimeError("cdk deploy failed")

    monkeypatch.setattr(Deployment, "deploy", fail)
    code, happened = run([])
    assert code == 1
    (workdir,) = happened["workdirs"]
    assert not workdir.exists()


def test_a_bad_setting_stops_the_demo_in_one_line_before_anything_starts(run, capsys):
    with pytest.raises(SettingError) as expected:  # what the app itself says of it (`cdk synth` prints "error: " + it)
        Settings.from_context({**base_context(), "tier": "autoscale"})
    code, happened = run(["-c", "tier=autoscale"])
    printed = capsys.readouterr()
    assert code == 1
    assert happened["emulators"] == []
    assert happened["commands"] == []
    assert printed.err == f"error: {expected.value}\n"
    assert printed.out == ""


def test_make_demo_with_a_bad_setting_prints_its_error_once(tmp_path):
    with pytest.raises(SettingError) as expected:
        Settings.from_context({**base_context(), "tier": "autoscale"})
    result = make(ROOT, configured_shell(tmp_path), "demo", "ARGS=-c tier=autoscale")
    assert result.returncode != 0
    assert result.stdout == ""  # no step started: no emulator, no bootstrap
    assert result.stderr.splitlines()[0] == f"error: {expected.value}"
    assert result.stderr.count(str(expected.value)) == 1


def test_a_deployment_makes_its_folder_only_when_used_and_removes_it(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert Deployment(FakeEmulator()).env is not None  # the end-to-end tests' audit() asks only for the env
    assert list(tmp_path.iterdir()) == []
    with Deployment(FakeEmulator()) as closed:
        first = closed.workdir
        assert first.parent == tmp_path
        assert first.is_dir()
    assert not first.exists()
    dropped = Deployment(FakeEmulator())
    second = dropped.workdir
    del dropped  # the end-to-end session's Deployment: removed when collected, or when Python exits
    gc.collect()
    assert not second.exists()
    assert list(tmp_path.iterdir()) == []
