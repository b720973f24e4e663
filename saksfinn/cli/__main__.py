"""``python -m saksfinn.cli``: the same as the `saksfinn` command."""

import sys

from saksfinn.cli import main

sys.exit(main())
