"""The HTML every operator page is built from: one document shell with the shared
stylesheet, a fact (label and value) for the pages' fact lists, the one-shot flash note,
and the two pages the sign-in gate itself answers with (sign in, request refused).

Kept apart from the pages so that each page module only holds its own sections and a
change to the shared look is made once. Inline CSS, nothing external, every value escaped.
"""

from __future__ import annotations

from html import escape

STYLE = """
*{box-sizing:border-box}
body{font:14px system-ui,sans-serif;margin:24px;color:#1d2330;background:#f6f7f9}
h1{font-size:20px}h2{font-size:15px;margin:0 0 8px}h2.period{font-size:17px;margin:24px 0 8px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(540px,100%),1fr));gap:16px}
.card{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:12px;margin:0 0 16px}
.grid .card{margin:0}
.kpi{display:inline-block;margin:0 28px 4px 0}.kpi b{display:block;font-size:22px}
svg.chart{max-width:100%;height:auto}
.bar{fill:#3a6ea5}.line{stroke:#2e8b57;stroke-width:2}.point{fill:#2e8b57}
.gap{fill:#eef1f5}.day{stroke:#9aa5b4;stroke-dasharray:3 3}
.axis{stroke:#999}.label,.value,.empty{font-size:11px;fill:#444}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;padding:4px 6px;
text-align:left}form.login{max-width:420px}input[type=password]{width:100%}
button{font:inherit;padding:6px 12px;border-radius:6px;border:1px solid #9aa5b4;
background:#fff;color:#1d2330;cursor:pointer}
button.primary{background:#1f6f43;border-color:#1f6f43;color:#fff}
button.danger{background:#fff;border-color:#b3261e;color:#b3261e}
.flash{padding:10px 12px;border-radius:8px;margin:0 0 16px;border:1px solid}
.flash.ok{background:#e8f5ec;border-color:#1f6f43;color:#14532d}
.flash.error{background:#fdecea;border-color:#b3261e;color:#7f1d1d}
#review{list-style:none;margin:0;padding:0}
.review-item{border-top:1px solid #eee;padding:12px 0}
.review-item:first-child{border-top:0;padding-top:4px}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:6px 16px;
margin:0 0 10px}
.facts div{min-width:0}.facts dt{font-size:12px;color:#5b6472}
.facts dd{margin:0;font-weight:600;overflow-wrap:anywhere}
.facts .why{grid-column:1/-1}.facts .why dd{font-weight:400}
.facts .payment-id{grid-column:span 2}
.facts .payment-id dd{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.mismatch{color:#b3261e}
.resolve label{display:block;font-size:12px;color:#5b6472;margin-bottom:4px}
.resolve textarea{width:100%;font:inherit;padding:6px;border:1px solid #9aa5b4;border-radius:6px}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}
.hint{font-size:12px;color:#5b6472;margin:8px 0 0}.signout{margin-top:16px}
header.top{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 20px;margin:0 0 12px}
header.top h1{margin:0}header.top nav{display:flex;flex-wrap:wrap;gap:4px 16px}
a{color:#1f4f8a}
@media (max-width:600px){body{margin:12px}.kpi{margin-right:16px}
.actions button{flex:1 1 100%}.label,.value,.empty{font-size:17px}}
"""

# Why a payment was held, in words an operator can act on (the code stays visible).
HELD_BECAUSE = {
    "amount_mismatch": "iKhokha reported a different amount from the course price.",
    "currency_mismatch": "iKhokha reported a different currency.",
    "paylink_mismatch": "iKhokha's answer names another paylink than ours.",
    "transaction_id_mismatch": "iKhokha's answer names another transaction than ours.",
    "amount_unconfirmed": "iKhokha said paid but never confirmed the amount.",
    "paid_after_failed": "iKhokha took the money after the payment had failed.",
    "paid_after_cancelled": "iKhokha took the money after the payment was cancelled.",
    "paid_after_expired": "iKhokha took the money after the payment link expired.",
    "enrollment_active": "Paid, but the course was already unlocked by another payment: "
                         "refund this one.",
    "enrollment_revoked": "Paid, but access to the course had been removed.",
}


def document(title: str, body: str, style: str = "") -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<title>{escape(title)}</title><style>{STYLE}{style}</style></head>'
            f'<body>{body}</body></html>')


def fact(label: str, value: str, css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    return f'<div{cls}><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>'


def flash_note(flash: tuple[str, str] | None) -> str:
    if flash is None:
        return ""
    tone, text = flash
    tone = "ok" if tone == "ok" else "error"
    role = "status" if tone == "ok" else "alert"
    return f'<p id="flash" class="flash {tone}" role="{role}">{escape(text)}</p>'


def render_login(problem: str | None = None) -> str:
    note = f'<p class="problem" role="alert">{escape(problem)}</p>' if problem else ""
    return document("Payments operator sign-in", (
        '<h1>Payments operator</h1>' + note +
        '<form class="login card" method="post" action="/admin/login">'
        '<label for="token">Admin token</label><p>'
        '<input id="token" name="token" type="password" autocomplete="off" required></p>'
        '<button id="sign-in" type="submit">Sign in</button></form>'))


def render_refused(message: str) -> str:
    return document("Request refused", (
        f'<h1>Request refused</h1><p class="flash error" role="alert">{escape(message)}</p>'
        '<p><a href="/admin">Back to the operator page</a></p>'))
