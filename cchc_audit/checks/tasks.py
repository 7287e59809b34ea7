"""Section III: every task of the plan evidenced in the `nhiem_vu` register."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..codes import Reason
from ..convert import STRING
from .base import Context, Measure, check

EVIDENCED_STATES = ("hoan_thanh", "dang_thuc_hien")
TASK_COLUMNS = ["ma_nhiem_vu", "ngay", "trang_thai", "minh_chung", "ghi_chu"]
_TASK_ID = re.compile(r"^(?:III\.)?(\d+\.\d+[A-Z]?)$")


def normalize_task_id(value) -> str | None:
    """`III.3.8a`, `iii.3.8A`, `3.8a` and ` III. 3.8a ` name one task."""
    if value is None or pd.isna(value):
        return None
    compact = re.sub(r"\s+", "", str(value)).upper()
    match = _TASK_ID.match(compact)
    if not match:
        return compact
    number = match.group(1)
    if number[-1].isalpha():
        number = number[:-1] + number[-1].lower()
    return f"III.{number}"


@dataclass(frozen=True)
class _TaskEvidence:
    # The register's rows dated in P, grouped by task (in order of first appearance by date) and
    # by date within each, with the items' columns and `ly_do`: the reason code, None where the
    # row evidences its task.
    with_reasons: pd.DataFrame
    without_reasons: pd.DataFrame  # the same rows, `ly_do` all None
    ok: np.ndarray  # per row: evidenced
    not_arisen: np.ndarray  # per row: not arisen, with a note
    any_reason: np.ndarray  # per row: `ly_do` is not None
    rows: dict  # normalized task id -> (first, stop) of its rows, contiguous
    latest: dict  # normalized task id -> the status and date of its last row
    empty: pd.DataFrame  # the items of a task without rows


def _evidence_by_task(ctx: Context) -> _TaskEvidence:
    """The register's rows dated in P, grouped by normalized task id, with their evidence flags,
    reasons and date order; computed once per audit and shared by every task (a plan has dozens)."""
    if "tasks" not in ctx.memo:
        evidence = ctx.registers["nhiem_vu"]
        ids = evidence["ma_nhiem_vu"].map(normalize_task_id)
        in_p = ctx.in_period(evidence["ngay"]).to_numpy(bool)
        has_ref = evidence["minh_chung"].fillna("").str.strip().ne("").to_numpy(bool)
        has_note = evidence["ghi_chu"].fillna("").str.strip().ne("").to_numpy(bool)
        state = evidence["trang_thai"]
        evidenced = in_p & has_ref & state.isin(EVIDENCED_STATES).fillna(False).to_numpy(bool)
        not_arisen = in_p & has_note & (state == "khong_phat_sinh").fillna(False).to_numpy(bool)
        reason = np.select(
            [evidenced | not_arisen, (state == "khong_phat_sinh").fillna(False).to_numpy(bool),
             (state == "chua_thuc_hien").fillna(False).to_numpy(bool)],
            [None, Reason.KHONG_PHAT_SINH_THIEU_GHI_CHU, Reason.CHUA_THUC_HIEN], default=Reason.KHONG_CO_MINH_CHUNG)
        frame = evidence.assign(_id=ids.to_numpy(), _pos=np.arange(len(evidence)))
        # Sorted by date once: a stable sort of the whole keeps, within each task, the order a
        # stable sort of its own rows gives. Then each task's rows are put together (a stable
        # sort on the task's group number), so that a task's items are a slice, not a gather:
        # a slice of a frame costs a fraction of taking rows by position.
        dated = frame[in_p].sort_values("ngay", kind="stable")
        group, task_ids = pd.factorize(dated["_id"].to_numpy(object), use_na_sentinel=False)
        order = np.argsort(group, kind="stable")
        dated = dated.iloc[order]
        starts = np.searchsorted(group[order], np.arange(len(task_ids)))
        stops = np.append(starts[1:], len(order))
        position = dated["_pos"].to_numpy()
        reason = reason[position]
        shown = dated[TASK_COLUMNS]
        ctx.memo["tasks"] = _TaskEvidence(
            # The reason column as pandas types it from a task's own values: text when a task's
            # rows hold one reason or more (then the same type for any of them), else the rows'
            # None as objects.
            with_reasons=shown.assign(ly_do=reason), without_reasons=shown.assign(ly_do=np.full(len(shown), None)),
            ok=evidenced[position], not_arisen=not_arisen[position], any_reason=reason != None,  # noqa: E711
            rows={task: (int(a), int(b)) for task, a, b in zip(task_ids, starts, stops)},
            # Read once from the columns, as `iat` reads them from a task's own items.
            latest={task: (shown["trang_thai"].iat[b - 1], shown["ngay"].iat[b - 1])
                    for task, b in zip(task_ids, stops)},
            empty=evidence.iloc[0:0][TASK_COLUMNS].assign(ly_do=pd.Series(dtype=STRING)))
    return ctx.memo["tasks"]


@check("task_evidenced")
def task_evidenced(ctx: Context, task_id: str) -> Measure:
    """A section III task: 1 of 1 when a row dated in P carries evidence with status done or in
    progress; 0 of 0 (not arisen) when a row in P says not arisen with a note; else 0 of 1."""
    evidence = _evidence_by_task(ctx)
    span = evidence.rows.get(task_id)
    rows = slice(*span) if span is not None else None
    if rows is not None and evidence.ok[rows].any():
        numerator, denominator = 1, 1
    elif rows is not None and evidence.not_arisen[rows].any():
        numerator, denominator = 0, 0
    else:
        numerator, denominator = 0, 1
    if rows is None:
        # A shallow copy: pandas copies on write, so no result's items reach another's.
        found = evidence.empty.copy(deep=False)
    else:
        found = (evidence.with_reasons if evidence.any_reason[rows].any() else evidence.without_reasons).iloc[rows]
    status, date = evidence.latest.get(task_id, (None, None))
    return Measure(numerator, denominator, items=found, extra={"latest_status": status, "latest_date": date})
