"""quiet_until: when a device's local night ends, in UTC, for windows that wrap midnight or not, in real zones."""

from datetime import UTC, datetime, time

import pytest

from notifications.quiet_hours import quiet_until

NIGHT = {"start": time(23, 0), "end": time(7, 0)}  # wraps midnight
SIESTA = {"start": time(13, 0), "end": time(15, 0)}  # within one day


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Baghdad is UTC+3 all year: 23:00-07:00 local is 20:00-04:00 UTC.
        (utc(2025, 5, 9, 20, 0), utc(2025, 5, 10, 4, 0)),  # 23:00 local, the first quiet minute
        (utc(2025, 5, 9, 20, 30), utc(2025, 5, 10, 4, 0)),  # 23:30, before midnight: ends tomorrow
        (utc(2025, 5, 9, 21, 30), utc(2025, 5, 10, 4, 0)),  # 00:30, after midnight: ends the same local day
        (utc(2025, 5, 10, 3, 59), utc(2025, 5, 10, 4, 0)),  # 06:59
        (utc(2025, 5, 10, 4, 0), None),  # 07:00: the night is over
        (utc(2025, 5, 10, 9, 0), None),  # noon
        (utc(2025, 5, 10, 19, 59), None),  # 22:59
    ],
)
def test_a_night_that_wraps_midnight_ends_at_the_next_local_end(now, expected):
    assert quiet_until(now=now, timezone="Asia/Baghdad", **NIGHT) == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2025, 5, 9, 9, 59), None),  # 12:59 local
        (utc(2025, 5, 9, 10, 0), utc(2025, 5, 9, 12, 0)),  # 13:00
        (utc(2025, 5, 9, 11, 15), utc(2025, 5, 9, 12, 0)),  # 14:15
        (utc(2025, 5, 9, 12, 0), None),  # 15:00
        (utc(2025, 5, 9, 21, 0), None),  # midnight is outside a daytime window
    ],
)
def test_a_window_within_one_day_ends_the_same_day(now, expected):
    assert quiet_until(now=now, timezone="Asia/Baghdad", **SIESTA) == expected


def test_a_half_hour_offset_zone_is_honoured():
    # Tehran is UTC+03:30 (no daylight saving since 2022): 01:30 local is 22:00 UTC the day before.
    until = quiet_until(now=utc(2025, 6, 1, 22, 0), timezone="Asia/Tehran", start=time(0, 0), end=time(6, 0))

    assert until == utc(2025, 6, 2, 2, 30)


def test_a_night_across_the_spring_forward_ends_at_the_summer_offset():
    # New York moves from EST (-5) to EDT (-4) at 02:00 on 9 March 2025: 07:00 that morning is 11:00 UTC.
    until = quiet_until(now=utc(2025, 3, 9, 3, 30), timezone="America/New_York", start=time(22, 0), end=time(7, 0))

    assert until == utc(2025, 3, 9, 11, 0)


def test_a_night_across_the_fall_back_ends_at_the_winter_offset():
    # Back from EDT to EST at 02:00 on 2 November 2025: 07:00 that morning is 12:00 UTC.
    until = quiet_until(now=utc(2025, 11, 2, 2, 30), timezone="America/New_York", start=time(22, 0), end=time(7, 0))

    assert until == utc(2025, 11, 2, 12, 0)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2025, 11, 2, 5, 15), utc(2025, 11, 2, 5, 30)),  # 01:15 EDT: ends at 01:30 EDT
        (utc(2025, 11, 2, 6, 15), utc(2025, 11, 2, 6, 30)),  # 01:15 EST, the repeated hour: ends at 01:30 EST
    ],
)
def test_a_window_inside_the_repeated_hour_never_ends_in_the_past(now, expected):
    until = quiet_until(now=now, timezone="America/New_York", start=time(1, 0), end=time(1, 30))

    assert until == expected
    assert until > now


def test_equal_start_and_end_means_no_quiet_hours():
    assert quiet_until(now=utc(2025, 5, 9, 21, 0), timezone="Asia/Baghdad", start=time(0, 0), end=time(0, 0)) is None


@pytest.mark.parametrize(("start", "end"), [(None, None), (time(23, 0), None), (None, time(7, 0))])
def test_no_quiet_hours_when_either_end_is_missing(start, end):
    assert quiet_until(now=utc(2025, 5, 9, 21, 0), timezone="Asia/Baghdad", start=start, end=end) is None


def test_an_unknown_zone_counts_as_utc():
    until = quiet_until(now=utc(2025, 5, 9, 23, 30), timezone="Mars/Olympus_Mons", **NIGHT)

    assert until == utc(2025, 5, 10, 7, 0)
