"""The sandbox's demo world: courses, people and their ready-made tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.money import Money


@dataclass(frozen=True, slots=True)
class Course:
    id: str
    title: str
    price: Money


COURSES = (
    Course("python-101", "Python 101", Money(49900, "ZAR")),
    Course("data-science", "Data Science Foundations", Money(89900, "ZAR")),
    Course("web-dev", "Modern Web Development", Money(69900, "ZAR")),
)
STUDENTS = (("student-thandi", "Thandi"), ("student-pieter", "Pieter"))
ADMIN = "admin-naledi"
SERVICE = "platform"
DEMO_USERS = ((STUDENTS[0][0], "student"), (STUDENTS[1][0], "student"), (ADMIN, "admin"),
              (SERVICE, "service"))


@dataclass
class SandboxDemo:
    tokens: dict[str, str] = field(default_factory=dict)

    def course(self, course_id: str) -> Course | None:
        return next((c for c in COURSES if c.id == course_id), None)

    def student_name(self, sub: str) -> str | None:
        return dict(STUDENTS).get(sub)
