"""Bearer JWT: HS256 pinned, `exp` and `sub` required, roles from a closed set.

Tokens are always minted with the current secret. During a rotation's grace period a
token signed with the previous secret still verifies (counted and logged by
application/secret_rotation.py); after it, it is refused like any forged token.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from application.actor import Actor, Role
from application.ports import Clock, PreviousSecretObserver
from application.secret_rotation import RotatingSecret, SecretRotation
from domain.classification import ClassifiedFailure

ALGORITHM = "HS256"
log = logging.getLogger("skillpay.security")


class TokenCodec:
    def __init__(self, secret: str, *, previous: str = "", grace_until: datetime | None = None,
                 clock: Clock | None = None,
                 observer: PreviousSecretObserver | None = None) -> None:
        if not secret:
            raise ValueError("a JWT secret is required")
        self._secret = secret
        self._rotation = SecretRotation(RotatingSecret("jwt", secret, previous, grace_until),
                                        clock, observer)

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
        return float(self._claims(token, record=False)["exp"])

    def subject_or_none(self, authorization: str | None) -> str | None:
        """The token's `sub` when valid, quietly (for rate-limit keys; the handler refuses
        and logs a bad token itself)."""
        try:
            return self._actor(authorization, record=False).sub
        except ClassifiedFailure:
            return None

    def _claims(self, token: str, *, record: bool) -> dict[str, Any]:
        """Verified claims: the current secret, or the previous one during the grace
        period. `record`: count a previous-secret use (once per request, not again for the
        rate-limit key or the expiry lookup)."""
        try:
            return self._decode(token, self._secret)
        except jwt.InvalidSignatureError:
            if not self._rotation.secret.previous:
                raise
        verified: list[dict[str, Any]] = []

        def check(key: str) -> bool:
            try:
                verified.append(self._decode(token, key))
            except jwt.PyJWTError:
                return False
            return True

        if self._rotation.matches(check, record=record):
            return verified[-1]
        raise jwt.InvalidSignatureError("no accepted secret signed this token")

    @staticmethod
    def _decode(token: str, key: str) -> dict[str, Any]:
        claims: dict[str, Any] = jwt.decode(token, key, algorithms=[ALGORITHM],
                                               options={"require": ["exp", "sub"]})
        return claims

    def _actor(self, authorization: str | None, *, record: bool = True) -> Actor:
        if not authorization or not authorization.startswith("Bearer "):
            raise ClassifiedFailure("unauthenticated", "a Bearer token is required")
        token = authorization.removeprefix("Bearer ").strip()
        try:
            claims = self._claims(token, record=record)
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
