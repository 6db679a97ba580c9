"""MAST as the course states it: 14 failure modes in 3 categories (5, 6, 3), codes that
match their category, and traces that cover every category."""

from __future__ import annotations

import pytest

from mesa_models.governance.mast import CATEGORIES, MODES, TRACES, category_of, show_trace


def test_taxonomy_shape():
    assert len(MODES) == 14 and list(CATEGORIES) == ["FC1", "FC2", "FC3"]
    counts = {c: sum(m.category == c for m in MODES.values()) for c in CATEGORIES}
    assert counts == {"FC1": 5, "FC2": 6, "FC3": 3}
    for code, mode in MODES.items():
        assert code == mode.code and code[3] == mode.category[2]  # FM-2.x belongs to FC2
    assert [CATEGORIES[c][0] for c in CATEGORIES] == [
        "Specification issues",
        "Inter-agent misalignment",
        "Task verification",
    ]


def test_traces_cover_every_category_three_times():
    per = {c: [t for t, tr in TRACES.items() if tr.category == c] for c in CATEGORIES}
    assert all(len(v) == 3 for v in per.values())
    assert len({tr.mode for tr in TRACES.values()}) == len(TRACES)  # no mode twice
    for trace_id, trace in TRACES.items():
        assert trace.mode in MODES and len(trace.lines) >= 3
        assert trace_id in show_trace(trace_id)


def test_lookups_refuse_unknown_codes():
    assert category_of("FM-3.3") == "FC3"
    with pytest.raises(ValueError, match="'mode'"):
        category_of("FM-4.1")
    with pytest.raises(ValueError, match="'trace_id'"):
        show_trace("T99")
