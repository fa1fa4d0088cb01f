"""Fixtures for the tools' tests.

Configurations for before/after pairs: each is synthesized once per session (tests/conftest.py's cache),
and the pairs are chosen so that three syntheses (with the default) cover every flag the summary raises.
The emulator (``emu``, reset before each test) comes from tests/emulator/conftest.py, imported, not copied.
"""

import json

import pytest

from tests.emulator.conftest import emu, patched_server  # noqa: F401  (fixtures for test_audit.py)
from tools import cost

CW_AGENT = "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"
# A new AMI (the instance is replaced), an SSH rule (network widened) and a managed policy (IAM).
CHANGED = {
    "machine_image": "amazon-linux-2023",
    "ssh_cidr": "203.0.113.7",
    "iam_policies": json.dumps([CW_AGENT]),
}
# Two data volumes: one deleted on destroy, one snapshotted (the default).
WITH_VOLUMES = {
    "volumes": json.dumps([{"name": "f", "size": 20, "type": "gp3", "on_destroy": "delete"}, {"name": "g", "size": 30}]),
}


@pytest.fixture(scope="session")
def prices() -> cost.Prices:
    return cost.Prices.load()


@pytest.fixture(scope="session")
def changed(synth_with):
    return synth_with(CHANGED)


@pytest.fixture(scope="session")
def with_volumes(synth_with):
    return synth_with(WITH_VOLUMES)
