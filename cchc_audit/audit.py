"""One audit: a unit's registers, its plan and a period in; every check's result out."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import __version__
from .calendar import WorkingCalendar
from .checks import Context, Index766, apply_waivers, index_766, run_checks
from .params import DEFAULT_PUBLICATION_DAYS
from .periods import Period, parse_period, range_period
from .plan import Plan, load_plan
from .problems import Problem
from .registers import InputFile, UnitData, load_unit
from .results import DAT, KHONG_PHAT_SINH, STATUSES, CheckResult, Note, to_jsonable
from .schema import FREE_TEXT_COLUMNS, PERSONAL_COLUMNS
from .unit import Unit
from .validate import all_problems


@dataclass
class Audit:
    unit: Unit
    period: Period
    plan: Plan
    params: object  # cchc_audit.params.Params
    checks: list[CheckResult]
    index_766: Index766
    calendar: dict
    inputs: list[InputFile]
    problems: list[Problem]
    registers: dict[str, pd.DataFrame]
    generated_at: dt.datetime
    methodology: list[Note] = field(default_factory=list)
    # ho_so with the checks' own flags (due date, on time, overdue at the end...); None without ho_so
    dossiers: pd.DataFrame | None = None

    @property
    def targets(self) -> list[CheckResult]:
        return [c for c in self.checks if c.kind == "target"]

    @property
    def tasks(self) -> list[CheckResult]:
        return [c for c in self.checks if c.kind == "task"]

    def check(self, check_id: str) -> CheckResult:
        return next(c for c in self.checks if c.id == check_id)

    @property
    def fingerprint(self) -> str:
        """One SHA-256 over the inputs' names and hashes: the same registers give the same print."""
        digest = hashlib.sha256()
        for item in sorted(self.inputs, key=lambda i: i.path.name):
            digest.update(f"{item.path.name}\0{item.sha256}\n".encode())
        return digest.hexdigest()

    def tasks_summary(self) -> dict:
        """Section III: tasks evidenced (done or in progress with evidence, or not arisen with a
        note) over all tasks; and those completed (`hoan_thanh`)."""
        tasks = self.tasks
        evidenced = sum(1 for t in tasks if t.status in (DAT, KHONG_PHAT_SINH))
        completed = sum(1 for t in tasks if t.extra.get("latest_status") == "hoan_thanh"
                        and t.status == DAT)
        return {"tasks": len(tasks), "evidenced": evidenced, "completed": completed,
                "value": evidenced / len(tasks) if tasks else None}

    def status_counts(self, kind: str = "target") -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for c in self.checks:
            if c.kind == kind:
                counts[c.status] += 1
        return counts

    def to_json(self) -> dict:
        """The shape of results.json (DATA-CONTRACT.md); personal data never goes in."""
        hidden = PERSONAL_COLUMNS | FREE_TEXT_COLUMNS
        return {
            "unit": self.unit.name,
            "unit_code": self.unit.code,
            "unit_info": to_jsonable(self.unit.__dict__),
            "period": self.period.to_json(),
            "plan": {"number": self.plan.number, "date": self.plan.date.isoformat(),
                     "path": self.plan.path.name},
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "software": {"cchc_audit": __version__},
            "fingerprint": self.fingerprint,
            "inputs": [{"register": i.register, "file": i.path.name, "sha256": i.sha256, "rows": i.rows}
                       for i in self.inputs],
            "checks": [c.to_json(hidden) for c in self.checks],
            "tasks_summary": self.tasks_summary(),
            "index_766": self.index_766.to_json(),
            "calendar": to_jsonable(self.calendar),
            "problems": [p.to_json() for p in self.problems],
        }

    def write_results(self, folder: str | Path) -> Path:
        """Write `results.json`, never over an existing one: an archived revision whose notebook is
        executed again in its own folder keeps its record (and its manifest verifies); it is told
        instead whether the figures it just computed agree with the archived ones."""
        path = Path(folder) / "results.json"
        fresh = self.to_json()
        try:
            with open(path, "x", encoding="utf-8") as handle:
                handle.write(json.dumps(fresh, ensure_ascii=False, indent=2))
        except FileExistsError:
            try:
                kept = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                kept = None
            if same_figures(kept, fresh):
                print("results.json đã có, không ghi đè; số liệu tính lại trùng khớp / results.json "
                      "exists and is not overwritten; the figures computed again agree")
            else:
                print("results.json đã có, không ghi đè; CẢNH BÁO: số liệu tính lại KHÁC / results.json "
                      "exists and is not overwritten; WARNING: the figures computed again DIFFER")
        return path


# What a result says, as against when and by which version it was computed.
FIGURES = ("unit_code", "period", "plan", "inputs", "checks", "tasks_summary", "index_766", "calendar")


def same_figures(a: dict | None, b: dict | None) -> bool:
    return isinstance(a, dict) and isinstance(b, dict) and all(
        a.get(key) == b.get(key) for key in FIGURES)


def resolve_period(period: str | Period, params) -> Period:
    if isinstance(period, Period):
        return period
    if params is not None and getattr(params, "start", None) and getattr(params, "end", None):
        return range_period(params.start, params.end, period or None)
    return parse_period(period, getattr(params, "convention", "calendar") or "calendar")


def build_calendar(data: UnitData, period: Period, params) -> WorkingCalendar:
    dates = [period.start, period.end]
    for frame in data.registers.values():
        for column in frame.select_dtypes(include="datetime").columns:
            values = frame[column].dropna()
            if not values.empty:
                dates += [values.min().date(), values.max().date()]
    return WorkingCalendar.covering(dates, tuple(getattr(params, "extra_days_off", ()) or ()),
                                    tuple(getattr(params, "extra_working_days", ()) or ()))


def publication_days(params) -> int:
    """The monthly publication deadline, in working days after month end (DOMAIN.md, configurable)."""
    days = getattr(params, "publication_deadline_working_days", None)
    return DEFAULT_PUBLICATION_DAYS if days is None else days


def calendar_info(calendar: WorkingCalendar, period: Period, params) -> dict:
    return {
        "package": "holidays",
        "version": calendar.package_version,
        "country": "VN",
        "days_off": [{"date": d, "name_vi": n} for d, n in calendar.days_off_between(period.start, period.end)],
        "days_off_en": [{"date": d, "name": n} for d, n in calendar.days_off_between(period.start, period.end, "en")],
        "weekend_working_days": calendar.weekend_working_days_between(period.start, period.end),
        "extra_days_off": list(calendar.extra_days_off),
        "extra_working_days": list(calendar.extra_working_days),
        "publication_deadline_working_days": publication_days(params),
    }


def run_audit(period: str | Period, data_dir: str | Path, plan: str | Path | Plan | None = None,
              params=None, *, data: UnitData | None = None, today: dt.date | None = None) -> Audit:
    """Audit one unit for one period. `params` is a `cchc_audit.params.Params` (or None)."""
    data = data if data is not None else load_unit(data_dir)
    if not isinstance(plan, Plan):
        plan = load_plan(plan if plan else Path(data.data_dir) / "ke_hoach.yaml")
    period = resolve_period(period, params)
    calendar = build_calendar(data, period, params)
    settings = {"publication_deadline_working_days": publication_days(params)}
    ctx = Context(period, data.registers, calendar, settings)
    checks = run_checks(plan, ctx)
    generated_at = dt.datetime.now().astimezone()
    # A waiver is judged on the report's date (params `report_date`), else on the day of the run.
    today = today or getattr(params, "report_date", None) or generated_at.date()
    ignored = apply_waivers(checks, list(getattr(params, "waivers", ()) or ()), today)
    index = index_766(ctx, getattr(params, "index_766", None))
    audit = Audit(unit=data.unit, period=period, plan=plan, params=params, checks=checks, index_766=index,
                  calendar=calendar_info(calendar, period, params), inputs=data.inputs,
                  problems=all_problems(data, plan), registers=data.registers, generated_at=generated_at)
    audit.methodology = methodology_notes(audit, ignored) + reading_notes(data)
    if "ho_so" in data.registers:
        audit.dossiers = ctx.dossiers
    return audit


def reading_notes(data: UnitData) -> list[Note]:
    """How each register file was read (encoding, sheet, rows skipped, optional columns absent and
    what the checks fell back to), for the method section."""
    return [Note(n.message("vi"), n.message("en")) for n in data.notices]


def methodology_notes(audit: Audit, ignored_waivers) -> list[Note]:
    """The decisions the specification leaves open, stated in the report."""
    notes = [
        Note("Hồ sơ được coi là đã giải quyết khi có ngày có kết quả; hồ sơ rút và từ chối không tính vào tỷ lệ "
             "đúng hạn (II.1.1.a, II.1.3, chỉ số 766 mục 2.1 và 5.4) nhưng vẫn tính vào số hóa (II.4, mục 4.1, 4.2) "
             "nếu có ngày có kết quả.",
             "A dossier is resolved when it has a result date; withdrawn and refused dossiers leave the timeliness "
             "figures (II.1.1.a, II.1.3, index items 2.1 and 5.4) but count for digitization (II.4, items 4.1, 4.2) "
             "when they have a result date."),
        Note("Hạn trả là ngày hẹn trả ghi trên phiếu; nếu để trống thì tính từ thời hạn của thủ tục: N ngày làm việc "
             "sau ngày tiếp nhận (không tính ngày tiếp nhận), N ngày lịch, hoặc N tháng. Hồ sơ không xác định được "
             "hạn trả được tính là không đúng hạn.",
             "The due date is the one on the receipt slip; when empty it is computed from the procedure's time: "
             "the N-th working day after receipt (receipt day not counted), N calendar days, or N months. "
             "A dossier with no determinable due date counts as not on time."),
        Note("Xin lỗi (II.1.3) được tính khi có ngày xin lỗi đến hết kỳ; văn bản xin lỗi sau thời điểm 01 ngày "
             "(ngày lịch) trước hạn trả được nêu là phát hiện.",
             "An apology (II.1.3) counts when dated by the end of the period; one later than one calendar day "
             "before the due date is listed as a finding."),
        Note("Công khai hằng tháng (II.1.2, II.3): xét các tháng có ngày cuối tháng trong kỳ và hạn công khai "
             "(cuối tháng + N ngày làm việc) không muộn hơn ngày cuối kỳ; lượt công khai không ghi kỳ không được tính.",
             "Monthly publication (II.1.2, II.3): the months whose last day lies in the period and whose deadline "
             "(month end + N working days) is on or before its end; a publication naming no month counts for none."),
        Note("Thanh toán điện tử (II.5): phần (a) hồ sơ tiếp nhận trong kỳ của thủ tục có phí; phần (b) khoản thu "
             "trong kỳ. Đạt khi mọi phần phát sinh có ít nhất một khoản thanh toán điện tử.",
             "Electronic payment (II.5): part (a) dossiers received in the period of fee-bearing procedures; part (b) "
             "service payments in the period. Met when every part that arose has at least one electronic payment."),
        Note("Cán bộ (II.6.2, II.6.4) và hệ thống báo cáo (II.6.3) được xét theo danh sách hiện hành, không theo kỳ.",
             "Staff (II.6.2, II.6.4) and reporting systems (II.6.3) are taken as currently listed, not by period."),
        Note("Nhiệm vụ (phần III) có minh chứng khi sổ nhiem_vu có dòng trong kỳ với minh chứng và tình trạng hoàn "
             "thành hoặc đang thực hiện; dòng \"không phát sinh\" có ghi chú cho kết quả Không phát sinh.",
             "A task (section III) is evidenced by a row dated in the period with an evidence reference and status "
             "done or in progress; a \"not arisen\" row with a note gives Not arisen."),
        Note("Miễn trừ có hiệu lực đến hết ngày hết hạn, tính theo ngày báo cáo (report_date), nếu không có thì "
             "theo ngày chạy kiểm tra.",
             "A waiver applies up to and including its expiry date, judged on the report date (report_date), "
             "else on the day the audit runs."),
    ]
    for waiver in ignored_waivers:
        notes.append(Note(f"Miễn trừ cho {waiver.check} hết hạn ngày {waiver.expires:%d/%m/%Y} hoặc không khớp "
                          "chỉ tiêu nào: không áp dụng.",
                          f"Waiver for {waiver.check} expired on {waiver.expires:%Y-%m-%d} or matches no check: "
                          "not applied."))
    return notes
