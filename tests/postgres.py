"""A throwaway PostgreSQL server for tests, run from Debian's binaries in a temporary directory.

Nothing here touches a cluster the `postgresql` package may have set up: the server gets its own
data directory, a unix socket in that directory and a free TCP port on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

PG_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
START_TIMEOUT_SECONDS = 30.0


class PostgresError(RuntimeError):
    """The test server could not be set up, started or used."""


def find_bin_dir() -> Path | None:
    """The newest installed server's bin directory, or None when none is installed."""
    found = [initdb.parent for initdb in PG_ROOT.glob("*/bin/initdb")]
    # Numeric order, so that 9.6 < 10 < 15.
    return max(found, key=lambda bin_dir: _version_key(bin_dir.parent.name), default=None)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_server_user(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root, so root hands them to the `postgres` user."""
    if os.geteuid() != 0:
        return command
    if shutil.which("runuser"):
        return ["runuser", "-u", SUPERUSER, "--", *command]
    return ["su", SUPERUSER, "-s", "/bin/sh", "-c", shlex.join(command)]


class PostgresServer:
    """One running server; `start()` it, hand out databases, then `stop()` it."""

    def __init__(self, bin_dir: Path, workdir: Path, port: int) -> None:
        self.bin_dir = bin_dir
        self.major_version = bin_dir.parent.name
        self.workdir = workdir
        self.data_dir = workdir / "data"
        self.log_file = workdir / "server.log"
        self.host = "127.0.0.1"
        self.port = port

    @classmethod
    def start(cls, bin_dir: Path) -> PostgresServer:
        workdir = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
        server = cls(bin_dir, workdir, _free_port())
        try:
            server._init_and_start()
        except BaseException:
            # The start error is the one worth seeing, not a failure to stop what never ran.
            with contextlib.suppress(PostgresError):
                server.stop()
            raise
        return server

    def _init_and_start(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.workdir, user=SUPERUSER, group=None)
        self._run(
            self.bin_dir / "initdb",
            "-D", str(self.data_dir),
            "-A", "trust",
            "-U", SUPERUSER,
            "--no-sync",
            "-E", "UTF8",
            # Not the machine's locale: tests sort the same everywhere.
            "--locale=C.UTF-8",
        )  # fmt: skip
        options = [
            "-p", str(self.port),
            "-k", str(self.workdir),
            "-c", f"listen_addresses={self.host}",
            # The benchmarks simulate 200 stations, each holding a connection.
            "-c", "max_connections=300",
        ]  # fmt: skip
        # pg_ctl's wait notices a server that dies while starting, without sitting out the timeout.
        self._run(
            self.bin_dir / "pg_ctl", "start", "-w", "-t", str(int(START_TIMEOUT_SECONDS)),
            "-D", str(self.data_dir),
            "-l", str(self.log_file),
            "-o", shlex.join(options),
        )  # fmt: skip
        self._check_reachable()

    def _check_reachable(self) -> None:
        """pg_ctl saw the server ready; prove it over TCP, the way the tests will connect."""
        try:
            psycopg.connect(self._conninfo("postgres"), connect_timeout=5).close()
        except psycopg.OperationalError as error:
            raise PostgresError(
                f"PostgreSQL started but is unreachable on {self.host}:{self.port} ({error}); "
                f"server log:\n{self.log_tail()}"
            ) from error

    def _run(self, *command: str | Path) -> None:
        result = subprocess.run(
            _as_server_user([str(part) for part in command]),
            # The caller's directory may be closed to the `postgres` user.
            cwd=self.workdir,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise PostgresError(
                f"{Path(command[0]).name} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}server log:\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_file.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def _conninfo(self, database: str) -> str:
        return make_conninfo(host=self.host, port=self.port, user=SUPERUSER, dbname=database)

    def _admin(self, statement: sql.Composed) -> None:
        # CREATE/DROP DATABASE cannot run inside a transaction.
        with psycopg.connect(self._conninfo("postgres"), autocommit=True) as connection:
            connection.execute(statement)

    def create_database(self, name: str) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{name}"

    def drop_database(self, name: str) -> None:
        """Drops it even if a test left connections open, so disk use stays flat over a run."""
        self._admin(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        try:
            if (self.data_dir / "postmaster.pid").exists():
                # Immediate: nothing is kept, so a clean shutdown checkpoint is wasted time.
                self._run(
                    self.bin_dir / "pg_ctl", "stop", "-m", "immediate", "-D", str(self.data_dir)
                )
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)
