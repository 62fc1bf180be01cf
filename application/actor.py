"""Who is asking, and what that role may see. Ownership answers 404, never 403."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

from application.errors import Forbidden, NotFound

log = logging.getLogger("skillpay.security")


class Role(str, Enum):
    STUDENT = "student"
    ADMIN = "admin"
    SERVICE = "service"


@dataclass(frozen=True, slots=True)
class Actor:
    sub: str
    role: Role

    @property
    def label(self) -> str:
        """How the audit trail names this actor."""
        return f"{self.role.value}:{self.sub}"

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def require(self, *roles: Role) -> None:
        """Refuse (403) a role that may not take this action at all."""
        if self.role not in roles:
            log.warning("role refused: %s may not do this", self.label)
            raise Forbidden(f"role {self.role.value} may not do this")

    def require_owner(self, student_id: str, what: str) -> None:
        """Students see their own things only; anyone else's look missing (404)."""
        if self.role is Role.ADMIN:
            return
        if self.role is not Role.STUDENT:
            raise Forbidden(f"role {self.role.value} may not see a student's {what}")
        if self.sub != student_id:
            log.warning("ownership refused: %s asked for another student's %s", self.label, what)
            raise NotFound(what)


SYSTEM_ACTOR = "system"
GATEWAY_ACTOR = "gateway:ikhokha"
