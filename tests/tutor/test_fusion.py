"""Reciprocal rank fusion of the dense and lexical rankings."""

from __future__ import annotations

import pytest

from tutor.retrieval import RRF_K, reciprocal_rank_fusion


def test_rrf_constant_is_the_customary_60() -> None:
    assert RRF_K == 60


def test_exact_values_are_one_over_60_plus_rank() -> None:
    fused = reciprocal_rank_fusion([[10, 20, 30]])
    assert fused == pytest.approx({10: 1 / 61, 20: 1 / 62, 30: 1 / 63})


def test_scores_add_across_lists() -> None:
    fused = reciprocal_rank_fusion([[1, 2], [2, 1]])
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)


def test_item_high_in_two_lists_beats_item_first_in_one() -> None:
    fused = reciprocal_rank_fusion([[7, 5], [8, 5], [9, 4]])
    assert fused[5] == pytest.approx(2 / 62)
    assert fused[7] == pytest.approx(1 / 61)
    ranked = sorted(fused, key=fused.__getitem__, reverse=True)
    assert ranked[0] == 5


def test_item_third_in_two_lists_still_beats_a_single_first() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [4, 5, 3]])
    assert fused[3] > fused[1]


def test_custom_k() -> None:
    assert reciprocal_rank_fusion([[3, 4]], k=0) == pytest.approx({3: 1.0, 4: 0.5})


def test_empty_rankings() -> None:
    assert reciprocal_rank_fusion([]) == {}
    assert reciprocal_rank_fusion([[], []]) == {}


def test_union_of_ids() -> None:
    assert set(reciprocal_rank_fusion([[1, 2], [3], []])) == {1, 2, 3}
