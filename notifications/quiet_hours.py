"""Local quiet hours: when a device's night starts and ends, in UTC."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def quiet_until(*, now: datetime, timezone: str, start: time | None, end: time | None) -> datetime | None:
    """The UTC instant the device's quiet hours end, if ``now`` falls inside them; else None.

    Quiet hours may wrap midnight (23:00 to 07:00). Equal start and end means no quiet hours.
    """
    if start is None or end is None or start == end:
        return None
    zone = _zone(timezone)
    local = now.astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    wraps = start > end
    inside = (clock >= start or clock < end) if wraps else (start <= clock < end)
    if not inside:
        return None
    end_day = local.date()
    if wraps and clock >= start:
        end_day += timedelta(days=1)
    until = datetime.combine(end_day, end, tzinfo=zone).astimezone(ZoneInfo("UTC"))
    if until <= now:  # the end falls in the hour repeated when clocks go back: its second occurrence
        until = datetime.combine(end_day, end, tzinfo=zone).replace(fold=1).astimezone(ZoneInfo("UTC"))
    return until
