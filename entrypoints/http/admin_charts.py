"""Inline SVG charts rendered on the server: no script, no CDN, works offline.

Every mark carries its number in `data-*` attributes, so tests (and curious operators
with dev tools) read the exact values rather than pixels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape

WIDTH, HEIGHT, PAD = 520, 200, 28


# Width of a label character in chart units at its widest: on a 390 px phone the chart is
# drawn at about 0.65 scale and the browser keeps small text legible by drawing it larger,
# so "cancelled" takes about 75 of the 77 units a funnel bar has.
CHAR_W = 8.5
LABEL_ANGLE = 35  # degrees: labels that would not fit side by side are drawn slanted
MAX_LABEL_CHARS = 18  # a slanted label is cut to this (the bar's title has it whole)


def _svg(chart_id: str, title: str, body: list[str], height: int = HEIGHT) -> str:
    return (f'<svg id="{escape(chart_id)}" class="chart" role="img" '
            f'aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
            f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}'
            f'</title>{"".join(body)}</svg>')


def _slanted(labels: list[str], slot: float) -> bool:
    """True when the labels would touch side by side: some label wider than its bar's
    slot with a little gap."""
    return max(len(label) for label in labels) * CHAR_W > slot - 6


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[:MAX_LABEL_CHARS - 1] + "…"


def _label_band(labels: list[str]) -> int:
    """Extra height under the axis for slanted labels."""
    longest = min(max(len(label) for label in labels), MAX_LABEL_CHARS) * CHAR_W
    return round(longest * math.sin(math.radians(LABEL_ANGLE)))


def bar_chart(chart_id: str, title: str, bars: list[tuple[str, int]], unit: str = "") -> str:
    """Labelled vertical bars; an empty list renders an explicit 'no data' note."""
    if not bars:
        return _svg(chart_id, title, [f'<text x="{PAD}" y="{HEIGHT // 2}" '
                                      'class="empty">no data in this window</text>'])
    top = max(value for _, value in bars) or 1
    slot = (WIDTH - 2 * PAD) / len(bars)
    slanted = _slanted([label for label, _ in bars], slot)
    svg_height = HEIGHT + (_label_band([label for label, _ in bars]) if slanted else 0)
    body = [f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
            'class="axis"/>']
    for i, (label, value) in enumerate(bars):
        height = round((HEIGHT - 2 * PAD - 14) * value / top)
        x = PAD + i * slot + slot * 0.15
        y = HEIGHT - PAD - height
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{y}" width="{slot * 0.7:.1f}" height="{height}" '
            f'data-label="{escape(label)}" data-value="{value}"><title>{escape(label)}: '
            f'{value}{escape(unit)}</title></rect>'
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 3}" text-anchor="middle" '
            f'class="value">{value}{escape(unit)}</text>'
            + _bar_label(label, x + slot * 0.35, slanted))
    return _svg(chart_id, title, body, svg_height)


def _bar_label(label: str, centre: float, slanted: bool) -> str:
    y = HEIGHT - PAD + 14
    if not slanted:
        return (f'<text x="{centre:.1f}" y="{y}" text-anchor="middle" '
                f'class="label">{escape(label)}</text>')
    # Slanted, ending under the bar's centre: neighbours no longer overlap.
    return (f'<text x="{centre + 4:.1f}" y="{y - 4}" text-anchor="end" class="label" '
            f'transform="rotate(-{LABEL_ANGLE} {centre + 4:.1f} {y - 4})">'
            f'{escape(_short(label))}</text>')


def time_format(points: Sequence[tuple[datetime, int, int]]) -> str:
    """Dates and times for windows under two days (a day's buckets cross midnight, and
    "06:53 ... 04:53" read as if time ran backwards); dates alone beyond."""
    if len(points) < 2 or points[-1][0] - points[0][0] < timedelta(days=2):
        return "%Y-%m-%d %H:%M"
    return "%Y-%m-%d"


def _segments(points: Sequence[tuple[datetime, int, int]]) -> list[list[int]]:
    """Runs of consecutive buckets where something finished: the line is drawn per run,
    so it never bridges an empty bucket."""
    runs: list[list[int]] = [[]]
    for i, (_, _, finished) in enumerate(points):
        if finished:
            runs[-1].append(i)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def rate_chart(chart_id: str, title: str,
               points: Sequence[tuple[datetime, int, int]]) -> str:
    """Success rate per time bucket: (bucket start in UTC, captured, finished).

    A bucket where nothing finished has no rate: it is a shaded gap across the whole
    height and breaks the line (drawn at 0 % it looked like an outage). Where the
    buckets cross midnight a dashed line carries the new date; both ends of the axis
    carry their date.
    """
    fmt = time_format(points)
    slot = (WIDTH - 2 * PAD) / max(1, len(points))
    plot = HEIGHT - 2 * PAD
    body = [f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
            'class="axis"/>',
            f'<text x="2" y="{PAD}" class="label">100%</text>',
            f'<text x="2" y="{HEIGHT - PAD}" class="label">0%</text>']
    xy: dict[int, tuple[float, float]] = {}
    for i, (start, captured, finished) in enumerate(points):
        x, label = PAD + i * slot + slot / 2, f"{start:{fmt}}"
        if "%H" in fmt and i and start.date() != points[i - 1][0].date():
            left = PAD + i * slot
            body.append(f'<line class="day" x1="{left:.1f}" y1="{PAD}" x2="{left:.1f}" '
                        f'y2="{HEIGHT - PAD}" data-date="{start:%Y-%m-%d}"/><text '
                        f'x="{left + 3:.1f}" y="{PAD - 6}" class="label">{start:%m-%d}</text>')
        if finished == 0:
            body.append(f'<rect class="gap" x="{PAD + i * slot:.1f}" y="{PAD}" '
                        f'width="{slot:.1f}" height="{plot}" data-label="{escape(label)}" '
                        f'data-finished="0"><title>{escape(label)}: no finished payment'
                        '</title></rect>')
            continue
        y = HEIGHT - PAD - plot * captured / finished
        xy[i] = (x, y)
        percent = round(100 * captured / finished)
        body.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" '
                    f'data-label="{escape(label)}" data-captured="{captured}" '
                    f'data-finished="{finished}" data-rate="{percent}"><title>'
                    f'{escape(label)}: {percent}% of {finished}</title></circle>')
    lines = [" ".join(f"{xy[i][0]:.1f},{xy[i][1]:.1f}" for i in run)
             for run in _segments(points) if len(run) > 1]
    body[3:3] = [f'<polyline class="line" fill="none" points="{line}"/>' for line in lines]
    if points:  # time axis: first and last bucket, with their dates (UTC)
        body.append(f'<text x="{PAD}" y="{HEIGHT - PAD + 14}" class="label">'
                    f'{points[0][0]:{fmt}}</text><text x="{WIDTH - PAD}" '
                    f'y="{HEIGHT - PAD + 14}" text-anchor="end" class="label">'
                    f'{points[-1][0]:{fmt}}</text>')
    return _svg(chart_id, title, body)
