"""The largest-remainder split: parts add up to the award to the cent, never above their request."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from allocations.runs.splits import split


@given(requested=st.lists(st.integers(min_value=0, max_value=10**11), min_size=1, max_size=12), data=st.data())
def test_parts_add_up_and_stay_within_their_request(requested, data):
    total = sum(requested)
    award = data.draw(st.integers(min_value=0, max_value=total)) if total else 0
    parts = split(award, requested)
    assert sum(parts) == award
    assert all(0 <= part <= want for part, want in zip(parts, requested, strict=True))


@given(requested=st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=12), data=st.data())
def test_parts_are_proportional_to_within_one_cent(requested, data):
    total = sum(requested)
    award = data.draw(st.integers(min_value=0, max_value=total))
    for part, want in zip(split(award, requested), requested, strict=True):
        assert abs(part * total - award * want) < total  # |part - award·want/total| < 1 cent


def test_examples():
    assert split(100, [1, 1, 1]) == [34, 33, 33]
    assert split(5_000_000, [12_000_000, 8_000_000]) == [3_000_000, 2_000_000]
    assert split(0, [5, 5]) == [0, 0]
    assert split(0, []) == []
    with pytest.raises(ValueError):
        split(10, [])
