"""The docs stay in step with the code: the picture, the settings table, both READMEs' commands."""

import json
import re
import shlex
import tomllib
from pathlib import Path

import jsii
import pytest
import yaml

from stacks import settings as settings_module
from stacks.settings import SETTING_NAMES
from tests.conftest import ROOT, base_context
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


# --- Prerequisites: the versions named are the ones the project declares and CI runs ---------------------------

PREREQUISITES = {  # python minimum, the supported Node majors, the end-of-life one that still works
    "README.md": (r"\*\*Python (\d+\.\d+) or newer\*\*", r"\*\*Node\.js (\d+) or (\d+)\*\*",
                  r"Node (\d+) still works but is past its end of life"),
    "README.ja.md": (r"\*\*Python (\d+\.\d+) 以上\*\*", r"\*\*Node\.js (\d+) または (\d+)\*\*",
                     r"Node (\d+) でも動きますが、サポート終了 \(end-of-life\) を過ぎています"),
}
WORKFLOW = ROOT / ".github" / "workflows" / "pull-request.yml"


def prerequisites(readme):
    """(python minimum, supported Node majors, end-of-life Node major) as the README's Prerequisites state them."""
    text = readme.read_text()
    section = text[text.index("<!-- section:prerequisites -->"):text.index("<!-- section:quick-start -->")]
    python, node, end_of_life = (re.search(pattern, section) for pattern in PREREQUISITES[readme.name])
    return python.group(1), {int(n) for n in node.groups()}, int(end_of_life.group(1))


def workflow_setup(key):
    """The `with:` value of the workflow's setup step that has ``key`` (python-version, node-version)."""
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    (value,) = [step["with"][key] for job in steps.values() for step in job["steps"] if key in step.get("with", {})]
    return str(value)


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.name)
def test_prerequisites_python_is_pyprojects_minimum_which_ci_runs(readme):
    python, _, _ = prerequisites(readme)
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"] == f">={python}"
    assert workflow_setup("python-version") == python


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.name)
def test_prerequisites_node_versions_are_the_workflows(readme):
    _, supported, end_of_life = prerequisites(readme)
    workflow = WORKFLOW.read_text()
    # The workflow says which releases the pinned jsii supports and which is past its end of life, and runs one.
    assert {int(n) for n in re.search(r"jsii supports \((\d+) and (\d+)\)", workflow).groups()} == supported
    assert int(re.search(r"Node (\d+) is past its end of life", workflow).group(1)) == end_of_life
    assert int(workflow_setup("node-version")) in supported


def test_the_supported_node_releases_are_ones_the_pinned_jsii_tests():
    """jsii's own table of Node releases (bundled with the Python package): each release it has not tested is marked
    `untested`; the READMEs' supported ones and the end-of-life one must be tested releases."""
    runtime = Path(jsii.__file__).parent / "_embedded" / "jsii" / "bin__jsii-runtime.js"
    releases = dict(re.findall(r"new NodeRelease\((\d+),\{([^}]*)\}", runtime.read_text()))
    _, supported, end_of_life = prerequisites(READMES[0])
    for major in (*supported, end_of_life):
        assert str(major) in releases
        assert "untested" not in releases[str(major)]


# --- Error messages quoted in the READMEs are the ones the app prints --------------------------------------------
# The one form a README quotes an error in: a code block with the command, then the app's line, as a terminal shows
#     $ npx cdk synth -c key=value
#     error: <the message>
# Any other quote of the one-line form (`<setting>: got <value>; ...`) would go unchecked, so it fails the test.

FENCED = re.compile(r"```[a-z]*\n(.*?)```", re.S)


def quoted_errors(readme):
    """(the -c settings, the error line) of every quoted error."""
    quoted = []
    for block in FENCED.findall(readme.read_text()):
        lines = block.splitlines()
        for before, line in zip(["", *lines], lines, strict=False):
            if line.startswith("error: "):
                assert before.startswith("$ npx cdk synth "), f"{line!r} without the command that prints it"
                words = shlex.split(before)
                settings = dict(word.split("=", 1) for flag, word in zip(words, words[1:], strict=False) if flag == "-c")
                quoted.append((settings, line))
    return quoted


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.name)
def test_errors_are_quoted_only_with_their_command(readme):
    assert len(quoted_errors(readme)) >= 2
    text = readme.read_text()
    blocks = FENCED.findall(text)
    unchecked_lines = [line for block in blocks for line in block.splitlines()
                       if ": got " in line and not line.startswith("error: ")]
    prose = FENCED.sub("", text)
    assert unchecked_lines == []
    assert re.findall(r"`[^`]*: got [^`]*`", prose) == []


@pytest.mark.parametrize("readme", READMES, ids=lambda p: p.name)
def test_every_quoted_error_is_what_the_app_prints(readme, monkeypatch, capsys):
    import app

    monkeypatch.delenv("CDK_DEFAULT_ACCOUNT", raising=False)  # no credentials: the example environment
    for settings, line in quoted_errors(readme):
        # The app as the CLI runs it, its context being cdk.json's, cdk.context.json's and the command's -c settings.
        assert app.main(context={**base_context(), **settings}) == 1
        assert capsys.readouterr().err == f"{line}\n"
