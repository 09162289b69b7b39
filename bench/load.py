"""How many people can one server hold? Simulated users that speak Streamlit's own websocket
protocol (the BackMsg / ForwardMsg protobuf classes of the installed streamlit package, over the
`websockets` client), against a real `streamlit run` server started here.

Each simulated user is one browser tab: it opens the Quiz page, chooses the full profile, presses
Start, then answers with a think time (uniform 5-15 s by default): half the time it picks an option
and presses "Submit answer" when the question has options, otherwise "I don't know". It reads the
widget ids from the ForwardMsgs it receives and sends every widget's value back as the browser
does. Measured over a steady window after every user has started:

- per-answer latency: from sending the click to the server's script_finished;
- errors: an exception on the page, a question that did not advance, a timeout, a lost connection;
- server CPU per answer and server memory (psutil on the server process, or on every replica);
- the same harness against bench/one_button.py (a click on a one-button app), for a ratio.

Traffic goes to loopback only, every run is bounded in users (≤ 1,000) and time (≤ 15 min), and it
stops by itself.

    .venv/bin/python bench/load.py                      # the full benchmark (≈ 30 min on 2 cores)
    .venv/bin/python bench/load.py --users 25 --duration 30 --no-baseline   # one level
    .venv/bin/python bench/load.py --smoke              # a handful of users for a few seconds
    .venv/bin/python bench/load.py --markdown docs/benchmarks.md
"""
from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from deploy.cluster import cluster, start_streamlit  # noqa: E402

MAX_USERS = 1000
MAX_SECONDS = 15 * 60
ACTION_TIMEOUT = 30.0
QUIZ_APP = "app.py"
BUTTON_APP = "bench/one_button.py"
#: Streamlit's defaults for the two settings the profile singled out (config.toml turns them off).
DEFAULT_SETTINGS = ["--runner.postScriptGC=true", "--server.fileWatcherType=auto"]
FINISHED_EARLY_FOR_RERUN = 2


def check_loopback(url: str) -> None:
    """Refuse any target but this machine's loopback."""
    host = urlparse(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise SystemExit(f"bench/load.py only sends traffic to loopback addresses, not {host!r}")


# --- one simulated browser tab ------------------------------------------------------------------
@dataclass
class Widget:
    kind: str
    proto: Any
    form_id: str


class ProtocolError(Exception):
    pass


class Tab:
    """A websocket session to a Streamlit server that behaves like a browser tab."""

    def __init__(self, base_url: str, page: str = "") -> None:
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.page = page
        self.query_string = ""
        self.ws = None
        self.widgets: dict[str, Widget] = {}
        self.values: dict[str, tuple[str, Any]] = {}  # widget id -> (WidgetState field, value)
        self.texts: list[str] = []
        self.exceptions: list[str] = []

    async def open(self) -> None:
        self.ws = await connect(self.ws_url, subprotocols=["streamlit"], max_size=None,
                                open_timeout=ACTION_TIMEOUT, ping_interval=None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    def _state_for(self, wid: str, w: Widget) -> tuple[str, Any] | None:
        """The value a browser would send for a widget it has just drawn (its default)."""
        p = w.proto
        if w.kind in ("radio", "selectbox"):
            return ("string_value", p.options[p.default]) if p.HasField("default") and p.options else None
        if w.kind == "checkbox":
            return ("bool_value", p.default)
        if w.kind in ("text_input", "text_area"):
            return ("string_value", p.default) if p.HasField("default") else None
        if w.kind == "number_input":
            return ("double_value", p.default) if p.HasField("default") else None
        if w.kind == "multiselect":
            return ("string_array_value", [p.options[i] for i in p.default])
        if w.kind == "slider":
            if p.options:
                return ("string_array_value", [p.options[int(i)] for i in p.default])
            return ("double_array_value", list(p.default))
        return None

    def _widget_states(self, trigger: str | None, overrides: dict[str, tuple[str, Any]]) -> Any:
        bm = BackMsg()
        cs = bm.rerun_script
        cs.query_string = self.query_string
        cs.page_name = self.page
        for wid, (fld, value) in {**self.values, **overrides}.items():
            ws = cs.widget_states.widgets.add()
            ws.id = wid
            if fld.endswith("_array_value"):
                getattr(ws, fld).data.extend(value)
            else:
                setattr(ws, fld, value)
        if trigger:
            ws = cs.widget_states.widgets.add()
            ws.id = trigger
            ws.trigger_value = True
        return bm

    async def run(self, trigger: str | None = None,
                  overrides: dict[str, tuple[str, Any]] | None = None) -> float:
        """Send a rerun (a click on ``trigger``, changed values in ``overrides``) and read the
        ForwardMsgs until the script has finished; returns the seconds it took."""
        overrides = overrides or {}
        bm = self._widget_states(trigger, overrides)
        self.values.update(overrides)
        t0 = time.perf_counter()
        await self.ws.send(bm.SerializeToString())
        widgets: dict[str, Widget] = {}
        texts: list[str] = []
        exceptions: list[str] = []
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), ACTION_TIMEOUT)
            fm = ForwardMsg()
            fm.ParseFromString(raw)
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                el = fm.delta.new_element
                et = el.WhichOneof("type")
                p = getattr(el, et)
                wid = getattr(p, "id", "") if et not in ("markdown", "heading", "alert", "text") else ""
                if wid:
                    widgets[wid] = Widget(et, p, getattr(p, "form_id", ""))
                if et == "exception":
                    exceptions.append(f"{p.type}: {p.message}"[:300])
                elif et == "progress":
                    texts.append(p.text)
                elif et in ("markdown", "alert", "heading"):
                    texts.append(getattr(p, "body", "") or "")
            elif kind == "page_info_changed":
                self.query_string = fm.page_info_changed.query_string
            elif kind == "script_finished":
                if fm.script_finished != FINISHED_EARLY_FOR_RERUN:
                    break
                widgets, texts = {}, []  # st.rerun(): the next run draws the page afresh
        elapsed = time.perf_counter() - t0
        self.widgets, self.texts, self.exceptions = widgets, texts, exceptions
        # The browser keeps sending the values of the widgets on screen: what it was told, or the
        # value this tab chose for them.
        self.values = {wid: self.values[wid] for wid in widgets if wid in self.values}
        for wid, w in widgets.items():
            if wid not in self.values and w.kind not in ("button", "page_link"):
                st = self._state_for(wid, w)
                if st:
                    self.values[wid] = st
        if exceptions:
            raise ProtocolError("exception on the page: " + exceptions[0])
        return elapsed

    def find(self, kind: str, *, key: str | None = None, label: str | None = None) -> tuple[str, Widget] | None:
        for wid, w in self.widgets.items():
            if w.kind != kind:
                continue
            if key is not None and not wid.endswith("-" + key):
                continue
            if label is not None and w.proto.label != label:
                continue
            return wid, w
        return None


# --- users -----------------------------------------------------------------------------------
@dataclass
class Stats:
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (sent at, seconds)
    errors: list[str] = field(default_factory=list)
    started: int = 0
    setup_done: int = 0
    sessions_done: int = 0

    def error(self, msg: str) -> None:
        self.errors.append(msg)


_QUESTION_RE = re.compile(r"Question (\d+)")


async def quiz_user(base_url: str, stats: Stats, rng: random.Random, think: tuple[float, float],
                    stop_at: float, max_answers: int | None = None) -> None:
    """One person taking the full profile, answering until stop_at (or max_answers)."""
    tab = Tab(base_url, page="quiz")
    stats.started += 1
    try:
        await tab.open()
        await tab.run()
        mode = tab.find("radio", key="setup_mode")
        if not mode:
            raise ProtocolError("no setup_mode radio on the Quiz page")
        full = next(o for o in mode[1].proto.options if o.startswith("Full"))
        await tab.run(overrides={mode[0]: ("string_value", full)})
        start = tab.find("button", key="start_quiz")
        if not start:
            raise ProtocolError("no Start button after choosing the full profile")
        await tab.run(trigger=start[0])
        stats.setup_done += 1
        answers = 0
        while time.monotonic() < stop_at and (max_answers is None or answers < max_answers):
            await asyncio.sleep(min(rng.uniform(*think), max(0.0, stop_at - time.monotonic())))
            if time.monotonic() >= stop_at:
                break
            before = _question_number(tab)
            dont_know = tab.find("button", label="I don't know")
            submit = tab.find("button", label="Submit answer")
            if not dont_know:
                nxt = tab.find("button", key="next_question") or tab.find("button", key="another")
                if not nxt:
                    raise ProtocolError("neither a question nor a way on: " + " | ".join(tab.texts)[:300])
                await tab.run(trigger=nxt[0])
                continue
            form = dont_know[1].form_id
            radio = next(((wid, w) for wid, w in tab.widgets.items()
                          if w.kind == "radio" and w.form_id == form), None)
            sent = time.monotonic()
            if radio and submit and rng.random() < 0.5:
                choice = rng.choice(list(radio[1].proto.options))
                took = await tab.run(trigger=submit[0], overrides={radio[0]: ("string_value", choice)})
            else:
                took = await tab.run(trigger=dont_know[0])
            after = _question_number(tab)
            if before is not None and after is not None and after != before + 1:
                raise ProtocolError(f"question {before} was answered but the page shows {after}")
            stats.latencies.append((sent, took))
            answers += 1
        stats.sessions_done += 1
    except (ProtocolError, asyncio.TimeoutError, OSError, Exception) as exc:  # noqa: BLE001
        stats.error(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        try:
            await tab.close()
        except Exception:  # noqa: BLE001
            pass


def _question_number(tab: Tab) -> int | None:
    for t in tab.texts:
        m = _QUESTION_RE.match(t)
        if m:
            return int(m.group(1))
    return None


async def button_user(base_url: str, stats: Stats, rng: random.Random, think: tuple[float, float],
                      stop_at: float, max_answers: int | None = None) -> None:
    """One person clicking the one-button app with the same think time."""
    tab = Tab(base_url, page="")
    stats.started += 1
    try:
        await tab.open()
        await tab.run()
        stats.setup_done += 1
        clicks = 0
        while time.monotonic() < stop_at and (max_answers is None or clicks < max_answers):
            await asyncio.sleep(min(rng.uniform(*think), max(0.0, stop_at - time.monotonic())))
            if time.monotonic() >= stop_at:
                break
            btn = tab.find("button", key="click")
            if not btn:
                raise ProtocolError("no button on the one-button page")
            sent = time.monotonic()
            took = await tab.run(trigger=btn[0])
            stats.latencies.append((sent, took))
            clicks += 1
        stats.sessions_done += 1
    except Exception as exc:  # noqa: BLE001
        stats.error(f"{type(exc).__name__}: {exc}"[:300])
    finally:
        try:
            await tab.close()
        except Exception:  # noqa: BLE001
            pass


# --- measuring the server -----------------------------------------------------------------------
class ServerMeter:
    """CPU seconds and RSS of the server processes (psutil)."""

    def __init__(self, pids: list[int]) -> None:
        self.procs = [psutil.Process(p) for p in pids]
        self.rss_samples: list[float] = []

    def cpu(self) -> float:
        total = 0.0
        for p in self.procs:
            t = p.cpu_times()
            total += t.user + t.system
        return total

    def rss_mib(self) -> float:
        return sum(p.memory_info().rss for p in self.procs) / 2**20

    async def sample(self, every: float, until: float) -> None:
        while time.monotonic() < until:
            try:
                self.rss_samples.append(self.rss_mib())
            except psutil.Error:
                return
            await asyncio.sleep(every)


@dataclass
class LevelResult:
    app: str
    users: int
    window: float
    answers: int
    latencies: list[float]
    errors: list[str]
    cpu_s: float
    rss_start: float
    rss_peak: float
    rss_end: float
    client_cpu_s: float
    load_avg: float
    machine_busy: float = float("nan")  # share of all cores busy (anyone's work) in the window

    @property
    def rate(self) -> float:
        return self.answers / self.window if self.window else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]

    @property
    def cpu_ms_per_answer(self) -> float:
        return 1000 * self.cpu_s / self.answers if self.answers else float("nan")

    def as_dict(self) -> dict[str, Any]:
        return {"app": self.app, "users": self.users, "window_s": round(self.window, 1),
                "answers": self.answers, "answers_per_s": round(self.rate, 2),
                "p50_ms": round(1000 * self.pct(0.5), 1), "p95_ms": round(1000 * self.pct(0.95), 1),
                "p99_ms": round(1000 * self.pct(0.99), 1),
                "max_ms": round(1000 * max(self.latencies), 1) if self.latencies else None,
                "errors": len(self.errors), "first_errors": self.errors[:3],
                "server_cpu_ms_per_answer": round(self.cpu_ms_per_answer, 1),
                "server_cores_used": round(self.cpu_s / self.window, 2) if self.window else None,
                "rss_start_mib": round(self.rss_start), "rss_peak_mib": round(self.rss_peak),
                "rss_end_mib": round(self.rss_end), "client_cpu_s": round(self.client_cpu_s, 1),
                "load_avg_1m": round(self.load_avg, 1), "machine_busy_pct": round(100 * self.machine_busy)}


async def run_level(base_url: str, meter: ServerMeter, app: str, users: int, *,
                    think: tuple[float, float], ramp: float, duration: float,
                    seed: int = 1) -> LevelResult:
    """``users`` simulated users, started evenly over ``ramp`` s; measured over ``duration`` s
    once every one of them is set up (or the ramp plus 30 s have passed)."""
    if not 1 <= users <= MAX_USERS:
        raise SystemExit(f"users must be within 1..{MAX_USERS}")
    user_fn = quiz_user if app == "quiz" else button_user
    stats = Stats()
    rng = random.Random(seed)
    t_start = time.monotonic()
    deadline = t_start + ramp + 30 + duration
    hard_stop = t_start + min(MAX_SECONDS, ramp + 60 + duration + 2 * ACTION_TIMEOUT)
    rss_start = meter.rss_mib()
    me = psutil.Process()
    client_cpu0 = sum(me.cpu_times()[:2])
    tasks: list[asyncio.Task] = []
    sampler = asyncio.create_task(meter.sample(1.0, hard_stop))

    async def launch() -> None:
        for i in range(users):
            # each user gets its own stop time below, once the window is known
            tasks.append(asyncio.create_task(user_fn(base_url, stats, random.Random(rng.random()),
                                                     think, stop_box[0])))
            await asyncio.sleep(ramp / users)

    stop_box = [deadline]
    await launch()
    # Wait until everyone is set up (or has failed), then measure a steady window.
    while stats.setup_done + len(stats.errors) < users and time.monotonic() < t_start + ramp + 30:
        await asyncio.sleep(0.2)
    window_start = time.monotonic()
    cpu0 = meter.cpu()
    psutil.cpu_percent()  # starts the machine-wide measurement
    await asyncio.sleep(max(0.0, min(duration, hard_stop - window_start)))
    window_end = time.monotonic()
    cpu1 = meter.cpu()
    machine_busy = psutil.cpu_percent() / 100
    in_window = [took for sent, took in stats.latencies if window_start <= sent < window_end]
    answered_in_window = len(in_window)
    # Users stop at their next think; give them the time of one action to finish.
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    sampler.cancel()
    peak = max(meter.rss_samples or [rss_start])
    return LevelResult(app=app, users=users, window=window_end - window_start,
                       answers=answered_in_window, latencies=in_window,
                       errors=[e for e in stats.errors if "CancelledError" not in e],
                       cpu_s=cpu1 - cpu0, rss_start=rss_start, rss_peak=peak,
                       rss_end=meter.rss_mib(),
                       client_cpu_s=sum(me.cpu_times()[:2]) - client_cpu0,
                       load_avg=os.getloadavg()[0], machine_busy=machine_busy)


async def soak(base_url: str, meter: ServerMeter, sessions: int, concurrency: int,
               answers: int, settle_s: float, seed: int = 7) -> dict[str, Any]:
    """``sessions`` quiz-takers come (``concurrency`` at a time), answer a few questions and
    leave; RSS after a warm-up, right after, and once disconnected sessions have expired."""
    if not 1 <= sessions <= 5 * MAX_USERS:
        raise SystemExit("soak sessions must be within 1..5000")
    rng = random.Random(seed)
    stats = Stats()
    sem = asyncio.Semaphore(concurrency)
    far = time.monotonic() + MAX_SECONDS

    async def one() -> None:
        async with sem:
            await quiz_user(base_url, stats, random.Random(rng.random()), (0.05, 0.2), far,
                            max_answers=answers)

    warm = min(concurrency, sessions)
    await asyncio.gather(*(one() for _ in range(warm)))
    await asyncio.sleep(settle_s)
    rss_warm = meter.rss_mib()
    t0 = time.monotonic()
    await asyncio.gather(*(one() for _ in range(sessions - warm)))
    took = time.monotonic() - t0
    rss_after = meter.rss_mib()
    await asyncio.sleep(settle_s)
    # Streamlit drops expired disconnected sessions when its session store is next touched: one
    # more visitor does that, as the next real visitor would.
    await asyncio.gather(one())
    await asyncio.sleep(2)
    rss_settled = meter.rss_mib()
    return {"sessions": sessions, "concurrency": concurrency, "answers_each": answers,
            "seconds": round(took, 1), "errors": len(stats.errors), "first_errors": stats.errors[:3],
            "rss_after_warmup_mib": round(rss_warm, 1), "rss_right_after_mib": round(rss_after, 1),
            "rss_settled_mib": round(rss_settled, 1),
            "growth_mib": round(rss_settled - rss_warm, 1), "settle_s": settle_s}


# --- servers ---------------------------------------------------------------------------------
@contextmanager
def single_server(app: str, flags: list[str], tmp: Path,
                  database_url: str | None = None) -> Iterator[tuple[str, list[int]]]:
    env = {"CERTRADAR_DB_PATH": str(tmp / "load.sqlite3"), "CERTRADAR_SHARE_SECRET": "load-bench",
           "CERTRADAR_OUTBOX_PATH": str(tmp / "outbox.sqlite3")}
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    rep = start_streamlit(app, env=env, flags=flags, log=tmp / f"{Path(app).stem}.log")
    try:
        yield rep.url, [rep.pid]
    finally:
        rep.stop()


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    from tests.pg import start_postgres
    pg = start_postgres()
    try:
        yield pg.create_database("certradar_load")
    finally:
        pg.stop()


@contextmanager
def cluster_server(app: str, flags: list[str], replicas: int, tmp: Path,
                   database_url: str | None) -> Iterator[tuple[str, list[int]]]:
    with cluster(replicas, app=app, flags=flags, workdir=tmp, database_url=database_url) as c:
        yield c.url, [r.pid for r in c.replicas]


async def warm_up(url: str, app: str) -> None:
    """The first visitor pays the imports and the bank load: not part of the measurement."""
    stats = Stats()
    fn = quiz_user if app == "quiz" else button_user
    await asyncio.gather(*(fn(url, stats, random.Random(i), (0.01, 0.02), time.monotonic() + 60,
                              max_answers=2) for i in range(2)))
    if stats.errors:
        raise SystemExit(f"warm-up failed: {stats.errors[0]}")


def prioritise(pids: list[int], niceness: int) -> None:
    """Give the servers (and this load generator) priority over other work on a shared machine,
    to approximate a machine of their own (negative values need root). 0: leave as is."""
    if not niceness:
        return
    for pid in [*pids, os.getpid()]:
        try:
            psutil.Process(pid).nice(niceness)
        except (psutil.Error, PermissionError) as exc:
            print(f"could not renice {pid}: {exc}", file=sys.stderr)


def measure(app: str, users: list[int], flags: list[str], *, think, ramp, duration,
            replicas: int = 0, database_url: str | None = None, niceness: int = 0,
            log=print) -> list[LevelResult]:
    """A fresh server (or cluster) per app and settings; the levels run one after another on it."""
    app_file = QUIZ_APP if app == "quiz" else BUTTON_APP
    out = []
    with tempfile.TemporaryDirectory(prefix="certradar-load-") as tmp:
        cm = (cluster_server(app_file, flags, replicas, Path(tmp), database_url) if replicas
              else single_server(app_file, flags, Path(tmp), database_url))
        with cm as (url, pids):
            check_loopback(url)
            prioritise(pids, niceness)
            meter = ServerMeter(pids)
            asyncio.run(warm_up(url, app))
            for n in users:
                r = asyncio.run(run_level(url, meter, app, n, think=think, ramp=ramp,
                                          duration=duration))
                log(json.dumps({"replicas": replicas or 1, "settings": " ".join(flags) or "config.toml",
                                "nice": niceness,
                                "database": "postgresql" if replicas or database_url else "sqlite",
                                **r.as_dict()}))
                out.append(r)
    return out


def measure_soak(sessions: int, concurrency: int, answers: int, settle_s: float, flags: list[str],
                 log=print) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="certradar-soak-") as tmp:
        with single_server(QUIZ_APP, flags, Path(tmp)) as (url, pids):
            check_loopback(url)
            meter = ServerMeter(pids)
            asyncio.run(warm_up(url, "quiz"))
            res = asyncio.run(soak(url, meter, sessions, concurrency, answers, settle_s))
            log(json.dumps({"soak": res}))
            return res


def measure_cold_start(runs: int, flags: list[str], log=print,
                       prewarm: bool = True) -> list[dict[str, float]]:
    """Seconds from starting the server to /_stcore/health, and to a usable Start page (its
    profile form drawn, the script finished) for the first visitor, who asks as soon as the server
    answers: in a fresh Chromium profile when Playwright and a Chromium are here (launched
    beforehand: the browser's own start is not counted, its fetching and starting of Streamlit's
    frontend is), else over the websocket (the server's part only). Then a second visitor's page."""
    out = []
    chromium = None
    try:
        from playwright.sync_api import sync_playwright

        from tests.browser import CHROMIUM_ARGS, find_chromium
        chromium = find_chromium()
    except ImportError:
        pass

    async def ws_page(url: str) -> None:
        tab = Tab(url)
        await tab.open()
        await tab.run()
        await tab.close()

    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="certradar-cold-") as tmp, \
                (sync_playwright() if chromium else _nothing()) as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS,
                                        headless=True) if chromium else None

            def visit(url: str) -> None:
                if browser is None:
                    threading_run(ws_page(url))
                    return
                page = browser.new_context().new_page()
                page.goto(url)
                page.get_by_role("button", name="Save profile and choose a quiz").wait_for(timeout=60_000)
                page.wait_for_selector('[data-test-script-state="notRunning"]', state="attached")
                page.context.close()

            env = {"CERTRADAR_DB_PATH": str(Path(tmp) / "c.sqlite3"), "CERTRADAR_SHARE_SECRET": "x",
                   "CERTRADAR_OUTBOX_PATH": str(Path(tmp) / "outbox.sqlite3")}
            t0 = time.monotonic()
            rep = start_streamlit(QUIZ_APP, env=env, flags=flags, log=Path(tmp) / "cold.log",
                                  prewarm=prewarm)
            try:
                healthy = time.monotonic() - t0
                visit(rep.url)
                first = time.monotonic() - t0
                t1 = time.monotonic()
                visit(rep.url)
                second = time.monotonic() - t1
                rec = {"health_s": round(healthy, 2), "first_page_s": round(first, 2),
                       "second_visitor_s": round(second, 2),
                       "via": "chromium" if browser else "websocket",
                       "start": "python -m deploy.serve" if prewarm else "streamlit run app.py",
                       "settings": " ".join(flags) or "config.toml",
                       "load_avg": round(os.getloadavg()[0], 1)}
                log(json.dumps({"cold_start": rec}))
                out.append(rec)
            finally:
                rep.stop()
                if browser:
                    browser.close()
    return out


def threading_run(coro) -> Any:
    """asyncio.run in a thread of its own (callable where an event loop is already running)."""
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        return ex.submit(asyncio.run, coro).result()


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


# --- report ----------------------------------------------------------------------------------
def level_table(quiz: list[LevelResult], button: list[LevelResult]) -> str:
    by_n = {r.users: r for r in button}
    lines = ["| users | answers/s | p50 | p95 | p99 | errors | server CPU per answer | server CPU used | "
             "server RSS (start → peak) | one-button CPU per click | ratio | machine busy (all processes) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in quiz:
        b = by_n.get(r.users)
        ratio = f"{r.cpu_ms_per_answer / b.cpu_ms_per_answer:.1f}×" if b and b.answers else "–"
        bcpu = f"{b.cpu_ms_per_answer:.1f} ms" if b and b.answers else "–"
        lines.append(
            f"| {r.users} | {r.rate:.1f} | {1000 * r.pct(.5):.0f} ms | {1000 * r.pct(.95):.0f} ms | "
            f"{1000 * r.pct(.99):.0f} ms | {len(r.errors)} | {r.cpu_ms_per_answer:.1f} ms | "
            f"{r.cpu_s / r.window:.2f} cores | {r.rss_start:.0f} → {r.rss_peak:.0f} MiB | {bcpu} | {ratio} | "
            f"{100 * r.machine_busy:.0f}% (load {r.load_avg:.1f}) |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--users", default="25,50,100,200,400", help="comma-separated levels")
    ap.add_argument("--duration", type=float, default=60, help="measured seconds per level")
    ap.add_argument("--think", default="5,15", help="think time range in seconds")
    ap.add_argument("--ramp", type=float, default=None, help="seconds to start all users (default: the longest think)")
    ap.add_argument("--replicas", type=int, default=0, help="0: one server; N: N replicas behind HAProxy")
    ap.add_argument("--defaults", action="store_true", help="Streamlit's default GC and file watcher")
    ap.add_argument("--nice", type=int, default=0,
                    help="niceness for the servers and the load generator, e.g. -5 on a shared "
                         "machine (root); 0 leaves them as they are")
    ap.add_argument("--postgres", action="store_true",
                    help="one server on a throwaway PostgreSQL instead of SQLite (replicas always are)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the one-button app")
    ap.add_argument("--baseline-only", action="store_true")
    ap.add_argument("--soak", type=int, default=0, help="sessions that come and go (memory soak)")
    ap.add_argument("--soak-concurrency", type=int, default=50)
    ap.add_argument("--soak-answers", type=int, default=3)
    ap.add_argument("--soak-settle", type=float, default=None, help="seconds to wait for session expiry")
    ap.add_argument("--cold-start", type=int, default=0, help="measure cold start this many times")
    ap.add_argument("--smoke", action="store_true", help="3 users, 4 s, think 0.2-0.5 s, no baseline")
    ap.add_argument("--json", type=Path, help="append every result as a JSON line here")
    ap.add_argument("--markdown", type=Path, help="write the tables into this Markdown file's sections")
    args = ap.parse_args(argv)

    users = [int(x) for x in args.users.split(",") if x]
    think = tuple(float(x) for x in args.think.split(","))
    duration = args.duration
    if args.smoke:
        users, think, duration, args.no_baseline = [3], (0.2, 0.5), 4.0, True
    if any(not 1 <= n <= MAX_USERS for n in users) or not 0 < duration <= MAX_SECONDS:
        raise SystemExit(f"users within 1..{MAX_USERS}, duration within (0, {MAX_SECONDS}] s")
    ramp = args.ramp if args.ramp is not None else think[1]
    flags = DEFAULT_SETTINGS if args.defaults else []

    def log(line: str) -> None:
        print(line, flush=True)
        if args.json:
            with args.json.open("a") as f:
                f.write(line + "\n")

    log(json.dumps({"machine": {"cores": os.cpu_count(), "load_avg": os.getloadavg()[0]}}))
    failed = False
    from bench.report import write_section
    if args.cold_start:
        cold = []
        for prewarm in (True, False):
            cold += measure_cold_start(args.cold_start, flags, log, prewarm=prewarm)
        if args.markdown:
            rows = ["| started with | settings | `/_stcore/health` answers | first visitor's page usable | "
                    "second visitor's page | measured in | machine load |",
                    "|---|---|---|---|---|---|---|"] + [
                f"| `{c['start']}` | {c['settings']} | {c['health_s']:.2f} s | {c['first_page_s']:.2f} s | "
                f"{c['second_visitor_s']:.2f} s | {c['via']} | {c['load_avg']} |" for c in cold]
            write_section(args.markdown, "load_cold_start" + ("_defaults" if args.defaults else ""),
                          "\n".join(rows))
    if args.soak:
        # Streamlit keeps a disconnected session for server.disconnectedSessionTTL (120 s).
        settle = args.soak_settle if args.soak_settle is not None else 130.0
        res = measure_soak(args.soak, args.soak_concurrency, args.soak_answers, settle, flags, log)
        failed |= res["errors"] > 0
        if args.markdown:
            write_section(args.markdown, "load_soak" + ("_defaults" if args.defaults else ""), "\n".join([
                "| sessions (at a time) | answers each | errors | RSS after warm-up | right after | "
                f"{res['settle_s']:.0f} s later | growth |", "|---|---|---|---|---|---|---|",
                f"| {res['sessions']} ({res['concurrency']}) | {res['answers_each']} | {res['errors']} | "
                f"{res['rss_after_warmup_mib']:.0f} MiB | {res['rss_right_after_mib']:.0f} MiB | "
                f"{res['rss_settled_mib']:.0f} MiB | {res['growth_mib']:+.0f} MiB |"]))
    if not args.soak and not args.cold_start or args.users != ap.get_default("users") or args.smoke:
        with (throwaway_postgres() if args.postgres and not args.replicas else _nothing()) as pg_url:
            quiz = [] if args.baseline_only else measure(
                "quiz", users, flags, think=think, ramp=ramp, duration=duration,
                replicas=args.replicas, database_url=pg_url, niceness=args.nice, log=log)
        button = [] if args.no_baseline else measure("button", users, flags, think=think, ramp=ramp,
                                                     duration=duration, replicas=args.replicas,
                                                     niceness=args.nice, log=log)
        failed |= any(r.errors for r in quiz + button) or any(r.answers == 0 for r in quiz + button)
        table = level_table(quiz, button)
        print(table)
        if args.markdown and quiz:
            name = (f"load_{args.replicas}replicas" if args.replicas
                    else "load_postgres" if args.postgres else "load")
            write_section(args.markdown, name + ("_defaults" if args.defaults else ""), table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
