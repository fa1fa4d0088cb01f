"""What this project knows about EC2 instance types, for synth-time validation.

Names come from botocore's EC2 service model (every type the EC2 API accepts); hardware facts come
from ``data/instance_types.json`` (see ``tools/refresh_instance_types.py``). Both are loaded lazily
and once, so importing this module costs nothing on the synth path.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SettingError

if TYPE_CHECKING:
    from aws_cdk import aws_ec2 as ec2

_DATA = Path(__file__).resolve().parent / "data" / "instance_types.json"


@dataclass(frozen=True)
class InstanceTypeInfo:
    """Hardware facts of one instance type (from EC2 DescribeInstanceTypes)."""

    name: str
    architectures: tuple[str, ...]
    nitro: bool
    placement_strategies: tuple[str, ...]
    instance_store_count: int
    instance_store_gb: int
    #: True when AWS encrypts the instance store in hardware (NVMe instance store: always).
    instance_store_encrypted: bool

    @property
    def arm64(self) -> bool:
        return self.architectures == ("arm64",)

    # The instance type's architecture is worked out here only; the AMI lookups, the image check and the warnings
    # take it from these two.
    @property
    def architecture(self) -> str:
        """The architecture its AMI must have, as AMIs and SSM image parameters name it: ``arm64`` or ``x86_64``."""
        return "arm64" if self.arm64 else "x86_64"

    @property
    def amazon_linux_cpu_type(self) -> ec2.AmazonLinuxCpuType:
        """The same, as the Amazon Linux image lookups take it."""
        from aws_cdk import aws_ec2 as ec2  # deferred, as botocore below: this module stays free to import

        return ec2.AmazonLinuxCpuType.ARM_64 if self.arm64 else ec2.AmazonLinuxCpuType.X86_64


@cache
def known_instance_types() -> frozenset[str]:
    """Every instance type name in botocore's EC2 model (the API's own enum)."""
    import botocore.session  # deferred: only paid when an instance type is validated

    model = botocore.session.get_session().get_service_model("ec2")
    return frozenset(model.shape_for("InstanceType").enum)


@cache
def _hardware() -> dict[str, dict]:
    return json.loads(_DATA.read_text())["types"]


def instance_type_info(name: str, *, setting: str = "instance_type") -> InstanceTypeInfo:
    """Validate ``name`` and return its facts; raise :class:`SettingError` naming ``setting``.

    A name in our hardware extract is known to exist (the extract is a subset of botocore's enum;
    a unit test holds it to that), so botocore's large EC2 model is only loaded for other names:
    newer types, and typos. That keeps ~0.3 s of model loading off every ordinary synth.
    """
    facts = _hardware().get(name) if isinstance(name, str) else None
    if facts is None and (not isinstance(name, str) or name not in known_instance_types()):
        hint = difflib.get_close_matches(str(name), known_instance_types(), n=3)
        suggestion = f" (did you mean {', '.join(hint)}?)" if hint else ""
        raise SettingError(setting, name, f"must be an EC2 instance type that exists, e.g. t2.micro{suggestion}")
    if facts is None:
        # Newer than our hardware extract: accept it, and assume the conservative answer to each
        # question (no instance store, not Nitro unless Graviton) rather than refusing a real type.
        # A "g" among the family's attribute letters (m9g, c8gn, x2gd) means Graviton: arm64.
        graviton = re.match(r"^[a-z]+\d+[a-z-]*g[a-z-]*\.", name) is not None
        facts = {"arch": ["arm64"] if graviton else ["x86_64"], "nitro": graviton,
                 "placement": ["partition", "spread"], "instance_store": [0, 0]}
    return InstanceTypeInfo(
        name=name,
        architectures=tuple(facts["arch"]),
        nitro=facts["nitro"],
        placement_strategies=tuple(facts["placement"]),
        instance_store_count=facts["instance_store"][0],
        instance_store_gb=facts["instance_store"][1],
        instance_store_encrypted=facts.get("instance_store_encrypted", False),
    )


def types_with_instance_store(family_of: str) -> list[str]:
    """A few instance types near ``family_of`` that do have instance store, for error messages."""
    with_store = sorted(n for n, f in _hardware().items()
                        if f["instance_store"][0] > 0 and f.get("instance_store_encrypted"))
    family = family_of.split(".")[0]
    # Prefer the same family with a "d" (m5 -> m5d); else small general-purpose types.
    same = [n for n in with_store if n.split(".")[0] in (family + "d", family + "ad", family + "nd")]
    return (same or [n for n in with_store if n.split(".")[0] in ("m5d", "c5d", "r5d", "m6id")])[:4]
