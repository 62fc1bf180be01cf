"""Who is browsing the sandbox and how its pages answer: the `sandbox_student` cookie
picks one of the demo students (the first one when it is missing or unknown), and every
page is plain HTML. Shared by the course and payment pages.
"""

from __future__ import annotations

from typing import Any

from litestar import MediaType, Request, Response

from entrypoints.http.sandbox.demo import STUDENTS

COOKIE = "sandbox_student"


def student_of(request: Request[Any, Any, Any]) -> str:
    chosen = request.cookies.get(COOKIE, STUDENTS[0][0])
    return chosen if chosen in dict(STUDENTS) else STUDENTS[0][0]


def html_response(body: str, status: int = 200) -> Response[str]:
    return Response(body, media_type=MediaType.HTML, status_code=status)
