"""The plan file against the plan's own text, and the loader's validation."""

from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from cchc_audit import resources
from cchc_audit.plan import PlanError, load_plan, normalize_space, parse_plan_text

SAMPLE = resources.SAMPLE_DIR
PLAN_FILE = SAMPLE / "ke_hoach.yaml"
TEXT_FILE = SAMPLE / "ke-hoach-cchc-2024.txt"

# Where the plan file departs from one-entry-per-numbered-item, by design (DOMAIN.md):
SPLIT = {"II.1.1": ("II.1.1.a", "II.1.1.b")}  # one item of the text holds two targets
SENTENCE_TARGETS = {"III.3.6.b": "III.3.6"}  # a target stated by one sentence of a task


@pytest.fixture(scope="module")
def plan():
    return load_plan(PLAN_FILE)


@pytest.fixture(scope="module")
def text():
    return parse_plan_text(TEXT_FILE)


def _section(entry_id: str) -> str:
    return entry_id.split(".")[0]


# --- (a) every numbered item has its entry, and every entry its item --------------------------


def test_every_item_of_section_ii_has_its_targets_and_vice_versa(plan, text):
    expected = set(SENTENCE_TARGETS)
    for item_id in text["items"]:
        if _section(item_id) == "II":
            expected |= set(SPLIT.get(item_id, (item_id,)))
    assert {t.id for t in plan.targets} == expected


def test_every_item_of_section_iii_is_a_task_and_vice_versa(plan, text):
    assert set(plan.task_ids) == {i for i in text["items"] if _section(i) == "III"}
    # ...and in the text's order, so reports list tasks as the plan does.
    assert list(plan.task_ids) == [i for i in text["items"] if _section(i) == "III"]


def test_sources_name_the_numbered_item_each_entry_comes_from(plan, text):
    items = text["items"]
    parent = {part: item for item, parts in SPLIT.items() for part in parts} | SENTENCE_TARGETS
    for entry in (*plan.targets, *plan.tasks):
        item = items[parent.get(entry.id, entry.id)]
        assert entry.source == f"{_section(item.id)}.{item.number}", entry.id
        # An entry belongs to the area its item is numbered under.
        assert entry.area == ".".join(entry.source.split(".")[:2]), entry.id


def test_areas_are_the_headings_of_sections_ii_and_iii(plan, text):
    assert [a.id for a in plan.areas] == list(text["areas"])
    for area in plan.areas:
        heading = text["areas"][area.id]
        # A title is the heading's wording without its "(viết tắt là ...)" note and final period.
        title = re.sub(r"\s*\(viết tắt là [^)]*\)", "", heading.text).rstrip(".")
        assert normalize_space(area.title_vi) == title, area.id
        assert (area.section, area.source) == (_section(area.id), heading.number)
    # The headings with no sub-items are single targets that are their own area.
    assert {t.id for t in plan.targets if t.id == t.area} == {"II.3", "II.4", "II.5"}


def test_metadata(plan, text):
    assert plan.number == "040/KH-TMNMN"
    assert plan.date == dt.date(2024, 2, 19) and plan.year == 2024
    assert plan.issuer == "Trường Mầm non Mạ Non"
    assert plan.title_vi.endswith("của Trường Mầm non Mạ Non năm 2024")
    assert plan.source_text == TEXT_FILE
    lines = TEXT_FILE.read_text(encoding="utf-8").splitlines()
    opening = next(line for line in lines if line.startswith("Thực hiện Kế hoạch số 172/KH-GDĐT"))
    assert plan.basis_vi == normalize_space(opening)
    # Number and date as the header prints them ("Số: 040/KH-TMNMN", "ngày 19 tháng 02 năm 2024").
    assert f"Số: {plan.number}" in lines
    day, month, year = re.search(r"ngày (\d+) tháng (\d+) năm (\d{4})", "\n".join(lines[:12])).groups()
    assert plan.date == dt.date(int(year), int(month), int(day))


# --- (b) the wording of every entry is the plan's ----------------------------------------------


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=\.)\s+", text)


def wording_mismatches(plan, text) -> list[str]:
    """Ids of entries whose Vietnamese wording or bullets differ from the plan's text."""
    items, bad = text["items"], []
    for entry in (*plan.targets, *plan.tasks):
        if entry.id in items and normalize_space(entry.text_vi) != items[entry.id].text:
            bad.append(entry.id)
    for item_id, parts in SPLIT.items():
        # The parts, in order and joined as the sentence joins them, give the item back.
        joined = ", ".join(plan.target(p).text_vi for p in parts)
        if normalize_space(joined) != items[item_id].text or not all(
            plan.target(p).text_vi.strip() for p in parts
        ):
            bad.extend(parts)
    for target_id, item_id in SENTENCE_TARGETS.items():
        if normalize_space(plan.target(target_id).text_vi) not in _sentences(items[item_id].text):
            bad.append(target_id)
    for task in plan.tasks:
        bullets = items[task.id].bullets if task.id in items else None
        if tuple(normalize_space(b) for b in task.items) != bullets:
            bad.append(task.id)
    return bad


def test_every_entry_has_the_plans_wording(plan, text):
    assert wording_mismatches(plan, text) == []


@pytest.mark.parametrize(
    "old, new, entry_id",
    [
        # "Correcting" the plan's own typo is a mismatch too: the data transcribes the plan.
        ("có mô hình truyên truyền rõ ràng", "có mô hình tuyên truyền rõ ràng", "III.1.12"),
        ("xin lỗi tổ chức, cá nhân", "xin lỗi cá nhân", "II.1.3"),
        ("tố cáo tỷ lệ đạt 95% trở lên.", "tố cáo tỷ lệ đạt 96% trở lên.", "II.1.1.b"),
        ('text_vi: "Trên 80% người dân', 'text_vi: "Trên 90% người dân', "III.3.6.b"),
        ("Tăng cường thực hiện tự kiểm tra công tác", "Tăng cường tự kiểm tra công tác", "III.3.8b"),
    ],
)
def test_a_mistyped_entry_is_caught(tmp_path, text, old, new, entry_id):
    source = PLAN_FILE.read_text(encoding="utf-8")
    assert source.count(old) == 1
    changed = tmp_path / "ke_hoach.yaml"
    changed.write_text(source.replace(old, new), encoding="utf-8")
    shutil.copy(TEXT_FILE, tmp_path / TEXT_FILE.name)
    assert entry_id in wording_mismatches(load_plan(changed), text)


# --- (c) the task list and its quirks -------------------------------------------------------


def test_fifty_two_tasks_with_the_plans_numbering(plan):
    ids = plan.task_ids
    assert len(ids) == 52 and len(set(ids)) == 52
    assert "III.1.7" not in ids
    assert "III.3.8" not in ids
    # 3.8 is printed twice: first the self-assessment under QĐ 766, then self-inspection.
    assert ids.index("III.3.8a") < ids.index("III.3.6") < ids.index("III.3.8b")
    assert "766/QĐ-TTg" in plan.task("III.3.8a").text_vi
    assert "tự kiểm tra" in plan.task("III.3.8b").text_vi
    assert plan.task("III.3.8a").source == plan.task("III.3.8b").source == "III.3.8"
    counts = {a.id: sum(t.area == a.id for t in plan.tasks) for a in plan.areas if a.section == "III"}
    assert counts == {"III.1": 11, "III.2": 6, "III.3": 10, "III.4": 4, "III.5": 6, "III.6": 4,
                      "III.7": 9, "III.8": 2}


def test_bullets_are_items_of_their_task_not_tasks(plan):
    with_items = {t.id: len(t.items) for t in plan.tasks if t.items}
    assert with_items == {"III.1.12": 6, "III.6.3": 2, "III.7.1": 2, "III.8.1": 2}
    # The closing line of section III is no part of its last task.
    assert "Phụ lục" not in plan.task("III.8.2").text_vi


# --- (d) comparators and thresholds follow from the plan's words ------------------------------

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_AT_LEAST = re.compile(rf"(?:từ|đạt)\s+{_NUMBER}\s*%\s+trở\s+lên|tối\s+thiểu(?:\s+là)?\s+{_NUMBER}\s*%",
                       re.IGNORECASE)
_MORE_THAN = re.compile(rf"(?<!\w)trên\s+{_NUMBER}\s*%", re.IGNORECASE)
_PERCENT = re.compile(rf"{_NUMBER}\s*%")


def comparator_from_words(text_vi: str) -> tuple[str, float] | None:
    """DOMAIN.md's reading of a target's words; None when the words name no percentage."""
    percents = _PERCENT.findall(text_vi)
    if not percents:
        return None
    assert len(percents) == 1, f"more than one percentage in {text_vi!r}"

    def share(match: re.Match) -> float:
        return float(next(g for g in match.groups() if g).replace(",", ".")) / 100

    if m := _AT_LEAST.search(text_vi):
        return ">=", share(m)
    if m := _MORE_THAN.search(text_vi):
        return ">", share(m)
    if percents == ["100"]:  # "100% ..." means every item
        return ">=", 1.0
    raise AssertionError(f"no rule reads the percentage in {text_vi!r}")


@pytest.mark.parametrize(
    "words, expected",
    [
        ("đúng hạn từ 98% trở lên tại đơn vị", (">=", 0.98)),
        ("tỷ lệ đạt 95% trở lên.", (">=", 0.95)),
        ("đạt tỷ lệ tối thiểu là 60%.", (">=", 0.60)),
        ("đạt tỷ lệ tối thiểu 60%.", (">=", 0.60)),
        ("Trên 80% người dân", (">", 0.80)),
        ("100% cán bộ, công chức ... trên môi trường điện tử", (">=", 1.0)),
        ("công khai và cập nhật kịp thời", None),
    ],
)
def test_the_word_rules(words, expected):
    result = comparator_from_words(words)
    assert result == (expected if expected is None else (expected[0], pytest.approx(expected[1])))


def test_comparator_and_threshold_of_each_percentage_target(plan):
    derived = {t.id: comparator_from_words(t.text_vi) for t in plan.targets}
    for target in plan.targets:
        if derived[target.id] is not None:
            comparator, threshold = derived[target.id]
            assert target.comparator == comparator, target.id
            assert target.threshold == pytest.approx(threshold), target.id
    assert sum(d is not None for d in derived.values()) == 13
    # Targets whose words give no percentage: publication "kept current" is every month (>= 1.0);
    # electronic payment "applied": every part that arose (procedures, public services) applies it.
    no_percent = {t.id: (t.comparator, t.threshold) for t in plan.targets if derived[t.id] is None}
    assert no_percent == {"II.1.2": (">=", 1.0), "II.3": (">=", 1.0), "II.5": (">=", 1.0)}


def test_targets_name_the_checks_of_the_design(plan):
    table = {
        "II.1.1.a": ("tthc_on_time", ("ho_so", "thu_tuc"), {}),
        "II.1.1.b": ("complaints_on_time", ("don_thu",), {}),
        "II.1.2": ("monthly_publication", ("cong_khai",), {"content": "ty_le_dung_han"}),
        "II.1.3": ("apologies", ("ho_so", "thu_tuc"), {}),
        "II.1.4": ("internal_procedures_published", ("thu_tuc",), {}),
        "II.2.1": ("satisfaction", ("khao_sat",), {"linh_vuc": "dich_vu_cong"}),
        "II.2.2": ("satisfaction", ("khao_sat",), {"linh_vuc": "tthc"}),
        "II.2.3": ("feedback_answered", ("don_thu",), {}),
        "II.3": ("monthly_publication", ("cong_khai",), {"content": "ty_le_hai_long"}),
        "II.4": ("digitized", ("ho_so",), {}),
        "II.5": ("electronic_payment", ("ho_so", "thu_tuc", "thanh_toan"), {}),
        "II.6.1": ("electronic_documents", ("van_ban",), {}),
        "II.6.2": ("staff_flag", ("can_bo",), {"column": "chu_ky_so"}),
        "II.6.3": ("reporting_systems", ("he_thong_bao_cao",), {}),
        "II.6.4": ("staff_flag", ("can_bo",), {"column": "thu_cong_vu"}),
        "III.3.6.b": ("data_reuse", ("ho_so",), {}),
    }
    assert {t.id: (t.check, t.registers, t.params) for t in plan.targets} == table


# --- the text parser on the quirks it must handle ---------------------------------------------


def test_parse_plan_text_quirks(tmp_path):
    sample = tmp_path / "plan.txt"
    sample.write_text(
        "I. MỤC TIÊU\n1. Không lấy.\n"
        "II. CHỈ TIÊU\n1. Nhóm một\n1.1. Đạt  từ 90%\ntrở lên.\n2. Mục đơn lẻ,\nhai dòng.\n"
        "III. NHIỆM VỤ\n1. Lĩnh vực\n1.1.  Việc một\n- Gạch một\n  tiếp theo\n- Gạch hai.\n"
        " 1.3. Việc ba\u00a0 có khoảng trắng.\n1.3. Việc ba lần hai.\nĐoạn tự do.\n"
        "IV. TỔ CHỨC\n1. Không lấy.\n",
        encoding="utf-8",
    )
    parsed = parse_plan_text(sample)
    assert list(parsed["areas"]) == ["II.1", "II.2", "III.1"]
    items = parsed["items"]
    assert list(items) == ["II.1.1", "II.2", "III.1.1", "III.1.3a", "III.1.3b"]
    assert items["II.1.1"].text == "Đạt từ 90% trở lên."
    assert items["II.2"].text == "Mục đơn lẻ, hai dòng."
    assert items["III.1.1"].text == "Việc một"
    assert items["III.1.1"].bullets == ("Gạch một tiếp theo", "Gạch hai.")
    assert (items["III.1.3a"].number, items["III.1.3a"].text) == ("1.3", "Việc ba có khoảng trắng.")
    assert items["III.1.3b"].text == "Việc ba lần hai."  # the free paragraph after it is left out


# --- (e) a broken plan file is refused, naming the entry --------------------------------------


def minimal_plan() -> dict:
    return {
        "plan": {
            "number": "01/KH-X", "date": dt.date(2025, 1, 15), "year": 2025, "issuer": "Trường X",
            "title_vi": "Kế hoạch CCHC năm 2025", "title_en": "2025 CCHC plan",
            "basis_vi": "Thực hiện Kế hoạch số 1/KH-GDĐT;",
        },
        "areas": [
            {"id": "II.1", "section": "II", "source": "1", "title_vi": "Hồ sơ", "title_en": "Dossiers"},
            {"id": "III.1", "section": "III", "source": "1", "title_vi": "Chỉ đạo", "title_en": "Lead"},
        ],
        "targets": [
            {"id": "II.1.1", "source": "II.1.1", "area": "II.1", "text_vi": "Đúng hạn từ 99% trở lên",
             "text_en": "On time: 99% or more", "check": "tthc_on_time", "comparator": ">=",
             "threshold": 0.99, "registers": ["ho_so", "thu_tuc"], "params": {}},
        ],
        "tasks": [
            {"id": "III.1.1", "source": "III.1.1", "area": "III.1", "text_vi": "Việc một",
             "text_en": "Task one"},
        ],
    }


def write_plan(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_minimal_plan_of_another_unit_loads(tmp_path):
    plan = load_plan(write_plan(tmp_path / "plan.yaml", minimal_plan()))
    assert plan.issuer == "Trường X" and plan.source_text is None
    assert plan.target("II.1.1").threshold == 0.99 and plan.task_ids == ("III.1.1",)


def _target(d):
    return d["targets"][0]


BROKEN = {
    "unknown area of a target": (lambda d: _target(d).update(area="II.9"), "II.1.1", "area"),
    "unknown area of a task": (lambda d: d["tasks"][0].update(area="III.9"), "III.1.1", "area"),
    "duplicate task id": (lambda d: d["tasks"].append(copy.deepcopy(d["tasks"][0])), "III.1.1", "id"),
    "task reusing a target's id": (lambda d: d["tasks"][0].update(id="II.1.1"), "II.1.1", "id"),
    "duplicate area id": (lambda d: d["areas"].append(copy.deepcopy(d["areas"][0])), "II.1", "id"),
    "bad comparator": (lambda d: _target(d).update(comparator="≥"), "II.1.1", "comparator"),
    "threshold as a percent": (lambda d: _target(d).update(threshold=98), "II.1.1", "threshold"),
    "threshold missing": (lambda d: _target(d).pop("threshold"), "II.1.1", "threshold"),
    "threshold as text": (lambda d: _target(d).update(threshold="0.98"), "II.1.1", "threshold"),
    "threshold with any": (lambda d: _target(d).update(comparator="any"), "II.1.1", "threshold"),
    "unknown register": (lambda d: _target(d).update(registers=["ho_so_tthc"]), "II.1.1", "registers"),
    "no registers": (lambda d: _target(d).update(registers=[]), "II.1.1", "registers"),
    "misspelt field": (lambda d: _target(d).update(treshold=0.9), "II.1.1", "treshold"),
    "unquoted source": (lambda d: d["tasks"][0].update(source=1.1), "III.1.1", "source"),
    "missing text": (lambda d: d["tasks"][0].pop("text_vi"), "III.1.1", "text_vi"),
    "bad date": (lambda d: d["plan"].update(date="19/02/2024"), "plan", "date"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_plan_is_refused_naming_file_entry_and_field(tmp_path, case):
    breaks, entry, field_name = BROKEN[case]
    data = minimal_plan()
    breaks(data)
    path = write_plan(tmp_path / "broken.yaml", data)
    with pytest.raises(PlanError) as info:
        load_plan(path)
    err = info.value
    assert isinstance(err, ValueError)
    assert (err.entry, err.field) == (entry, field_name)
    vi, en = err.message("vi"), err.message("en")
    assert str(err) == vi
    for part in (vi, en):
        assert str(path) in part and entry in part and field_name in part
    assert "mục" in vi and "entry" in en


def test_a_missing_source_text_is_refused(tmp_path):
    data = minimal_plan()
    data["plan"]["source_text"] = "khong-co.txt"
    with pytest.raises(PlanError, match="source_text"):
        load_plan(write_plan(tmp_path / "plan.yaml", data))


# --- (f) another plan is another file, not other code ------------------------------------------


def test_a_changed_plan_file_loads_without_code_changes(tmp_path):
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    data["plan"].update(number="015/KH-TMNMN", date=dt.date(2025, 1, 20), year=2025)
    data["plan"].pop("source_text")
    thresholds = {"II.1.1.a": 0.99, "II.4": 0.8, "III.3.6.b": 0.9}
    for target in data["targets"]:
        if target["id"] in thresholds:
            target["threshold"] = thresholds[target["id"]]
        if target["id"] == "III.3.6.b":
            target["comparator"] = ">="
    data["tasks"] = [t for t in data["tasks"] if t["id"] != "III.7.8"]

    plan = load_plan(write_plan(tmp_path / "ke_hoach_2025.yaml", data))

    assert (plan.number, plan.year, plan.source_text) == ("015/KH-TMNMN", 2025, None)
    for target_id, threshold in thresholds.items():
        assert plan.target(target_id).threshold == threshold
    assert plan.target("III.3.6.b").comparator == ">="
    assert len(plan.tasks) == 51 and "III.7.8" not in plan.task_ids


def test_every_bullet_gloss_matches_its_bullet(plan):
    for task in plan.tasks:
        assert len(task.items_en) in (0, len(task.items)), task.id
    assert sum(1 for t in plan.tasks if t.items_en) == 4  # 1.12, 6.3, 7.1, 8.1


def test_a_bullet_gloss_count_that_does_not_match_is_refused(tmp_path):
    text = PLAN_FILE.read_text(encoding="utf-8")
    broken = text.replace('      - "Regularly self-inspect', '      - "x"\n      - "Regularly self-inspect')
    assert broken != text
    path = tmp_path / "ke_hoach.yaml"
    path.write_text(broken, encoding="utf-8")
    (tmp_path / "ke-hoach-cchc-2024.txt").write_text("", encoding="utf-8")
    with pytest.raises(PlanError, match="items_en"):
        load_plan(path)


# --- the same plan read by many units ---------------------------------------------------------

def test_one_plan_text_under_many_paths_is_each_paths_own_plan(tmp_path):
    """A district's units share one plan's words (plan.py parses a text once per process): each
    load still names its own file, gets objects of its own, and sees an edit at once."""
    folders = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(PLAN_FILE, folder / "ke_hoach.yaml")
        shutil.copy(TEXT_FILE, folder / TEXT_FILE.name)
        folders.append(folder)
    from cchc_audit import plan as plan_module
    from cchc_audit import safeio

    parsed = []
    real = safeio.load_yaml
    plan_module._PARSED.clear()
    try:
        safeio.load_yaml = lambda *a, **k: parsed.append(a[1]) or real(*a, **k)
        first, second = (load_plan(f / "ke_hoach.yaml") for f in folders)
    finally:
        safeio.load_yaml = real
    assert parsed == [folders[0] / "ke_hoach.yaml"]  # the second unit's same words: not parsed again
    assert first.path == folders[0] / "ke_hoach.yaml" and second.path == folders[1] / "ke_hoach.yaml"
    assert first.source_text == folders[0] / TEXT_FILE.name
    assert first.targets == second.targets and first.targets[0] is not second.targets[0]

    source = PLAN_FILE.read_text(encoding="utf-8")
    old = "tố cáo tỷ lệ đạt 95% trở lên."
    (folders[1] / "ke_hoach.yaml").write_text(source.replace(old, "tố cáo tỷ lệ đạt 96% trở lên."),
                                              encoding="utf-8")
    edited = load_plan(folders[1] / "ke_hoach.yaml")
    text_of = {t.id: t.text_vi for t in edited.targets}
    assert "96%" in text_of["II.1.1.b"] and "95%" in {t.id: t.text_vi for t in first.targets}["II.1.1.b"]

    # A text that failed is not kept as if it had been read: it fails again, for its own file.
    (folders[0] / "ke_hoach.yaml").write_text(source + "\nx: &a [1]\ny: *a\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PlanError) as failed:
            load_plan(folders[0] / "ke_hoach.yaml")
        assert str(folders[0] / "ke_hoach.yaml") in failed.value.message("en")
