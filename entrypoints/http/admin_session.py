"""The operator pages' sign-in gate: who is signed in (the admin cookie, or a Bearer
header), the same-origin check for their forms, and the headers every operator response
carries.

See `entrypoints/http/controllers/admin.py` for why the token lives in an HttpOnly,
SameSite=Strict cookie scoped to /admin, and why forms check Origin.

The helpers are handed what they read (the token codec, the settings): handlers receive
those as the `tokens` and `settings` dependencies that `ContainerPlugin` provides from
the container, so nothing here looks the container up. The one-shot flash message is in
admin_flash.py, how a refusal becomes a sentence in admin_refusals.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from litestar import Request, Response
from litestar.datastructures import Cookie, FormMultiDict
from litestar.di import NamedDependency

from application.actor import Actor, Role
from domain.classification import ClassifiedFailure
from entrypoints.http.admin_html import render_login, render_refused
from entrypoints.http.auth import TokenCodec
from entrypoints.settings import Settings

COOKIE = "skillpay_admin"
HTML = "text/html; charset=utf-8"
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY"}
# The signed-in page posts forms to itself: its Origin must reach us (see module doc).
PAGE_HEADERS = {**NO_STORE, "Referrer-Policy": "same-origin"}
NOT_FROM_HERE = "This form must be sent from the operator page itself."


def html(body: str, status: int = 200, headers: dict[str, str] | None = None,
         cookies: list[Cookie] | None = None) -> Response[str]:
    return Response(body, status_code=status, media_type=HTML, headers=headers or NO_STORE,
                    cookies=cookies)


def actor_of(request: Request[Any, Any, Any], tokens: TokenCodec) -> Actor | None:
    """Whoever the Bearer header or the admin cookie names; None when neither is sent.
    Raises ClassifiedFailure for a token that is invalid or expired."""
    header = request.headers.get("authorization")
    cookie = request.cookies.get(COOKIE)
    if not header and not cookie:
        return None
    actor: Actor = tokens.actor_from_header(header or f"Bearer {cookie}")
    return actor


def admin_or_refusal(request: Request[Any, Any, Any], tokens: TokenCodec,
                     missing: str | None = None) -> Actor | Response[str]:
    """The signed-in admin, or the page that says why not (401 / 403)."""
    try:
        actor = actor_of(request, tokens)
    except ClassifiedFailure:
        return html(render_login("That token is invalid or expired."), 401)
    if actor is None:
        return html(render_login(missing), 401)
    if actor.role is not Role.ADMIN:
        return html(render_login("An admin token is required."), 403)
    return actor


async def admin_form(request: Request[Any, Any, Any], tokens: TokenCodec, settings: Settings
                     ) -> tuple[Actor, FormMultiDict] | Response[str]:
    """An operator's form post: sent from our own pages (403 otherwise) by a signed-in
    admin (401 / 403 otherwise). Returns the admin and the form, or the refusal page."""
    if not same_origin(request, settings):
        return html(render_refused(NOT_FROM_HERE), 403)
    actor = admin_or_refusal(request, tokens, "Please sign in again.")
    if isinstance(actor, Response):
        return actor
    return actor, await request.form()


@dataclass(frozen=True, slots=True)
class AdminPost:
    """A form an admin posted from our own pages: the `admin_post` dependency's value."""

    actor: Actor
    form: FormMultiDict

    def field(self, name: str, limit: int = 128) -> str:
        """A form field as trimmed text of at most `limit` characters ("" when absent)."""
        return str(self.form.get(name, "")).strip()[:limit]


class AdminRefused(Exception):
    """The `admin` and `admin_post` dependencies' refusal: `page` (401/403) is the answer."""

    def __init__(self, page: Response[str]) -> None:
        super().__init__("operator page refused")
        self.page = page


SIGN_IN = "sign_in"  # a route's opt: what its sign-in page asks for


async def provide_admin(request: Request[Any, Any, Any],
                        tokens: NamedDependency[TokenCodec]) -> Actor:
    """Litestar dependency `admin`: the signed-in admin an operator page is for, or the
    sign-in page (401 / 403) as the answer, worded by the route's `opt[SIGN_IN]`."""
    actor = admin_or_refusal(request, tokens, request.route_handler.opt.get(SIGN_IN))
    if isinstance(actor, Response):
        raise AdminRefused(actor)
    return actor


async def provide_admin_post(request: Request[Any, Any, Any],
                             tokens: NamedDependency[TokenCodec],
                             settings: NamedDependency[Settings]) -> AdminPost:
    """Litestar dependency `admin_post`: every operator form handler declares it instead
    of checking origin and sign-in itself."""
    posted = await admin_form(request, tokens, settings)
    if isinstance(posted, Response):
        raise AdminRefused(posted)
    return AdminPost(*posted)


def refused_page(_: Request[Any, Any, Any], refused: AdminRefused) -> Response[str]:
    """Exception handler: a refused operator page or form answers with its refusal page."""
    return refused.page


def secure(request: Request[Any, Any, Any], settings: Settings) -> bool:
    """Whether the admin's cookies are sent over HTTPS only."""
    return bool(settings.require_https or request.url.scheme == "https")


def same_origin(request: Request[Any, Any, Any], settings: Settings) -> bool:
    """False when the browser says the request came from another origin. Browsers cannot
    forge Origin; a client that sends neither header (curl, API clients) is no CSRF
    vector, and the SameSite=Strict cookie still keeps cross-site posts unauthenticated."""
    origin = request.headers.get("origin")
    if origin is None:
        site = request.headers.get("sec-fetch-site")
        return site is None or site in ("same-origin", "none")
    host = request.headers.get("host", "")
    public = urlsplit(settings.public_url)
    mine = {f"http://{host}", f"https://{host}", f"{public.scheme}://{public.netloc}"}
    return bool(host) and origin.rstrip("/") in mine
