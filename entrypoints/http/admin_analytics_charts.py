"""The analytics page's charts as inline SVG: the funnel, the checkouts lost at payment
by course, decline and cancel reasons (bar charts from admin_charts.py) and revenue by
day (its own chart: a bar per day, dates at both ends of the axis). Every mark carries
its number in `data-*` attributes.
"""

from __future__ import annotations

from html import escape

from entrypoints.http.admin_analytics_tables import money_text
from entrypoints.http.admin_charts import HEIGHT, PAD, WIDTH, bar_chart
from entrypoints.http.analytics_schemas import AnalyticsOut, DayOut

TOP_COURSES = 12  # bars in the per-course chart; the table lists every course


def revenue_chart(days: list[DayOut]) -> str:
    """Captured money per day (one currency: the first paid in), a bar per day; dates at
    both ends of the axis. Each bar carries its day and amount in minor units."""
    title = "Revenue by day"
    currency = days[0].currency if days else ""
    days = [d for d in days if d.currency == currency]
    body = [f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
            'class="axis"/>']
    if not days or not any(d.amount_minor for d in days):
        body.append(f'<text x="{PAD}" y="{HEIGHT // 2}" class="empty">nothing paid in this '
                    'range</text>')
    else:
        top = max(d.amount_minor for d in days)
        slot = (WIDTH - 2 * PAD) / len(days)
        for i, d in enumerate(days):
            height = round((HEIGHT - 2 * PAD - 14) * d.amount_minor / top)
            money = money_text(d.amount_minor, currency)
            body.append(
                f'<rect class="bar" x="{PAD + i * slot + slot * 0.1:.1f}" '
                f'y="{HEIGHT - PAD - height}" width="{slot * 0.8:.1f}" height="{height}" '
                f'data-label="{d.day.isoformat()}" data-value="{d.amount_minor}">'
                f'<title>{d.day.isoformat()}: {escape(money)} ({d.paid} paid)</title></rect>')
        body.append(f'<text x="{PAD + 4}" y="{PAD - 8}" class="label">max '
                    f'{escape(money_text(top, currency))}</text>')
        body.append(f'<text x="{PAD}" y="{HEIGHT - PAD + 14}" class="label">'
                    f'{days[0].day.isoformat()}</text><text x="{WIDTH - PAD}" '
                    f'y="{HEIGHT - PAD + 14}" text-anchor="end" class="label">'
                    f'{days[-1].day.isoformat()}</text>')
    return (f'<svg id="chart-revenue" class="chart" role="img" aria-label="{title}" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{title}</title>{"".join(body)}</svg>')


def analytics_charts(out: AnalyticsOut) -> str:
    f = out.funnel
    lossy = sorted(out.courses, key=lambda c: (-c.funnel.lost_at_payment, c.course_id))
    charts = [
        ("Funnel", bar_chart("chart-funnel", "Funnel", [
            ("enrolled", f.enrollments), ("checkout", f.checkouts_started), ("paid", f.paid),
            ("declined", f.declined), ("cancelled", f.cancelled), ("expired", f.expired)])),
        ("Checkouts lost at payment, by course", bar_chart(
            "chart-course-losses", "Checkouts lost at payment by course",
            [(c.course_id, c.funnel.lost_at_payment) for c in lossy[:TOP_COURSES]
             if c.funnel.checkouts_started])),
        ("Decline reasons", bar_chart("chart-declines", "Decline reasons",
                                      [(r.reason, r.count) for r in out.declines])),
        ("Cancel reasons", bar_chart("chart-cancels", "Cancel reasons",
                                     [(r.reason, r.count) for r in out.cancels])),
        ("Revenue by day (UTC)", revenue_chart(out.revenue_by_day)),
    ]
    return "".join(f'<section class="card"><h2>{escape(t)}</h2>{svg}</section>'
                   for t, svg in charts)
