"""Bootstrap intervals of evaluation figures."""
from __future__ import annotations

import numpy as np

from reportmine.bootstrap import interval, micro_f1, ratio


def test_interval_brackets_the_figure_it_resamples():
    counts = np.array([(1, 0, 0)] * 60 + [(0, 1, 1)] * 40)  # micro-F1 0.6
    low, high = interval(counts, micro_f1)
    assert 0.0 <= low < 0.6 < high <= 1.0


def test_interval_narrows_with_more_items():
    few = interval(np.array([(1, 0, 0), (0, 1, 1)] * 20), micro_f1)
    many = interval(np.array([(1, 0, 0), (0, 1, 1)] * 500), micro_f1)
    assert many[1] - many[0] < few[1] - few[0]


def test_perfect_figure_has_no_uncertainty():
    assert interval(np.array([(2, 0, 0), (1, 0, 0)]), micro_f1) == (1.0, 1.0)


def test_no_items_give_an_empty_interval():
    assert interval(np.zeros((0, 3)), micro_f1) == (0.0, 0.0)


def test_ratio_is_zero_where_nothing_was_counted():
    assert ratio(np.array([1.0, 3.0]), np.array([0.0, 4.0])).tolist() == [0.0, 0.75]
