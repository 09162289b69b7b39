"""CertRadar as a small cluster on this machine: a throwaway PostgreSQL, N `streamlit run`
replicas sharing it and one share secret, and HAProxy in front (deploy/haproxy.cfg).

    python -m deploy.cluster [--replicas 2] [--port 8501]      # or: make cluster

Everything listens on 127.0.0.1 and stops on Ctrl-C (or SIGTERM). The same helpers start the
servers of bench/load.py and of tests/test_cluster.py.
"""
from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
HAPROXY_CFG = ROOT / "deploy" / "haproxy.cfg"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen | None = None, timeout: float = 90,
                 log: Path | None = None) -> float:
    """Poll GET url/_stcore/health until it says ok; returns the seconds waited."""
    t0 = time.monotonic()
    while True:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"server exited early ({proc.returncode}):\n{tail}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return time.monotonic() - t0
        except OSError:
            pass
        if time.monotonic() - t0 > timeout:
            raise RuntimeError(f"{url}/_stcore/health did not answer ok within {timeout:.0f} s")
        time.sleep(0.05)


@dataclass
class Replica:
    """One `streamlit run` process."""
    port: int
    proc: subprocess.Popen
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def start_streamlit(app: str | Path = "app.py", *, port: int | None = None,
                    env: dict[str, str] | None = None, flags: list[str] | None = None,
                    log: Path, wait: bool = True, prewarm: bool = True) -> Replica:
    """`python -m streamlit run app` on 127.0.0.1 (the project's .streamlit/config.toml applies;
    ``flags`` such as ``--runner.postScriptGC=true`` override it). CertRadar's own app.py starts
    through deploy/serve.py, as `make run` does, unless ``prewarm`` is False."""
    port = port or free_port()
    full_env = {**os.environ, "STREAMLIT_SERVER_PORT": str(port),
                "STREAMLIT_SERVER_ADDRESS": "127.0.0.1", "STREAMLIT_SERVER_HEADLESS": "true",
                "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", **(env or {})}
    out = open(log, "w")
    if prewarm and Path(app).resolve() == ROOT / "app.py":
        cmd = [sys.executable, "-m", "deploy.serve", *(flags or [])]
    else:
        cmd = [sys.executable, "-m", "streamlit", "run", str(app), *(flags or [])]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    out.close()
    replica = Replica(port=port, proc=proc, log=log)
    if wait:
        try:
            wait_healthy(replica.url, proc, log=log)
        except BaseException:
            replica.stop(signal.SIGKILL)
            raise
    return replica


def render_haproxy_cfg(port: int, backends: list[int], template: Path = HAPROXY_CFG) -> str:
    """deploy/haproxy.cfg with its frontend on ``port`` and one server line per backend port."""
    lines = template.read_text().splitlines()
    out: list[str] = []
    servers_done = False
    for line in lines:
        if re.match(r"\s+bind\s", line):
            out.append(f"    bind 127.0.0.1:{port}")
        elif re.match(r"\s+server\s", line):
            if not servers_done:
                out += [f"    server r{i} 127.0.0.1:{p} check cookie r{i}"
                        for i, p in enumerate(backends, 1)]
                servers_done = True
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def find_haproxy() -> str:
    for c in (shutil.which("haproxy"), "/usr/sbin/haproxy"):
        if c and os.access(c, os.X_OK):
            return c
    raise FileNotFoundError("haproxy not found: run scripts/ensure-haproxy.sh (or apt-get install "
                            "haproxy)")


@dataclass
class Cluster:
    url: str  # the load balancer
    replicas: list[Replica]
    haproxy: subprocess.Popen
    database_url: str
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)
    app: str = "app.py"
    flags: list[str] = field(default_factory=list)

    def restart_replica(self, i: int) -> Replica:
        """Start replica i again on its port (after a kill), with the same settings."""
        old = self.replicas[i]
        old.stop()
        env = {**self.env, "CERTRADAR_OUTBOX_PATH": str(self.workdir / f"outbox{i + 1}.sqlite3")}
        self.replicas[i] = start_streamlit(self.app, port=old.port, env=env, flags=self.flags,
                                           log=self.workdir / f"replica{i + 1}.restarted.log")
        return self.replicas[i]


@contextmanager
def cluster(replicas: int = 2, *, port: int | None = None, app: str = "app.py",
            database_url: str | None = None, flags: list[str] | None = None,
            env: dict[str, str] | None = None, workdir: Path | None = None) -> Iterator[Cluster]:
    """PostgreSQL (throwaway unless ``database_url``), N replicas and HAProxy; all stopped on exit."""
    with ExitStack() as stack:
        if workdir is None:
            workdir = Path(tempfile.mkdtemp(prefix="certradar-cluster-"))
            stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        if database_url is None:
            from tests.pg import start_postgres
            pg = start_postgres()
            stack.callback(pg.stop)
            database_url = pg.create_database("certradar")
        shared_env = {"DATABASE_URL": database_url,
                      "CERTRADAR_SHARE_SECRET": os.environ.get("CERTRADAR_SHARE_SECRET")
                      or secrets.token_hex(32),
                      # One cookie secret on every replica: Streamlit signs its XSRF cookie with it.
                      "STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32),
                      **(env or {})}
        # Replicas start in parallel (each is a few seconds of imports), then are waited for.
        reps: list[Replica] = []
        # Stops whatever replicas the cluster has at the end, restarted ones included.
        stack.callback(lambda: [r.stop() for r in reps])
        for i in range(replicas):
            r = start_streamlit(app, env={**shared_env,
                                          "CERTRADAR_OUTBOX_PATH": str(workdir / f"outbox{i + 1}.sqlite3")},
                                flags=flags, log=workdir / f"replica{i + 1}.log", wait=False)
            reps.append(r)
        for r in reps:
            wait_healthy(r.url, r.proc, log=r.log)
        lb_port = port or free_port()
        cfg = workdir / "haproxy.cfg"
        cfg.write_text(render_haproxy_cfg(lb_port, [r.port for r in reps]))
        hlog = open(workdir / "haproxy.log", "w")
        hp = subprocess.Popen([find_haproxy(), "-f", str(cfg), "-db"], stdout=hlog,
                              stderr=subprocess.STDOUT)
        hlog.close()

        def stop_haproxy() -> None:
            if hp.poll() is None:
                hp.terminate()
                try:
                    hp.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    hp.kill()
        stack.callback(stop_haproxy)
        url = f"http://127.0.0.1:{lb_port}"
        wait_healthy(url, hp, timeout=30, log=workdir / "haproxy.log")
        c = Cluster(url=url, replicas=reps, haproxy=hp, database_url=database_url, workdir=workdir,
                    env=dict(shared_env), app=app, flags=list(flags or []))
        yield c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=int(os.environ.get("CERTRADAR_PORT", 8501)))
    args = ap.parse_args()
    stop = {"now": False}

    def on_signal(*_):
        stop["now"] = True
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with cluster(args.replicas, port=args.port) as c:
        print(f"CertRadar on {c.url} ({len(c.replicas)} replicas: "
              + ", ".join(r.url for r in c.replicas) + f"; PostgreSQL {c.database_url}; "
              f"logs in {c.workdir}). Ctrl-C stops everything.", flush=True)
        while not stop["now"]:
            time.sleep(0.5)
            for i, r in enumerate(c.replicas):
                if r.proc.poll() is not None:
                    print(f"replica {i + 1} exited ({r.proc.returncode}); see {r.log}", flush=True)
                    stop["now"] = True
    print("Stopped.")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
