"""What the synthesized stacks cost: per billable resource, per hour and per month (730 hours), in total,
while the instances are stopped, and what is left to pay for after ``cdk destroy``.

    python -m tools.cost                      # every stack in cdk.out (run `make synth` first)
    python -m tools.cost --template T.json    # one template; region from cdk.out's manifest, or --region
    python -m tools.cost --region ap-northeast-1

The pricing itself is the cost model's (cost_model/: what is counted, per AWS service), which the app's budget
guard uses too; this package reads the cloud assembly and renders the Markdown (``render.py``, ``cli.py``). The
region is the stack's environment (``aws://account/region`` in the cloud assembly's manifest). An instance
type, volume type or region the price file does not know is an error that names it (exit status 2), never a
silent zero.
"""

from cost_model.estimate import estimate_template
from cost_model.lines import Estimate, Line
from cost_model.prices import PRICES_FILE, Assumptions, CostError, Prices, RegionPrices
from cost_model.words import money, unit_price
from tools.cost.cli import estimate_stacks, main
from tools.cost.render import render_estimate, render_markdown

__all__ = ["PRICES_FILE", "Assumptions", "CostError", "Estimate", "Line", "Prices", "RegionPrices", "estimate_stacks",
           "estimate_template", "main", "money", "render_estimate", "render_markdown", "unit_price"]
