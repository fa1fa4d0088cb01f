"""Fixtures: one patched and (lazily) one plain-moto server per test session.

``emu`` is the patched emulator, reset and reseeded before each test.
``target`` runs a test twice: on the patched emulator, and on plain moto where
it is marked ``xfail(strict=True)`` - so each gap test shows the gap exists in
plain moto, and the day moto fixes it the plain run passes, strict xfail turns
that into a failure, and we know the fill can go.

The plain-moto runs are marked ``slow``: `make test-slow` runs them (.ci/run, and the workflow on every push to
main), and the workflow runs them on every pull request; `make test` does not. They check moto, a pinned dependency,
not this project's code: their outcome changes when the moto pin does (or when a gap test is added, which a pull
request's run then checks), and `make test` fails as soon as the installed moto is not the one they were last run
against (test_plain_moto_pin.py), pointing at `make test-slow`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import emulator
from emulator import Emulator

# Never reach real AWS from these tests, whatever the caller's environment.
for _name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
    os.environ.pop(_name, None)
os.environ.update(emulator.FAKE_CREDENTIALS)
os.environ["AWS_DEFAULT_REGION"] = emulator.REGION


#: The moto release the plain-moto runs (slow) were last made against; test_plain_moto_pin.py holds make test to it.
PLAIN_RUNS_MOTO = "5.2.5"


@pytest.fixture(scope="session")
def patched_server() -> Iterator[Emulator]:
    # AWS's pace: a stack operation's call answers at once, and the scenarios poll with short sleeps.
    with emulator.start(port=0, answer_within=0) as emu:
        yield emu


@pytest.fixture(scope="session")
def plain_server() -> Iterator[Emulator]:
    with emulator.start(port=0, plain=True, answer_within=0) as emu:
        yield emu


@pytest.fixture
def emu(patched_server: Emulator) -> Emulator:
    patched_server.reset()
    return patched_server


@pytest.fixture(
    params=[
        "patched",
        pytest.param(
            "plain",
            marks=[pytest.mark.slow,
                   pytest.mark.xfail(strict=True, reason=f"moto {PLAIN_RUNS_MOTO} gap (filled by us)")],
        ),
    ]
)
def target(request: pytest.FixtureRequest) -> Emulator:
    """The patched emulator, then plain moto (expected to fail), both reset."""
    server: Emulator = request.getfixturevalue(f"{request.param}_server")
    server.reset()
    return server
