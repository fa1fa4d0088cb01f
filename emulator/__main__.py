"""``python -m emulator``: run the emulator in the foreground until stopped.

Prints ``EMULATOR_ENDPOINT=http://localhost:PORT`` once it is ready and
seeded, then waits; Ctrl-C, SIGTERM or end of stdin (with --until-stdin-closes)
stops the server.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from emulator.runner import DEFAULT_PORT, DEFAULT_SEED, EmulatorError, start


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m emulator",
        description="Local AWS emulator (moto + this project's CloudFormation fills).",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port on loopback (default {DEFAULT_PORT}; 0 = any free port)",
    )
    parser.add_argument(
        "--strict-port",
        action="store_true",
        help="fail if the port is taken instead of using a free one",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed for moto's IDs (default {DEFAULT_SEED})",
    )
    parser.add_argument(
        "--random-ids", action="store_true", help="do not seed: random IDs"
    )
    parser.add_argument(
        "--plain", action="store_true", help="plain moto, without the gap fills"
    )
    parser.add_argument(
        "--quiet", action="store_true", help="discard the server's request log"
    )
    parser.add_argument(
        "--until-stdin-closes",
        action="store_true",
        help="also stop when stdin reaches end of file (for scripts)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    stop = threading.Event()

    def _on_signal(signum: int, _frame: object) -> None:
        stop.set()

    # Handlers first, so a signal during start-up still ends in stop() below.
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    # Where the server notes the stack operations under way, so that after a kill the next start can say so.
    os.environ.setdefault("EMULATOR_STATE_DIR", str(Path.home() / ".cache" / "ec2-web-server-emulator"))
    try:
        emu = start(
            args.port,
            seed=None if args.random_ids else args.seed,
            plain=args.plain,
            strict_port=args.strict_port,
            log=subprocess.DEVNULL if args.quiet else None,
        )
    except EmulatorError as error:
        print(f"emulator: {error}", file=sys.stderr)
        return 1
    with emu:
        if emu.unfinished:
            print("emulator: the previous emulator on this port was stopped during these stack operations: "
                  f"{', '.join(emu.unfinished)}. Its state was in memory and is gone: those stacks do not "
                  "exist here any more; deploy them again.", file=sys.stderr)
        print(f"EMULATOR_ENDPOINT={emu.endpoint}", flush=True)
        if args.until_stdin_closes:
            threading.Thread(
                target=lambda: (sys.stdin.read(), stop.set()), daemon=True
            ).start()
        while not stop.is_set():
            if not emu.is_running():
                print("emulator: server exited", file=sys.stderr)
                return 1
            stop.wait(0.5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
