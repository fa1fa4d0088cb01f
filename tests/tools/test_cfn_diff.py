"""AWS's diff engine (tools/cfn_diff.cjs, @aws-cdk/cloudformation-diff) and the summary built on it: the summary
never disagrees with the engine about what is replaced, and the pinned engine gives the answers of the engine
inside the pinned CLI (`cdk diff`), on the real pairs and the hand-written ones of the summary's tests."""

import json
import re
import subprocess

import pytest

from constants import EXAMPLE_ACCOUNT, EXAMPLE_REGION, STACK_NAME
from tests.conftest import ROOT
from tests.tools.pairs import PAIRS
from tools import cfn_diff, templates
from tools.review_diff import ENGINE_MAYBE, cli_diff, summarize

ENGINE_PACKAGE = "@aws-cdk/cloudformation-diff"
# Before/after pairs of synthesized configurations (fixtures of tests/conftest.py and tests/tools/conftest.py).
REAL_PAIRS = [("default", "changed"), ("changed", "default"), ("with_volumes", "default"),
              ("default", "with_volumes"), ("default", "loaded"), ("loaded", "default"), ("fleet", "fleet_loaded"),
              ("with_volumes", "volumes_changed"), ("fleet", "named_fleet"), ("named_fleet", "named_fleet_new_name")]
# Hand-written pairs the CLI also checks: those where something is or may be replaced, or that the summary reads
# beyond the engine (rolling groups, renamed volumes, updates that fail). `make test` runs them all in one CLI run
# (~2 s); `make test-slow` also one CLI run per pair.
CLI_HAND_WRITTEN = ["root_volume_size", "delete_on_termination_only", "tenancy", "instance_type", "user_data",
                    "new_ami_without_elastic_ip", "group_replaced_under_the_instance", "attachment_device",
                    "user_data_new_logical_id", "volume_renamed", "volume_encryption", "launch_template_image",
                    "load_balancer_scheme", "target_group_port", "listener_tls_policy", "listener_port",
                    "listener_protocol", "listener_switches_certificate", "certificate_alternative_name",
                    "record_moves", "record_type", "record_addresses_and_ttl", "record_renamed",
                    "record_follows_replaced_load_balancer", "wait_condition_renamed"]
_CLI_LINE = re.compile(r"^\[([-+~])\] (AWS::\S+) (.*)$")
_CLI_IMPACTS = (("may be replaced", "may-replace"), ("replace", "replace"), ("destroy", "destroy"),
                ("orphan", "orphan"))


def node(*args):
    return subprocess.run(["node", "tools/cfn_diff.cjs", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)


# --- the script ---------------------------------------------------------------------------------------------

def test_the_engine_is_pinned_exactly_and_installed_at_that_version():
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"][ENGINE_PACKAGE]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"][f"node_modules/{ENGINE_PACKAGE}"]
    installed = json.loads((ROOT / "node_modules" / ENGINE_PACKAGE / "package.json").read_text())["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned)
    assert pinned == locked["version"] == installed


def test_prints_one_json_line_per_pair(tmp_path):
    before, after = PAIRS["instance_type"]
    files = [tmp_path / "before.json", tmp_path / "after.json"]
    for path, template in zip(files, (before, after), strict=True):
        path.write_text(json.dumps(template))
    run = node(*files, *reversed(files))
    assert run.returncode == 0, run.stderr
    first, second = (json.loads(line) for line in run.stdout.splitlines())
    assert first["resources"]["Web"]["impact"] == "may-replace"
    assert first["resources"]["Web"]["properties"]["InstanceType"] == {
        "impact": "may-replace", "old": "t2.micro", "new": "t3.micro"}
    assert second["resources"]["Web"]["properties"]["InstanceType"]["new"] == "t2.micro"


def test_reports_security_group_and_iam_changes(hand_written):
    rules, policy = hand_written["standalone_ingress"], hand_written["inline_policy"]  # from the module's one run
    assert rules.rules_added == [cfn_diff.RuleChange("Sg", ("tcp", 22, 22, "0.0.0.0/0"), egress=False)]
    assert rules.permissions_broadened
    assert policy.statements_added == [cfn_diff.StatementChange(
        resource="arn:aws:s3:::web-content/*", effect="Allow", action="s3:GetObject\ns3:GetObjectVersion",
        principal="AWS:${Role}",
        condition="")]


def test_usage_and_bad_files_exit_2(tmp_path):
    assert node("only-one.json").returncode == 2
    not_a_template = tmp_path / "list.json"
    not_a_template.write_text("[]")
    run = node(not_a_template, not_a_template)
    assert run.returncode == 2
    assert "is not a CloudFormation template" in run.stderr
    with pytest.raises(cfn_diff.EngineError, match="is not a CloudFormation template"):
        cfn_diff.diff_files([(not_a_template, not_a_template)])


def test_one_node_serves_every_diff_of_a_process_and_a_bad_pair_does_not_end_it(tmp_path):
    before, after = (tmp_path / "before.json", tmp_path / "after.json")
    for path, template in zip((before, after), PAIRS["instance_type"], strict=True):
        path.write_text(json.dumps(template))
    first = cfn_diff.diff_files([(before, after)])
    engine = cfn_diff._Engine._running
    with pytest.raises(cfn_diff.EngineError, match="ENOENT"):
        cfn_diff.diff_files([(tmp_path / "missing.json", after)])
    second, third = cfn_diff.diff_files([(after, before), (before, after)])

    assert cfn_diff._Engine._running is engine
    assert engine.poll() is None
    assert first[0].resources["Web"].properties == {"InstanceType": "may-replace"} == third.resources["Web"].properties
    assert second.resources["Web"].properties == {"InstanceType": "may-replace"}


def test_no_pairs_start_no_engine(monkeypatch):
    monkeypatch.setattr(cfn_diff._Engine, "_running", None)
    assert cfn_diff.diff_files([]) == []
    assert cfn_diff._Engine._running is None


def test_an_engine_that_cannot_start_says_to_run_make_setup(tmp_path, monkeypatch):
    script = tmp_path / "cfn_diff.cjs"
    script.write_text('require("@aws-cdk/not-installed");\n')
    monkeypatch.setattr(cfn_diff, "SCRIPT", script)
    monkeypatch.setattr(cfn_diff._Engine, "_running", None)
    pair = (tmp_path / "a.json", tmp_path / "b.json")
    with pytest.raises(cfn_diff.EngineError, match=r"exited \(exit status 1\) \(run `make setup`\)"):
        cfn_diff.diff_files([pair])


# --- the summary agrees with the engine -----------------------------------------------------------------------

def disagreements(review, engine):
    """Where the summary and the engine differ about a resource being replaced (empty when they agree). Where the
    engine can only say "may be replaced", the summary may decide (an EC2 rule), but must say the engine's words."""
    by_id = {change.logical_id: change for change in review.changes}
    renamed = {change.new_logical_id for change in review.changes if change.new_logical_id}
    found = []
    for logical_id, resource in engine.resources.items():
        change = by_id.get(logical_id)
        action = change.action if change else None
        refined = change is not None and any(ENGINE_MAYBE in reason for reason in change.reasons)
        if resource.impact == "replace":
            ok = action == "replace" and not change.maybe
        elif resource.impact == "may-replace":
            ok = (action == "replace" and change.maybe) or refined
        elif resource.impact in ("destroy", "orphan"):
            ok = action == "remove" or (action == "replace" and change.new_logical_id is not None)
        elif resource.impact == "add":
            ok = action == "add" or logical_id in renamed
        else:
            ok = action in (None, "update")
        if not ok:
            found.append(f"{logical_id}: engine {resource.impact}, summary {action}")
    # A group rolling its instances is the summary's own row: its template may not change (it names its launch
    # template's latest version), yet CloudFormation updates it.
    found += [f"{logical_id}: summary only" for logical_id, change in by_id.items()
              if logical_id not in engine.resources and not change.rolling]
    return found


@pytest.fixture(scope="module")
def real_pairs(request):
    pairs = [tuple(request.getfixturevalue(name) for name in names) for names in REAL_PAIRS]
    engines = cfn_diff.diff_files([(before.template_path, after.template_path) for before, after in pairs])
    return list(zip(REAL_PAIRS, pairs, engines, strict=True))


@pytest.fixture(scope="module")
def hand_written():
    return dict(zip(PAIRS, cfn_diff.diff_templates(list(PAIRS.values())), strict=True))


def test_summary_and_engine_agree_on_every_real_pair(real_pairs):
    for names, (before, after), engine in real_pairs:
        review = summarize(before.template, after.template, stack=STACK_NAME, region=EXAMPLE_REGION, engine=engine)
        # Every real pair changes resources: an engine (or a summary) that finds nothing would agree vacuously.
        assert engine.resources, names
        assert review.changes, names
        assert disagreements(review, engine) == [], names
        # Renamed resources are the summary's pairing of the engine's destroy and add; the rest must match.
        assert any(change.action == "replace" and change.new_logical_id is None for change in review.changes) == \
            any(r.impact == "replace" for r in engine.resources.values()), names


@pytest.mark.parametrize("name", list(PAIRS))
def test_summary_and_engine_agree_on_every_hand_written_pair(name, hand_written):
    review = summarize(*PAIRS[name], stack=STACK_NAME, region=EXAMPLE_REGION, engine=hand_written[name])
    assert disagreements(review, hand_written[name]) == []


def test_the_agreement_check_catches_a_summary_that_disagrees(hand_written):
    review = summarize(*PAIRS["tenancy"], stack=STACK_NAME, region=EXAMPLE_REGION, engine=hand_written["tenancy"])
    review.changes[0].maybe = False  # a summary claiming certainty the engine does not have
    assert disagreements(review, hand_written["tenancy"]) == ["Web: engine may-replace, summary replace"]


# --- the pinned engine answers as the pinned CLI's own `cdk diff` ----------------------------------------------

# Each property's replacement answer ("yes", "maybe", "no") for the given types, from a resource specification file.
SPEC_ANSWERS = """
const { readFileSync } = require("node:fs");
const { gunzipSync } = require("node:zlib");
const { emptyDatabase } = require("@aws-cdk/service-spec-types");
const [file, ...types] = process.argv.slice(1);
const db = emptyDatabase();
db.load(JSON.parse(gunzipSync(readFileSync(file)).toString("utf-8")));
const answers = {};
for (const type of types) {
  for (const resource of db.lookup("resource", "cloudFormationType", "equals", type)) {
    for (const [name, property] of Object.entries(resource.properties)) {
      answers[`${type}.${name}`] = property.causesReplacement || "no";
    }
  }
}
console.log(JSON.stringify(answers));
"""


def spec_answers(spec_file, types):
    run = subprocess.run(["node", "-e", SPEC_ANSWERS, str(spec_file), *types], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True)
    return json.loads(run.stdout)


def test_engine_and_cli_read_the_same_replacement_rules_for_every_type_of_the_app(default, loaded, fleet_loaded,
                                                                                  named_fleet):
    types = sorted({resource["Type"] for synthesized in (default, loaded, fleet_loaded, named_fleet)
                    for resource in templates.resources(synthesized.template).values()
                    if resource["Type"].startswith("AWS::")})  # not Custom::, which no specification knows
    engine = spec_answers(ROOT / "node_modules/@aws-cdk/aws-service-spec/db.json.gz", types)
    cli = spec_answers(ROOT / "node_modules/aws-cdk/db.json.gz", types)
    assert {name.split(".")[0] for name in engine} == set(types)
    assert engine == cli
    assert engine["AWS::EC2::Instance.ImageId"] == "yes"
    assert engine["AWS::EC2::Instance.InstanceType"] == "maybe"
    assert engine["AWS::CertificateManager::Certificate.DomainName"] == "yes"
    assert engine["AWS::Route53::RecordSet.Name"] == "yes"


def cli_impacts(text):
    """{logical id: impact} from the Resources section of `cdk diff`."""
    impacts = {}
    for line in text.splitlines():
        match = _CLI_LINE.match(line.strip())
        if not match:
            continue
        prefix, rest = match[1], match[3]
        impact = {"+": "add", "-": "destroy", "~": "update"}[prefix]
        for words, name in _CLI_IMPACTS:
            if rest.endswith(" " + words):
                impact, rest = name, rest.removesuffix(" " + words)
        impacts[rest.split()[-1]] = impact
    return impacts


def engine_impacts(engine):
    return {logical_id: r.impact for logical_id, r in engine.resources.items() if r.impact != "none"}


def assembly_of(folder, head, version):
    """A cloud assembly holding one hand-written template, for `cdk diff --app`."""
    folder.mkdir()
    (folder / f"{STACK_NAME}.template.json").write_text(json.dumps(head))
    (folder / "manifest.json").write_text(json.dumps({"version": version, "artifacts": {STACK_NAME: {
        "type": "aws:cloudformation:stack", "environment": f"aws://{EXAMPLE_ACCOUNT}/{EXAMPLE_REGION}",
        "properties": {"templateFile": f"{STACK_NAME}.template.json"}}}}))
    return folder


def renamed(value, prefix, ids):
    """``value`` with every reference to one of ``ids`` (Ref, Fn::GetAtt, DependsOn) prefixed."""
    if isinstance(value, dict):
        out = {}
        for key, inner in value.items():
            if key == "Ref" and inner in ids:
                out[key] = prefix + inner
            elif key == "Fn::GetAtt" and isinstance(inner, list) and inner and inner[0] in ids:
                out[key] = [prefix + inner[0], *inner[1:]]
            elif key == "DependsOn":
                out[key] = [prefix + d if d in ids else d for d in ([inner] if isinstance(inner, str) else inner)]
            else:
                out[key] = renamed(inner, prefix, ids)
        return out
    if isinstance(value, list):
        return [renamed(inner, prefix, ids) for inner in value]
    return value


def merged(names):
    """Hand-written pairs as one before/after pair: each pair's logical ids prefixed with its name, so one `cdk
    diff` run answers for all of them."""
    before, after = {"Resources": {}}, {"Resources": {}}
    for name in names:
        prefix = "".join(part.title() for part in name.split("_"))
        for side, template in zip((before, after), PAIRS[name], strict=True):
            ids = set(template["Resources"])
            side["Resources"].update({prefix + i: renamed(r, prefix, ids) for i, r in template["Resources"].items()})
    return before, after


def cli_and_engine(tmp_path, version, before, after, engine):
    tmp_path.mkdir(parents=True, exist_ok=True)
    base = tmp_path / "base.json"
    base.write_text(json.dumps(before))
    text = cli_diff(assembly_of(tmp_path / "head", after, version), base, STACK_NAME)
    return cli_impacts(text), engine_impacts(engine), text


def test_engine_and_cli_agree_on_every_hand_written_replacement_in_one_run(tmp_path, default):
    # The schema version the pinned CDK writes, so the CLI reads the hand-made assembly as one of its own.
    version = json.loads((default.template_path.parent / "manifest.json").read_text())["version"]
    before, after = merged(CLI_HAND_WRITTEN)
    (engine,) = cfn_diff.diff_templates([(before, after)])
    cli, ours, text = cli_and_engine(tmp_path, version, before, after, engine)
    assert cli == ours, text
    assert {impact for impact in ours.values()} >= {"replace", "may-replace", "add", "destroy", "update"}


def test_engine_and_cli_agree_on_a_real_replacement(real_pairs):
    # CHANGED replaces the instance (and, through references, its Elastic IP association) and may replace others.
    names, (before, after), engine = next(p for p in real_pairs if p[0] == ("default", "changed"))
    text = cli_diff(after.template_path.parent, before.template_path, STACK_NAME)
    assert cli_impacts(text) == engine_impacts(engine)
    assert "replace" in engine_impacts(engine).values()


@pytest.mark.slow
def test_engine_and_cli_agree_on_the_real_pairs(real_pairs):
    for names, (before, after), engine in real_pairs:
        text = cli_diff(after.template_path.parent, before.template_path, STACK_NAME)
        assert cli_impacts(text) == engine_impacts(engine), names


@pytest.mark.slow
def test_engine_and_cli_agree_on_the_hand_written_replacements_pair_by_pair(tmp_path, hand_written, default):
    version = json.loads((default.template_path.parent / "manifest.json").read_text())["version"]
    for name in CLI_HAND_WRITTEN:
        cli, ours, text = cli_and_engine(tmp_path / name, version, *PAIRS[name], hand_written[name])
        assert cli == ours, (name, text)
