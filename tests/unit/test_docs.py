"""The docs stay in step with the code: the picture, the settings table, both READMEs' commands."""

import json
import re

import pytest

from stacks.settings import SETTING_NAMES
from tests.conftest import ROOT
from tools.diagram import BEGIN, END, embed, mermaid

READMES = [ROOT / "README.md", ROOT / "README.ja.md"]


def embedded_block(path):
    text = path.read_text()
    return text[text.index(BEGIN):text.index(END) + len(END)]


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.name)
def test_architecture_picture_matches_the_default_template(default, readme):
    fresh = embed(f"{BEGIN}\n{END}", mermaid(default.template))
    assert embedded_block(readme) == fresh, "stale picture: run `make diagram`"


def test_picture_changes_when_the_template_does(default, loaded):
    assert mermaid(default.template) != mermaid(loaded.template)


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.name)
def test_settings_table_lists_every_setting(readme):
    # Rows of the settings table: four cells (setting, default, allowed, example).
    rows = [line for line in readme.read_text().splitlines() if line.startswith("| `") and line.count(" | ") == 3]
    table_settings = {re.match(r"\| `([a-z_]+)`", row).group(1) for row in rows}
    assert table_settings == set(SETTING_NAMES)


def test_every_setting_has_a_default_in_cdk_json_or_is_optional():
    defaults = json.loads((ROOT / "cdk.json").read_text())["context"]
    optional = {"ssh_cidr", "vpc_id", "key_pair_name", "placement_group", "private_ip"}
    assert {name for name in SETTING_NAMES if name not in optional} <= set(defaults)


def commands(path):
    """Every `make ...` target and `npx cdk ...` verb mentioned, and every -c setting used."""
    text = path.read_text()
    return (set(re.findall(r"\bmake ([a-z][a-z-]*)", text)),
            set(re.findall(r"npx cdk ([a-z]+)", text)),
            set(re.findall(r"-c ([a-z_]+)=", text)))


def test_both_readmes_give_the_same_commands_and_settings():
    english, japanese = (commands(p) for p in READMES)
    assert english == japanese


def test_readme_make_targets_exist():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    assert commands(READMES[0])[0] <= targets
