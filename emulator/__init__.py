"""Local AWS emulator for this project: moto's server plus fills for the
CloudFormation gaps our stack hits (see emulator/README.md).

    import emulator
    with emulator.start() as emu:          # port 4599, or a free one if taken
        print(emu.endpoint)                 # http://localhost:4599
        emu.client("ec2").describe_vpcs()   # same IDs on every start
        emu.reset()                         # forget everything, reseed
"""

from emulator.api import EXAMPLE_ZONE
from emulator.runner import (
    ACCOUNT_ID,
    DEFAULT_PORT,
    DEFAULT_SEED,
    FAKE_CREDENTIALS,
    REGION,
    Emulator,
    EmulatorError,
    start,
)

__all__ = [
    "ACCOUNT_ID",
    "DEFAULT_PORT",
    "DEFAULT_SEED",
    "EXAMPLE_ZONE",
    "FAKE_CREDENTIALS",
    "REGION",
    "Emulator",
    "EmulatorError",
    "start",
]
