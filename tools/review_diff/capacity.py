"""Cost and capacity in the review: an Auto Scaling group's mix (instance types, On-Demand base, Spot share) in
plain words. A change of the mix is a MixedInstancesPolicy change, which rolls the group (UpdatePolicy attribute
reference): every running instance is replaced by one launched as the new mix says; nothing converts a running
instance between On-Demand and Spot."""

from __future__ import annotations

from typing import Any, Optional

from cost_model.services.capacity import mix_words


def describe_mix(prop: str, old: Any, new: Any) -> Optional[str]:
    """The words for a group's MixedInstancesPolicy change, or None for any other property."""
    if prop != "MixedInstancesPolicy":
        return None
    return (f"the mix: {mix_words(old)} -> {mix_words(new)}: the running instances are replaced by new ones in the "
            "new mix (none is converted between On-Demand and Spot in place)")
