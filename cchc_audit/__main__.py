"""`python -m cchc_audit ...` is `cchc-audit ...`."""

import sys

from .cli import main

sys.exit(main())
