"""Server-side SVG charts and the stats window parser."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from domain.classification import ClassifiedFailure
from entrypoints.http.admin_charts import bar_chart, rate_chart
from entrypoints.http.window import parse_window

pytestmark = pytest.mark.unit


def test_bars_carry_their_numbers_and_escape_labels():
    svg = bar_chart("c", "Errors", [("<network>", 3), ("gateway", 1)])
    assert 'data-label="&lt;network&gt;" data-value="3"' in svg
    assert 'data-label="gateway" data-value="1"' in svg
    assert "<network>" not in svg


def test_an_empty_chart_says_so():
    assert "no data in this window" in bar_chart("c", "Errors", [])


def _hours(start: datetime, *counts: tuple[int, int]) -> list[tuple[datetime, int, int]]:
    return [(start + timedelta(hours=i), c, f) for i, (c, f) in enumerate(counts)]


NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_rate_points_skip_buckets_where_nothing_finished():
    svg = rate_chart("r", "Success", _hours(NINE, (3, 4), (0, 0), (1, 1), (2, 2)))
    assert svg.count('class="point"') == 3 and svg.count('class="gap"') == 1
    assert 'data-captured="3" data-finished="4" data-rate="75"' in svg


def test_an_empty_bucket_is_a_gap_not_zero_percent():
    """The line stops at an empty bucket and starts again after it; nothing is drawn on
    the 0 % line for it (it looked like a total outage)."""
    svg = rate_chart("r", "Success", _hours(NINE, (1, 1), (1, 1), (0, 0), (2, 2), (1, 1)))
    assert svg.count("<polyline") == 2  # two segments, none across the gap
    gap = re.search(r"<[^>]*class=\"gap\"[^>]*>", svg)
    assert gap is not None and 'data-finished="0"' in gap.group(0)
    assert "data-rate" not in gap.group(0) and 'cy="' not in gap.group(0)
    assert "no finished payment" in svg


def test_the_time_axis_shows_dates_across_midnight():
    """24 hours from 06:53 used to read "06:53 ... 04:53", as if time ran backwards."""
    start = datetime(2026, 3, 1, 6, 53, tzinfo=UTC)
    points = [(start + timedelta(hours=2 * i), 1, 1) for i in range(12)]
    svg = rate_chart("r", "Success", points)
    assert ">2026-03-01 06:53<" in svg and ">2026-03-02 04:53<" in svg
    assert svg.count('class="day"') == 1 and 'data-date="2026-03-02"' in svg


def test_a_long_window_labels_days():
    start = datetime(2026, 3, 1, tzinfo=UTC)
    points = [(start + timedelta(days=i), 1, 2) for i in range(7)]
    svg = rate_chart("r", "Success", points)
    assert ">2026-03-01<" in svg and ">2026-03-07<" in svg


@pytest.mark.parametrize(("text", "expected"), [
    ("90m", timedelta(minutes=90)), ("24h", timedelta(hours=24)), ("7d", timedelta(days=7))])
def test_windows_parse(text, expected):
    assert parse_window(text) == expected


@pytest.mark.parametrize("text", ["", "24", "1m", "91d", "-1h", "1.5h", "24H", "0h"])
def test_bad_windows_are_invalid_requests(text):
    with pytest.raises(ClassifiedFailure) as refused:
        parse_window(text)
    assert refused.value.code == "invalid_request"
