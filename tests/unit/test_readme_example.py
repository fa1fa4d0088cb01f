"""The README's "use the construct in your own app": its offline steps run as written, with its example app, in a
folder outside this repository, in a shell configured for another region without credentials; the same in both
languages."""

import json

import pytest

from tests.readme_example import (
    NOISE,
    example_app,
    new_users_shell,
    offline_steps,
    offline_steps_as_run,
    run_watched,
    strace_works,
)


def test_the_example_and_its_steps_are_the_same_in_both_readmes():
    assert example_app("README.ja.md") == example_app("README.md")
    assert offline_steps("README.ja.md") == offline_steps("README.md")


@pytest.fixture(scope="module")
def tried(tmp_path_factory):
    """The README's steps, run in a folder of the user's own with the README's app.py in it."""
    root = tmp_path_factory.mktemp("own-app")
    folder = root / "my-site"
    folder.mkdir()
    (folder / "app.py").write_text(example_app())
    watched = run_watched(offline_steps_as_run(), cwd=folder, env=new_users_shell(root / "home", region="ap-northeast-1"),
                          trace=root / "trace")
    return folder, watched


def test_the_steps_synthesize_two_servers_without_an_aws_account(tried):
    folder, watched = tried
    assert watched.run.returncode == 0, watched.output[-3000:]
    template = json.loads((folder / "cdk.out" / "SiteStack.template.json").read_text())
    instances = [r for r in template["Resources"].values() if r["Type"] == "AWS::EC2::Instance"]
    assert len(instances) == 2
    assert len({i["Properties"]["AvailabilityZone"] for i in instances}) == 2
    assert {"Server1Url", "Server2Url"} <= set(template["Outputs"])


def test_the_steps_are_quiet(tried):
    _, watched = tried
    assert watched.run.returncode == 0, watched.output[-3000:]
    assert [noise for noise in NOISE if noise in watched.output] == []


@pytest.mark.skipif(not strace_works(), reason="strace cannot trace here: network calls cannot be watched")
def test_the_steps_make_no_network_call(tried):
    _, watched = tried
    assert watched.network_calls == []
