"""Choropleth class breaks: each method puts values where a map reader expects them."""

import itertools

import numpy as np
import pytest

from geo.breaks import METHODS, class_breaks, class_of, natural_breaks


def classes(values, edges):
    return [class_of(v, edges) for v in values]


def test_natural_breaks_find_obvious_groups():
    values = [1, 2, 3, 10, 11, 12, 50, 51]
    edges = natural_breaks(values, 3)
    assert edges == [1.0, 10.0, 50.0, 51.0]
    assert classes(values, edges) == [0, 0, 0, 1, 1, 1, 2, 2]


def test_natural_breaks_are_the_least_squares_partition():
    rng = np.random.default_rng(4)
    values = np.sort(rng.gamma(2.0, 3.0, 12))

    def ssd(groups):
        return sum(((g - g.mean()) ** 2).sum() for g in groups)

    best = min(ssd(np.split(values, list(cut)))
               for cut in itertools.combinations(range(1, len(values)), 3))
    edges = natural_breaks(values, 4)
    got = [values[[class_of(v, edges) == c for v in values]] for c in range(4)]
    assert ssd(got) == pytest.approx(best)


def test_equal_intervals_and_quantiles():
    assert class_breaks(range(11), 5, "equal") == [0, 2, 4, 6, 8, 10]
    edges = class_breaks(range(100), 4, "quantile")
    assert np.bincount(classes(range(100), edges)).tolist() == [25, 25, 25, 25]


@pytest.mark.parametrize("method", METHODS)
def test_every_value_gets_a_class_and_nan_gets_none(method):
    values = [0.5, 0.5, 0.9, 1.2, 3.0, 7.5, float("nan"), float("inf")]
    edges = class_breaks(values, 5, method)
    got = classes(values, edges)
    assert all(c is not None and 0 <= c < len(edges) - 1 for c in got[:6])
    assert got[6] is None
    assert got[5] == max(got[:6])  # the largest value is in the top class


@pytest.mark.parametrize("method", METHODS)
def test_few_distinct_values_and_no_values(method):
    assert class_breaks([], 5, method) == []
    edges = class_breaks([2.0, 2.0, 2.0], 5, method)
    assert classes([2.0], edges) == [0]


def test_an_unknown_method_is_named_in_the_error():
    with pytest.raises(ValueError, match="jenks"):
        class_breaks([1, 2], 5, "jenks")
