"""Benchmarks and budgets: one table, every figure beside its budget (DESIGN.md §7).

    make bench                                # everything (a few minutes)
    python benchmarks/run.py --quick          # shorter model timings, notebooks still run in full
    python benchmarks/run.py --notebooks-only # or --models-only
    python benchmarks/run.py --suite          # also time the whole test suite (`pytest`, like `make test`)

Everything runs pinned to one CPU core (``sched_setaffinity``; children inherit it), as a
student's notebook or a CI job on a shared machine would. Rows:

* notebook: every notebook in lessons/, solutions/ and labs/ executed from a fresh kernel
  with nbclient in a subprocess (kernel start included): wall time (budget < 60 s) and the
  kernel's peak resident memory (budget < 1 GB);
* model: steps per second of every ``CASES`` entry in ``benchmarks/cases_*.py``
  (``(label, setup, steps)``, ``setup()`` returns a one-step callable) and of every
  ``RiskModel`` subclass in ``mesa_models`` at its default parameters;
* demo: the ``explore(Model)`` dashboard's Step at default parameters — one model step,
  the redraw and the PNG the notebook displays (budget < 0.5 s: "well under a second");
* import: ``import mesa_models`` in a fresh interpreter (median of 5);
* suite (with ``--suite``): wall time of the whole test suite (budget < 20 min).

Exit status 1 if any figure is OVER its budget or anything failed (ERROR), else 0.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import inspect
import io
import json
import os
import pkgutil
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from notebooks import NOTEBOOK_DIRS  # noqa: E402  (lessons, solutions, labs, capstone)
NOTEBOOK_SECONDS = 60.0
NOTEBOOK_BYTES = 1 << 30
REDRAW_SECONDS = 0.5
SUITE_SECONDS = 20 * 60
NOTEBOOK_TIMEOUT = 600  # s: a notebook slower than this is reported as ERROR

# Executed in a subprocess: run one notebook with nbclient, report time and the kernel's
# peak RSS (the kernel is a child of this process; getrusage(RUSAGE_CHILDREN) after it
# exits gives the largest child's peak resident set, in KiB on Linux).
NOTEBOOK_RUNNER = r"""
import json, resource, sys, time
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": sys.argv[2]}})
start = time.perf_counter()
error = None
try:
    client.execute()  # cells tagged raises-exception may fail; any other error stops here
except Exception as exc:
    error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1][:200] if str(exc).strip() else ''}"
seconds = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("RESULT " + json.dumps({"seconds": seconds, "peak_bytes": peak_kib * 1024, "error": error}))
"""


class Table:
    """Rows of (kind, item, measure, value, budget, status); printed once at the end."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str, str]] = []

    def add(
        self,
        kind: str,
        item: str,
        measure: str,
        value: str,
        budget: str = "-",
        status: str = "info",
    ) -> None:
        self.rows.append((kind, item, measure, value, budget, status))
        print(
            f"  {kind:<8} {item[:60]:<60} {measure:<12} {value:>14}  {budget:<9} {status}",
            file=sys.stderr,
            flush=True,
        )

    def budget(
        self,
        kind: str,
        item: str,
        measure: str,
        value: float,
        limit: float,
        fmt: Callable[[float], str],
    ) -> None:
        self.add(
            kind, item, measure, fmt(value), f"< {fmt(limit)}", "PASS" if value < limit else "OVER"
        )

    def print(self) -> None:
        header = ("kind", "item", "measure", "value", "budget", "status")
        widths = [max(len(str(r[i])) for r in [header, *self.rows]) for i in range(len(header))]
        line = "  ".join("{:<%d}" % w if i != 3 else "{:>%d}" % w for i, w in enumerate(widths))
        print(line.format(*header))
        print("  ".join("-" * w for w in widths))
        for row in self.rows:
            print(line.format(*row))
        counts = {s: sum(r[5] == s for r in self.rows) for s in ("PASS", "OVER", "ERROR")}
        print(
            f"\n{counts['PASS']} PASS, {counts['OVER']} OVER, {counts['ERROR']} ERROR "
            f"(one core; budgets from DESIGN.md §7)"
        )

    @property
    def failed(self) -> bool:
        return any(r[5] in ("OVER", "ERROR") for r in self.rows)


def seconds(value: float) -> str:
    return f"{value:.3g} s" if value < 10 else f"{value:.0f} s"


def megabytes(value: float) -> str:
    return f"{value / 2**20:.0f} MB" if value < 2**30 else f"{value / 2**30:.3g} GB"


def rate(value: float) -> str:
    return f"{value:,.0f}/s" if value >= 10 else f"{value:.2f}/s"


def pin_to_one_core() -> str:
    """Pin this process (and so every child) to one CPU; return which, for the header."""
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity)"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"pinned to CPU {core}"


# -- notebooks ----------------------------------------------------------------------------------


def notebooks() -> list[Path]:
    return sorted(p for d in NOTEBOOK_DIRS for p in (ROOT / d).glob("*.ipynb"))


def bench_notebooks(table: Table, paths: list[Path] | None = None) -> dict[str, dict]:
    """Run each notebook (default: all) in a fresh kernel; add its time and peak memory to
    ``table`` and return them as ``{path: {"seconds", "peak_bytes", "error"}}``."""
    env = {k: v for k, v in os.environ.items() if k != "RISKLAB_EXPECT"}
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    results: dict[str, dict] = {}
    for path in notebooks() if paths is None else paths:
        rel = path.relative_to(ROOT).as_posix()
        try:
            done = subprocess.run(
                [sys.executable, "-c", NOTEBOOK_RUNNER, str(path), str(path.parent)],
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
                timeout=NOTEBOOK_TIMEOUT,
            )
        except subprocess.TimeoutExpired:
            table.add(
                "notebook",
                rel,
                "time",
                f"> {NOTEBOOK_TIMEOUT} s",
                f"< {seconds(NOTEBOOK_SECONDS)}",
                "ERROR",
            )
            results[rel] = {"seconds": None, "peak_bytes": None, "error": "timeout"}
            continue
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
        if not lines:
            table.add("notebook", rel, "time", "runner failed", "-", "ERROR")
            print(done.stderr[-2000:], file=sys.stderr)
            results[rel] = {"seconds": None, "peak_bytes": None, "error": "runner failed"}
            continue
        result = json.loads(lines[-1][7:])
        results[rel] = {key: result[key] for key in ("seconds", "peak_bytes", "error")}
        if result["error"]:
            table.add("notebook", rel, "error", result["error"][:40], "no error", "ERROR")
        table.budget("notebook", rel, "time", result["seconds"], NOTEBOOK_SECONDS, seconds)
        table.budget(
            "notebook", rel, "peak memory", result["peak_bytes"], NOTEBOOK_BYTES, megabytes
        )
    return results


# -- models -------------------------------------------------------------------------------------


def steps_per_second(step: Callable[[], object], steps: int | None, min_seconds: float) -> float:
    """``steps`` calls of ``step`` (or as many as fit in ``min_seconds``), per second."""
    step()  # warm-up (caches, first allocation)
    count, start = 0, time.perf_counter()
    while True:
        step()
        count += 1
        elapsed = time.perf_counter() - start
        if (steps is not None and count >= steps) or (
            steps is None and (elapsed >= min_seconds or count >= 5000)
        ):
            return count / elapsed


def case_files() -> list[Path]:
    return sorted((ROOT / "benchmarks").glob("cases_*.py"))


def bench_cases(table: Table, quick: bool) -> None:
    for path in case_files():
        try:
            spec = importlib.util.spec_from_file_location(f"risklab_bench_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            cases = module.CASES
        except Exception as error:  # a broken cases file must not hide the others
            table.add("model", path.name, "import", f"{type(error).__name__}", "-", "ERROR")
            print(f"{path.name}: {error}", file=sys.stderr)
            continue
        for label, setup, steps in cases:
            try:
                step = setup()
                n = max(1, steps // 5) if quick else steps
                table.add(
                    "model",
                    f"{label} [{path.stem.removeprefix('cases_')}]",
                    "steps/s",
                    rate(steps_per_second(step, n, 0)),
                )
            except Exception as error:
                table.add("model", label, "steps/s", type(error).__name__, "-", "ERROR")
                print(f"{label}: {error}", file=sys.stderr)


def risk_models() -> tuple[list[type], list[tuple[str, str]]]:
    """Every RiskModel subclass defined in mesa_models (and import errors by module)."""
    import mesa_models
    from mesa_models.base import RiskModel

    found: dict[str, type] = {}
    errors = []
    for info in pkgutil.walk_packages(mesa_models.__path__, "mesa_models."):
        try:
            module = importlib.import_module(info.name)
        except Exception as error:
            errors.append((info.name, f"{type(error).__name__}: {error}"))
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, RiskModel) and cls is not RiskModel and cls.__module__ == info.name:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[k] for k in sorted(found)], errors


def bench_risk_models(table: Table, quick: bool) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from mesa_models.explore import Dashboard

    classes, errors = risk_models()
    for name, error in errors:
        table.add("model", name, "import", error[:40], "-", "ERROR")
    for cls in classes:
        label = f"{cls.__name__} (defaults)"
        try:
            model = cls(rng=0)
        except Exception as error:
            table.add(
                "model", label, "steps/s", f"not buildable: {type(error).__name__}", "-", "info"
            )
            continue
        try:
            table.add(
                "model",
                label,
                "steps/s",
                rate(steps_per_second(model.step, None, 0.25 if quick else 1.0)),
            )
            table.budget(
                "demo",
                f"explore({cls.__name__}) Step",
                "redraw",
                redraw_seconds(Dashboard, cls, 2 if quick else 5),
                REDRAW_SECONDS,
                seconds,
            )
        except Exception as error:
            table.add("model", label, "steps/s", type(error).__name__, "-", "ERROR")
            print(f"{label}: {error}", file=sys.stderr)


def redraw_seconds(dashboard_cls: type, model_cls: type, repeats: int) -> float:
    """Median time of one dashboard Step: model step, figure redraw, and the PNG the
    inline backend sends (same settings as matplotlib_inline: tight bounding box)."""
    import matplotlib.pyplot as plt

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # plt.show() under Agg says it cannot show
        dashboard = dashboard_cls(model_cls)
        times = []
        for _ in range(repeats + 1):
            start = time.perf_counter()
            dashboard.step()
            dashboard.figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")
            times.append(time.perf_counter() - start)
        plt.close("all")
    return statistics.median(times[1:])  # the first includes warm-up


def bench_import(table: Table) -> None:
    code = (
        "import time; t = time.perf_counter(); import mesa_models; print(time.perf_counter() - t)"
    )
    runs = []
    for _ in range(5):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
        )
        if done.returncode != 0:
            table.add("import", "import mesa_models", "time", "failed", "-", "ERROR")
            print(done.stderr[-1500:], file=sys.stderr)
            return
        runs.append(float(done.stdout.strip().splitlines()[-1]))
    table.add(
        "import",
        "import mesa_models (fresh interpreter, median of 5)",
        "time",
        seconds(statistics.median(runs)),
    )


def bench_suite(table: Table) -> None:
    """The whole test suite, as `make test` runs it (after setup)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    summary = (done.stdout.strip().splitlines() or ["?"])[-1]
    table.budget(
        "suite", f"pytest (make test): {summary[:60]}", "wall time", elapsed, SUITE_SECONDS, seconds
    )
    if done.returncode != 0:
        table.add("suite", "pytest exit status", "status", str(done.returncode), "0", "ERROR")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--notebooks-only", action="store_true", help="only execute the notebooks")
    only.add_argument(
        "--models-only", action="store_true", help="only model speed, demo redraw and import time"
    )
    parser.add_argument("--quick", action="store_true", help="shorter model timings")
    parser.add_argument(
        "--suite", action="store_true", help="also time the whole test suite (minutes)"
    )
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    where = pin_to_one_core()
    print(
        f"Benchmarks on {os.cpu_count()} CPUs, {where}; Python {sys.version.split()[0]}", flush=True
    )
    table = Table()
    with contextlib.redirect_stdout(sys.stderr):  # models' own prints stay out of the table
        if not args.models_only:
            bench_notebooks(table)
        if not args.notebooks_only:
            bench_import(table)
            bench_cases(table, args.quick)
            bench_risk_models(table, args.quick)
        if args.suite:
            bench_suite(table)
    print()
    table.print()
    return 1 if table.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
