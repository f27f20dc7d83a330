"""``make demo`` / ``make serve``: the whole stack on embedded defaults.

PostgreSQL and Redis (reused or started through ``scripts/bootstrap.sh``), a
fresh demo database (copied from a migrated template, so only the first run
pays for Saleor's migrations), a small sample shop, the bundled SP-API sandbox,
Saleor over HTTP (uvicorn), a real Celery worker and beat. ``demo`` then plays
the merchant's day through the plugin's GraphQL API and Saleor's, as a client
would, prints a summary and exits 0 only when the round trip is right;
``serve`` keeps the stack running until Ctrl-C. Everything started is stopped.

    python -m demo.run demo [--time-scale 50]
    python -m demo.run serve [--no-seed]

One stack per PostgreSQL server at a time: the database name is fixed (and so
are the Celery broker's Redis database and the log files), so a second
``demo`` or ``serve`` would drop the first one's shop. It is refused instead,
before it touches anything, naming the run that holds the database.
"""

import argparse
import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "demo"
LOCAL = ROOT / ".local"
DB_NAME = "amazon_feeds_demo"
TEMPLATE = "amazon_feeds_demo_template"
BROKER_DB = 13
PLUGIN_ID = "saleor.amazon_feeds"
DASHBOARD_ORIGINS = "http://localhost:9000 http://127.0.0.1:9000"
DASHBOARD_VERSION = "3.23"
# First key of the advisory lock that claims the demo database (see
# claim_database); the second is the database name's lock_key.
LOCK_NAMESPACE = 0x5AF0_0D3E


class DemoFailure(Exception):
    """The round trip went wrong: the message says what and where."""


class AlreadyRunning(DemoFailure):
    """Another demo or serve holds the demo database on this server."""


def say(message: str = "") -> None:
    print(message, flush=True)


def step(message: str) -> None:
    say(f"\n== {message}")


class Progress:
    """A one-line progress bar for the long waits (plain text without a TTY)."""

    def __init__(self, label: str, total: float) -> None:
        self.label, self.total, self.tty = label, total, sys.stdout.isatty()
        self.last = -1

    def update(self, done: float, note: str = "") -> None:
        width = 30
        filled = int(width * min(done, self.total) / (self.total or 1))
        if not self.tty and filled == self.last:
            return
        self.last = filled
        bar = "#" * filled + "." * (width - filled)
        line = f"   {self.label:<34} [{bar}] {note}"
        if self.tty:
            sys.stdout.write("\r" + line[:110].ljust(110))
            sys.stdout.flush()
        elif filled in (0, width):
            say(line)

    def done(self, note: str = "done") -> None:
        self.last = -1
        self.update(self.total, note)
        if self.tty:
            sys.stdout.write("\n")


def wait_for(predicate, timeout: float, what: str, *, label=None, interval=0.5):
    """Poll ``predicate`` (returns a value or None/False) with a progress bar."""
    bar = Progress(label or what, timeout)
    started = time.monotonic()
    while True:
        value = predicate()
        elapsed = time.monotonic() - started
        if value:
            bar.done(f"{elapsed:.0f}s")
            return value
        if elapsed > timeout:
            bar.done("timed out")
            raise DemoFailure(f"timed out after {timeout:.0f}s waiting for {what}")
        bar.update(elapsed, f"{elapsed:.0f}s")
        time.sleep(interval)


def table(headers: list[str], rows: list[list]) -> None:
    rows = [[str(c) for c in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    say("   " + "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    say("   " + line)
    for row in rows:
        say("   " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    if not rows:
        say("   (none)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bootstrap(step_name: str) -> str:
    return subprocess.run(
        [str(ROOT / "scripts" / "bootstrap.sh"), step_name],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


# -- one run per database ----------------------------------------------------------


def lock_key(database: str) -> int:
    """The advisory lock's second key for ``database``: a positive int4, the
    same in every process (unlike ``hash``)."""
    digest = hashlib.sha256(database.encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFF_FFFF


class DatabaseClaim:
    """This run's hold on the demo database: a session advisory lock on a
    connection kept open until ``release``. PostgreSQL drops the lock with
    the connection, so a run that is killed outright leaves no stale claim."""

    def __init__(self, connection) -> None:
        self.connection = connection

    def release(self) -> None:
        with contextlib.suppress(Exception):
            self.connection.close()


def claim_database(server_url: str, database: str, holder: str) -> DatabaseClaim:
    """Claim ``database`` on the server at ``server_url`` for this run, or
    raise ``AlreadyRunning`` naming the run that holds it. ``holder`` names
    this run to the next one (it is the lock connection's application_name)."""
    import psycopg

    connection = psycopg.connect(
        with_db(server_url, "postgres"),
        autocommit=True,
        application_name=holder[:63],
    )
    keys = [LOCK_NAMESPACE, lock_key(database)]
    claimed = False
    try:
        (claimed,) = connection.execute(
            "SELECT pg_try_advisory_lock(%s::int4, %s::int4)", keys
        ).fetchone()
        if claimed:
            return DatabaseClaim(connection)
        other = connection.execute(
            """SELECT a.application_name, a.backend_start
               FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
               WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
                 AND l.classid = %s::int4::oid AND l.objid = %s::int4::oid""",
            keys,
        ).fetchone()
    finally:
        if not claimed:
            connection.close()
    # Another role's session may hide these (pg_stat_activity's rules).
    name, since = other or (None, None)
    who = name or "another run"
    if since is not None:
        who += f", started {since:%Y-%m-%d %H:%M:%S}"
    raise AlreadyRunning(
        f"database {database} on {_server(server_url)} is in use by "
        f"{who}. Starting would drop that run's shop: stop it first (Ctrl-C in "
        "its terminal), then run this again."
    )


def _server(url: str) -> str:
    """Host and port of a database URL, without its credentials."""
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


# -- the stack -------------------------------------------------------------------


class Stack:
    def __init__(self, time_scale: float, mode: str = "demo") -> None:
        self.time_scale = time_scale
        self.mode = mode
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []
        self.cleanups: list = []
        self.env: dict[str, str] = {}
        self.saleor_url = self.sandbox_url = ""

    # services ---------------------------------------------------------------------

    def start_services(self) -> None:
        CACHE.mkdir(parents=True, exist_ok=True)
        step("PostgreSQL and Redis")
        pg_before = (LOCAL / "pg.started-by-us").exists()
        redis_before = (LOCAL / "redis.started-by-us").exists()
        server_url = bootstrap("db-up")
        if not pg_before and (LOCAL / "pg.started-by-us").exists():
            self.cleanups.append(lambda: bootstrap("db-down"))
        # Before anything another run shares is touched (its broker database
        # is flushed below, its database dropped later): a second run stops
        # here. Released last, after this run's database is dropped.
        claim = claim_database(
            server_url, DB_NAME, f"amazon-feeds {self.mode}, pid {os.getpid()}"
        )
        self.cleanups.append(claim.release)
        redis_url = bootstrap("redis-up")
        if not redis_before and (LOCAL / "redis.started-by-us").exists():
            self.cleanups.append(lambda: bootstrap("redis-down"))
        self.server_url = server_url
        self.database_url = with_db(server_url, DB_NAME)
        self.redis_url = redis_url
        self.broker_url = redis_url.rsplit("/", 1)[0] + f"/{BROKER_DB}"
        say(f"   database {self.database_url}")
        say(f"   redis    {redis_url} (Celery broker: db {BROKER_DB})")
        import redis

        redis.Redis.from_url(self.broker_url).flushdb()

        key_file = CACHE / "jwt-key.pem"
        if not key_file.exists():
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import rsa

            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            key_file.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.TraditionalOpenSSL,
                    serialization.NoEncryption(),
                )
            )
        saleor_port, sandbox_port = free_port(), free_port()
        self.saleor_url = f"http://127.0.0.1:{saleor_port}"
        self.sandbox_url = f"http://127.0.0.1:{sandbox_port}"
        self.saleor_port, self.sandbox_port = saleor_port, sandbox_port
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "demo.settings",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
            ),
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "AMAZON_FEEDS_REDIS_URL": redis_url,
            "AMAZON_FEEDS_RATE_LIMIT_PREFIX": f"amazon_feeds_demo:{uuid.uuid4().hex}",
            "AMAZON_FEEDS_SANDBOX_URL": self.sandbox_url,
            "AMAZON_FEEDS_TIME_SCALE": str(self.time_scale),
            "AMAZON_FEEDS_DEMO_DIR": str(CACHE),
            "AMAZON_FEEDS_DEMO_RSA_KEY_FILE": str(key_file),
            "PUBLIC_URL": self.saleor_url,
            # Who may frame the plugin's dashboard pages: a Saleor dashboard
            # run locally on port 9000 (see `make serve`), unless told.
            "AMAZON_FEEDS_DASHBOARD_ORIGINS": os.environ.get(
                "AMAZON_FEEDS_DASHBOARD_ORIGINS", DASHBOARD_ORIGINS
            ),
            # demo.settings forces both; said here too so that no child process
            # of the stack ever starts Saleor with its internet-bound default.
            "SEND_USAGE_TELEMETRY": "False",
            "PYTHONUNBUFFERED": "1",
        }
        os.environ.update(self.env)

    def _admin(self):
        import psycopg

        return psycopg.connect(with_db(self.server_url, "postgres"), autocommit=True)

    def _db_exists(self, cur, name: str) -> bool:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cur.fetchone() is not None

    def _migrations_stamp(self) -> str:
        """Changes when Saleor's or the plugin's migrations change."""
        digest = hashlib.sha256()
        import saleor

        for base in (Path(saleor.__file__).parent, ROOT / "saleor_amazon_feeds"):
            for path in sorted(base.glob("**/migrations/*.py")):
                digest.update(str(path.relative_to(base)).encode())
                digest.update(str(path.stat().st_size).encode())
        return digest.hexdigest()[:16]

    def _migrate(self, database: str, label: str) -> None:
        log = CACHE / "migrate.log"
        env = {**self.env, "DATABASE_URL": with_db(self.server_url, database)}
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "django", "migrate", "--noinput"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            bar = Progress(label, 1)
            applied = 0
            while process.poll() is None:
                applied = log.read_bytes().count(b"... OK")
                bar.total = max(bar.total, applied + 50)
                bar.update(applied, f"{applied} migrations")
                time.sleep(1)
        if process.returncode != 0:
            raise DemoFailure(
                "migrate failed:\n" + log.read_text(errors="replace")[-3000:]
            )
        bar.done(f"{applied} migrations applied")

    def create_database(self) -> None:
        step(f"Database {DB_NAME}")
        stamp = self._migrations_stamp()
        stamp_file = CACHE / "template.stamp"
        with self._admin() as conn:
            cur = conn.cursor()
            fresh = self._db_exists(cur, TEMPLATE) and (
                stamp_file.exists() and stamp_file.read_text() == stamp
            )
            if not fresh:
                say(f"   migrating a template database {TEMPLATE} (once; ~5 minutes)")
                wip = TEMPLATE + "_wip"
                cur.execute(f'DROP DATABASE IF EXISTS "{wip}"')
                cur.execute(f'CREATE DATABASE "{wip}"')
                self._migrate(wip, "migrate (Saleor + plugin)")
                cur.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}"')
                cur.execute(f'ALTER DATABASE "{wip}" RENAME TO "{TEMPLATE}"')
                stamp_file.write_text(stamp)
            cur.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{DB_NAME}" TEMPLATE "{TEMPLATE}"')
            say(f"   {DB_NAME} created from {TEMPLATE}")
        self.cleanups.append(self.drop_database)
        import logging

        import django

        django.setup()
        # Saleor's logging config prints every httpx request of the orchestrator.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("py.warnings").setLevel(logging.ERROR)

    def drop_database(self) -> None:
        from django.db import connections

        connections.close_all()
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')

    # processes --------------------------------------------------------------------

    def spawn(self, name: str, args: list[str], ready: bytes, timeout=120) -> None:
        log_path = CACHE / f"{name}.log"
        log = open(log_path, "wb")  # noqa: SIM115 - closed at shutdown
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((name, process, log_path))

        def is_ready():
            if process.poll() is not None:
                raise DemoFailure(
                    f"{name} exited:\n" + log_path.read_text(errors="replace")[-3000:]
                )
            return ready in log_path.read_bytes()

        wait_for(is_ready, timeout, f"{name} to start", label=f"start {name}")

    def start_processes(self) -> None:
        step("Processes")
        py = sys.executable
        self.spawn(
            "sandbox",
            [
                py,
                "-m",
                "saleor_amazon_feeds.sandbox",
                "--port",
                str(self.sandbox_port),
                "--time-scale",
                str(self.time_scale),
                "--no-seed",
            ],
            b"listening on",
        )
        self.spawn(
            "uvicorn",
            [
                py,
                "-m",
                "uvicorn",
                "saleor.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.saleor_port),
                "--lifespan",
                "off",
            ],
            b"Uvicorn running on",
        )
        celery = [py, "-m", "celery", "-A", "saleor.celeryconf:app"]
        self.spawn(
            "worker",
            [
                *celery,
                "worker",
                "--pool=threads",
                "--concurrency=4",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            b"ready.",
        )
        self.spawn(
            "beat",
            [
                *celery,
                "beat",
                "--loglevel=INFO",
                # Saleor's scheduler, as Saleor runs beat: Celery's default one
                # stalls on Saleor's database-checked schedules and then never
                # reaches the plugin's entries.
                "--scheduler",
                "saleor.schedulers.schedulers.PersistentScheduler",
                "--max-interval",
                "2",
                "--schedule",
                str(CACHE / f"beat-schedule-{os.getpid()}"),
            ],
            b"beat: Starting",
        )
        for name, process, log_path in self.processes:
            say(f"   {name:<8} pid {process.pid:<7} log {log_path.relative_to(ROOT)}")

    def urls(self) -> None:
        from demo.catalog import SUPERUSER_EMAIL, SUPERUSER_PASSWORD

        step("Running")
        api = f"{self.saleor_url}/graphql/"
        say(f"   Saleor GraphQL API     {api}")
        say(
            "   Amazon Feeds GraphQL   "
            f"{self.saleor_url}/plugins/global/{PLUGIN_ID}/graphql/"
        )
        say(f"   SP-API sandbox         {self.sandbox_url}  (admin: /_sandbox/...)")
        say(f"   Staff login            {SUPERUSER_EMAIL} / {SUPERUSER_PASSWORD}")
        step("Saleor dashboard")
        say(f"   Dashboard API URL      {api}   <- paste this into a dashboard")
        say(
            "   Run one on port 9000:  docker run --rm -p 9000:80 "
            f"-e API_URL={api} ghcr.io/saleor/saleor-dashboard:{DASHBOARD_VERSION}"
        )
        say(
            "                          (or a saleor-dashboard checkout: "
            f"API_URL={api} npm run dev -- --port 9000)"
        )
        say(
            "   Then open              http://localhost:9000/ , log in, and find "
            "Catalog > Amazon, the Amazon card on product and order pages, and "
            "Amazon options in a category's menu"
        )
        say(
            "   Allowed dashboards     "
            f"{self.env['AMAZON_FEEDS_DASHBOARD_ORIGINS']}  "
            "(AMAZON_FEEDS_DASHBOARD_ORIGINS; other origins cannot frame the pages)"
        )

    def check_alive(self) -> None:
        for name, process, log_path in self.processes:
            if process.poll() is not None:
                raise DemoFailure(
                    f"{name} died:\n" + log_path.read_text(errors="replace")[-3000:]
                )

    def shutdown(self) -> None:
        for _, process, _ in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for name, process, _ in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
                say(f"   {name} killed")
        self.processes.clear()
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as exc:
                say(f"   cleanup failed: {exc}")
        self.cleanups.clear()
        with contextlib.suppress(FileNotFoundError):
            (CACHE / f"beat-schedule-{os.getpid()}").unlink()


def seed(stack: Stack):
    from demo import catalog

    step("Sample shop (bulk inserts through Saleor's ORM)")
    catalog.create_superuser()
    shop = catalog.build_sample_shop()
    say(f"   {catalog.describe(shop)}")
    say(f"   staff login: {catalog.SUPERUSER_EMAIL} / {catalog.SUPERUSER_PASSWORD}")
    return shop


def _interrupt(*_):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.run")
    parser.add_argument("mode", choices=["demo", "serve"])
    parser.add_argument(
        "--time-scale",
        type=float,
        default=float(os.environ.get("DEMO_TIME_SCALE", 50)),
        help="Amazon's clock runs this much faster (sandbox and plugin quotas)",
    )
    parser.add_argument(
        "--no-seed", action="store_true", help="serve: start with an empty shop"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    stack = Stack(args.time_scale, args.mode)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    code = 0
    show_logs = True
    try:
        stack.start_services()
        stack.create_database()
        if args.mode == "serve" and args.no_seed:
            from demo import catalog

            # An empty shop still needs someone to log in to the dashboard.
            catalog.create_superuser()
            shop = None
        else:
            shop = seed(stack)
        stack.start_processes()
        if args.mode == "serve":
            from demo.day import Client, dashboard_extensions, login_and_activate

            step("Plugin activation and dashboard extensions (Saleor GraphQL)")
            client = Client(stack.saleor_url)
            login_and_activate(client)
            dashboard_extensions(stack, client)
            stack.urls()
            say("\n   Ctrl-C stops everything.")
            while True:
                stack.check_alive()
                time.sleep(1)
        else:
            from demo.day import merchant_day

            merchant_day(stack, shop)
            elapsed = time.monotonic() - started
            say(f"\nDemo OK: the round trip is right ({elapsed:.0f}s).")
    except KeyboardInterrupt:
        say("\nStopping.")
    except AlreadyRunning as exc:
        say(f"\nNOT STARTED: {exc}")
        show_logs = False
        code = 1
    except DemoFailure as exc:
        say(f"\nDEMO FAILED: {exc}")
        code = 1
    except Exception as exc:
        import traceback

        traceback.print_exc()
        say(f"\nDEMO FAILED: {type(exc).__name__}: {exc}")
        code = 1
    finally:
        if code and show_logs:
            say(f"   logs: {CACHE.relative_to(ROOT)}/*.log")
        step("Cleaning up")
        stack.shutdown()
        say("   stopped everything the demo started")
    return code


if __name__ == "__main__":
    # demo.day imports this module as ``demo.run``: run that copy, not
    # ``__main__``, so both share one DemoFailure class.
    from demo.run import main as run_main

    sys.exit(run_main())
