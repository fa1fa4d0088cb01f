"""Template snapshots for review: default settings and the fully-loaded configuration.

Normalised so they change only when the infrastructure does. After an intended change:
``make snapshot-update``.
"""

import json
import re

_ASSET_HASH = re.compile(r"[0-9a-f]{64}")


def normalise(template: dict) -> dict:
    """Drop CDK bookkeeping that is not infrastructure; mask asset hashes."""
    template = json.loads(_ASSET_HASH.sub("<asset-hash>", json.dumps(template)))
    template["Resources"].pop("CDKMetadata", None)
    for resource in template["Resources"].values():
        resource.pop("Metadata", None)
    return template


def test_default_template(default, snapshot):
    assert normalise(default.template) == snapshot


def test_fully_loaded_template(loaded, snapshot):
    assert normalise(loaded.template) == snapshot


def test_autoscaling_template(fleet, snapshot):
    assert normalise(fleet.template) == snapshot


def test_day_two_template(day_two, snapshot):
    assert normalise(day_two.template) == snapshot
