"""The sample school: a deterministic year of registers for Trường Mầm non Mạ Non (Nhà Bè, HCMC).

`generate_registers()` builds all ten registers of DATA-CONTRACT.md as typed DataFrames, the way
`registers.load_unit` returns them (contract column names, dates `datetime64[ns]`, booleans `bool`,
nullable booleans `boolean`, enumerations as codes, levels `Int64`, text `string`; the index is the
row number the XLSX writer puts each row on, named `row`). Everything comes from
`numpy.random.default_rng(seed)`: no wall clock, no global random state, and dossiers are generated
with array operations only, so a million of them take seconds. Working days come from the product's
own `calendar.WorkingCalendar` (the `holidays` package's VN calendar), never from a hand-written list.

`write_unit()` writes the registers as a school hands them in: `<name>.xlsx` (title rows above a
Vietnamese header, real Excel dates with a few typed as text, "x"/"Có"/"Không" booleans, Vietnamese
enumeration labels; byte-identical for the same input) or `<name>.csv` (UTF-8 with BOM, `;`,
`dd/mm/yyyy`), plus `don_vi.yaml`. `build_sample()` does both with the defaults.
`python -m cchc_audit.sample [OUT_DIR]` regenerates the committed sample in `data/sample/`.

The modules: `arrays` (dtypes, per-row strings, quotas, days drawn from the calendar), `people`,
`dossiers` (thu_tuc, ho_so), `feedback` (don_thu, khao_sat), `office` (thanh_toan, van_ban, can_bo,
he_thong_bao_cao), `publications` (cong_khai), `tasks` (nhiem_vu), `generate` (the typed frames),
`write` (the files), `__main__` (the command).

Deliberate misses, so that reports have something to say (default arguments; quarters are calendar
quarters of the sample year). The generator enforces them by construction, with quotas rather than
luck, for any seed once there are a few hundred dossiers (and `n_staff` >= 5); `scale` multiplies the
volumes, not the one-off misses (one late complaint, one unanswered PAKN, ... stay one):

- II.1.1.a on time: dossiers resolved in Q3 (the enrolment peak) are about 97% on time (quota: 3%
  late, rounded up); Q1, Q2 and Q4 stay at or above 98% (late quota rounded down).
- II.1.3 apologies: one late dossier resolved in Q3 (about 15% of Q3's late ones) has no
  `ngay_xin_loi`; one late dossier resolved in Q4 apologised one working day *after* its due date.
  Late dossiers otherwise apologise the working day before the due date and carry `ngay_hen_lai`.
  One December dossier (0.2% of dossiers) is overdue and still in progress at year end, apologised.
- II.4 digitization: about 60-70% of dossiers have both `so_hoa` and `ket_qua_dien_tu`, rising from
  Q1 to Q4.
- III.3.6.b data reuse: `tai_su_dung` is at most 78% (Q1) and 79% (Q3) of the dossiers received in
  the quarter and not withdrawn, and at least 83% (Q2) and 84% (Q4): either side of the strict 80%.
- II.2.2 satisfaction on `tthc`: at most 93% satisfied in Q3; every other quarter and `dich_vu_cong`
  at least 95%.
- II.2.3 feedback: one PAKN received in October-November is unanswered (and unpublished) after its
  deadline; another, received in late December, is pending within its deadline.
- II.1.1.b complaints: the first complaint (received in April) is resolved after `han_giai_quyet`, in
  Q2; the last one (December) is still pending within its deadline.
- II.6.2 / II.6.4 staff: two staff in post have no digital signature (`chu_ky_so`), one of them has
  no official e-mail (`thu_cong_vu`) either; one staff member not in post (retired) lacks both and
  must not count; another not in post has both.
- II.6.3: one reporting system of four is not connected to the district's (`ket_noi_huyen`).
- II.1.2 / II.3 monthly publication: `ty_le_dung_han` for May is missing (Q2); `ty_le_hai_long` for
  August is published after its deadline (month end + 5 working days) (Q3). December's figures are
  due in January, outside the year, and are not in the register. `noi_dung` holds the wording
  "Tỷ lệ đúng hạn", "Tỷ lệ hài lòng", "TTHC nội bộ", whose `slug` is the contract's code.
- II.1.4: of four internal procedures (`noi_bo`), three are published in January-February, one on
  18 November: Q1-Q3 miss, Q4 and the year pass.
- II.6.1 documents: two documents in Q1 and two in Q3 were exchanged on paper only; two classified
  (`mat`) documents are paper as they should be and leave the denominator.
- Section III tasks: three tasks have no row at all, one only a `chua_thuc_hien` row, one a
  `dang_thuc_hien` row without `minh_chung` (preferring III.1.11, III.2.5, III.7.8, III.5.6 and
  III.4.1 when the plan has them); one task (III.4.3, staff reduction) has only `khong_phat_sinh`
  rows with a note and no `minh_chung` (June and December).
- One `don_thu.noi_dung` holds `<`, `>`, `&` and double quotes, to exercise escaping.

Other realism: about 10% of dossiers leave `ngay_hen_tra` empty (never a late or overdue one, so the
misses above do not hinge on the date arithmetic of the reader); some online dossiers arrive on
weekends; `ngay` (calendar-day) procedures exist; two procedures charge a fee (`co_phi`); ~2% of
dossiers are withdrawn (no result date), ~1% refused (refusal date as result), a few received in Q4
are paused; dossiers whose result would fall after 31 December are still in progress.
The register is a snapshot taken on 31 December: no date in it is later, except due and re-appointment
dates. Amounts of money and all names are invented.
"""

from ..resources import SAMPLE_DIR, SAMPLE_PLAN, SAMPLE_PLAN_TEXT
from .generate import DEFAULT_UNIT, FIRST_DATA_ROW, HEADER_ROW, TITLE_ROWS, default_task_ids, generate_registers
from .write import build_sample, write_unit

__all__ = ["DEFAULT_UNIT", "FIRST_DATA_ROW", "HEADER_ROW", "SAMPLE_DIR", "SAMPLE_PLAN", "SAMPLE_PLAN_TEXT",
           "TITLE_ROWS", "build_sample", "default_task_ids", "generate_registers", "write_unit"]
