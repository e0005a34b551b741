"""Two real Kinlink nodes exchanging messages over HTTPS (docs/exchange/two-nodes.md).

Node A ("kz-node", SQLite) and node B ("uz-node", a fresh PostgreSQL database) run as two
``gunicorn kinlink.wsgi:application`` processes with TLS certificates from a test CA, on
loopback ports. Everything is done the way an operator does it: ``kinlink migrate``,
``kinlink kinlink_node init/show/add-partner/confirm-partner``, ``kinlink worker``; the
caseworkers' and coordinators' actions run through the app's services inside each node
(``node_actions.py``). The test process itself holds no app state: it reads the results
as JSON from each node, and polls the two databases only to time the crash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = pytest.mark.two_nodes

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ACTIONS = Path(__file__).with_name("node_actions.py")
SCRUB = {"DATABASE_URL", "DB", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
FOLLOW_UPS = (
    {"visit_date": "2026-01-10", "child_seen": True, "wellbeing": "Settled with the aunt"},
    {"visit_date": "2026-02-14", "child_seen": True, "schooling": "Enrolled in grade 6"},
)


# --------------------------------------------------------------------------- helpers


def _wait(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll ``predicate`` until it returns something truthy; bounded in time."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_pki(directory: Path) -> dict[str, Path]:
    """A throwaway CA and one server certificate per node, for 127.0.0.1."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kinlink two-node test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {"ca": directory / "ca.pem"}
    paths["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    for node in ("a", "b"):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"node {node}")]))
            .issuer_name(ca_name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
            )
            .sign(ca_key, hashes.SHA256())
        )
        paths[f"{node}_cert"] = directory / f"{node}.crt"
        paths[f"{node}_key"] = directory / f"{node}.key"
        paths[f"{node}_cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        paths[f"{node}_key"].write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        paths[f"{node}_key"].chmod(0o600)
    return paths


def _pg_server() -> dict:
    """Where node B's database goes: the server of DATABASE_URL when it is PostgreSQL
    (``make test-postgres``), else 127.0.0.1:5432 as user postgres."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = "postgresql://postgres@127.0.0.1:5432/postgres"
    p = urlparse(url)
    host = p.hostname or parse_qs(p.query).get("host", [""])[0]
    assert host in ("127.0.0.1", "localhost", "::1") or host.startswith("/"), host
    return {
        "host": host,
        "port": p.port or 5432,
        "user": p.username or "postgres",
        "password": p.password or "",
    }


def _pg_connect(server: dict, dbname: str):
    import psycopg

    return psycopg.connect(
        host=server["host"],
        port=server["port"],
        user=server["user"],
        password=server["password"] or None,
        dbname=dbname,
        autocommit=True,
        connect_timeout=5,
    )


def _pg_url(server: dict, dbname: str) -> str:
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    if server["host"].startswith("/"):
        return f"postgresql://{auth}@/{dbname}?host={server['host']}"
    return f"postgresql://{auth}@{server['host']}:{server['port']}/{dbname}"


class Node:
    """One Kinlink node: its environment, its gunicorn process, its commands."""

    def __init__(self, label, node_id, country, agency_code, agency, var_dir, db_url, pki):
        self.label, self.node_id, self.country = label, node_id, country
        self.agency_code, self.agency = agency_code, agency
        self.var_dir = var_dir
        self.port = _free_port()
        self.endpoint = f"https://127.0.0.1:{self.port}"
        self.cert, self.key = pki[f"{label}_cert"], pki[f"{label}_key"]
        base = {
            k: v for k, v in os.environ.items() if k not in SCRUB and not k.startswith("KINLINK_")
        }
        self.env = base | {
            "DJANGO_SETTINGS_MODULE": "kinlink.settings.base",
            "KINLINK_VAR_DIR": str(var_dir),
            "DATABASE_URL": db_url,
            "KINLINK_EXCHANGE_CA_FILE": str(pki["ca"]),
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "PYTHONDONTWRITEBYTECODE": "1",
            "LOG_LEVEL": "WARNING",
        }
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.log = var_dir / "gunicorn.log"
        self.worker_log = var_dir / "worker.log"

    # commands ---------------------------------------------------------------

    def run(self, *args, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            args,
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"node {self.label}: {' '.join(map(str, args))} exited {proc.returncode}\n"
                f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
            )
        return proc

    def kinlink(self, *args, **kw) -> subprocess.CompletedProcess:
        return self.run(str(BIN / "kinlink"), *args, **kw)

    def node(self, *args, **kw) -> subprocess.CompletedProcess:
        """``kinlink node ...`` (the management command kinlink_node)."""
        return self.kinlink("kinlink_node", *args, **kw)

    def action(self, name: str, **kw):
        proc = self.run(str(BIN / "python"), str(ACTIONS), name, json.dumps(kw))
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def state(self) -> dict:
        return self.action("state")

    def worker_batch(self) -> None:
        self.kinlink("worker", "--batch", "-v0")

    def document(self) -> dict:
        return json.loads(self.node("show", "--json").stdout)

    # processes --------------------------------------------------------------

    def _spawn(self, args, log: Path) -> subprocess.Popen:
        with log.open("ab") as out:
            return subprocess.Popen(
                args,
                cwd=REPO,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: killpg reaches the workers
            )

    def start(self) -> None:
        assert self.server is None or self.server.poll() is not None
        self.server = self._spawn(
            [
                str(BIN / "gunicorn"),
                "kinlink.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--certfile",
                str(self.cert),
                "--keyfile",
                str(self.key),
                "--workers",
                "1",
                "--timeout",
                "30",
                "--graceful-timeout",
                "3",
            ],
            self.log,
        )
        _wait(self.answers, timeout=45, interval=0.2, what=f"node {self.label} to answer")

    def answers(self) -> bool:
        if self.server is not None and self.server.poll() is not None:
            raise AssertionError(f"gunicorn of node {self.label} exited:\n{self.tail()}")
        try:
            https_get(self.endpoint + "/healthz")
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    def start_worker_loop(self) -> None:
        self.worker = self._spawn(
            [str(BIN / "kinlink"), "worker", "--interval", "0.1", "-v0"], self.worker_log
        )

    def kill_server(self, sig=signal.SIGKILL) -> None:
        _stop(self.server, sig)
        self.server = None

    def tail(self, n: int = 4000) -> str:
        text = ""
        for log in (self.log, self.worker_log):
            if log.exists():
                text += f"--- {log.name}\n" + log.read_text(errors="replace")[-n:]
        return text


def _stop(proc: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 10) -> None:
    """Signal a process group; SIGKILL it when it does not exit in time."""
    if proc is None:
        return
    for s in (sig, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, s)
        try:
            proc.wait(timeout=timeout)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):  # leftovers of the group
        os.killpg(proc.pid, signal.SIGKILL)


_CA_FILE: list[str] = []


def https_get(url: str, timeout: float = 5) -> bytes:
    ctx = ssl.create_default_context(cafile=_CA_FILE[0])
    with urllib.request.urlopen(url, timeout=timeout, context=ctx) as r:  # noqa: S310
        return r.read()


def https_post(url: str, data: bytes, timeout: float = 10) -> tuple[int, dict]:
    ctx = ssl.create_default_context(cafile=_CA_FILE[0])
    req = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/jose"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=ctx) as r:  # noqa: S310
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


# --------------------------------------------------------------------------- the two nodes


@pytest.fixture(scope="module")
def nodes():
    """Two migrated, running and mutually confirmed nodes; everything is torn down."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed")
    server = _pg_server()
    try:
        admin = _pg_connect(server, "postgres")
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"no PostgreSQL server for node B: {exc}")
    tmp = Path(tempfile.mkdtemp(prefix="kinlink-two-nodes-"))
    db_b = f"kinlink_node_b_{secrets.token_hex(6)}"
    a = b = None
    created = False
    try:
        pki = _make_pki(tmp)
        _CA_FILE[:] = [str(pki["ca"])]
        admin.execute(f'CREATE DATABASE "{db_b}"')
        created = True
        a = Node(
            "a",
            "kz-node",
            "KZ",
            "kz-cp",
            "Child Protection KZ",
            tmp / "a",
            f"sqlite:///{tmp / 'a' / 'kinlink.sqlite3'}",
            pki,
        )
        b = Node(
            "b",
            "uz-node",
            "UZ",
            "uz-cfs",
            "Child and Family Support UZ",
            tmp / "b",
            _pg_url(server, db_b),
            pki,
        )
        a.db_path = tmp / "a" / "kinlink.sqlite3"
        b.pg = (server, db_b)
        for n in (a, b):
            n.var_dir.mkdir()
        # migrate both nodes at the same time
        migrations = [
            subprocess.Popen(
                [str(BIN / "kinlink"), "migrate", "-v0"],
                cwd=REPO,
                env=n.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for n in (a, b)
        ]
        for n, p in zip((a, b), migrations, strict=True):
            out, _ = p.communicate(timeout=180)
            assert p.returncode == 0, f"migrate on node {n.label} failed:\n{out[-3000:]}"
        roles = {
            "a": [["sys", "system_admin"], ["alice", "caseworker"], ["sam", "supervisor"]],
            "b": [["sys", "system_admin"], ["carl", "crossborder"], ["bob", "caseworker"]],
        }
        for n in (a, b):
            out = n.node(
                "init",
                "--name",
                n.node_id,
                "--country",
                n.country,
                "--agency-code",
                n.agency_code,
                "--agency-name",
                n.agency,
                "--endpoint",
                n.endpoint,
            ).stdout
            assert "Fingerprint:" in out
            n.action("users", agency_code=n.agency_code, users=roles[n.label])
            n.start()

        # each administrator downloads the other's node document over HTTPS ...
        for here, there in ((a, b), (b, a)):
            out = here.node("add-partner", "--document", there.endpoint, "--as", "sys").stdout
            assert f"Added partner {there.node_id}" in out
            assert here.state()["partners"] == {there.node_id: "pending"}
        # ... and types the fingerprint read to them on the phone
        fp = {n.label: n.document()["fingerprint"] for n in (a, b)}
        wrong = b.node("confirm-partner", a.node_id, "--fingerprint", fp["b"], check=False)
        assert wrong.returncode != 0 and "does not match" in wrong.stderr
        assert b.state()["partners"] == {"kz-node": "pending"}
        b.node("confirm-partner", a.node_id, "--fingerprint", fp["a"].lower())
        a.node("confirm-partner", b.node_id, "--fingerprint", fp["b"])
        assert a.state()["partners"] == {"uz-node": "active"}
        assert b.state()["partners"] == {"kz-node": "active"}
        yield a, b
    finally:
        for n in (a, b):
            if n is not None:
                _stop(n.worker)
                _stop(n.server)
        if created:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_b}" WITH (FORCE)')
        admin.close()
        shutil.rmtree(tmp, ignore_errors=True)


def _delivered_exactly_once(sender: dict, receiver: dict, ids=None) -> None:
    """Every message of the sender's outbox (or of ``ids``) is delivered with a receipt and
    was processed exactly once by the receiver, as the same type."""
    outbox = [m for m in sender["outbox"] if ids is None or m["id"] in ids]
    assert outbox
    assert all(m["status"] == "delivered" and m["receipt"] for m in outbox), outbox
    counts = Counter(m["message_id"] for m in receiver["inbox"])
    types = {m["message_id"]: m["type"] for m in receiver["inbox"]}
    for m in outbox:
        assert counts[m["id"]] == 1, (m, counts[m["id"]])
        assert types[m["id"]] == m["type"]


def _request(state: dict, ref: str, direction: str) -> dict:
    [req] = [r for r in state["requests"] if r["ref"] == ref and r["direction"] == direction]
    return req


# --------------------------------------------------------------------------- the tests


def test_referral_acceptance_follow_ups_and_consent_withdrawal(nodes):
    a, b = nodes
    case = a.action("case", actor="alice", given="Oysha", family="Karimova")
    [sent] = a.action(
        "refer", case_id=case["case_id"], actor="alice", approver="sam", partner="uz-node"
    )["requests"]
    ref = sent["ref"]
    a.worker_batch()

    # B received the referral, with the minimum profile, and never the case number
    sb = b.state()
    req_b = _request(sb, ref, "in")
    assert req_b["status"] == "received" and req_b["kind"] == "referral"
    assert req_b["fields"]["child_given_name"] == "Oysha"
    assert case["number"] not in json.dumps(sb)
    _delivered_exactly_once(a.state(), sb)

    # B's coordinator accepts (acknowledgement + response); the caseworker reports twice
    assert b.action("accept", ref=ref, actor="carl", assignee="bob")["status"] == "accepted"
    b.worker_batch()
    assert _request(a.state(), ref, "out")["status"] == "accepted"
    for fields in FOLLOW_UPS:
        b.action("follow_up", ref=ref, actor="bob", fields=fields)
    b.worker_batch()
    sa = a.state()
    req_a = _request(sa, ref, "out")
    assert req_a["status"] == "in_progress" and req_a["acknowledged_at"] and req_a["responded_at"]

    # the caregiver withdraws consent on A: B is told to restrict what it received
    a.action(
        "withdraw_consent", actor="alice", case_id=case["case_id"], consent_id=case["consent_id"]
    )
    a.worker_batch()
    sa, sb = a.state(), b.state()

    # every message arrived exactly once, at the first attempt, in both directions
    assert [m["type"] for m in sa["outbox"]] == ["referral", "restriction"]
    assert [m["type"] for m in sb["outbox"]] == [
        "acknowledgement",
        "response",
        "follow_up_report",
        "follow_up_report",
    ]
    _delivered_exactly_once(sa, sb)
    _delivered_exactly_once(sb, sa)
    assert {m["attempts"] for m in sa["outbox"] + sb["outbox"]} == {1}
    assert len(sa["inbox"]) == 4 and len(sb["inbox"]) == 2

    # the shared timeline, on both sides, with the same message ids
    ids_a = {m["id"]: m["type"] for m in sa["outbox"]}
    ids_b = {m["id"]: m["type"] for m in sb["outbox"]}
    req_a, req_b = _request(sa, ref, "out"), _request(sb, ref, "in")
    wire_a = [(d, k, m) for d, k, m in req_a["timeline"] if d != "local"]
    wire_b = [(d, k, m) for d, k, m in req_b["timeline"] if d != "local"]
    expected = (
        [("out", "referral")] + [("in", t) for t in ids_b.values()] + [("out", "restriction")]
    )
    assert [(d, k) for d, k, _ in wire_a] == expected
    assert [(d, k) for d, k, _ in wire_b] == [
        ({"out": "in", "in": "out"}[d], k) for d, k in expected
    ]
    assert [m for *_, m in wire_a] == [m for *_, m in wire_b]
    assert {m for *_, m in wire_a} == set(ids_a) | set(ids_b)
    assert [k for d, k, _ in req_a["timeline"] if d == "local"] == [
        "draft",
        "harm_check",
        "submitted",
    ]

    # the withdrawal: A closed its request; B erased the received fields and closed its copy
    assert req_a["status"] == "withdrawn" and req_a["restriction_reason"] == "consent_withdrawn"
    assert req_b["status"] == "withdrawn" and req_b["restricted_at"]
    assert req_b["restriction_reason"] == "consent_withdrawn"
    assert req_b["fields"] == {}
    assert "Oysha" not in json.dumps(req_b)
    # ... kept only a digest of the partner's signed referral and flagged its linked case
    assert [m["erased"] for m in sb["inbox"] if m["type"] == "referral"] == [True]
    assert req_b["needs_review"] and req_b["case_alerts"] == ["xb_restricted"]
    assert req_a["case_alerts"] == []  # A's deadlines no longer apply to a withdrawn request


def _sqlite_outbox(db_path: Path, ids) -> dict[str, tuple[str, int, str]]:
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        rows = con.execute(
            "SELECT id, status, attempts, last_error, token FROM exchange_outboundmessage"
        ).fetchall()
    finally:
        con.close()
    # SQLite stores UUIDs as 32 hex digits
    wanted = {i.replace("-", ""): i for i in ids}
    return {wanted[r[0]]: r[1:] for r in rows if r[0] in wanted}


def _pg_inbox_count(con) -> int:
    return con.execute("SELECT count(*) FROM exchange_inboundmessage").fetchone()[0]


def test_receiver_killed_mid_delivery_every_message_arrives_once(nodes):
    a, b = nodes
    n_messages = 16
    case = a.action("case", actor="alice", given="Dilnoza", family="Rashidova")
    before_b = len(b.state()["inbox"])
    sent = a.action(
        "refer",
        case_id=case["case_id"],
        actor="alice",
        approver="sam",
        partner="uz-node",
        count=n_messages,
    )["requests"]
    ids = [s["message_id"] for s in sent]
    assert len(_sqlite_outbox(a.db_path, ids)) == n_messages

    # A's worker streams the outbox to B; B is SIGKILLed (master and worker) mid-stream,
    # as soon as its third message is committed: the next one is then in flight, or the
    # answer to the third is still on its way back.
    with _pg_connect(*b.pg) as watch:
        a.start_worker_loop()
        _wait(
            lambda: _pg_inbox_count(watch) - before_b >= 3,
            timeout=60,
            interval=0.001,
            what=f"the first deliveries to B\n{a.tail()}",
        )
        b.kill_server(signal.SIGKILL)
        t_kill = time.monotonic()
        stored_at_kill = {
            str(r[0]) for r in watch.execute("SELECT message_id FROM exchange_inboundmessage")
        } & set(ids)
    assert len(stored_at_kill) < n_messages, "B processed everything before it was killed"

    # A keeps trying while B is down: the failures are recorded and retried with backoff
    _wait(
        lambda: any(
            s == "queued" and n >= 1 and err
            for s, n, err, _ in _sqlite_outbox(a.db_path, ids).values()
        ),
        timeout=30,
        what=f"a failed delivery attempt on A\n{a.tail()}",
    )
    b.start()
    _wait(
        lambda: all(s == "delivered" for s, *_ in _sqlite_outbox(a.db_path, ids).values()),
        timeout=90,
        interval=0.5,
        what=f"A to deliver every message after B came back\n{a.tail()}\n{b.tail()}",
    )
    recovery = time.monotonic() - t_kill
    _stop(a.worker)
    a.worker = None

    sa, sb = a.state(), b.state()
    _delivered_exactly_once(sa, sb, ids=set(ids))
    assert len(sb["inbox"]) == before_b + n_messages
    outbox = {m["id"]: m for m in sa["outbox"]}
    assert any(outbox[i]["attempts"] > 1 for i in ids), "no delivery was retried"
    # one inbound request per referral on B, each with exactly one received message
    for s in sent:
        req_b = _request(sb, s["ref"], "in")
        assert req_b["status"] == "received"
        assert req_b["timeline"] == [["in", "referral", s["message_id"]]]
    # stored by B before the kill but sent again by A: the answer was lost, B deduplicated
    lost_answers = [i for i in stored_at_kill if outbox[i]["attempts"] > 1]
    print(
        f"\nB killed after storing {len(stored_at_kill)} of {n_messages} messages "
        f"({len(lost_answers)} of them stored but not acknowledged, then re-sent and "
        f"deduplicated); all delivered {recovery:.1f}s after the kill; "
        f"attempts: {sorted(outbox[i]['attempts'] for i in ids)}"
    )

    # A lost answer, forced: A forgets one delivery and sends the same message again;
    # B answers "duplicate" with a signed receipt and processes nothing twice.
    again = ids[0]
    assert a.action("lose_acknowledgement", message_id=again) == {"requeued": 1}
    a.worker_batch()
    sa2, sb2 = a.state(), b.state()
    m = next(m for m in sa2["outbox"] if m["id"] == again)
    assert m["status"] == "delivered" and m["receipt"]
    assert m["attempts"] == outbox[again]["attempts"] + 1
    assert sb2["inbox"] == sb["inbox"] and sb2["requests"] == sb["requests"]

    # and a copy replayed on the wire by anyone is refused, with nothing stored
    token = _sqlite_outbox(a.db_path, ids)[ids[1]][3]
    status, answer = https_post(b.endpoint + "/exchange/inbox", token.encode())
    assert status == 409 and answer["error"] == "replay" and answer["receipt"]
    assert b.state()["inbox"] == sb["inbox"]
