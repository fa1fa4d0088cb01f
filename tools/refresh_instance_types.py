"""Regenerate ``ec2_web_server/data/instance_types.json``.

The synth-time checks that depend on an instance type's hardware (instance store, Nitro, CPU
architecture, placement-group strategies) need facts that botocore's service model does not carry:
it only lists the type names. Those facts come from EC2's DescribeInstanceTypes, of which moto ships
a full copy. We keep a small extract, committed, so synth never needs AWS or moto at run time.

Run: ``.venv/bin/python -m tools.refresh_instance_types`` (moto is a dev dependency).
"""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

SOURCE = "moto.ec2.resources/instance_types.json.gz (a copy of EC2 DescribeInstanceTypes)"
OUT = Path(__file__).resolve().parent.parent / "ec2_web_server" / "data" / "instance_types.json"


def extract(raw: dict) -> dict:
    """Keep only the fields the construct validates against, keyed by instance type."""
    out = {}
    for name in sorted(raw):
        info = raw[name]
        storage = info.get("InstanceStorageInfo") or {}
        disks = storage.get("Disks") or []
        out[name] = {
            "arch": sorted(info.get("ProcessorInfo", {}).get("SupportedArchitectures", [])),
            # Bare-metal types report no hypervisor; those built on the Nitro System (m5.metal and every
            # current one) are told by their NVMe-only EBS interface, which only Nitro provides.
            "nitro": info.get("Hypervisor") == "nitro"
            or (info.get("BareMetal") is True and info.get("EbsInfo", {}).get("NvmeSupport") == "required"),
            "placement": sorted(info.get("PlacementGroupInfo", {}).get("SupportedStrategies", [])),
            # Instance-store volumes as [count, GB each]; 0 volumes for EBS-only types.
            "instance_store": [sum(d["Count"] for d in disks), disks[0]["SizeInGB"]] if disks else [0, 0],
            # "required": NVMe instance store, always encrypted at rest by AWS in hardware.
            "instance_store_encrypted": storage.get("EncryptionSupport") == "required",
        }
    return out


def main() -> None:
    source = resources.files("moto.ec2.resources") / "instance_types.json.gz"
    with gzip.open(str(source)) as fh:
        raw = json.load(fh)
    types = extract(raw)
    # One type per line, so a refresh shows up in review as a readable diff.
    rows = ",\n".join(f"{json.dumps(name)}: {json.dumps(info, sort_keys=True)}" for name, info in types.items())
    OUT.write_text(f'{{"source": {json.dumps(SOURCE)},\n"types": {{\n{rows}\n}}}}\n')
    print(f"wrote {len(types)} instance types to {OUT}")


if __name__ == "__main__":
    main()
