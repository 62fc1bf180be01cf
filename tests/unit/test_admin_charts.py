"""Server-side SVG charts and the stats window parser."""

from __future__ import annotations

from datetime import timedelta

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


def test_rate_points_skip_buckets_where_nothing_finished():
    svg = rate_chart("r", "Success", [("09:00", 3, 4), ("10:00", 0, 0), ("11:00", 1, 1)])
    assert svg.count('class="point"') == 2 and svg.count('class="gap"') == 1
    assert 'data-captured="3" data-finished="4" data-rate="75"' in svg
    assert "<polyline" in svg


@pytest.mark.parametrize(("text", "expected"), [
    ("90m", timedelta(minutes=90)), ("24h", timedelta(hours=24)), ("7d", timedelta(days=7))])
def test_windows_parse(text, expected):
    assert parse_window(text) == expected


@pytest.mark.parametrize("text", ["", "24", "1m", "91d", "-1h", "1.5h", "24H", "0h"])
def test_bad_windows_are_invalid_requests(text):
    with pytest.raises(ClassifiedFailure) as refused:
        parse_window(text)
    assert refused.value.code == "invalid_request"
