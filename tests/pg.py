"""A throwaway PostgreSQL server for tests, started from the installed binaries.

PostgreSQL refuses to run as root, so as root initdb/pg_ctl run through ``runuser -u postgres --``
on a temporary directory owned by ``postgres``.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class PostgresMissing(RuntimeError):
    """The PostgreSQL server binaries (or what is needed to run them) are not installed."""


def find_bin_dir() -> Path:
    """The newest /usr/lib/postgresql/*/bin holding initdb and pg_ctl, else the one on PATH."""
    def version(p: str) -> tuple[int, ...]:
        v = Path(p).parent.parent.name
        return tuple(int(x) for x in v.split(".") if x.isdigit())

    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version, reverse=True):
        if Path(initdb).with_name("pg_ctl").exists():
            return Path(initdb).parent
    on_path = shutil.which("initdb")
    if on_path and Path(on_path).with_name("pg_ctl").exists():
        return Path(on_path).parent
    raise PostgresMissing("PostgreSQL server binaries (initdb, pg_ctl) not found under "
                          "/usr/lib/postgresql/*/bin or on PATH; run scripts/ensure-postgres.sh")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    bin_dir: Path
    root: Path  # temporary directory, owned by postgres when running as root
    port: int
    as_root: bool

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if done.returncode != 0:
            log = self.root / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n"
                               f"{done.stdout}\n{done.stderr}\n{tail}")

    def start(self) -> None:
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                   f"-c unix_socket_directories={self.root} -c fsync=off "
                   f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data_dir),
                  "-l", str(self.root / "log"), "-o", options, timeout=90)
        self.wait_ready()

    def wait_ready(self, timeout: float = 30) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            try:
                psycopg.connect(self.url().replace("+psycopg", ""), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url().replace("+psycopg", ""), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate", "-w")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_postgres() -> PostgresServer:
    """initdb + start on a free port; raises PostgresMissing when it cannot be done here."""
    bin_dir = find_bin_dir()
    as_root = os.geteuid() == 0
    if as_root:
        if shutil.which("runuser") is None:
            raise PostgresMissing("running as root but `runuser` is missing (needed to run "
                                  "PostgreSQL as the postgres user)")
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresMissing("running as root but there is no `postgres` user") from None
    root = Path(tempfile.mkdtemp(prefix="certradar-pg-"))
    if as_root:
        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(bin_dir=bin_dir, root=root, port=0, as_root=as_root)
    try:
        server._run("initdb", "-D", str(server.data_dir), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--no-locale", "--no-sync")
        for attempt in range(3):  # another process may grab the free port before we bind it
            server.port = _free_port()
            try:
                server.start()
                return server
            except RuntimeError:
                if attempt == 2:
                    raise
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    raise AssertionError("unreachable")
