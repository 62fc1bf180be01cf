"""What the operator console's pages share (the payment list, the payment page, "not
found"): their stylesheet on top of the common one (admin_html.py), the header with its
navigation links, and the payment page's address.

Apart from the pages so that the list and the payment page look alike without one
importing the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import urlencode

STYLE = """
.search{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px 16px;
align-items:end}
.search label,.field label{display:block;font-size:12px;color:#5b6472;margin-bottom:4px}
.search input,.search select,.field input,.field textarea{width:100%;font:inherit;padding:6px;
border:1px solid #9aa5b4;border-radius:6px;background:#fff}
.search .buttons{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
table.list td,table.list th{vertical-align:top}table.list th{font-size:12px;color:#5b6472}
.num{text-align:right;white-space:nowrap}
.pager{display:flex;flex-wrap:wrap;gap:8px 20px;margin-top:12px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;background:#eef1f5;
font-size:12px;white-space:nowrap}
.badge.held,.badge.manual_action_required{background:#fff4d6;color:#7a4b00}
.badge.succeeded,.badge.refunded{background:#e8f5ec;color:#14532d}
.badge.failed{background:#fdecea;color:#7f1d1d}
.facts .long{grid-column:span 2}
.facts .long dd,.facts .payment-id dd{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,
monospace}
.field{margin:0 0 10px}.field input[type=number]{max-width:220px}
.timeline{list-style:none;margin:0;padding:0}
.timeline li{border-left:3px solid #3a6ea5;padding:2px 0 10px 12px;margin-left:4px}
.timeline .when{font-size:12px;color:#5b6472}.timeline .what{font-weight:600}
.timeline .why{margin-top:2px;overflow-wrap:anywhere}
.refund{border-top:1px solid #eee;padding:10px 0}.refund:first-child{border-top:0}
.confirm{margin-top:8px}
@media (max-width:700px){
table.list thead{display:none}table.list,table.list tbody,table.list tr{display:block}
table.list tr{border-bottom:1px solid #dde1e7;padding:8px 0}
table.list td{display:flex;justify-content:space-between;align-items:baseline;gap:12px;
border:0;padding:2px 0;text-align:right}
table.list td::before{content:attr(data-label);color:#5b6472;font-size:12px;text-align:left;
flex:none}
.actions button{flex:1 1 100%}}
"""


def header(title: str, links: Sequence[tuple[str, str, str]]) -> str:
    nav = "".join(f'<a id="{escape(i)}" href="{escape(href)}">{escape(text)}</a>'
                  for i, href, text in links)
    return f'<header class="top"><h1>{escape(title)}</h1><nav>{nav}</nav></header>'


def payment_url(payment_id: str) -> str:
    return "/admin/payment?" + urlencode({"id": payment_id})
