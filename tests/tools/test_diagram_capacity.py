"""make diagram and cost and capacity (issue 23): an Elastic IP of yours, and a group's mix."""

from tests.conftest import RESERVED, SPOT
from tools.diagram import mermaid


def test_an_elastic_ip_of_yours_is_drawn_as_yours_with_its_allocation_id(synth_with):
    picture = mermaid(synth_with(RESERVED).template)
    assert 'Elastic IP (yours)<br/>eipalloc-0123456789abcdef0' in picture
    assert 'Elastic IP (yours)<br/>eipalloc-0123456789abcdef1' in picture


def test_a_mixed_group_is_drawn_with_its_launch_template_and_its_mix(synth_with):
    picture = mermaid(synth_with(SPOT).template)
    assert "t3.micro, ami-" in picture  # the launch template its MixedInstancesPolicy names
    assert "mix: t3.micro, t3a.micro; 1 On-Demand first, then 70% Spot (price-capacity-optimized)" in picture
