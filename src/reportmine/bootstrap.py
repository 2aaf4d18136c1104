"""Bootstrap intervals for evaluation figures built from summed counts.

The gold sets are small (a few hundred passages, a few dozen questions), so
a figure moves by several points when a handful of items change; an interval
says how far. Items (passages, questions) are resampled with replacement and
the figure recomputed from the resampled items' summed counts.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

SAMPLES = 1000
LEVEL = 0.95

Statistic = Callable[[np.ndarray], np.ndarray]  # summed counts (samples, k) -> (samples,)


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, 0 where the denominator is 0."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    return np.divide(numerator, denominator, out=np.zeros_like(numerator),
                     where=denominator > 0)


def micro_f1(totals: np.ndarray) -> np.ndarray:
    """F1 from columns (true positives, false positives, false negatives)."""
    tp, fp, fn = totals.T
    return ratio(2 * tp, 2 * tp + fp + fn)


def interval(counts: np.ndarray, statistic: Statistic, samples: int = SAMPLES,
             level: float = LEVEL, seed: int = 0) -> tuple[float, float]:
    """Percentile interval of `statistic` over items resampled with
    replacement; `counts` holds one row of counts per item."""
    counts = np.asarray(counts, float)
    if not len(counts):
        return (0.0, 0.0)
    rng = np.random.default_rng(seed)
    totals = counts[rng.integers(0, len(counts), (samples, len(counts)))].sum(axis=1)
    values = statistic(totals)
    tail = (1 - level) / 2
    return (round(float(np.quantile(values, tail)), 4),
            round(float(np.quantile(values, 1 - tail)), 4))
