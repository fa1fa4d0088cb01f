"""Subprocess entry point: moto's server with the project's gap fills applied.

Run by :class:`emulator.runner.Emulator` as ``python -m emulator.server``; not
meant to be started by hand (``python -m emulator`` is the user-facing CLI).
It binds loopback only, prints one ``EMULATOR_PORT=<port>`` line on stdout
once the socket is listening, and exits on SIGTERM/SIGINT or when its stdin
closes (so a parent that dies without cleaning up never leaves it behind).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import signal
import sys
import threading
from typing import Any, NoReturn

from constants import EXAMPLE_ACCOUNT, EXAMPLE_REGION
from emulator import operations
from emulator.api import COVERAGE_PATH, EXAMPLE_ZONE, RESET_PATH

#: moto settings that make EC2 reject what AWS rejects (unknown AMI, key pair
#: or instance type) instead of launching anyway; read by moto at import time.
MOTO_SETTINGS = {
    "MOTO_ENABLE_AMI_VALIDATION": "true",
    "MOTO_ENABLE_KEYPAIR_VALIDATION": "true",
    "MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION": "true",
}


def _exit_now(*_: object) -> NoReturn:
    # The emulator keeps all state in memory: nothing to flush, so exiting at
    # once is the clean stop.
    sys.stdout.flush()
    os._exit(0)


def _exit_when_stdin_closes() -> None:
    """Exit when the parent's end of our stdin pipe closes (parent gone)."""
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, ValueError):
        pass
    _exit_now()


REGION = EXAMPLE_REGION
#: Stack operations that a killed server on this port left unfinished (read at start, see emulator.operations).
_UNFINISHED: list[str] = []
_LOCAL = {"Host": "localhost"}


class OneRequestAtATime:
    """moto's WSGI app, serving one request at a time, plus the emulator's reset as a single request.

    moto's backends are not built for concurrent requests, and every ID moto makes is drawn from one
    random source. The IDs that cdk.context.json records (the default VPC, its subnets, the example
    zone) are repeatable only if the seed and the calls that create them follow each other with no
    other request in between (any request served there, such as a late readiness probe, would shift
    them). So a reset is one request, served whole under the same lock as the others.
    """

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        from werkzeug.test import Client

        self._app = app
        self._lock = operations.LOCK  # shared with the stack operations running in the background
        self._direct = Client(app)  # calls into moto's app itself, inside the lock, with no HTTP round trip
        self._seeded: dict[int, _Seeded] = {}  # a seeded reset's outcome, by seed

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        operations.begin_request()
        response = self._serve(environ, start_response)
        operations.answer()  # outside the lock, so the operation it started can run
        return response

    def _serve(self, environ, start_response):  # type: ignore[no-untyped-def]
        with self._lock:
            if environ.get("PATH_INFO") == RESET_PATH and environ.get("REQUEST_METHOD") == "POST":
                from urllib.parse import parse_qs

                seed = parse_qs(environ.get("QUERY_STRING", "")).get("seed", [None])[0]
                self._reset(int(seed) if seed is not None else None)
                start_response("200 OK", [("Content-Type", "application/json")])
                unfinished, _UNFINISHED[:] = list(_UNFINISHED), []  # told once, to the first reset (the start's)
                return [json.dumps({"status": "ok", "unfinished": unfinished}).encode()]
            if environ.get("PATH_INFO") == COVERAGE_PATH:
                from urllib.parse import parse_qs

                from emulator import schemas

                types = ",".join(parse_qs(environ.get("QUERY_STRING", "")).get("types", [""])).split(",")
                start_response("200 OK", [("Content-Type", "application/json")])
                return [json.dumps({t: schemas.coverage(t) for t in types if t}).encode()]
            from emulator import cloudcontrol

            if cloudcontrol.handles(environ):  # moto has no Cloud Control API (the prefix-list lookup needs one)
                return cloudcontrol.list_resources(environ, start_response, os.environ["MOTO_ACCOUNT_ID"])
            # The whole response is made under the lock (moto's are lists, never streamed from a backend).
            return list(self._app(environ, start_response))

    def _signed(self, service: str) -> dict[str, str]:
        """The headers by which moto's dispatcher tells the service and region (it does not check signatures)."""
        return {**_LOCAL, "Authorization": f"AWS4-HMAC-SHA256 Credential=testing/20260101/{REGION}/{service}/"
                                           "aws4_request, SignedHeaders=host, Signature=0"}

    def _reset(self, seed: int | None) -> None:
        """moto's reset; with a seed, moto's random source seeded and the region's default VPC created at once
        (moto makes it on a region's first EC2 call); then the example zone, whose ID is drawn next.

        A seeded reset's outcome is the same every time, so the first one is kept (:class:`_Seeded`) and put back
        by the next ones: building it costs moto about 0.3 s of CPU (the region's EC2 backend loads 1,301 public
        AMIs, each with a snapshot), putting it back 0.04 s, and the tests reset before each of some 300 tests.
        """
        operations.abandon_all()
        _forget_every_backend()
        if seed is not None and seed in self._seeded:
            self._seeded[seed].put_back()
            return
        calls = []
        if seed is not None:
            calls += [(f"/moto-api/seed?a={seed}", None, _LOCAL),
                      ("/", "Action=DescribeVpcs&Version=2016-11-15",
                       {**self._signed("ec2"), "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})]
        calls.append(("/2013-04-01/hostedzone", (
            '<CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/">'
            f"<Name>{EXAMPLE_ZONE}</Name><CallerReference>emulator-{EXAMPLE_ZONE}</CallerReference>"
            "<HostedZoneConfig><Comment>the emulator's example zone</Comment><PrivateZone>false</PrivateZone>"
            "</HostedZoneConfig></CreateHostedZoneRequest>"), self._signed("route53")))
        for path, body, headers in calls:
            response = self._direct.post(path, data=body, headers=headers)
            if response.status_code >= 300:
                raise RuntimeError(f"emulator reset: {path} answered {response.status}")
        if seed is not None:
            self._seeded[seed] = _Seeded.take()


def _ask_botocore_once_for_each_services_regions() -> None:
    """Remember boto3's ``Session.get_available_regions`` answers for the life of the server.

    moto asks a new ``boto3.Session()`` for a service's regions at import (three times in
    moto/ec2/models/availability_zones_and_regions.py) and again each time it builds a backend for an account
    (``AccountSpecificBackend._generate_regions`` in moto/core/base_backend.py), which after every reset is
    every service the next requests touch. Each new Session reads botocore's endpoints.json (1 MB) and the
    service's model afresh: 0.12 s or more of CPU per question. The answer is a fact of the installed botocore,
    the same every time, so it is asked once per question, of one Session that keeps what it has read, and a copy
    of the list is handed out.
    """
    import functools

    from boto3.session import Session

    ask, one_session = Session.get_available_regions, Session()
    answer = functools.cache(lambda *question: tuple(ask(one_session, *question)))

    def get_available_regions(self: Session, service_name: str, partition_name: str = "aws",
                              allow_non_regional: bool = False) -> list[str]:
        return list(answer(service_name, partition_name, allow_non_regional))

    Session.get_available_regions = get_available_regions  # type: ignore[method-assign]


def _list_moto_services_once() -> None:
    """Remember the names of moto's service packages for the life of the server.

    moto's dispatcher asks ``moto.backends.list_of_moto_modules()`` which service a request's host names, on every
    request (``DomainDispatcherApplication.get_backend_for_host``), and that lists moto's package folder and stats
    each of its 170-odd entries again: 1 to 2 ms of CPU per request, a third of a small request's. The folder is
    the installed moto's; it does not change while the server runs.
    """
    from moto import backends

    services = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: services  # type: ignore[assignment]


def _backend_dicts() -> list[tuple[str, str, Any]]:
    """Every moto registry of backends (a ``BackendDict`` per service), by module and attribute name."""
    from moto.core.base_backend import BackendDict

    return [(name, attribute, value)
            for name, module in list(sys.modules.items()) if name.startswith("moto.") and module is not None
            for attribute, value in list(vars(module).items()) if isinstance(value, BackendDict)]


def _forget_every_backend() -> None:
    """What moto's reset (``/moto-api/reset``) leaves, without the work it throws away.

    moto's reset (``BackendDict.reset`` in moto/core/base_backend.py) re-runs each backend's ``__init__`` in place
    before clearing its registry, and an ``__init__`` that looks another service up makes that one anew: Auto
    Scaling's reads ``ec2_backends[account][region]`` (moto/autoscaling/models.py, ``AutoScalingBackend.__init__``),
    so after any Auto Scaling call a reset left an EC2 backend whose default VPC was made before the seed, with an
    ID that depended on the requests before the reset. So every registry is cleared instead, and the next call
    builds each backend fresh, after the seed. The backends whose ``reset`` releases something (S3's closes the
    temporary files holding objects, Batch's stops its job threads) still have it called first.
    """
    from moto.core.base_backend import BackendDict, BaseBackend, backend_lock
    from moto.core.model_instances import reset_model_data
    from moto.moto_api._internal.models import MotoAPIBackend

    with backend_lock:
        for _, _, registry in _backend_dicts():
            for _, _, backend in registry.iter_backends():
                if type(backend).reset is not BaseBackend.reset and not isinstance(backend, MotoAPIBackend):
                    backend.reset()
            registry.clear()
        BackendDict._instances.clear()
        reset_model_data()


class _Seeded:
    """The backends and the random source as a seeded reset leaves them, pickled, to be put back as they were.

    One pickle holds every registry's backends, so what they share stays shared; a reference to a registry itself
    is kept by name (``persistent_id``), so that the one put back is the live one, not a copy.
    """

    def __init__(self, pickled: bytes, random_state: object) -> None:
        self._pickled = pickled
        self._random_state = random_state

    @classmethod
    def take(cls) -> _Seeded:
        import io
        import pickle

        from moto.moto_api._internal import mock_random

        registries = _backend_dicts()
        by_id = {id(registry): (name, attribute) for name, attribute, registry in registries}
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.persistent_id = lambda obj: by_id.get(id(obj))  # type: ignore[method-assign]
        pickler.dump([(name, attribute, dict(registry)) for name, attribute, registry in registries if registry])
        return cls(buffer.getvalue(), mock_random.getstate())

    def put_back(self) -> None:
        import io
        import pickle

        from moto.core.base_backend import BackendDict, backend_lock
        from moto.moto_api._internal import mock_random

        unpickler = pickle.Unpickler(io.BytesIO(self._pickled))  # noqa: S301  (bytes this process pickled itself)
        unpickler.persistent_load = lambda key: getattr(sys.modules[key[0]], key[1])  # type: ignore[method-assign]
        # Unpickling makes some 40,000 objects (1,301 AMIs with their snapshots and volumes), and each allocation
        # count past the collector's threshold starts a collection that finds nothing to free: 0.088 s of CPU per
        # reset with the collector on, 0.037 s with it off while loading. It is back on before the next request.
        collecting = gc.isenabled()
        gc.disable()
        try:
            loaded = unpickler.load()
        finally:
            if collecting:
                gc.enable()
        with backend_lock:
            for name, attribute, backends in loaded:
                registry = getattr(sys.modules[name], attribute)
                registry.update(backends)
                BackendDict._instances.append(registry)
        mock_random.setstate(self._random_state)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator.server")
    parser.add_argument("--port", type=int, required=True, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="apply no gap fill (plain moto, for tests that show a gap)",
    )
    parser.add_argument(
        "--fallback-port",
        action="store_true",
        help="if --port is taken, bind a free port instead of failing",
    )
    parser.add_argument(
        "--watch-stdin",
        action="store_true",
        help="exit when stdin reaches end of file",
    )
    args = parser.parse_args(argv)

    for key, value in MOTO_SETTINGS.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("MOTO_ACCOUNT_ID", EXAMPLE_ACCOUNT)

    signal.signal(signal.SIGTERM, _exit_now)
    signal.signal(signal.SIGINT, _exit_now)
    if args.watch_stdin:
        threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()

    # Before moto is imported: it asks for regions at import time.
    _ask_botocore_once_for_each_services_regions()
    # Imported after the environment is set: moto reads its settings on import.
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    _list_moto_services_once()

    if not args.plain:
        from emulator import gaps, template_text

        gaps.apply_all()
        template_text.apply()

    os.environ.setdefault("MOTO_PORT", str(args.port))
    app = OneRequestAtATime(DomainDispatcherApplication(create_backend_app))
    try:
        server = make_server(
            args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler
        )
    except (OSError, SystemExit):
        # werkzeug reports "address in use" by exiting, not by raising OSError.
        if not args.fallback_port or args.port == 0:
            raise
        server = make_server(
            args.host, 0, app, threaded=True, request_handler=MotoRequestHandler
        )
    port = server.server_address[1]
    os.environ["MOTO_PORT"] = str(port)
    _UNFINISHED[:] = operations.unfinished()
    # What start-up made (moto's modules, the fills, the schemas) lives as long as the server: out of the
    # collector's sight, a full collection no longer walks it. 10% less server CPU over 15 deploy-and-delete
    # rounds (0.33 s of 3.2 s, three alternating runs).
    gc.freeze()
    print(f"EMULATOR_PORT={port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
