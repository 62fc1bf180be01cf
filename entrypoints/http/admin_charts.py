"""Inline SVG charts rendered on the server: no script, no CDN, works offline.

Every mark carries its number in `data-*` attributes, so tests (and curious operators
with dev tools) read the exact values rather than pixels.
"""

from __future__ import annotations

from html import escape

WIDTH, HEIGHT, PAD = 520, 200, 28


def _svg(chart_id: str, title: str, body: list[str]) -> str:
    return (f'<svg id="{escape(chart_id)}" class="chart" role="img" '
            f'aria-label="{escape(title)}" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
            f'height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}'
            f'</title>{"".join(body)}</svg>')


def bar_chart(chart_id: str, title: str, bars: list[tuple[str, int]], unit: str = "") -> str:
    """Labelled vertical bars; an empty list renders an explicit 'no data' note."""
    if not bars:
        return _svg(chart_id, title, [f'<text x="{PAD}" y="{HEIGHT // 2}" '
                                      'class="empty">no data in this window</text>'])
    top = max(value for _, value in bars) or 1
    slot = (WIDTH - 2 * PAD) / len(bars)
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
            f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - PAD + 14}" text-anchor="middle" '
            f'class="label">{escape(label)}</text>')
    return _svg(chart_id, title, body)


def rate_chart(chart_id: str, title: str,
               points: list[tuple[str, int, int]]) -> str:
    """Success rate per time bucket: (label, captured, finished); buckets with nothing
    finished show as gaps, not as 0 %."""
    slot = (WIDTH - 2 * PAD) / max(1, len(points))
    body = [f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
            'class="axis"/>',
            f'<text x="2" y="{PAD}" class="label">100%</text>',
            f'<text x="2" y="{HEIGHT - PAD}" class="label">0%</text>']
    line: list[str] = []
    for i, (label, captured, finished) in enumerate(points):
        x = PAD + i * slot + slot / 2
        if finished == 0:
            body.append(f'<circle class="gap" cx="{x:.1f}" cy="{HEIGHT - PAD}" r="1.5" '
                        f'data-label="{escape(label)}" data-finished="0" data-captured="0"/>')
            continue
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * captured / finished
        line.append(f"{x:.1f},{y:.1f}")
        percent = round(100 * captured / finished)
        body.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" '
                    f'data-label="{escape(label)}" data-captured="{captured}" '
                    f'data-finished="{finished}" data-rate="{percent}"><title>'
                    f'{escape(label)}: {percent}% of {finished}</title></circle>')
    if len(line) > 1:
        body.insert(3, f'<polyline class="line" fill="none" points="{" ".join(line)}"/>')
    if points:  # time axis: first and last bucket
        body.append(f'<text x="{PAD}" y="{HEIGHT - PAD + 14}" class="label">'
                    f'{escape(points[0][0])}</text><text x="{WIDTH - PAD}" '
                    f'y="{HEIGHT - PAD + 14}" text-anchor="end" class="label">'
                    f'{escape(points[-1][0])}</text>')
    return _svg(chart_id, title, body)
