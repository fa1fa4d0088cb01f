"""The docs stay in step with the code: the picture, the settings table, both READMEs' commands."""

import json
import re

import pytest

from stacks import settings as settings_module
from stacks.settings import SETTING_NAMES
from tests.conftest import ROOT
from tools import settings_docs
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


def test_settings_tables_and_cdk_json_defaults_are_generated_from_the_declarations():
    assert not settings_docs.stale(), "stale settings docs: run `make docs`"


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.name)
def test_settings_table_lists_every_setting(readme):
    # Rows of the generated table: four cells (setting, default, allowed, example).
    rows = [line for line in readme.read_text().splitlines() if line.startswith("| `") and line.count(" | ") == 3]
    table_settings = {re.match(r"\| `([a-z_]+)`", row).group(1) for row in rows}
    assert table_settings == set(SETTING_NAMES)


def test_a_changed_declaration_makes_the_docs_stale(monkeypatch):
    first = settings_module.SETTINGS[0]
    changed = settings_module.Setting(**{**first.__dict__, "help": first.help + " (changed)", "default": "t3.nano"})
    monkeypatch.setattr(settings_module, "SETTINGS", (changed, *settings_module.SETTINGS[1:]))
    # The help is English only; the default shows in both tables and in cdk.json.
    assert set(settings_docs.stale()) == {ROOT / "README.md", ROOT / "README.ja.md", ROOT / "cdk.json"}


def test_cdk_json_holds_every_declared_default():
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    declared = {s.name: s.default for s in settings_module.SETTINGS if s.default is not None}
    assert {name: context.get(name) for name in declared} == declared


def commands(path):
    """Every `make ...` target and `npx cdk ...` verb mentioned, and every -c setting used."""
    text = path.read_text()
    return (set(re.findall(r"\bmake ([a-z][a-z-]*)", text)),
            set(re.findall(r"npx cdk ([a-z]+)", text)),
            set(re.findall(r"-c ([a-z_]+)=", text)))


def sections(path):
    """The README's sections, as their anchors (<!-- section:name -->), in order."""
    return re.findall(r"<!-- section:([a-z-]+) -->", path.read_text())


def test_both_readmes_have_the_same_sections_in_the_same_order():
    english, japanese = (sections(p) for p in READMES)
    assert len(english) >= 15
    assert japanese == english


def test_both_readmes_give_the_same_commands_and_settings():
    english, japanese = (commands(p) for p in READMES)
    assert english == japanese


def test_readme_make_targets_exist():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    assert commands(READMES[0])[0] <= targets
