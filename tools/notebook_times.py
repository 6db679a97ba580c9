"""How long each notebook takes a student: measured run time, reading time, exercise time.

    python tools/notebook_times.py --measure   # time every lesson, solution and the capstone
                                               # starter on one core; write instructors/timings.json
    python tools/notebook_times.py             # regenerate the time tables in instructors/*.md
    python tools/notebook_times.py --check     # exit 1 if a generated block is out of date

Three parts, each stated so an instructor can redo it:

* **run time** — measured, never estimated: ``benchmarks/run.py``'s notebook timing (a fresh
  kernel per notebook, one CPU core, kernel start included), stored with the command, date
  and machine in ``instructors/timings.json``. A lab's run time is its solution's (a finished
  lab runs the same code).
* **reading time** — computed from the current notebook: prose words at
  :data:`PROSE_WORDS_PER_MINUTE`, code lines at :data:`CODE_LINES_PER_MINUTE`. Labs are read
  in the student version (``labs/``), without the solutions.
* **exercise time** — counted items times stated minutes (:data:`MINUTES`): in a lesson each
  dashboard, *What do you notice?* prompt and *Check your understanding* question; in a lab
  each checked exercise (guided, plain or open/design) and the open question.

The instructors' guide shows these numbers in blocks between ``<!-- generated: KEY -->`` and
``<!-- /generated -->``; this tool writes them and ``tests/test_instructors.py`` fails when a
block disagrees with the data and the notebooks as they are now.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import importlib.util
import json
import math
import os
import platform
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab_structure  # noqa: E402
import notebooks as nbs  # noqa: E402

ROOT = nbs.ROOT
GUIDE = ROOT / "instructors"
TIMINGS = GUIDE / "timings.json"
CAPSTONE = GUIDE / "capstone" / "capstone_starter.ipynb"
UNITS = tuple(f"{n:02d}" for n in range(12))

#: Reading speed for prose. Brysbaert (2019, doi:10.1016/j.jml.2019.104047) finds 238 words
#: per minute for silent reading of English non-fiction by adults; the course assumes 150 for
#: its dense technical text (formulas, numbers, many readers in a second language).
PROSE_WORDS_PER_MINUTE = 150
#: Reading speed for code cells (the course's assumption: about 3 s per line).
CODE_LINES_PER_MINUTE = 20
#: Minutes per item (the course's assumption; see instructors/syllabus.md).
MINUTES = {
    "dashboard": 5,  # an explore(...) demo: move the sliders, press Run a few times
    "notice": 2,  # a "What do you notice?" prompt
    "question": 3,  # a "Check your understanding" question, before opening the answer
    "guided": 10,  # a guided lab exercise (heading says "guided")
    "exercise": 20,  # a checked lab exercise
    "open exercise": 30,  # a checked exercise marked "open" or "design"
    "open question": 30,  # the lab's written argument backed by a plot
}
ROUND_TO = 5  # totals are rounded up to 5 minutes

GENERATED = re.compile(
    r"(<!-- generated: (?P<key>[\w.-]+) -->\n)(?P<body>.*?)(<!-- /generated -->)", re.S
)


# -- measuring ------------------------------------------------------------------------------


def load_benchmarks():
    """``benchmarks/run.py`` as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location(
        "risklab_benchmarks_run", ROOT / "benchmarks" / "run.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(only: list[Path] | None = None) -> dict:
    """Run the benchmark's notebook timing on lessons, solutions and the capstone starter
    (or only the given notebooks) and return ``{path: {"seconds", "peak_mb", "error"}}``."""
    bench = load_benchmarks()
    found = [p for p in bench.notebooks() if p.parent.name != "labs"]
    paths = found
    if only is not None:
        wanted = {p.resolve() for p in only}
        unknown = wanted - {p.resolve() for p in found}
        if unknown:
            raise ValueError(f"not a lesson, solution or capstone notebook: {sorted(unknown)}")
        paths = [p for p in found if p.resolve() in wanted]
    where = bench.pin_to_one_core()
    results = bench.bench_notebooks(bench.Table(), paths)
    print(f"({where})", file=sys.stderr)
    return {
        rel: {
            "seconds": None if r["seconds"] is None else round(r["seconds"], 1),
            "peak_mb": None if r["peak_bytes"] is None else round(r["peak_bytes"] / 2**20, 1),
            "error": r["error"],
        }
        for rel, r in results.items()
    }


def machine() -> dict:
    """What the timings were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "pinned": "one core (benchmarks/run.py pin_to_one_core)",
    }


def write_timings(results: dict, command: str | None, wall_seconds: float = 0.0) -> dict:
    """Merge ``results`` into instructors/timings.json and return the data. Every entry
    carries its date; ``command`` (a full run) also sets the file's command, date and
    machine and how long the whole run took, which a partial re-measurement
    (``command=None``) leaves as they are."""
    data = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {"notebooks": {}}
    today = dt.date.today().isoformat()
    for entry in results.values():
        entry["date"] = today
    data["notebooks"].update(results)
    data["notebooks"] = dict(sorted(data["notebooks"].items()))
    if command is not None or "command" not in data:
        data.update(
            command=command or "python tools/notebook_times.py --measure",
            date=today,
            wall_seconds=round(wall_seconds),
            machine=machine(),
            note="seconds: wall time of a fresh kernel running the notebook top to bottom, "
            "on one core of a shared machine, so expect a few seconds of noise",
        )
    TIMINGS.parent.mkdir(parents=True, exist_ok=True)
    TIMINGS.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return data


def load_timings() -> dict:
    if not TIMINGS.exists():
        raise FileNotFoundError(
            f"{TIMINGS.relative_to(ROOT)} is missing: run python tools/notebook_times.py --measure"
        )
    return json.loads(TIMINGS.read_text())


# -- reading and exercises --------------------------------------------------------------------

REFERENCES = re.compile(r"^## [^\n]*\bReferences\b.*?(?=^## |\Z)", re.S | re.M | re.I)
NOISE = (
    re.compile(re.escape(nbs.BADGES_START) + ".*?" + re.escape(nbs.BADGES_END), re.S),
    re.compile(r"<!--.*?-->", re.S),  # comments, solution markers
    re.compile(r"\]\([^)]*\)"),  # link targets (the link text stays)
    re.compile(r"https?://\S+"),
    re.compile(r"<[^>]+>"),  # HTML tags (their text stays)
)
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
DETAILS = re.compile(r"<details>.*?</details>", re.S)
NUMBERED = re.compile(r"^\s*\d+\.\s", re.M)


def prose(markdown: str) -> str:
    """The text a student reads in a markdown cell: no badges, comments, link targets,
    URLs, tags or reference list."""
    text = REFERENCES.sub("", markdown)
    for pattern in NOISE:
        text = pattern.sub(" " if pattern.pattern != r"\]\([^)]*\)" else "]", text)
    return text


def count_words(text: str) -> int:
    return len(WORD.findall(text))


def reading_counts(nb) -> tuple[int, int]:
    """(prose words, non-blank code lines) of a notebook, without the generated setup cell."""
    words = lines = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            words += count_words(prose(cell.source))
        elif cell.cell_type == "code" and nbs.SETUP_TAG not in cell.metadata.get("tags", []):
            lines += sum(1 for line in cell.source.splitlines() if line.strip())
    return words, lines


def lesson_items(nb) -> dict[str, int]:
    """Dashboards, *What do you notice?* prompts and *Check your understanding* questions."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    questions = sum(
        len(NUMBERED.findall(DETAILS.sub("", source)))
        for source in markdown
        if "check your understanding" in source.split("\n", 1)[0].lower()
    )
    return {
        "dashboard": len(re.findall(r"\bexplore\(", code)),
        "notice": sum(s.lower().count("what do you notice") for s in markdown),
        "question": questions,
    }


def lab_items(nb) -> dict[str, int]:
    """Checked exercises by kind, the open question and *What do you notice?* prompts."""
    kinds = [s.kind for s in lab_structure.sections(nb)]
    items = {k: kinds.count(k) for k in ("guided", "exercise", "open exercise", "open question")}
    items["notice"] = sum(
        c.source.lower().count("what do you notice") for c in nb.cells if c.cell_type == "markdown"
    )
    return items


def round_up(minutes: float) -> int:
    return int(math.ceil(minutes / ROUND_TO - 1e-9) * ROUND_TO)


@dataclass(frozen=True)
class NotebookTime:
    """A student's time for one notebook: measured run, computed reading and exercises."""

    read: str  # the notebook a student reads (repository-relative)
    timed: str  # the notebook whose run was measured
    run_seconds: float
    words: int
    code_lines: int
    items: dict

    @property
    def reading_minutes(self) -> int:
        return math.ceil(
            self.words / PROSE_WORDS_PER_MINUTE + self.code_lines / CODE_LINES_PER_MINUTE
        )

    @property
    def exercise_minutes(self) -> int:
        return sum(MINUTES[kind] * n for kind, n in self.items.items())

    @property
    def total_minutes(self) -> int:
        return round_up(self.reading_minutes + self.exercise_minutes + self.run_seconds / 60)


def notebook_path(folder: str, unit: str) -> Path:
    """``lessons/NN_topic.ipynb`` (or solutions/, labs/) for unit ``NN``."""
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    found = sorted((ROOT / folder).glob(f"{unit}_*.ipynb"))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one {folder}/{unit}_*.ipynb, found {len(found)}")
    return found[0]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def notebook_time(read: Path, timed: Path, timings: dict, kind: str) -> NotebookTime:
    """The time of ``read`` (a lesson, lab or the capstone starter), run time of ``timed``."""
    entry = timings["notebooks"].get(rel(timed))
    if entry is None or entry.get("seconds") is None or entry.get("error"):
        raise ValueError(
            f"{rel(timed)}: no clean measured run time in {rel(TIMINGS)} "
            f"({entry}); run python tools/notebook_times.py --measure {rel(timed)}"
        )
    nb = nbs.read(read)
    words, lines = reading_counts(nb)
    items = {"lesson": lesson_items, "lab": lab_items}.get(kind, lambda _: {})(nb)
    return NotebookTime(rel(read), rel(timed), entry["seconds"], words, lines, items)


def unit_times(unit: str, timings: dict) -> tuple[NotebookTime, NotebookTime]:
    """(lesson, lab) times of a unit; the lab is read in labs/ and timed in solutions/."""
    lesson = notebook_path("lessons", unit)
    lab = notebook_time(
        notebook_path("labs", unit), notebook_path("solutions", unit), timings, "lab"
    )
    return notebook_time(lesson, lesson, timings, "lesson"), lab


# -- the guide's plans ------------------------------------------------------------------------

#: The 12-week course: week -> units (week 12 is the capstone; see instructors/syllabus.md).
PLAN_12 = {1: ("00", "01"), **{week: (f"{week:02d}",) for week in range(2, 12)}, 12: ()}
#: The 6-week path: the three failure modes, two risk factors, governance.
PATH_6 = {1: ("00", "01"), 2: ("02",), 3: ("03",), 4: ("05",), 5: ("10",), 6: ("11",)}
#: The one-day workshop: (what, minutes) or ("lesson"/"lab", unit) for a whole notebook.
WORKSHOP_START = 9 * 60  # 09:00
WORKSHOP = (
    ("Welcome; everyone opens the course (Colab, Binder or local) and runs a setup cell", 15),
    ("lesson", "00"),
    ("Break", 15),
    ("lab", "00"),
    ("Break", 10),
    ("lesson", "02"),
    ("Lunch", 60),
    ("lesson", "03"),
    ("Break", 15),
    ("lesson", "11"),
    ("Discussion: the lab 00 open question, then where to go next", 20),
)
BREAKS = ("Break", "Lunch")


def hours(minutes: int) -> str:
    """``45 min``, ``2 h``, ``3 h 05 min``."""
    h, m = divmod(int(minutes), 60)
    if not h:
        return f"{m} min"
    return f"{h} h" if not m else f"{h} h {m:02d} min"


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def notebook_link(path: str, from_dir: str = "instructors") -> str:
    """A relative link from a guide page in ``from_dir`` to a repository file."""
    depth = len(Path(from_dir).parts)
    return "../" * depth + path


ITEM_NAMES = {
    "dashboard": ("dashboard", "dashboards"),
    "notice": ("*notice* prompt", "*notice* prompts"),
    "question": ("question", "questions"),
    "guided": ("guided exercise", "guided exercises"),
    "exercise": ("exercise", "exercises"),
    "open exercise": ("open exercise", "open exercises"),
    "open question": ("open question", "open questions"),
}


def describe_items(items: dict) -> str:
    parts = [
        f"{n} {ITEM_NAMES[kind][n != 1]}"
        for kind, n in items.items()
        if n  # 1 -> singular
    ]
    return ", ".join(parts) or "none"


def objectives(nb) -> list[str]:
    """The numbered learning objectives of a notebook, as written there."""
    heading = re.compile(r"^## [^\n]*\bLearning objectives\b[^\n]*$", re.M | re.I)
    for cell in nb.cells:
        found = heading.search(cell.source) if cell.cell_type == "markdown" else None
        if found:
            block = re.split(r"^## ", cell.source[found.end() :], maxsplit=1, flags=re.M)[0]
            return [m.group(1).strip() for m in re.finditer(r"^\d+\.\s+(.*)$", block, re.M)]
    raise ValueError("no '## Learning objectives' section")


def time_row(label: str, t: NotebookTime, note: str = "") -> str:
    return (
        f"| [{label}]({notebook_link(t.read)}) | {t.run_seconds:.0f} s{note} "
        f"| {t.words:,} words + {t.code_lines} code lines → {t.reading_minutes} min "
        f"| {describe_items(t.items)} → {t.exercise_minutes} min | {t.total_minutes} |"
    )


def unit_block(unit: str, timings: dict) -> str:
    lesson, lab = unit_times(unit, timings)
    lab_nb, lesson_nb = nbs.read(ROOT / lab.read), nbs.read(ROOT / lesson.read)
    title = lesson_nb.cells[0].source.splitlines()[0].lstrip("# ").split(" — ", 1)[-1]
    solution = rel(notebook_path("solutions", unit))
    lines = [
        f"**{title}** — [lesson]({notebook_link(lesson.read)}) · "
        f"[lab]({notebook_link(lab.read)}) · [solution]({notebook_link(solution)})",
        "",
        "**Lesson objectives** (as the lesson states them):",
        "",
    ]
    lines += [f"{i}. {o}" for i, o in enumerate(objectives(lesson_nb), 1)]
    lines += ["", "**Lab objectives:**", ""]
    lines += [f"{i}. {o}" for i, o in enumerate(objectives(lab_nb), 1)]
    lines += ["", "**Lab exercises** (with the minutes allowed for each):", ""]
    for section in lab_structure.sections(lab_nb):
        if section.kind != "other":
            lines.append(f"* {section.title} — {MINUTES[section.kind]} min")
    lines += [
        "",
        "**Student time** (run time measured; reading and exercises computed as in "
        "[How the times are computed](#how-the-times-are-computed)):",
        "",
        "| notebook | run time (one core) | reading | exercises | total (min) |",
        "|---|---|---|---|---|",
        time_row("lesson", lesson),
        time_row("lab", lab, " (solution)"),
        f"| **unit {unit}** | | | | **{lesson.total_minutes + lab.total_minutes}** |",
    ]
    return "\n".join(lines)


def week_rows(plan: dict, timings: dict) -> tuple[list[str], int]:
    rows, total = [], 0
    for week, units in plan.items():
        if not units:
            brief = "capstone (see [the brief](capstone/brief.md))"
            rows.append(f"| {week} | {brief} | – | – | – |")
            continue
        times = [unit_times(u, timings) for u in units]
        lesson = sum(t[0].total_minutes for t in times)
        lab = sum(t[1].total_minutes for t in times)
        total += lesson + lab
        names = " + ".join(f"[{u}](#unit-{u})" for u in units)
        rows.append(f"| {week} | {names} | {lesson} | {lab} | {lesson + lab} |")
    return rows, total


def plan_block(plan: dict, timings: dict) -> str:
    rows, total = week_rows(plan, timings)
    return "\n".join(
        [
            "| week | units | lessons (min) | labs (min) | week total (min) |",
            "|---|---|---|---|---|",
            *rows,
            f"| **total** | | | | **{total}** ({hours(total)}) |",
        ]
    )


def workshop_block(timings: dict) -> str:
    now, work = WORKSHOP_START, 0
    rows = ["| start | block | minutes | minutes from |", "|---|---|---|---|"]
    for what, value in WORKSHOP:
        if what in ("lesson", "lab"):
            t = unit_times(value, timings)[what == "lab"]
            label, minutes = f"[Unit {value} {what}]({notebook_link(t.read)})", t.total_minutes
            source = f"[Unit {value}](#unit-{value})'s table"
        else:
            label, minutes, source = what, value, "planned"
        rows.append(f"| {clock(now)} | {label} | {minutes} | {source} |")
        now += minutes
        work += 0 if what in BREAKS else minutes
    rows.append(f"| {clock(now)} | end | | |")
    return "\n".join(
        [
            *rows,
            "",
            f"Working time {work} min ({hours(work)}), breaks {now - WORKSHOP_START - work} min; "
            f"{clock(WORKSHOP_START)} to {clock(now)}.",
        ]
    )


def method_block(timings: dict) -> str:
    m = timings["machine"]
    per_item = ", ".join(f"{ITEM_NAMES[k][0]} {v} min" for k, v in MINUTES.items())
    return "\n".join(
        [
            f"* **Run time — measured** with `{timings['command']}` on {timings['date']}: "
            "`benchmarks/run.py`'s notebook timing, a fresh kernel per notebook executing it "
            f"top to bottom, kernel start included, pinned to one core (CPU: {m['cpu']}, "
            f"{m['cpus']} cores shared with other jobs; Python {m['python']}). A lab's run "
            "time is its solution's. The raw numbers, with peak memory, are in "
            f"[timings.json](timings.json); a full run took "
            f"{hours(round(timings['wall_seconds'] / 60))}.",
            f"* **Reading — computed** from the notebooks as they are now: prose at "
            f"{PROSE_WORDS_PER_MINUTE} words per minute, code at {CODE_LINES_PER_MINUTE} lines "
            "per minute. These are the course's assumptions: in a meta-analysis of 190 studies, "
            "[Brysbaert (2019)](https://doi.org/10.1016/j.jml.2019.104047) puts adults' silent "
            "reading of English non-fiction at 238 words per minute (most between 175 and 300), "
            "slower for readers in a second language; our text is denser, with formulas, "
            "numbers and figures to read. Badges, HTML, links' addresses, reference lists "
            "and the setup cell are not counted; labs are read without their solutions.",
            f"* **Exercises — estimated** per item: {per_item}.",
            f"* **Total** = reading + exercises + run time, rounded up to {ROUND_TO} minutes.",
        ]
    )


def labs_block(timings: dict) -> str:
    rows = ["| lab | checks | open question | solution |", "|---|---|---|---|"]
    for unit in UNITS:
        lab = nbs.read(notebook_path("labs", unit))
        solution = rel(notebook_path("solutions", unit))
        rows.append(
            f"| [{unit}]({notebook_link(rel(notebook_path('labs', unit)))}) "
            f"| {len(lab_structure.check_names(lab))} "
            f"| {lab_structure.open_question(lab).title} "
            f"| [solution]({notebook_link(solution)}) |"
        )
    return "\n".join(rows)


def capstone_block(timings: dict) -> str:
    t = notebook_time(CAPSTONE, CAPSTONE, timings, "capstone")
    return (
        f"The starter notebook runs top to bottom in {t.run_seconds:.0f} s on one core "
        f"(measured, {timings['date']}) and reads in about {t.reading_minutes} min "
        f"({t.words:,} words + {t.code_lines} code lines, computed as in the "
        "[syllabus](../syllabus.md#how-the-times-are-computed))."
    )


def summary_block(timings: dict) -> str:
    units = {unit: unit_times(unit, timings) for unit in UNITS}
    totals = {
        unit: lesson.total_minutes + lab.total_minutes for unit, (lesson, lab) in units.items()
    }
    shortest, longest = min(totals, key=totals.get), max(totals, key=totals.get)
    runs = [t.run_seconds for pair in units.values() for t in pair]
    return (
        f"A student needs {hours(sum(totals.values()))} for the twelve units (lessons and labs), "
        f"from {totals[shortest]} min (Unit {shortest}) to {totals[longest]} min "
        f"(Unit {longest}) per unit. Running a lesson or a finished lab takes "
        f"{min(runs):.0f}–{max(runs):.0f} s on one core (measured {timings['date']}); "
        "reading and exercises make up the rest."
    )


def blocks(timings: dict) -> dict[str, Callable[[], str]]:
    """Every generated block by key (built lazily: a page asks only for its own)."""
    found = {
        "method": lambda: method_block(timings),
        "summary": lambda: summary_block(timings),
        "plan-12": lambda: plan_block(PLAN_12, timings),
        "path-6": lambda: plan_block(PATH_6, timings),
        "workshop": lambda: workshop_block(timings),
        "labs": lambda: labs_block(timings),
        "capstone": lambda: capstone_block(timings),
    }
    for unit in UNITS:
        found[f"unit-{unit}"] = functools.partial(unit_block, unit, timings)
    return found


def regenerate(text: str, timings: dict, where: str = "page") -> str:
    """``text`` with every generated block rewritten (ValueError for an unknown key)."""
    known = blocks(timings)

    def body(match: re.Match) -> str:
        key = match.group("key")
        if key not in known:
            raise ValueError(f"{where}: unknown generated block {key!r}; known: {sorted(known)}")
        return f"{match.group(1)}{known[key]()}\n{match.group(4)}"

    return GENERATED.sub(body, text)


def guide_pages() -> list[Path]:
    return sorted(GUIDE.rglob("*.md"))


def stale_pages(timings: dict) -> list[str]:
    """Guide pages whose generated blocks differ from what this tool writes now."""
    return [
        rel(page)
        for page in guide_pages()
        if regenerate(page.read_text(), timings, rel(page)) != page.read_text()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--measure",
        nargs="*",
        metavar="NOTEBOOK",
        help="time the notebooks (all lessons, solutions and the capstone starter, or only "
        "those given) and update instructors/timings.json",
    )
    mode.add_argument("--check", action="store_true", help="exit 1 if a page is out of date")
    args = parser.parse_args(argv)
    if args.measure is not None:
        only = [Path(p) for p in args.measure] or None
        start = time.perf_counter()
        results = measure(only)
        failed = {k: v for k, v in results.items() if v.get("error")}
        command = None if only else "python tools/notebook_times.py --measure"
        write_timings(results, command, time.perf_counter() - start)
        if failed:
            print(f"notebooks that failed: {failed}", file=sys.stderr)
            return 1
    timings = load_timings()
    if args.check:
        stale = stale_pages(timings)
        for page in stale:
            print(f"{page}: out of date; run python tools/notebook_times.py", file=sys.stderr)
        return 1 if stale else 0
    for page in guide_pages():
        new = regenerate(page.read_text(), timings, rel(page))
        if new != page.read_text():
            page.write_text(new)
            print(f"updated {rel(page)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
