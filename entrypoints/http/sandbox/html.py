"""Plain server-rendered HTML for the sandbox: one small stylesheet, no CDN."""

from __future__ import annotations

from html import escape

STYLE = """
body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
header{display:flex;flex-wrap:wrap;gap:0 1rem;justify-content:space-between;align-items:center;
border-bottom:1px solid #ddd}
.card{border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0}
button,.button{background:#0a6cff;color:#fff;border:0;border-radius:6px;padding:.5rem 1rem;
cursor:pointer;text-decoration:none;font-size:1rem;display:inline-block}
.button.owned{background:#137333}.card .price{font-weight:600}.card h2{margin-top:0}
.status{font-size:1.4rem;font-weight:600}.ok{color:#137333}.bad{color:#b3261e}.wait{color:#8a6d00}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:.4rem;
text-align:left}nav a{margin-right:1rem}
"""


def page(title: str, body: str, *, who: str | None = None) -> str:
    person = f"<span>Signed in as <b>{escape(who)}</b></span>" if who else ""
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width'><title>{escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><header><h1>Beta Skill</h1>{person}</header>"
            f"<nav><a href='/sandbox'>Courses</a><a href='/sandbox/admin'>Admin</a></nav>"
            f"{body}</body></html>")
