"""Steps per second of three spatial prisoner's dilemma engines, in one run.

    python benchmarks/spatial_pd_speed.py            # 50x50, 100x100, 200x200
    python benchmarks/spatial_pd_speed.py --quick    # fewer steps

Engines: the course's readable Mesa model (:class:`mesa_models.conflict.spatial_pd.SpatialPD`), its
NumPy engine (:class:`mesa_models.conflict.spatial_pd_fast.SpatialPDArray`) and Mesa's own example
``mesa.examples.advanced.pd_grid.model.PdGrid`` with ``activation_order="Simultaneous"``
(note: Mesa's example accumulates scores over time, so it is a speed reference only, not
the same dynamics). Single process; each engine is built first (not timed), then stepped.
"""

from __future__ import annotations

import argparse
import time

from mesa.examples.advanced.pd_grid.model import PdGrid

from mesa_models.conflict.spatial_pd import SpatialPD
from mesa_models.conflict.spatial_pd_fast import SpatialPDArray

SIZES = (50, 100, 200)
ENGINES = {
    "Mesa example PdGrid": lambda n: PdGrid(
        width=n, height=n, activation_order="Simultaneous", rng=0
    ),
    "course Mesa SpatialPD": lambda n: SpatialPD(width=n, height=n, b=1.9, rng=0),
    "course NumPy SpatialPDArray": lambda n: SpatialPDArray(width=n, height=n, b=1.9, rng=0),
}


def steps_per_second(make, size: int, min_seconds: float, max_steps: int) -> float:
    model = make(size)
    model.step()  # warm-up
    steps, start = 0, time.perf_counter()
    while steps < max_steps and (steps < 2 or time.perf_counter() - start < min_seconds):
        model.step()
        steps += 1
    return steps / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="shorter timing runs")
    args = parser.parse_args(argv)
    min_seconds = 0.5 if args.quick else 2.0
    table = {
        name: [steps_per_second(make, n, min_seconds, 2000) for n in SIZES]
        for name, make in ENGINES.items()
    }
    print(f"{'engine':30s}" + "".join(f"{f'{n}x{n}':>12s}" for n in SIZES) + "   (steps/s)")
    for name, row in table.items():
        print(f"{name:30s}" + "".join(f"{v:12.1f}" for v in row))
    base = table["Mesa example PdGrid"]
    fast = table["course NumPy SpatialPDArray"]
    print(
        f"{'NumPy speed-up vs PdGrid':30s}"
        + "".join(f"{f / b:11.0f}x" for f, b in zip(fast, base, strict=True))
    )
    print(f"NumPy step at 100x100 (lesson default): {1000 / fast[1]:.2f} ms")


if __name__ == "__main__":
    main()
