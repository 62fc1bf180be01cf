"""Secret rotation without downtime (docs/operations.md "Rotating secrets"): tokens and
callbacks signed with the previous secret pass during the grace period and fail after
it (injected clock), the platform webhook carries two `v1` signatures during rotation and
one after, each use of a previous secret is counted and logged, and the settings refuse
unsafe rotations."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from prometheus_client import CollectorRegistry

from adapters.ikhokha import IkhokhaGateway
from adapters.ikhokha.signing import sign
from adapters.metrics.prometheus import PrometheusMetrics
from adapters.metrics.recording import RecordingMetrics
from adapters.platform_webhooks.sender import HttpWebhookSender
from adapters.system.clock import FixedClock
from application.secret_rotation import RotatingSecret, SecretRotation
from domain.classification import ClassifiedFailure
from entrypoints.http.auth import TokenCodec
from entrypoints.logging_setup import install_redaction
from entrypoints.rotation_settings import callback_secret_previous
from entrypoints.safety import startup_problems, startup_warnings
from entrypoints.settings import Settings, SettingsError
from tests.support.production_env import VALID_PRODUCTION
from tests.support.scrape import parse_scrape, value

pytestmark = pytest.mark.unit

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
GRACE_UNTIL = T0 + timedelta(days=2)
OLD_JWT, NEW_JWT = "old-jwt-secret-rotated-out-000000001", "new-jwt-secret-rotated-in-0000000002"
APP, OLD_HOOK, NEW_HOOK = "rotation-app-id", "old-callback-secret-01", "new-callback-secret-02"
PATH = "/webhooks/ikhokha"
CALLBACK = {"paylinkID": "plk_rotation_1", "status": "SUCCESS",
            "externalTransactionID": "pay_rot_1", "responseCode": "00"}


def whsec(fill: bytes) -> str:
    return "whsec_" + base64.b64encode(fill * 32).decode()


OLD_PLATFORM, NEW_PLATFORM = whsec(b"o"), whsec(b"n")


def past_grace(clock: FixedClock) -> None:
    clock.advance(seconds=(GRACE_UNTIL - clock.now()).total_seconds())  # exactly the end


# --- JWT -----------------------------------------------------------------------------

def codec(clock: FixedClock, metrics: RecordingMetrics) -> TokenCodec:
    return TokenCodec(NEW_JWT, previous=OLD_JWT, grace_until=GRACE_UNTIL, clock=clock,
                      observer=metrics)


def bearer(secret: str, sub: str = "stu-1", role: str = "student") -> str:
    return f"Bearer {TokenCodec(secret).mint(sub, role)}"


def test_a_token_signed_with_the_previous_secret_passes_in_the_grace_period_only():
    clock, metrics = FixedClock(T0), RecordingMetrics()
    tokens = codec(clock, metrics)
    old = bearer(OLD_JWT)
    assert tokens.actor_from_header(old).sub == "stu-1"
    assert metrics.count("previous_secret_used", secret="jwt") == 1
    assert tokens.actor_from_header(bearer(NEW_JWT)).sub == "stu-1"
    assert metrics.count("previous_secret_used", secret="jwt") == 1  # current: not counted
    clock.advance(seconds=(GRACE_UNTIL - T0).total_seconds() - 1)
    assert tokens.actor_from_header(old).sub == "stu-1"  # the last second of grace
    past_grace(clock)
    with pytest.raises(ClassifiedFailure) as refused:
        tokens.actor_from_header(old)
    assert refused.value.code == "unauthenticated"
    assert tokens.subject_or_none(old) is None
    assert tokens.actor_from_header(bearer(NEW_JWT)).sub == "stu-1"
    assert metrics.count("previous_secret_used", secret="jwt") == 2


def test_tokens_are_always_minted_with_the_current_secret():
    tokens = codec(FixedClock(T0), RecordingMetrics())
    minted = tokens.mint("admin-1", "admin")
    assert jwt.decode(minted, NEW_JWT, algorithms=["HS256"])["sub"] == "admin-1"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(minted, OLD_JWT, algorithms=["HS256"])


def test_the_rate_limit_key_and_expiry_lookups_do_not_count_a_use_again():
    metrics = RecordingMetrics()
    tokens = codec(FixedClock(T0), metrics)
    old = bearer(OLD_JWT)
    assert tokens.subject_or_none(old) == "stu-1"
    assert tokens.expires_at(old) > 0
    assert metrics.count("previous_secret_used", secret="jwt") == 0
    tokens.actor_from_header(old)
    assert metrics.count("previous_secret_used", secret="jwt") == 1


def test_an_expired_or_foreign_token_stays_refused_during_the_grace_period():
    tokens = codec(FixedClock(T0), RecordingMetrics())
    expired = TokenCodec(OLD_JWT).mint("stu-1", "student", ttl=timedelta(seconds=-5))
    for header in (f"Bearer {expired}", bearer("a-third-secret-nobody-configured-00001")):
        with pytest.raises(ClassifiedFailure):
            tokens.actor_from_header(header)


# --- iK Pay callbacks ----------------------------------------------------------------

def gateway(clock: FixedClock, metrics: RecordingMetrics) -> IkhokhaGateway:
    return IkhokhaGateway(base_url="http://127.0.0.1:9/public-api/v1/api", app_id=APP,
                          app_secret="app-secret-not-for-callbacks", webhook_secret=NEW_HOOK,
                          webhook_secret_previous=OLD_HOOK, secret_grace_until=GRACE_UNTIL,
                          clock=clock, on_previous_secret=metrics)


def signed(secret: str, data: dict[str, str] = CALLBACK) -> tuple[dict[str, str], bytes]:
    body = json.dumps(data, separators=(",", ":"))
    return {"IK-APPID": APP, "IK-SIGN": sign(secret, PATH, body)}, body.encode()


def test_a_callback_signed_with_the_previous_secret_passes_in_the_grace_period_only():
    clock, metrics = FixedClock(T0), RecordingMetrics()
    ikhokha = gateway(clock, metrics)
    old_headers, body = signed(OLD_HOOK)
    assert ikhokha.verify_callback(PATH, old_headers, body).paylink_id == "plk_rotation_1"
    assert metrics.count("previous_secret_used", secret="callback") == 1
    new_headers, _ = signed(NEW_HOOK)
    ikhokha.verify_callback(PATH, new_headers, body)
    assert metrics.count("previous_secret_used", secret="callback") == 1
    past_grace(clock)
    with pytest.raises(ClassifiedFailure) as refused:
        ikhokha.verify_callback(PATH, old_headers, body)
    assert refused.value.code == "invalid_signature"
    assert ikhokha.verify_callback(PATH, new_headers, body).paylink_id == "plk_rotation_1"


def test_the_previous_secret_also_covers_the_compact_form_without_text():
    clock, metrics = FixedClock(T0), RecordingMetrics()
    old_headers, _ = signed(OLD_HOOK)
    with_text = json.dumps({**CALLBACK, "text": "Paid — thanks"}, indent=2).encode()
    assert gateway(clock, metrics).verify_callback(PATH, old_headers, with_text).paylink_id
    assert metrics.count("previous_secret_used", secret="callback") == 1


def test_without_a_previous_secret_nothing_changes():
    ikhokha = IkhokhaGateway(base_url="http://127.0.0.1:9/api", app_id=APP,
                             app_secret="x" * 20, webhook_secret=NEW_HOOK)
    old_headers, body = signed(OLD_HOOK)
    with pytest.raises(ClassifiedFailure):
        ikhokha.verify_callback(PATH, old_headers, body)


# --- the log line and the metric -----------------------------------------------------

def test_the_log_line_names_the_secret_never_its_value_and_is_throttled(caplog):
    clock, metrics = FixedClock(T0), RecordingMetrics()
    rotation = SecretRotation(RotatingSecret("jwt", NEW_JWT, OLD_JWT, GRACE_UNTIL), clock,
                              metrics)
    caplog.set_level(logging.WARNING, logger="skillpay.security")
    for _ in range(3):
        assert rotation.matches(lambda key: key == OLD_JWT)
    clock.advance(minutes=1)
    assert rotation.matches(lambda key: key == OLD_JWT)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "previous jwt secret still in use (1 time(s) since the last line); it is accepted "
        "until 2026-03-03T09:30:00Z, then refused",
        "previous jwt secret still in use (3 time(s) since the last line); it is accepted "
        "until 2026-03-03T09:30:00Z, then refused"]
    assert metrics.count("previous_secret_used", secret="jwt") == 4
    past_grace(clock)
    caplog.clear()
    assert not rotation.matches(lambda key: key == OLD_JWT)
    assert [r.getMessage() for r in caplog.records] == [
        "refused: signed with the previous jwt secret, whose grace period ended at "
        "2026-03-03T09:30:00Z"]
    assert not any(OLD_JWT in r.getMessage() or NEW_JWT in r.getMessage()
                   for r in caplog.records)


def test_the_prometheus_counter_is_exported_from_zero_and_counts_each_use():
    metrics = PrometheusMetrics(CollectorRegistry())
    name = "skillpay_previous_secret_used_total"
    before = parse_scrape(metrics.exposition().decode())
    assert (name, (("secret", "jwt"),)) in before and (name, (("secret", "callback"),)) in before
    metrics.previous_secret_used("callback")
    after = parse_scrape(metrics.exposition().decode())
    assert value(after, name, secret="callback") == 1 and value(after, name, secret="jwt") == 0


# --- platform webhooks ---------------------------------------------------------------

def offered(headers: dict[str, str]) -> list[str]:
    return [part.split(",", 1)[1] for part in headers["webhook-signature"].split(" ")
            if part.startswith("v1,")]


def verifies(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """An independent Standard Webhooks check: any offered v1 signature matches."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    message = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(expected, sig) for sig in offered(headers))


def test_platform_webhooks_carry_both_signatures_while_rotating_and_one_after():
    now = [int(T0.timestamp())]
    sender = HttpWebhookSender(NEW_PLATFORM, lambda: now[0], previous=OLD_PLATFORM,
                               grace_until=GRACE_UNTIL)
    body = b'{"type":"PaymentSucceeded"}'
    during = sender.signed_headers("evt_1", body)
    assert len(offered(during)) == 2
    assert verifies(NEW_PLATFORM, during, body) and verifies(OLD_PLATFORM, during, body)
    assert during["webhook-signature"].split(" ")[0] == \
        HttpWebhookSender(NEW_PLATFORM, lambda: now[0]).signed_headers("evt_1", body)[
            "webhook-signature"]  # current first
    now[0] = int(GRACE_UNTIL.timestamp())
    after = sender.signed_headers("evt_1", body)
    assert len(offered(after)) == 1
    assert verifies(NEW_PLATFORM, after, body) and not verifies(OLD_PLATFORM, after, body)


# --- settings and production checks ----------------------------------------------------

ROTATING = {"SKILLPAY_JWT_SECRET_PREVIOUS": OLD_JWT,
            "SKILLPAY_SECRET_GRACE_UNTIL": "2026-03-03T09:30:00Z"}


def test_the_grace_period_end_is_an_instant_with_its_offset():
    def until(raw: str) -> datetime | None:
        return Settings.from_env({**ROTATING, "SKILLPAY_SECRET_GRACE_UNTIL": raw}
                                 ).secret_grace_until

    assert until("2026-03-03T09:30:00Z") == GRACE_UNTIL
    assert until("2026-03-03T11:30:00+02:00") == GRACE_UNTIL
    assert until("2026-03-03T11:30:00+02:00").tzinfo is UTC  # type: ignore[union-attr]
    for naive in ("2026-03-03T09:30:00", "2026-03-03"):
        with pytest.raises(SettingsError, match="offset"):
            until(naive)
    with pytest.raises(SettingsError, match="ISO-8601"):
        until("next tuesday")


def test_a_previous_secret_needs_the_end_of_its_grace_period():
    for name in ("SKILLPAY_JWT_SECRET_PREVIOUS", "IKHOKHA_APP_SECRET_PREVIOUS",
                 "IKHOKHA_WEBHOOK_SECRET_PREVIOUS", "SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS"):
        with pytest.raises(SettingsError, match="SKILLPAY_SECRET_GRACE_UNTIL is required"):
            Settings.from_env({name: "some-old-secret-value"})
    assert Settings.from_env({}).secret_grace_until is None


def test_callbacks_signed_with_the_app_secret_take_its_previous_one():
    grace = {"SKILLPAY_SECRET_GRACE_UNTIL": "2026-03-03T09:30:00Z"}
    shared = Settings.from_env({**grace, "IKHOKHA_APP_SECRET": "new-app-secret-01",
                                "IKHOKHA_APP_SECRET_PREVIOUS": "old-app-secret-01"})
    assert callback_secret_previous(shared) == "old-app-secret-01"
    own = Settings.from_env({**grace, "IKHOKHA_APP_SECRET": "new-app-secret-01",
                             "IKHOKHA_APP_SECRET_PREVIOUS": "old-app-secret-01",
                             "IKHOKHA_WEBHOOK_SECRET": "hook-secret-unchanged-1"})
    assert callback_secret_previous(own) == ""  # the callback secret is not rotating
    rotated = Settings.from_env({**grace, "IKHOKHA_WEBHOOK_SECRET": "new-hook-secret-1",
                                 "IKHOKHA_WEBHOOK_SECRET_PREVIOUS": "old-hook-secret-1"})
    assert callback_secret_previous(rotated) == "old-hook-secret-1"


def production(**changes: str) -> list[str]:
    return startup_problems(Settings.from_env({**VALID_PRODUCTION,
                                               "SKILLPAY_SECRET_GRACE_UNTIL":
                                                   "2026-03-03T09:30:00Z", **changes}))


def test_production_refuses_a_previous_secret_equal_to_the_current_or_too_weak():
    assert production(SKILLPAY_JWT_SECRET_PREVIOUS=OLD_JWT,
                      IKHOKHA_APP_SECRET_PREVIOUS="p2Vn8xL4qR7tW1mK9sJ3",
                      IKHOKHA_WEBHOOK_SECRET_PREVIOUS="z8Hc3nQ6vT1yL5pR2kW7") == []
    assert production(SKILLPAY_JWT_SECRET_PREVIOUS=VALID_PRODUCTION["SKILLPAY_JWT_SECRET"]) == [
        "SKILLPAY_JWT_SECRET_PREVIOUS equals SKILLPAY_JWT_SECRET: set the new secret as "
        "SKILLPAY_JWT_SECRET and the old one as SKILLPAY_JWT_SECRET_PREVIOUS"]
    assert production(SKILLPAY_JWT_SECRET_PREVIOUS="short") == [
        "SKILLPAY_JWT_SECRET_PREVIOUS is shorter than 32 characters"]
    assert production(IKHOKHA_WEBHOOK_SECRET_PREVIOUS=VALID_PRODUCTION["IKHOKHA_WEBHOOK_SECRET"]
                      ) == ["IKHOKHA_WEBHOOK_SECRET_PREVIOUS equals IKHOKHA_WEBHOOK_SECRET: set "
                            "the new secret as IKHOKHA_WEBHOOK_SECRET and the old one as "
                            "IKHOKHA_WEBHOOK_SECRET_PREVIOUS"]
    assert production(IKHOKHA_APP_SECRET_PREVIOUS="abc") == [
        "IKHOKHA_APP_SECRET_PREVIOUS is too short or looks like a placeholder"]


def test_a_previous_platform_secret_must_be_a_usable_key_in_any_environment():
    problems = startup_problems(Settings.from_env({
        "SKILLPAY_ENV": "test", "SKILLPAY_SECRET_GRACE_UNTIL": "2026-03-03T09:30:00Z",
        "SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS": "whsec_tooshort"}))
    assert problems == ["SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS must be whsec_ + base64 of "
                        "at least 24 random bytes"]
    assert production(SKILLPAY_PLATFORM_WEBHOOK_URLS="https://platform.example/hooks",
                      SKILLPAY_PLATFORM_WEBHOOK_SECRET=NEW_PLATFORM,
                      SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS=NEW_PLATFORM) == [
        "SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS equals SKILLPAY_PLATFORM_WEBHOOK_SECRET: set "
        "the new secret as SKILLPAY_PLATFORM_WEBHOOK_SECRET and the old one as "
        "SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS"]


def test_a_grace_period_that_has_ended_is_a_start_up_warning():
    ended = Settings.from_env({**ROTATING, "SKILLPAY_SECRET_GRACE_UNTIL": "2001-01-01T00:00Z"})
    assert any("SKILLPAY_SECRET_GRACE_UNTIL has passed: SKILLPAY_JWT_SECRET_PREVIOUS" in w
               for w in startup_warnings(ended))
    running = Settings.from_env({**ROTATING, "SKILLPAY_SECRET_GRACE_UNTIL": "2999-01-01T00:00Z"})
    assert not any("GRACE" in w for w in startup_warnings(running))


def test_every_previous_secret_is_registered_for_redaction_and_hidden_from_repr():
    platform_old = whsec(b"q")
    settings = Settings.from_env({
        "SKILLPAY_JWT_SECRET_PREVIOUS": "jwt-previous-to-redact-000000000001",
        "IKHOKHA_APP_SECRET_PREVIOUS": "app-previous-to-redact-01",
        "IKHOKHA_WEBHOOK_SECRET_PREVIOUS": "hook-previous-to-redact-01",
        "SKILLPAY_PLATFORM_WEBHOOK_SECRET_PREVIOUS": platform_old,
        "SKILLPAY_SECRET_GRACE_UNTIL": "2026-03-03T09:30:00Z"})
    redactor = install_redaction(settings)
    previous = ("jwt-previous-to-redact-000000000001", "app-previous-to-redact-01",
                "hook-previous-to-redact-01", platform_old)
    assert set(previous) <= redactor.secrets()
    for secret in previous:
        assert secret not in repr(settings)
        assert secret not in redactor.redact_text(f"while rotating we saw {secret} in a message")
