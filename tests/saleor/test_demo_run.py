"""Two demo stacks on one PostgreSQL server: the second is refused, before it
touches anything, instead of dropping the first one's database.

Real PostgreSQL (the test database's server), real advisory locks; each test
claims a database name of its own, so a ``make demo`` running meanwhile on the
same server is neither disturbed nor disturbing.
"""

import signal
import subprocess
import sys
import threading
import time
import uuid
from urllib.parse import quote

import pytest
from django.db import connection

from demo import run
from demo.run import AlreadyRunning, DatabaseClaim, claim_database


def server_url() -> str:
    settings = connection.settings_dict
    credentials = quote(settings["USER"] or "")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"])
    host = settings["HOST"] or "localhost"
    port = settings["PORT"] or 5432
    return f"postgres://{credentials}@{host}:{port}/postgres"


@pytest.fixture
def database() -> str:
    return f"amazon_feeds_demo_test_{uuid.uuid4().hex[:12]}"


def test_of_two_runs_starting_at_once_one_claims_the_database(database):
    barrier = threading.Barrier(2)
    outcome: dict[str, DatabaseClaim | AlreadyRunning] = {}

    def start(name: str) -> None:
        barrier.wait()
        try:
            outcome[name] = claim_database(server_url(), database, name)
        except AlreadyRunning as exc:
            outcome[name] = exc

    threads = [threading.Thread(target=start, args=(n,)) for n in ("run A", "run B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    claims = {n: o for n, o in outcome.items() if isinstance(o, DatabaseClaim)}
    refused = {n: o for n, o in outcome.items() if isinstance(o, AlreadyRunning)}
    assert len(claims) == 1, outcome
    assert len(refused) == 1, outcome
    (winner, claim), (message,) = claims.popitem(), [str(e) for e in refused.values()]
    assert f"database {database} on " in message
    assert f"in use by {winner}, started " in message
    assert "stop it first" in message
    claim.release()
    # Once the first run is over, the next one starts.
    claim_database(server_url(), database, "run C").release()


def test_a_run_killed_outright_leaves_no_stale_claim(database):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from demo.run import claim_database\n"
            "claim = claim_database(sys.argv[1], sys.argv[2], 'killed run')\n"
            "print('claimed', flush=True)\n"
            "time.sleep(120)\n",
            server_url(),
            database,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "claimed"
        with pytest.raises(AlreadyRunning, match="in use by killed run"):
            claim_database(server_url(), database, "next run")
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    # The server notices the closed connection and drops its lock.
    deadline = time.monotonic() + 10
    while True:
        try:
            claim_database(server_url(), database, "next run").release()
            break
        except AlreadyRunning:
            assert time.monotonic() < deadline, "the killed run's claim stayed"
            time.sleep(0.1)


def test_a_second_serve_stops_before_touching_redis_or_the_database(
    database, monkeypatch, capsys
):
    monkeypatch.setattr(run, "DB_NAME", database)
    steps = []

    def bootstrap(step: str) -> str:
        steps.append(step)
        if step == "db-up":
            return server_url()
        raise AssertionError(f"a refused run ran bootstrap {step}")

    monkeypatch.setattr(run, "bootstrap", bootstrap)
    # main() installs its own handlers; keep pytest's.
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    first = claim_database(server_url(), database, "amazon-feeds serve, pid 4242")
    try:
        code = run.main(["serve"])
    finally:
        first.release()

    out = capsys.readouterr().out
    assert code == 1
    assert f"NOT STARTED: database {database} on " in out
    assert "in use by amazon-feeds serve, pid 4242, started " in out
    # Neither Redis (whose broker database a run flushes) nor anything else.
    assert steps == ["db-up"]
    assert "logs:" not in out
