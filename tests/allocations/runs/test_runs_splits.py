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


@given(
    requested=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=12),
    unit=st.sampled_from([1, 100]),
    data=st.data(),
)
def test_parts_follow_the_rounding_unit_of_the_award(requested, unit, data):
    """An award in whole euros splits into whole euros wherever each part's own request allows it: at most
    one part per request that is not itself whole euros carries cents, and the parts still add up. A part
    stays within two units of its share, and one more for each request that is not a whole unit, as such a
    request may be unable to take the unit its share rounds to (it would exceed the request)."""
    total = sum(requested)
    award = data.draw(st.integers(min_value=0, max_value=total)) // unit * unit
    parts = split(award, requested, unit)
    assert sum(parts) == award
    assert all(0 <= part <= want for part, want in zip(parts, requested, strict=True))
    odd = [part for part, want in zip(parts, requested, strict=True) if part % unit]
    not_whole = sum(1 for want in requested if want % unit)
    assert len(odd) <= not_whole
    for part, want in zip(parts, requested, strict=True):
        assert abs(part * total - award * want) < total * unit * (2 + not_whole) or part == want


def test_euros_that_small_requests_cannot_take_go_to_the_others():
    # Found by the property above: the shares are € 2,05, € 6,98, € 14,98 and € 4.433,99; each small request
    # is below the next whole euro, so the largest part takes those euros and lies € 2,01 from its share.
    assert split(4_458_00, [2_05, 6_98, 14_99, 4_436_01], 100) == [2_00, 6_00, 14_00, 4_436_00]


def test_whole_euros_stay_whole():
    assert split(900_00, [333_33, 333_33, 333_34], 100) == [300_00, 300_00, 300_00]
    assert split(1_000_00, [333_33, 333_33, 333_34], 100) == [333_33, 333_33, 333_34]  # in full: as asked
    assert split(200, [199, 1], 100) == [199, 1]  # the full request: the lines as asked


def test_examples():
    assert split(100, [1, 1, 1]) == [34, 33, 33]
    assert split(5_000_000, [12_000_000, 8_000_000]) == [3_000_000, 2_000_000]
    assert split(0, [5, 5]) == [0, 0]
    assert split(0, []) == []
    with pytest.raises(ValueError):
        split(10, [])
