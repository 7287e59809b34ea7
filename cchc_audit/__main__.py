"""`python -m cchc_audit ...` is `cchc-audit ...`."""

from .cli import entry

entry()
