"""The production stack of deploy/ on this machine, without a container runtime.

Debian's nginx runs the SAME site file as the compose stack (deploy/nginx/skillpay.conf,
filled with loopback ports and a certificate made here) in front of two `skillpay serve`
processes and one `skillpay worker` on PostgreSQL (a fresh database, migrated by the
one-shot `skillpay migrate upgrade`) and Redis. The API runs as in production behind a
proxy: HTTPS required, forwarding headers believed from the proxy only.

A full purchase goes through the load balancer over TLS. The student has two live
streams open through nginx, which deals them round robin: one lands on each instance.
iK Pay's callback (the simulator's, signed, sent to SKILLPAY_PUBLIC_URL, the balancer)
lands on one instance. Both streams must see the course unlocked, and each instance's
own /metrics must show that it served exactly one stream and that exactly one of them
received the callback: so the instance that never saw the callback told its student,
through Redis.

Without nginx, PostgreSQL or Redis the test skips with the reason; in CI (CI=true) it
fails instead. `docker compose config` checks deploy/compose.yaml where docker and its
compose plugin are installed.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from adapters.simulator.api import API_PREFIX
from adapters.simulator.client import SimulatorControl
from entrypoints.http.auth import TokenCodec
from tests.support.databases import create_pg_database, drop_pg_database
from tests.support.live_stack import APP_ID, APP_SECRET, free_port
from tests.support.load_balancer import (
    ROOT,
    main_config,
    nginx_argv,
    render_site,
    require_nginx,
    self_signed_certificate,
)
from tests.support.redis_service import fresh_prefix, require_redis
from tests.support.running import Running, answers
from tests.support.sse import SseStream

pytestmark = pytest.mark.integration
SKILLPAY = [sys.executable, "-m", "entrypoints.cli"]  # what the `skillpay` script runs
JWT = "load-balancer-jwt-signing-key-0123456789abcdef"
TOKENS = TokenCodec(JWT)
STUDENT = "lb-student-1"
UNLOCK = "EnrollmentActivated"


def distinct_ports(count: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < count:  # a closed probe socket's port can come back at once
        ports = list(dict.fromkeys([*ports, free_port()]))
    return ports


def base_env() -> dict[str, str]:
    """The machine's environment without any setting of ours leaking in."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("SKILLPAY_", "IKHOKHA_", "VITE_")) and k != "REDIS_URL"}


@pytest.fixture
def database_url() -> Iterator[str]:
    url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(url)


def started(stack: ExitStack, name: str, argv: list[str], env: dict[str, str],
            ready: Callable[[Running], bool], timeout: float = 60) -> Running:
    """A child process, ended when `stack` closes; returns once `ready(process)` holds."""
    process = stack.enter_context(Running(argv, ROOT, env))
    if not process.wait_for(lambda: ready(process), timeout):
        pytest.fail(f"{name} did not come up within {timeout} s; it said:\n{process.output}")
    return process


def serves(url: str) -> Callable[[Running], bool]:
    check = answers(url)
    return lambda _process: check()


def counter(metrics_text: str, name: str, **labels: str) -> float:
    """Sum of the samples of counter `name` whose labels include `labels`."""
    total = 0.0
    for family in text_string_to_metric_families(metrics_text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v
                                           for k, v in labels.items()):
                total += sample.value
    return total


async def scrape(http: aiohttp.ClientSession, port: int) -> str:
    """An instance's own /metrics, directly (plain HTTP: probes are exempt)."""
    async with http.get(f"http://127.0.0.1:{port}/metrics") as response:
        assert response.status == 200
        return await response.text()


def upstreams(log: Path, method: str, uri: str) -> list[str]:
    """The upstream of each logged request `method uri` that answered 200 (the site's
    log format: '... "GET /uri HTTP/1.1" 200 ... upstream=ADDR ...')."""
    found = []
    for line in log.read_text().splitlines() if log.exists() else []:
        match = re.search(rf'"{method} {re.escape(uri)} [^"]*" 200 .* upstream=(\S+)', line)
        if match:
            found.append(match.group(1))
    return found


async def until(condition, what: str, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """Poll an async condition until it holds; never a fixed sleep."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{what} did not hold within {timeout} s")
        await asyncio.sleep(0.05)


def test_purchase_through_nginx_callback_on_one_instance_unlock_seen_on_the_other(
        tmp_path: Path, database_url: str) -> None:
    nginx = require_nginx()
    redis_url = require_redis()
    cert, key = self_signed_certificate(tmp_path)
    api_a, api_b, https_port, http_port, sim_port = distinct_ports(5)
    public = f"https://localhost:{https_port}"
    env = {**base_env(),
           # development: the only environment that lets the API, with HTTPS required,
           # talk to a gateway on plain-HTTP loopback (the simulator). Everything else is
           # production's: HTTPS required, forwarding headers from the proxy only.
           "SKILLPAY_ENV": "development",
           "SKILLPAY_DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "SKILLPAY_PUBLIC_URL": public, "SKILLPAY_JWT_SECRET": JWT,
           "SKILLPAY_GATEWAY": "ikhokha",
           "IKHOKHA_API_URL": f"http://127.0.0.1:{sim_port}{API_PREFIX}",
           "IKHOKHA_APP_ID": APP_ID, "IKHOKHA_APP_SECRET": APP_SECRET,
           "IKHOKHA_RETRY_DELAY_MS": "0",
           "SKILLPAY_REQUIRE_HTTPS": "true", "SKILLPAY_TRUSTED_PROXIES": "127.0.0.1/32",
           "SKILLPAY_ALLOWED_HOSTS": "localhost", "SKILLPAY_LOG_FORMAT": "json",
           "SKILLPAY_WORKER_INTERVAL_MS": "200",
           "SKILLPAY_RATE_LIMIT_PREFIX": fresh_prefix("lb")}

    # The compose stack's one-shot migrate service.
    migrated = subprocess.run([*SKILLPAY, "migrate", "upgrade"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=180)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    (tmp_path / "skillpay.conf").write_text(render_site({
        "SKILLPAY_SERVER_NAME": "localhost",
        "SKILLPAY_HTTPS_PORT": f"127.0.0.1:{https_port}",
        "SKILLPAY_HTTP_PORT": f"127.0.0.1:{http_port}",
        "SKILLPAY_API_1": f"127.0.0.1:{api_a}", "SKILLPAY_API_2": f"127.0.0.1:{api_b}",
        "SKILLPAY_TLS_CERT": str(cert), "SKILLPAY_TLS_KEY": str(key),
        "SKILLPAY_ACCESS_LOG": str(tmp_path / "access.log")}))
    (tmp_path / "nginx.conf").write_text(main_config(tmp_path, tmp_path / "skillpay.conf"))
    checked = subprocess.run([*nginx_argv(nginx, tmp_path), "-t"], capture_output=True,
                             text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr

    tls = ssl.create_default_context(cafile=str(cert))  # verified, not switched off
    with ExitStack() as stack:
        # iK Pay's look-alike calls back over HTTPS through nginx, trusting our certificate.
        started(stack, "the simulator",
                [*SKILLPAY, "simulator", "--port", str(sim_port), "--app-id", APP_ID,
                 "--app-secret", APP_SECRET], {**base_env(), "SSL_CERT_FILE": str(cert)},
                serves(f"http://127.0.0.1:{sim_port}/_sim/state"))
        instances = {}
        for name, port in (("A", api_a), ("B", api_b)):
            instances[name] = started(
                stack, f"instance {name}",
                [*SKILLPAY, "serve", "--host", "127.0.0.1", "--port", str(port)], env,
                serves(f"http://127.0.0.1:{port}/health/live"))
        worker = started(stack, "the worker", [*SKILLPAY, "worker"], env,
                         lambda process: "worker running" in process.output)
        balancer = started(stack, "nginx", nginx_argv(nginx, tmp_path), base_env(),
                           serves(f"http://127.0.0.1:{http_port}/nginx-health"))
        try:
            asyncio.run(purchase(tls, public, https_port, http_port, api_a, api_b,
                                 sim_port, tmp_path))
        except BaseException:
            for name, process in (("instance A", instances["A"]),
                                  ("instance B", instances["B"]), ("worker", worker),
                                  ("nginx", balancer)):
                print(f"----- {name} -----\n{process.output[-6000:]}")
            raise


async def purchase(tls: ssl.SSLContext, public: str, https_port: int, http_port: int,
                   api_a: int, api_b: int, sim_port: int, folder: Path) -> None:
    student = {"Authorization": f"Bearer {TOKENS.mint(STUDENT, 'student')}"}
    service = {"Authorization": f"Bearer {TOKENS.mint('platform', 'service')}"}
    stream_token = TOKENS.mint(STUDENT, "student")
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=tls)) as http:
        # The enrollment and the checkout, through the balancer.
        async with http.post(f"{public}/api/v1/enrollments", headers=service, json={
                "student_id": STUDENT, "course_id": "c-load-balancer",
                "price": {"amount": 19900, "currency": "ZAR"}}) as r:
            enrollment = await r.json()
            assert r.status == 201, enrollment
        async with http.post(f"{public}/api/v1/payments",
                             json={"enrollment_id": enrollment["id"]},
                             headers={**student, "Idempotency-Key": "load-balancer-000001"}) as r:
            payment = await r.json()
            assert r.status == 201, payment

        # Two live streams in a row: round robin gives one to each instance (checked on
        # each instance's /metrics below), then a WebSocket through the same balancer.
        responses = []
        streams = []
        forever = aiohttp.ClientTimeout(total=None, sock_read=60)
        try:
            for _ in range(2):
                response = await http.get(f"{public}/api/v1/events",
                                          params={"access_token": stream_token},
                                          timeout=forever)
                responses.append(response)
                assert response.status == 200, await response.text()
                assert response.headers["Content-Type"].startswith("text/event-stream")
                stream = SseStream(response)
                assert (await stream.next_event())[0] == "ready"  # not held in a buffer
                streams.append(stream)
            socket = await http.ws_connect(
                f"wss://localhost:{https_port}/api/v1/events/ws",
                params={"access_token": stream_token})
            try:
                assert (await socket.receive_json(timeout=10))["type"] == "ready"

                # The student pays: iK Pay's signed callback goes to SKILLPAY_PUBLIC_URL.
                control = SimulatorControl(f"http://127.0.0.1:{sim_port}", http)
                await control.settle(payment["gateway_reference"], "pay")

                for stream in streams:
                    unlocked = await stream.wait_for(UNLOCK, timeout=30)
                    assert enrollment["id"] in json.dumps(unlocked), unlocked
                while True:
                    message = json.loads((await socket.receive()).data)
                    if message["type"] == UNLOCK:
                        break
            finally:
                await socket.close()
        finally:
            # Gone like a closed tab: dropped at once. A polite TLS close would wait for
            # nginx's close_notify (30 s), and nginx ends a stream on the TCP close only.
            for response in responses:
                if response.connection is not None and response.connection.transport:
                    response.connection.transport.abort()
                response.close()

        # Which instance did what: nginx's access log names the upstream of every
        # request (written when nginx ends it), each instance's counters confirm.
        log = folder / "access.log"

        async def streams_logged() -> bool:
            return len(upstreams(log, "GET", "/api/v1/events")) == 2
        await until(streams_logged, "nginx logging both closed streams")
        instances = {f"127.0.0.1:{api_a}": api_a, f"127.0.0.1:{api_b}": api_b}
        streams_on = upstreams(log, "GET", "/api/v1/events")
        assert sorted(streams_on) == sorted(instances), streams_on
        [callback_on] = upstreams(log, "POST", "/webhooks/ikhokha")
        texts = {p: await scrape(http, p) for p in (api_a, api_b)}
        received = {p: counter(t, "skillpay_callbacks_received_total")
                    for p, t in texts.items()}
        receiver = instances[callback_on]
        assert received == {p: 1 if p == receiver else 0 for p in texts}, received
        assert counter(texts[receiver], "skillpay_callbacks_total", outcome="processed") == 1

        # What the student reads afterwards, through the balancer.
        async with http.get(f"{public}/api/v1/payments/{payment['id']}",
                            headers=student) as r:
            body = await r.json()
            assert r.status == 200 and body["status"] == "succeeded", body

        await edge_rules(http, public, http_port, api_a)
    text = (folder / "access.log").read_text()
    assert stream_token not in text and "access_token" not in text, "tokens in the access log"


async def edge_rules(http: aiohttp.ClientSession, public: str, http_port: int,
                     api_port: int) -> None:
    """The balancer's and the trusted-proxy rules around the purchase."""
    # Straight to an instance over plain HTTP: refused (only the proxy vouches for HTTPS).
    async with http.get(f"http://127.0.0.1:{api_port}/api/v1/payments") as r:
        assert r.status == 403 and (await r.json())["code"] == "https_required"
    # Plain HTTP on the balancer: API paths refused, pages sent to HTTPS.
    async with http.get(f"http://127.0.0.1:{http_port}/api/v1/payments") as r:
        assert r.status == 403
    async with http.get(f"http://127.0.0.1:{http_port}/checkout/x/success",
                        allow_redirects=False) as r:
        assert r.status == 301
        assert r.headers["Location"].startswith("https://")
    # /metrics is for Prometheus on the private network only.
    async with http.get(f"{public}/metrics") as r:
        assert r.status == 404
    # Bodies larger than any request of the API stop at nginx.
    async with http.post(f"{public}/webhooks/ikhokha", data=b"x" * (100 * 1024),
                         headers={"Content-Type": "application/json"}) as r:
        assert r.status == 413


def test_compose_file_passes_docker_compose_config() -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("docker is not installed here: `docker compose config` cannot check "
                    "deploy/compose.yaml (tests/unit/test_deploy_files.py still checks it)")
    plugin = subprocess.run([docker, "compose", "version"], capture_output=True, text=True,
                            timeout=60)
    if plugin.returncode != 0:
        pytest.skip("docker is installed without its compose plugin (`docker compose "
                    f"version`: {(plugin.stderr or plugin.stdout).strip()[:200]})")
    checked = subprocess.run([docker, "compose", "-f", str(ROOT / "deploy" / "compose.yaml"),
                              "config", "--quiet"], capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr

