"""Bearer JWT: HS256 pinned, `exp` and `sub` required, roles from a closed set."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import jwt

from application.actor import Actor, Role
from domain.classification import ClassifiedFailure

ALGORITHM = "HS256"
log = logging.getLogger("skillpay.security")


class TokenCodec:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("a JWT secret is required")
        self._secret = secret

    def mint(self, sub: str, role: str, ttl: timedelta = timedelta(hours=12),
             now: datetime | None = None) -> str:
        Role(role)  # refuse unknown roles at minting time too
        issued = now or datetime.now(UTC)
        claims = {"sub": sub, "role": role, "iat": issued, "exp": issued + ttl}
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM)

    def actor_from_header(self, authorization: str | None) -> Actor:
        try:
            return self._actor(authorization)
        except ClassifiedFailure as refused:
            if authorization:  # a missing token is routine; a bad one is a security event
                log.warning("token refused: %s", refused.detail)
            raise

    def expires_at(self, authorization: str | None) -> float:
        """The token's `exp` (unix seconds); call after the token was accepted."""
        token = (authorization or "").removeprefix("Bearer ").strip()
        claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM],
                            options={"require": ["exp", "sub"]})
        return float(claims["exp"])

    def subject_or_none(self, authorization: str | None) -> str | None:
        """The token's `sub` when valid, quietly (for rate-limit keys; the handler refuses
        and logs a bad token itself)."""
        try:
            return self._actor(authorization).sub
        except ClassifiedFailure:
            return None

    def _actor(self, authorization: str | None) -> Actor:
        if not authorization or not authorization.startswith("Bearer "):
            raise ClassifiedFailure("unauthenticated", "a Bearer token is required")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM],
                                options={"require": ["exp", "sub"]})
        except jwt.PyJWTError:
            raise ClassifiedFailure("unauthenticated", "the token is invalid or expired") from None
        try:
            role = Role(claims.get("role"))
        except ValueError:
            raise ClassifiedFailure("unauthenticated", "the token's role is unknown") from None
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise ClassifiedFailure("unauthenticated", "the token has no subject")
        return Actor(sub=sub, role=role)
