"""iK Pay signing vectors (secret `test-app-secret`), shared by the adapter's and the
simulator's signer tests. Literals only: neither signer computes them.

The first two are docs/ikhokha.md's. The history and webhook ones were derived
independently on the command line, by writing the escaped message by hand (a
backslash before each " \\ and '; query string dropped) and running:

    printf '%s' 'ESCAPED MESSAGE' | openssl dgst -sha256 -hmac test-app-secret

The same command reproduces docs/ikhokha.md's two values, which checks the method.
"""

from __future__ import annotations

from typing import NamedTuple

SECRET = "test-app-secret"


class Vector(NamedTuple):
    name: str
    path: str  # as the request line has it; a query string must be ignored
    body: str  # "" for a GET
    ik_sign: str


VECTORS = (
    Vector("create", "/public-api/v1/api/payment", '{"amount":100,"description":"Joe\'s"}',
           "d2d2f28013487066264b0e032b488cb54ecee73662ed7523eb40f4a1eab2588e"),
    Vector("status", "/public-api/v1/api/getStatus/2zh1zj6y8xpb0g3", "",
           "e8c1f70dd8ad50e63c988401dc2f3f6f4d37bdf0161ff1f464010c5c81f586a9"),
    # openssl message: /public-api/v1/api/payments/history
    Vector("history",
           "/public-api/v1/api/payments/history?startDate=2026-11-01&endDate=2026-11-07", "",
           "9723ec169673f10bee8606a3f437258148a0abbb244241e1a200a4523ff8eda2"),
    # openssl message: /webhooks/ikhokha{\"paylinkID\":\"2zh1zj6y8xpb0g3\",\"status\":
    #   \"SUCCESS\",\"externalTransactionID\":\"pay_1\",\"responseCode\":\"00\"} (one line)
    Vector("webhook", "/webhooks/ikhokha",
           '{"paylinkID":"2zh1zj6y8xpb0g3","status":"SUCCESS",'
           '"externalTransactionID":"pay_1","responseCode":"00"}',
           "ee33a82a6399189aec826237f5a03b555750704fa660578b7c7834de51512f89"),
)
