"""`python -m tools.review_diff`."""

import sys

from tools.review_diff.cli import main

sys.exit(main())
