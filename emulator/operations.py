"""Stack operations run as CloudFormation runs them: on the server, after the API call has answered.

CreateStack, UpdateStack, ExecuteChangeSet and DeleteStack "initiate" an operation and return
(CloudFormation API reference: "You can check the status of the stack through the DescribeStacks
operation"); the stack is then ``*_IN_PROGRESS`` until CloudFormation has walked every resource.
moto does the whole operation inside the call. Here the call sets the stack ``*_IN_PROGRESS`` and
answers; the rest runs in a thread of the server that takes the server's one lock (:data:`LOCK`) and
gives it back at every resource event (:func:`checkpoint`), so a client polling DescribeStacks or
DescribeStackEvents sees each step, as on AWS. A client that goes away (Ctrl-C, a killed CLI)
changes nothing: the operation runs to its end.

While an operation runs, UpdateStack and ExecuteChangeSet are refused as CloudFormation refuses them
("Stack:<id> is in UPDATE_IN_PROGRESS state and can not be updated."); a DeleteStack waits for the
operation to end and then deletes (an assumption: AWS's handling of DeleteStack during an update is
not documented). A reset (``/emulator/reset``) abandons every running operation.

State is in memory only. When ``EMULATOR_STATE_DIR`` names a folder, the server keeps there the list
of operations under way (:func:`note_running`), and the next server started with the same folder and
port says which operations a killed emulator left unfinished (:func:`unfinished`).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger("emulator")

#: The server's one lock: every request, and every step of a stack operation, holds it.
LOCK = threading.Lock()
#: How long an operation lets requests in between two resource events (seconds).
STEP_PAUSE = 0.01
#: The emulator's pace: CreateStack, UpdateStack, ExecuteChangeSet and DeleteStack answer once their operation has
#: ended or after this many seconds, whichever comes first (``EMULATOR_ANSWER_WITHIN``; ``--answer-within``). AWS
#: answers at once (0), and a client then polls: the CDK CLI every 5 seconds, so an operation this emulator ends in
#: a tenth of a second would cost every deploy and destroy 5 seconds of sleep. An operation still running when the
#: time is up is answered IN_PROGRESS, as on AWS; the tests that study IN_PROGRESS itself run with 0.
ANSWER_WITHIN = float(os.environ.get("EMULATOR_ANSWER_WITHIN", "2"))


class Abandoned(BaseException):  # noqa: N818 - not an error: a reset forgot the stack the operation worked on
    """Raised inside an operation whose world a reset has forgotten (BaseException: no resource failure)."""


@dataclass
class _Operation:
    stack_id: str
    description: str
    work: Callable[[], None]
    generation: int
    then: list[Callable[[], None]] = field(default_factory=list)
    ended: threading.Event = field(default_factory=threading.Event)


_local = threading.local()
_running: dict[str, _Operation] = {}
_generation = 0


def start(stack_id: str, description: str, work: Callable[[], None]) -> None:
    """Run ``work`` in the background once the current request (which holds :data:`LOCK`) has answered."""
    operation = _Operation(stack_id, description, work, _generation)
    _running[stack_id] = operation
    note_running()
    getattr(_local, "started", []).append(operation)
    threading.Thread(target=_run, args=(operation,), daemon=True, name=f"stack operation {description}").start()


def _run(operation: _Operation) -> None:
    with LOCK:
        _local.operation = operation
        finished = False
        try:
            if operation.generation == _generation:
                operation.work()
                finished = True
        except Abandoned:
            pass
        except Exception:
            logger.exception("stack operation %s failed inside the emulator", operation.description)
        finally:
            _local.operation = None
            if _running.get(operation.stack_id) is operation:
                del _running[operation.stack_id]
                note_running()
        if finished:
            for then in operation.then:
                then()
        operation.ended.set()


def begin_request() -> None:
    """A request begins (before it takes :data:`LOCK`): the operations it starts are answered by :func:`answer`."""
    _local.started = []


def answer(within: float | None = None) -> None:
    """After a request (its lock given back): wait until the operations it started have ended, for ``within``
    seconds at most (:data:`ANSWER_WITHIN`)."""
    started, _local.started = getattr(_local, "started", []), []
    deadline = time.monotonic() + (ANSWER_WITHIN if within is None else within)
    for operation in started:
        operation.ended.wait(max(0.0, deadline - time.monotonic()))


def checkpoint() -> None:
    """Inside an operation: let other requests in, then go on (or stop, if a reset came in between)."""
    operation = getattr(_local, "operation", None)
    if operation is None:
        return
    LOCK.release()
    try:
        time.sleep(STEP_PAUSE)
    finally:
        LOCK.acquire()
    if operation.generation != _generation:
        raise Abandoned


def running(stack_id: str) -> bool:
    return stack_id in _running


def after(stack_id: str, then: Callable[[], None]) -> None:
    """Do ``then`` when the stack's operation has ended (now, if none is running)."""
    operation = _running.get(stack_id)
    if operation is None:
        then()
    else:
        operation.then.append(then)


def abandon_all() -> None:
    """A reset: every running operation stops at its next step."""
    global _generation
    _generation += 1
    _running.clear()
    note_running()


# --- what a killed emulator leaves unfinished -------------------------------------------------------


def _journal() -> Path | None:
    folder = os.environ.get("EMULATOR_STATE_DIR")
    port = os.environ.get("MOTO_PORT")
    return Path(folder) / f"operations-{port}.json" if folder and port else None


def note_running() -> None:
    """Keep the list of operations under way on disk (nothing when no state folder is set)."""
    path = _journal()
    if path is None:
        return
    if _running:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(sorted(o.description for o in _running.values())))
    else:
        path.unlink(missing_ok=True)


def unfinished() -> list[str]:
    """Operations a previous server on this port left running when it was killed (then forgotten)."""
    path = _journal()
    if path is None or not path.exists():
        return []
    try:
        found = [str(d) for d in json.loads(path.read_text())]
    except (OSError, ValueError):
        found = ["(unreadable record)"]
    path.unlink(missing_ok=True)
    return found
