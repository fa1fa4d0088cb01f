"""Start, seed, reset and stop the emulator server (a subprocess of ours)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from types import TracebackType
from typing import IO, Any

from constants import EXAMPLE_ACCOUNT, EXAMPLE_REGION
from emulator.api import COVERAGE_PATH, RESET_PATH

#: The project's example environment (moto's default account), named in constants.py.
ACCOUNT_ID = EXAMPLE_ACCOUNT
REGION = EXAMPLE_REGION
#: Port tried first; another free one is used when it is taken.
DEFAULT_PORT = 4599
#: Seed for moto's random IDs, so the default VPC/subnets are the same every start.
DEFAULT_SEED = 4599
#: Fake credentials: the emulator accepts any, and they can never reach AWS.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}

_START_TIMEOUT_S = 60.0
_STOP_TIMEOUT_S = 10.0


class EmulatorError(RuntimeError):
    """The emulator server could not be started or reached."""


class Emulator:
    """A running emulator server; use :func:`start` to get one.

    A context manager: leaving the ``with`` block stops the server, whatever
    the way out (return, exception, KeyboardInterrupt).
    """

    def __init__(self, process: subprocess.Popen[bytes], port: int, seed: int | None):
        self._process = process
        self.port = port
        self.seed = seed

    @property
    def endpoint(self) -> str:
        # "localhost", not 127.0.0.1: moto reads a template URL's IP host as an
        # S3 bucket name (see emulator/README.md).
        return f"http://localhost:{self.port}"

    @property
    def pid(self) -> int:
        return self._process.pid

    def env(self, region: str = REGION) -> dict[str, str]:
        """Environment variables that point AWS SDKs and the CDK CLI here."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_DEFAULT_REGION": region,
            "AWS_REGION": region,
            **FAKE_CREDENTIALS,
        }

    def client(self, service: str, region: str = REGION):  # type: ignore[no-untyped-def]
        """A boto3 client bound to the emulator with fake credentials.

        Clients are made once per service and region and then reused (making one costs 10-20 ms, and the
        tests ask for hundreds); a boto3 client is safe to share between threads.
        """
        cache = self.__dict__.setdefault("_clients", {})
        if (service, region) not in cache:
            import boto3

            cache[(service, region)] = boto3.client(
                service,
                region_name=region,
                endpoint_url=self.endpoint,
                aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            )
        return cache[(service, region)]

    def is_running(self) -> bool:
        return self._process.poll() is None

    def _post(self, path: str) -> dict[str, Any]:
        # The URL is always our own http://localhost endpoint (hence the noqa).
        request = urllib.request.Request(self.endpoint + path, data=b"", method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return dict(json.loads(response.read() or b"{}"))

    def coverage(self, types: Iterable[str]) -> dict[str, str]:
        """How the server handles each resource type (see ``emulator.schemas.coverage``)."""
        query = urllib.parse.urlencode({"types": ",".join(sorted(set(types)))})
        with urllib.request.urlopen(f"{self.endpoint}{COVERAGE_PATH}?{query}", timeout=30) as response:  # noqa: S310
            return dict(json.loads(response.read()))

    def reset(self) -> None:
        """Forget every resource, then recreate the starting state: with a seed, moto's IDs seeded and the
        default VPC made at once (the same IDs on every start and reset), then the example hosted zone
        (with random IDs it is still created, with a random ID). One request, served whole by the server
        (see ``emulator.server.OneRequestAtATime``), so nothing can come between the seed and those IDs."""
        answer = self._post(RESET_PATH + ("" if self.seed is None else f"?seed={int(self.seed)}"))
        # Stack operations a killed server on this port left unfinished (see emulator.operations).
        self.unfinished: list[str] = [*getattr(self, "unfinished", []), *answer.get("unfinished", [])]

    def stop(self) -> None:
        """Stop the server and wait for it; safe to call more than once."""
        process = self._process
        if process.poll() is None:
            try:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Emulator(endpoint={self.endpoint!r}, pid={self.pid})"


def _read_port(process: subprocess.Popen[bytes], deadline: float) -> int:
    stdout: IO[bytes] | None = process.stdout
    assert stdout is not None
    # The server prints exactly one line when it listens; a blocking readline
    # ends at that line or at EOF if the server died.
    line = stdout.readline().decode("utf-8", "replace").strip()
    if not line.startswith("EMULATOR_PORT=") or time.monotonic() > deadline:
        process.kill()
        process.wait()
        raise EmulatorError(f"emulator server did not start (said {line!r})")
    return int(line.split("=", 1)[1])


def _wait_until_answering(emulator: Emulator, deadline: float) -> None:
    while True:
        try:
            with urllib.request.urlopen(emulator.endpoint + "/moto-api/", timeout=5) as r:  # noqa: S310
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if not emulator.is_running() or time.monotonic() > deadline:
            emulator.stop()
            raise EmulatorError("emulator server does not answer on " + emulator.endpoint)
        time.sleep(0.1)


def start(
    port: int | None = None,
    *,
    seed: int | None = DEFAULT_SEED,
    plain: bool = False,
    strict_port: bool = False,
    log: IO[bytes] | int | None = subprocess.DEVNULL,
    answer_within: float | None = None,
) -> Emulator:
    """Start an emulator server and return once it answers and is seeded.

    port: port to bind on loopback; None tries :data:`DEFAULT_PORT`, 0 any
    free port. If the port is taken another free one is used, unless
    ``strict_port``. ``Emulator.endpoint`` says which one.
    seed: seed for moto's IDs (None leaves them random).
    plain: run moto without the project's gap fills (for tests showing a gap).
    log: where the server's request log goes (a file, ``None`` for our
    stderr); discarded by default.
    answer_within: the server's pace (seconds; :data:`emulator.operations.ANSWER_WITHIN`): a call that starts a
    stack operation answers when the operation ends or after this long. 0 answers at once, as AWS does.
    """
    wanted = DEFAULT_PORT if port is None else port
    command = [
        sys.executable,
        "-m",
        "emulator.server",
        "--port",
        str(wanted),
        "--watch-stdin",
    ]
    if not strict_port:
        command.append("--fallback-port")
    if plain:
        command.append("--plain")
    env = dict(os.environ)
    if answer_within is not None:
        env["EMULATOR_ANSWER_WITHIN"] = str(answer_within)
    # The server must be able to import this package wherever we run from.
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_root, env.get("PYTHONPATH", "")) if p
    )
    # stdin is a pipe the server watches: if this process dies the pipe
    # closes and the server exits, so no server is ever left behind.
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env
    )
    deadline = time.monotonic() + _START_TIMEOUT_S
    try:
        emulator = Emulator(process, _read_port(process, deadline), seed)
        _wait_until_answering(emulator, deadline)
        emulator.reset()
    except BaseException:
        if process.poll() is None:
            process.kill()
            process.wait()
        raise
    return emulator
