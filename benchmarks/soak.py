"""Soak test of the real app: several browser sessions at once on loopback.

    python benchmarks/soak.py --sessions 4 --rounds 3

Starts ``streamlit run app.py`` on a free 127.0.0.1 port and opens N sessions (separate
Chromium contexts of one headless Debian Chromium, driven by Playwright, no network but
the app). Each session picks "上传企业名单" and uploads its own synthetic CSV (firms named
``会话<i>企业<n>``, points inside Shanghai); then, R rounds, round-robin over the sessions:
adds a sector to the filter, searches its own firm prefix (must match) and another
session's (must not), opens the export tab and downloads the layers. Each interaction is
timed until the page settles (the app's script state no longer running). The server's RSS is sampled
every second. Prints sessions, rounds, server RSS start/peak/end (MB), p50/p95 interaction
seconds and ``isolation: ok`` or the failures. Synthetic data; exits 0 unless the app or
the browser fails to start.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the app's start-up, shared with the browser tests
from webpage import CHROMIUM_ARGS, app_process, offline, settle  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
INDUSTRIES = ("集成电路", "生物医药", "人工智能")  # the sector filter's labels for ic, biomed, ai
WAIT_MS = 120_000


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MB (/proc/<pid>/status VmRSS), 0 if gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Sampler(threading.Thread):
    """Samples the server's RSS every ``every`` seconds until stopped."""

    def __init__(self, pid: int, *, every: float = 1.0):
        super().__init__(daemon=True)
        self.pid, self.every, self.samples = pid, every, []
        self.halt = threading.Event()

    def run(self):
        while not self.halt.is_set():
            self.samples.append(rss_mb(self.pid))
            self.halt.wait(self.every)


def firm_csv(path: Path, session: int, *, rows: int, seed: int) -> Path:
    """A synthetic firm list for one session: names 会话<session>企业<n>, Shanghai points."""
    rng = random.Random(seed)
    lines = ["企业名称,经度,纬度,行业"]
    for n in range(rows):
        lines.append(f"会话{session}企业{n},{rng.uniform(121.40, 121.60):.5f},"
                     f"{rng.uniform(31.15, 31.30):.5f},{INDUSTRIES[n % len(INDUSTRIES)]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Session:
    """One browser context on the app; ``times`` collects its interactions' seconds."""

    def __init__(self, browser, url: str, index: int):
        self.index, self.times = index, []
        self.context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN",
                                           accept_downloads=True)
        self.page = self.context.new_page()
        offline(self.page)
        self.page.goto(url, wait_until="domcontentloaded")

    def timed(self, action) -> None:
        t = time.perf_counter()
        action()
        settle(self.page)
        self.times.append(time.perf_counter() - t)

    def ready(self) -> None:
        self.page.frame_locator("iframe[title='streamlit_folium.st_folium']") \
            .locator(".scm-legend").wait_for(timeout=WAIT_MS)
        settle(self.page)

    def upload(self, csv: Path) -> None:
        sidebar = self.page.locator("[data-testid='stSidebar']")
        self.timed(lambda: sidebar.get_by_text("上传企业名单").click())
        self.timed(lambda: sidebar.locator("input[type='file']").set_input_files(str(csv)))

    def add_sector(self, label: str) -> None:
        def pick():
            self.page.locator(".st-key-sectors input").click()
            self.page.get_by_role("option", name=label).first.click()
            self.page.keyboard.press("Escape")
        self.timed(pick)

    def search(self, query: str, *, expect: bool) -> bool:
        """Search ``query`` and wait (≤ 20 s) for the expected answer: the pick list of
        matches (``expect=True``) or "无匹配结果"; True if it came and the other did not."""
        box = self.page.locator(".st-key-search input")
        many = self.page.get_by_text("个结果：选择一个即定位")
        none = self.page.get_by_text("无匹配结果")
        wanted, unwanted = (many, none) if expect else (none, many)

        def ask():
            box.fill(query)
            box.press("Enter")
            with contextlib.suppress(PlaywrightTimeout):  # a wrong answer is judged below
                wanted.first.wait_for(timeout=20_000)
        self.timed(ask)
        return bool(wanted.count()) and not unwanted.count()

    def download(self) -> int:
        self.page.get_by_role("tab", name="导出当前视图").click()
        button = self.page.locator(".st-key-dl_export button")
        button.wait_for(timeout=WAIT_MS)
        size = []

        def fetch():
            with self.page.expect_download(timeout=WAIT_MS) as info:
                button.click()
            size.append(Path(info.value.path()).stat().st_size)
        self.timed(fetch)
        return size[0]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def soak(url: str, *, sessions: int, rounds: int, rows: int, workdir: Path) -> tuple[list, list]:
    """Drive the sessions; returns (all interaction seconds, isolation failures)."""
    failures = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        open_ = [Session(browser, url, i + 1) for i in range(sessions)]
        for s in open_:
            s.ready()
        for s in open_:
            s.upload(firm_csv(workdir / f"soak_s{s.index}.csv", s.index, rows=rows, seed=s.index))
        for r in range(rounds):
            for s in open_:
                s.add_sector(INDUSTRIES[r % len(INDUSTRIES)])
                if not s.search(f"会话{s.index}企业", expect=True):
                    failures.append(f"round {r + 1}: session {s.index} does not find its own firms")
                other = s.index % sessions + 1
                if other != s.index and not s.search(f"会话{other}企业", expect=False):
                    failures.append(f"round {r + 1}: session {s.index} finds session {other}'s firms")
                if s.download() <= 0:
                    failures.append(f"round {r + 1}: session {s.index} downloaded an empty file")
        times = [t for s in open_ for t in s.times]
        browser.close()
    return times, failures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rows", type=int, default=300, help="firms per session's CSV")
    args = ap.parse_args(argv)
    if not 1 <= args.sessions <= 16 or not 1 <= args.rounds <= 20 or not 1 <= args.rows <= 5000:
        ap.error("bounded: 1–16 sessions, 1–20 rounds, 1–5000 rows")
    t0 = time.perf_counter()
    with app_process() as (url, proc):
        sampler = Sampler(proc.pid)
        sampler.start()
        try:
            with tempfile.TemporaryDirectory() as tmp:
                times, failures = soak(url, sessions=args.sessions, rounds=args.rounds,
                                       rows=args.rows, workdir=Path(tmp))
            time.sleep(1.5)
        finally:
            sampler.halt.set()
            sampler.join()
    rss = [m for m in sampler.samples if m > 0]
    print(f"sessions: {args.sessions}")
    print(f"rounds: {args.rounds}")
    print(f"firms per session: {args.rows}")
    print(f"server RSS MB: start {rss[0]:.0f} peak {max(rss):.0f} end {rss[-1]:.0f}")
    print(f"interaction s: p50 {statistics.median(times):.2f} p95 {percentile(times, 0.95):.2f}"
          f" (n={len(times)})")
    print(f"wall s: {time.perf_counter() - t0:.0f}")
    print("isolation: ok" if not failures else "isolation: FAILED\n  " + "\n  ".join(failures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
