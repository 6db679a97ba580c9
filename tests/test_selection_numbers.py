"""Every number stated in the prose of lessons/06_selection_pressures.ipynb and in the model
answer of solutions/06_selection_pressures_lab.ipynb, recomputed with the notebooks' seeds and
rounded as the prose rounds it. Full-scale figures quoted from the benchmark are checked
against the record in benchmarks/selection_full.py."""

import importlib.util
import math
from pathlib import Path

import nbformat
import numpy as np
import pytest

from mesa_models import run
from mesa_models.selection import (
    HawkDoveArray,
    contest,
    false_discovery_rate,
    fixation_probability,
    hawk_share_runs,
    mean_field,
    simulate_cached,
    simulate_fixation,
)
from mesa_models.selection.bad_science_fast import lab_rates
from mesa_models.selection.lab import judge_policy

ROOT = Path(__file__).resolve().parent.parent
LESSON = ROOT / "lessons" / "06_selection_pressures.ipynb"
SOLUTION = ROOT / "solutions" / "06_selection_pressures_lab.ipynb"


def prose(path: Path) -> str:
    return "\n".join(
        c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"
    )


# -- Section 2: Hawk–Dove ------------------------------------------------------------------------------
def test_section_2_hawk_dove():
    frame = run(HawkDoveArray, 100, rng=0, n_agents=10_000, V=2.0, C=5.0, initial_hawks=0.1)
    gap = np.abs(
        frame["hawks"].to_numpy() - mean_field(frame["hawks"].iloc[0], 100, V=2.0, C=5.0)
    ).max()
    assert f"{gap:.3f}" == "0.018"
    shares = hawk_share_runs(range(8), 600, 100, n_agents=1000, V=2.0, C=5.0)
    assert (
        f"{shares.mean():.4f}" == "0.4015"
        and f"{shares.std(ddof=1) / math.sqrt(8):.4f}" == "0.0006"
    )
    assert f"{2 / 5 + 1 / 1000:.3f}" == "0.401"
    hawks = run(HawkDoveArray, 200, rng=0, n_agents=1000, V=4.0, C=2.0, initial_hawks=0.1)["hawks"]
    assert int((hawks >= 0.95).idxmax()) == 15 and hawks.iloc[-1] == 1.0  # "fill the population"
    hawks = run(HawkDoveArray, 200, rng=0, n_agents=1000, V=3.0, C=3.0, initial_hawks=0.1)["hawks"]
    assert f"{hawks.iloc[-1]:.0%}" == "99%"


# -- Section 3: Moran ---------------------------------------------------------------------------------
def test_section_3_fixation():
    worst = 0.0
    for r, n in [(1.1, 10), (0.9, 10), (1.1, 50), (0.9, 50), (1.5, 20), (1.0, 20)]:
        result = simulate_fixation(r, n, 20_000, rng=0)
        worst = max(worst, abs(result.probability - result.exact) / result.standard_error)
    assert worst < 2  # "within two standard errors"
    assert f"{10 * fixation_probability(1.01, 10):.2f}" == "1.05"
    assert f"{1000 * fixation_probability(1.01, 1000):.1f}" == "9.9"
    assert f"{10 * fixation_probability(0.99, 10):.2f}" == "0.96"
    assert f"{1000 * fixation_probability(0.99, 1000):.4f}" == "0.0004"


# -- Section 4: Smaldino & McElreath --------------------------------------------------------------------
def test_section_4_rates_table():
    def claims(effort):
        alpha, h = lab_rates(effort, 0.8, 0.2)
        return h * (0.1 * 0.8 + 0.9 * alpha)

    ratio = claims(1) / claims(75)
    assert 8.5 < ratio < 9  # "almost nine times as many claims"
    assert f"{false_discovery_rate(0.1, 0.8, lab_rates(1, 0.8, 0.2)[0]):.0%}" == "88%"
    assert f"{false_discovery_rate(0.1, 0.8, lab_rates(75, 0.8, 0.2)[0]):.0%}" == "36%"


def test_section_4_decline_at_the_papers_scale():
    runs = simulate_cached((1,), 1_000_000, record_every=10_000)
    effort, fdr = runs.effort[0], runs.false_discovery_rate[0]
    assert f"{fdr[1]:.2f}" == "0.36" and f"{np.nanmean(fdr[-10:]):.2f}" == "0.88"
    assert f"{effort[30]:.0f}" == "47"
    assert runs.steps[np.argmax(effort < 10)] == 500_000
    assert f"{effort[-1]:.0f}" == "1"


def test_section_4_contests():
    wins = {
        r: contest(range(24), low_effort=60.0, high_effort=75.0, replication=r).low_wins
        for r in (0.0, 0.5)
    }
    assert f"{wins[0.0]:.0%}" == "100%" and f"{wins[0.5]:.0%}" == "75%"
    audits = {}
    for name, policy in {
        "a20": {"audit_rate": 0.2},
        "a40": {"audit_rate": 0.4},
        "vet": {"vetted_claims": 1},
    }.items():
        result = contest(range(24), low_effort=50.0, high_effort=75.0, max_steps=60_000, **policy)
        audits[name] = (result.low_wins, np.nanmean(result.audits_per_claim))
    assert f"{audits['a20'][0]:.0%}" == "100%" and f"{audits['a40'][0]:.0%}" == "4%"
    assert audits["vet"][0] * 24 == 3  # "3 of 24"
    assert f"{audits['vet'][1]:.2f}" == "0.18"


def test_section_4_vetting_at_the_papers_scale():
    runs = simulate_cached((1,), 1_000_000, record_every=10_000, vetted_claims=1)
    assert f"{runs.effort[0, -10:].mean():.0f}" == "70"
    assert f"{np.nanmean(runs.false_discovery_rate[0, -10:]):.2f}" == "0.38"
    assert f"{np.nanmean(runs.audits_per_claim[0, 1:]):.2f}" == "0.19"


def test_check_your_understanding_numbers():
    assert 3 / 12 == 0.25 and 3 / 6 == 0.5
    assert f"{fixation_probability(1.02, 10):.2f}" == "0.11"
    assert f"{fixation_probability(1.02, 1000):.4f}" == "0.0196"
    assert round(fixation_probability(1.02, 1000) / 0.001) == 20


def test_lab_model_answer_numbers():
    vet = judge_policy({"vetted_claims": 1})
    assert vet["low_wins"] == 0.125 and f"{vet['audits_per_claim']:.2f}" == "0.18"
    text = prose(SOLUTION)
    assert "3 of 24" in text and "0.18 audits per claim" in text


def test_full_scale_figures_are_quoted_from_the_benchmark_record():
    spec = importlib.util.spec_from_file_location(
        "selection_full", ROOT / "benchmarks" / "selection_full.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    text = prose(LESSON)
    for name in ("none", "rep0.5", "vet1"):
        record = bench.MEASURED[name]
        assert all(record[k] is not None for k in ("effort", "fdr", "below10")), (
            f"benchmark record for {name} is missing"
        )
        assert bench.quote(name) in text, (
            f"the lesson should quote the benchmark for {name}: {bench.quote(name)!r}"
        )
    assert bench.quote_hawk_dove() in text
