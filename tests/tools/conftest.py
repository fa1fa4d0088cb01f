"""Fixtures for the tools' tests.

Configurations for before/after pairs: each is synthesized once per session (tests/conftest.py's cache),
and the pairs are chosen so that few syntheses cover every flag the summary raises: CHANGED (replacement,
network, IAM), WITH_VOLUMES (data kept and lost) and its two variants (updates AWS refuses, a renamed volume, an
instance replaced with volumes attached); the Auto Scaling tier's are tests/conftest.py's.
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


# WITH_VOLUMES changed in ways AWS refuses or that replace a volume: `f` shrunk and unencrypted, `g` renamed `h`.
_F, _G = json.loads(WITH_VOLUMES["volumes"])
VOLUMES_CHANGED = {"volumes": json.dumps([{**_F, "size": 10, "encrypted": False, "unencrypted_reason": "scratch"},
                                          {**_G, "name": "h"}])}
# WITH_VOLUMES on a new AMI: the instance is replaced while the volumes are attached.
VOLUMES_NEW_AMI = {**WITH_VOLUMES, "machine_image": "amazon-linux-2023"}


@pytest.fixture(scope="session")
def prices() -> cost.Prices:
    return cost.Prices.load()


@pytest.fixture(scope="session")
def changed(synth_with):
    return synth_with(CHANGED)


@pytest.fixture(scope="session")
def with_volumes(synth_with):
    return synth_with(WITH_VOLUMES)


@pytest.fixture(scope="session")
def volumes_changed(synth_with):
    return synth_with(VOLUMES_CHANGED)


@pytest.fixture(scope="session")
def volumes_new_ami(synth_with):
    return synth_with(VOLUMES_NEW_AMI)
