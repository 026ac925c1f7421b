"""One headless Chromium per process, kept warm, that shoots a page as PNG.

Starting Chromium and loading its first page took most of each map PNG (about 2.5 s of
3); the browser is now started once, in the background, and each PNG is a new page in
it. It is driven by Playwright (the library made for driving Chromium, which the browser
tests already use) from one thread of its own: Playwright's objects belong to the thread
that made them, and the app's sessions each run in their own thread, so they hand their
pages to that thread and wait for the picture. Each picture is a new document in the
browser's one tab (a new tab cost ~0.3 s). Bounded: one browser and one page at a time
per process; a browser that died is started again for the next picture; the
browser is closed when the process exits.

A page is shot when it is ready: loaded, the map's first fit made
(:data:`ui.view_report.FIT_PENDING` no longer true), its fonts loaded, and every tile
image finished (loaded or failed) and faded in.
"""

from __future__ import annotations

import atexit
import queue
import shutil
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING

from layers.errors import UsageError
from ui.view_report import FIT_PENDING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

__all__ = ["CHROMIUM_ARGS", "NO_CHROMIUM", "NO_PICTURE", "READY_JS", "Shooter", "shooter"]

#: What the reader is told when there is no Chromium, or it made no picture.
NO_CHROMIUM = "a PNG of the map needs Chromium (apt-get install chromium)"
NO_PICTURE = "Chromium made no PNG of the map"

CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")

#: True when the page is ready to be shot (see the module).
READY_JS = f"""() => {FIT_PENDING} !== true && document.fonts.status === "loaded"
    && Array.from(document.querySelectorAll("img.leaflet-tile")).every(
        (img) => img.complete && (img.style.opacity === "" || img.style.opacity === "1"))"""


def _find_chromium(chromium: str | None) -> str:
    found = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise UsageError(NO_CHROMIUM)
    return found


class Shooter:
    """The warm browser of one Chromium executable (see the module)."""

    def __init__(self, chromium: str):
        self.chromium = chromium
        self._jobs: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        # the serving thread's own
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._tab: Page | None = None
        self.launches = 0  # browsers started so far (a died browser is started again)
        self._warmed = False

    def _start(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._serve, name="png-chromium",
                                                daemon=True)
                self._thread.start()

    def warm(self) -> None:
        """Start the browser in the background (once), without waiting for it."""
        if self._warmed:
            return
        self._warmed = True
        self._start()
        self._jobs.put((Future(), None))

    def shoot(self, uri: str, *, width: int, height: int, timeout: float) -> bytes:
        """The page at ``uri`` as PNG bytes of ``width``×``height`` px, within ``timeout`` s."""
        self._start()
        done: Future = Future()
        self._jobs.put((done, (uri, width, height, timeout)))
        try:
            return done.result(timeout=timeout + 5)  # the browser's own waits end first
        except FutureTimeout as err:
            raise UsageError(f"the map's PNG took longer than {timeout:.0f} s; try again") from err

    def close(self) -> None:
        """Close the browser and end its thread (at the process's exit)."""
        if self._thread is not None and self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=10)

    def _serve(self) -> None:
        self._playwright, self._browser, self._tab = None, None, None
        try:
            while (job := self._jobs.get()) is not None:
                done, page = job
                if not done.set_running_or_notify_cancel():
                    continue
                try:
                    done.set_result(self._picture(page))
                except Exception as err:  # noqa: BLE001 — handed to the session that asked
                    done.set_exception(_plain(err))
                    if self._browser is None and self._playwright is not None:
                        self._playwright.stop()  # not even started: Playwright anew next time
                        self._playwright = None
        finally:
            for end in (getattr(self._browser, "close", None),
                        getattr(self._playwright, "stop", None)):
                try:
                    if end is not None:
                        end()
                except Exception:  # noqa: BLE001, S110 — closing at exit: nothing to tell
                    pass

    def _picture(self, page) -> bytes | None:
        """The PNG of ``page`` (uri, width, height, timeout), or None only to warm up; a
        browser found dead is started again, and the picture tried once more in it."""
        if self._playwright is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
        playwright = self._playwright
        for attempt in (1, 2):
            if self._browser is None or not self._browser.is_connected():
                self._browser = playwright.chromium.launch(
                    executable_path=self.chromium, args=list(CHROMIUM_ARGS))
                self._tab = None
                self.launches += 1
            browser = self._browser
            if self._tab is None or self._tab.is_closed():
                self._tab = browser.new_page()
            if page is None:
                return None
            try:
                return _shot(self._tab, *page)
            except Exception:
                if attempt == 2 or browser.is_connected():
                    raise
        return None  # not reached: the second attempt returns or raises


def _shot(tab, uri: str, width: int, height: int, timeout: float) -> bytes:
    """``uri`` opened in the browser's one tab (a new document each time: nothing of the
    last picture's page remains) and shot once ready."""
    ms = timeout * 1000
    tab.set_viewport_size({"width": width, "height": height})
    tab.goto(uri, wait_until="load", timeout=ms)
    tab.wait_for_function(READY_JS, timeout=ms, polling="raf")
    return tab.screenshot(type="png", timeout=ms, animations="disabled")


def _plain(err: Exception) -> Exception:
    """What went wrong in words the app can show (one line, no traceback)."""
    if isinstance(err, UsageError):
        return err
    name = type(err).__name__
    if name == "TimeoutError":
        return UsageError("the map's PNG took too long to draw; try again")
    if "executable doesn't exist" in str(err).lower() or "ENOENT" in str(err):
        return UsageError(NO_CHROMIUM)
    return UsageError(NO_PICTURE)


_SHOOTERS: dict[str, Shooter] = {}
_SHOOTERS_LOCK = threading.Lock()


def shooter(chromium: str | None = None) -> Shooter:
    """The process's warm browser for ``chromium`` (found on the PATH when None)."""
    path = _find_chromium(chromium)
    with _SHOOTERS_LOCK:
        if path not in _SHOOTERS:
            _SHOOTERS[path] = Shooter(path)
            atexit.register(_SHOOTERS[path].close)
        return _SHOOTERS[path]
