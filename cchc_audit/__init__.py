"""cchc-audit: tự kiểm tra thực hiện kế hoạch cải cách hành chính (CCHC).

Self-inspection of a Vietnamese public unit's administrative-reform plan, period by period.
"""

__version__ = "0.1.0"
