"""Subprocess entry point: moto's server with the project's gap fills applied.

Run by :class:`emulator.runner.Emulator` as ``python -m emulator.server``; not
meant to be started by hand (``python -m emulator`` is the user-facing CLI).
It binds loopback only, prints one ``EMULATOR_PORT=<port>`` line on stdout
once the socket is listening, and exits on SIGTERM/SIGINT or when its stdin
closes (so a parent that dies without cleaning up never leaves it behind).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from typing import NoReturn

from constants import EXAMPLE_ACCOUNT

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

    # Imported after the environment is set: moto reads its settings on import.
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    if not args.plain:
        from emulator import gaps

        gaps.apply_all()

    os.environ.setdefault("MOTO_PORT", str(args.port))
    app = DomainDispatcherApplication(create_backend_app)
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
    print(f"EMULATOR_PORT={port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
