"""The instructors' guide (instructors/) agrees with the course as it is now.

* Every time table is what ``tools/notebook_times.py`` computes from the measured run times
  (instructors/timings.json) and the notebooks' current text: an edit that changes a
  notebook's reading time fails here until the tables are regenerated.
* Every unit 00-11 has its section in the syllabus and a week in the twelve-week plan;
  every lab has a rubric for its open question, under the question's exact title.
* The twelve-week plan, the six-week path and the one-day workshop add up, read back from
  the pages themselves (not from the generator).
* Every relative link in the guide resolves, anchors included.
* The counting rules (words, exercises, objectives) are tested on small notebooks.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import lab_structure  # noqa: E402
import notebook_times as times  # noqa: E402
import notebooks as nbs  # noqa: E402

GUIDE = ROOT / "instructors"
SYLLABUS = GUIDE / "syllabus.md"
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")


@pytest.fixture(scope="module")
def timings() -> dict:
    return times.load_timings()


def generated(page: Path, key: str) -> str:
    """The body of one generated block of a guide page."""
    match = re.search(
        rf"<!-- generated: {re.escape(key)} -->\n(.*?)<!-- /generated -->", page.read_text(), re.S
    )
    assert match, f"{page.relative_to(ROOT)} has no generated block {key!r}"
    return match.group(1)


def table(text: str) -> list[list[str]]:
    """The cells of a markdown table's body rows (header and rule dropped)."""
    rows = [
        [c.strip() for c in m.group(1).split("|")]
        for m in map(TABLE_ROW.match, text.splitlines())
        if m
    ]
    return rows[2:]


def number(cell: str) -> int:
    return int(re.sub(r"[^\d]", "", cell.split("(")[0]))


# -- the tables are current --------------------------------------------------------------------


def test_generated_tables_match_the_measurements_and_the_notebooks(timings: dict) -> None:
    stale = times.stale_pages(timings)
    assert not stale, (
        f"{stale}: the time tables disagree with instructors/timings.json or the notebooks' "
        "current text; run `.venv/bin/python tools/notebook_times.py` (and, if a notebook's run "
        "time changed, `--measure PATH` first)"
    )


def test_a_longer_lesson_makes_the_syllabus_stale(timings, monkeypatch) -> None:
    """The check above can fail: 600 more words in a lesson change its row."""
    lesson = times.notebook_path("lessons", "04")
    original = times.nbs.read

    def read(path):
        nb = original(path)
        if Path(path).resolve() == lesson.resolve():
            nb.cells.append(new_markdown_cell("word " * 600))
        return nb

    monkeypatch.setattr(times.nbs, "read", read)
    assert "instructors/syllabus.md" in times.stale_pages(timings)


def test_timings_cover_every_notebook_of_the_guide(timings: dict) -> None:
    assert {"command", "date", "machine", "wall_seconds"} <= set(timings)
    expected = [
        *(
            times.rel(times.notebook_path(d, u))
            for d in ("lessons", "solutions")
            for u in times.UNITS
        ),
        times.rel(times.CAPSTONE),
    ]
    for path in expected:
        entry = timings["notebooks"].get(path)
        assert entry and entry["error"] is None and entry["seconds"] > 0, (
            f"{path}: no clean measurement; run tools/notebook_times.py --measure {path}"
        )
        assert entry["seconds"] < 60 and entry["peak_mb"] < 1024, f"{path} is over budget"


def test_the_capstone_starter_runs_in_under_30_seconds(timings: dict) -> None:
    assert timings["notebooks"][times.rel(times.CAPSTONE)]["seconds"] < 30


# -- coverage ---------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", times.UNITS)
def test_every_unit_has_its_syllabus_section(unit: str) -> None:
    text = SYLLABUS.read_text()
    section = re.search(rf"^### Unit {unit}\n(.*?)(?=^##|\Z)", text, re.S | re.M)
    assert section, f"syllabus.md has no '### Unit {unit}' section"
    body = section.group(1)
    for part in (
        f"<!-- generated: unit-{unit} -->",
        "**Prerequisites.**",
        "**Activities.**",
        "**Discussion questions.**",
    ):
        assert part in body, f"Unit {unit}: its syllabus section lacks {part!r}"


def test_the_twelve_week_plan_covers_every_unit_once() -> None:
    planned = [u for units in times.PLAN_12.values() for u in units]
    assert sorted(planned) == list(times.UNITS) and len(times.PLAN_12) == 12
    assert [week for week, units in times.PLAN_12.items() if not units] == [12]  # capstone
    weeks = [row[1] for row in table(generated(SYLLABUS, "plan-12"))[:-1]]
    mentioned = re.findall(r"\[(\d\d)\]", " ".join(weeks))
    assert sorted(mentioned) == list(times.UNITS)


@pytest.mark.parametrize("unit", times.UNITS)
def test_every_open_question_has_a_rubric(unit: str) -> None:
    title = lab_structure.open_question(nbs.read(times.notebook_path("labs", unit))).title
    headings = re.findall(r"^### Lab (\d\d) — (.*)$", (GUIDE / "grading.md").read_text(), re.M)
    assert (unit, title) in headings, (
        f"grading.md needs a rubric under '### Lab {unit} — {title}' (the lab's open question)"
    )


# -- the paths add up (read back from the page) ----------------------------------------------------


@pytest.mark.parametrize("key", ["plan-12", "path-6"])
def test_weekly_plans_add_up(key: str) -> None:
    rows = table(generated(SYLLABUS, key))
    *weeks, total = rows
    week_totals = []
    for week in weeks:
        if week[2] == "–":  # the capstone week
            continue
        lessons, labs, both = (number(c) for c in week[2:5])
        assert lessons + labs == both, f"{key}, week {week[0]}: {lessons} + {labs} != {both}"
        week_totals.append(both)
    stated = number(total[4])
    assert sum(week_totals) == stated, f"{key}: weeks add up to {sum(week_totals)}, not {stated}"
    assert times.hours(stated) in total[4]


def test_unit_tables_add_up() -> None:
    for unit in times.UNITS:
        lesson, lab, total = table(generated(SYLLABUS, f"unit-{unit}"))
        assert number(lesson[4]) + number(lab[4]) == number(total[4]), unit


def test_the_workshop_adds_up() -> None:
    block = generated(SYLLABUS, "workshop")
    rows = table(block)

    def minutes_of(clock: str) -> int:
        h, m = clock.split(":")
        return int(h) * 60 + int(m)

    *blocks, end = rows
    work = breaks = 0
    for row, following in zip(blocks, rows[1:]):
        length = int(row[2])
        assert minutes_of(row[0]) + length == minutes_of(following[0]), f"{row} then {following}"
        if row[1] in times.BREAKS:
            breaks += length
        else:
            work += length
    assert end[1] == "end"
    stated = re.search(
        r"Working time (\d+) min \((.*?)\), breaks (\d+) min; (\S+) to (\S+)\.", block
    )
    assert stated, "the workshop block must state its working time and breaks"
    assert (int(stated.group(1)), int(stated.group(3))) == (work, breaks)
    assert stated.group(2) == times.hours(work)
    assert (stated.group(4), stated.group(5)) == (blocks[0][0], end[0])
    assert 5 * 60 <= work <= 7 * 60, "a one-day workshop: five to seven hours of work"


def test_workshop_notebook_blocks_use_the_unit_tables(timings: dict) -> None:
    for row in table(generated(SYLLABUS, "workshop"))[:-1]:
        found = re.match(r"\[Unit (\d\d) (lesson|lab)\]", row[1])
        if found:
            unit, kind = found.groups()
            lesson, lab = times.unit_times(unit, timings)
            assert int(row[2]) == (lab if kind == "lab" else lesson).total_minutes, row


# -- links ---------------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """The anchor GitHub (and MyST with heading anchors) gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    headings = re.findall(
        r"^#{1,6} (.*)$", re.sub(r"```.*?```", "", page.read_text(), flags=re.S), re.M
    )
    return {slug(h) for h in headings}


def test_slug_follows_github() -> None:
    assert slug("The twelve-week course") == "the-twelve-week-course"
    assert slug("Unit 03") == "unit-03"
    assert slug("Collecting and grading with `tools/grade_labs.py`") == (
        "collecting-and-grading-with-toolsgrade_labspy"
    )


@pytest.mark.parametrize("page", sorted(GUIDE.rglob("*.md")), ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target):
            continue  # an absolute URL
        path, _, anchor = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            broken.append(f"{target} (no file)")
        elif anchor and resolved.suffix == ".md" and anchor not in anchors(resolved):
            broken.append(f"{target} (no heading #{anchor})")
    assert not broken, f"{page.relative_to(ROOT)}: broken links {broken}"


# -- the counting rules on small notebooks ---------------------------------------------------------


def notebook(*cells) -> nbformat.NotebookNode:
    return new_notebook(cells=list(cells))


def test_reading_counts_skip_what_nobody_reads() -> None:
    nb = notebook(
        new_markdown_cell(
            "# Title\n\nFour words of hook.\n\n" + nbs.BADGES_START + "\n[![x](https://a.b/c.svg)]"
            "(https://a.b)\n" + nbs.BADGES_END
        ),
        new_code_cell("import a\nimport b", metadata={"tags": ["setup"]}),
        new_markdown_cell("See [the lab](../labs/x.ipynb) at https://example.org <b>now</b>."),
        new_code_cell("x = 1\n\ny = 2\n"),
        new_markdown_cell(
            "## Summary\n\nDone.\n\n## References\n\n* Long list of many words.\n\n## Next\n\nGo."
        ),
    )
    words, lines = times.reading_counts(nb)
    # Title, Four words of hook | See the lab at now | Summary Done | Next Go
    assert (words, lines) == (5 + 5 + 2 + 2, 2)


def test_lesson_items_count_demos_prompts_and_questions() -> None:
    nb = notebook(
        new_code_cell("d = explore(Model)\nexplore(Other, rng=1)"),
        new_markdown_cell("**What do you notice?** ... what do you notice here?"),
        new_markdown_cell(
            "## Check your understanding\n\n1. Why?\n2. How?\n\n<details><summary>Answer</summary>"
            "\n\n1. Because.\n2. So.\n</details>"
        ),
    )
    assert times.lesson_items(nb) == {"dashboard": 2, "notice": 2, "question": 2}


def test_lab_items_follow_the_sections() -> None:
    nb = notebook(
        new_markdown_cell("## Exercise 1 (guided): a"),
        new_code_cell("check_exercise_1(f)"),
        new_markdown_cell("## Exercise 2 — b"),
        new_code_cell("def g():\n    pass"),
        new_code_cell("check_exercise_2(g)"),
        new_markdown_cell("## Exercise 3 (open): design it"),
        new_code_cell("check_exercise_3(h)  "),
        new_markdown_cell("## Open question — argue"),
        new_markdown_cell("## References\n\n* x"),
    )
    assert times.lab_items(nb) == {
        "guided": 1,
        "exercise": 1,
        "open exercise": 1,
        "open question": 1,
        "notice": 0,
    }
    assert lab_structure.open_question(nb).title == "Open question — argue"
    assert lab_structure.check_names(nb) == [
        "check_exercise_1",
        "check_exercise_2",
        "check_exercise_3",
    ]


def test_a_lab_needs_exactly_one_open_question() -> None:
    with pytest.raises(ValueError, match="exactly one open question"):
        lab_structure.open_question(notebook(new_markdown_cell("## Exercise 1")))
    with pytest.raises(TypeError, match="needs a notebook"):
        lab_structure.sections("## Exercise 1")


def test_objectives_are_read_from_a_translated_heading_too() -> None:
    nb = notebook(
        new_markdown_cell("## Lernziele (Learning objectives)\n\n1. **Run** it.\n2. **Say** why.")
    )
    assert times.objectives(nb) == ["**Run** it.", "**Say** why."]
    with pytest.raises(ValueError, match="Learning objectives"):
        times.objectives(notebook(new_markdown_cell("## Objectives")))


def test_totals_round_up_to_five_minutes() -> None:
    t = times.NotebookTime("a", "a", 59.0, words=151, code_lines=0, items={"exercise": 1})
    assert (t.reading_minutes, t.exercise_minutes, t.total_minutes) == (2, 20, 25)
    assert times.round_up(20) == 20 and times.round_up(20.01) == 25


def test_bad_input_is_refused(timings: dict) -> None:
    with pytest.raises(ValueError, match="unit must be one of"):
        times.notebook_path("lessons", "12")
    with pytest.raises(ValueError, match="not a lesson, solution or capstone"):
        times.measure([ROOT / "README.md"])
    broken = copy.deepcopy(timings)
    del broken["notebooks"]["lessons/02_conflict.ipynb"]
    with pytest.raises(ValueError, match="--measure lessons/02_conflict.ipynb"):
        times.unit_times("02", broken)
    with pytest.raises(ValueError, match="unknown generated block 'nope'"):
        times.regenerate("<!-- generated: nope -->\nx\n<!-- /generated -->", timings)
