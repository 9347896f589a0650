"""The built book as a reader meets it: every page opened in headless Chromium.

Serves ``_build/html`` (built by ``make book``; ``make test`` builds it first) on
127.0.0.1 and opens every page with all host names but loopback unresolvable, so
anything the site would fetch from a CDN fails. For each page it asserts: every
formula typeset (no raw ``\\(``, ``\\[`` or ``$$`` left in the text), every image
loaded, every widget rendered, every internal link resolving, no console error.
A full-page screenshot of each chapter is saved in ``_build/screenshots/``.

Run alone with ``make book && .venv/bin/pytest tests/test_browser.py``; it needs
Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them). Outside
CI it skips when they or the built book are missing; in CI (``CI=true``) that fails.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SKIP_DIRS = {"_static", "_sources", "_images", "_widgets", "_downloads", "build"}


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (required in CI)")
    pytest.skip(reason)


def _pages() -> list[str]:
    if not (SITE / "index.html").is_file():
        return []
    pages = []
    for path in sorted(SITE.rglob("*.html")):
        rel = path.relative_to(SITE)
        if rel.parts[0] in SKIP_DIRS or rel.name == "index.html" and len(rel.parts) == 1:
            continue  # the root index.html only redirects to the first page
        pages.append(rel.as_posix())
    return pages


PAGES = _pages()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the browser dropping a connection mid-file (navigating on) is no error


@pytest.fixture(scope="module")
def server():
    if not PAGES:
        _missing("no built book in _build/html: run `make book` first")
    handler = functools.partial(_Quiet, directory=str(SITE))
    httpd = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        _missing("Debian's chromium and chromium-driver are not installed")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
                "--window-size=1280,1000",
                # no network but loopback: every other host name fails to resolve
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


# JavaScript run in the page --------------------------------------------------------

WAIT_FOR_MATHJAX = """
const done = arguments[arguments.length - 1];
const mj = window.MathJax;
if (!mj || !mj.startup || !mj.startup.promise) { done("no MathJax"); return; }
mj.startup.promise.then(() => done("ok")).catch(e => done("error: " + e));
"""

RAW_TEX = r"""
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const skip = "PRE,CODE,SCRIPT,STYLE,TEXTAREA,MJX-CONTAINER,MJX-ASSISTIVE-MML,KBD,SAMP";
const found = [];
while (walker.nextNode()) {
  const node = walker.currentNode;
  if (node.parentElement && node.parentElement.closest(skip.toLowerCase())) continue;
  const m = node.textContent.match(/\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{/);
  if (m) found.push(node.textContent.trim().slice(0, 80));
}
return found;
"""

UNTYPESET = """
return Array.from(document.querySelectorAll('.math'))
  .filter(e => !e.querySelector('mjx-container'))
  .map(e => e.textContent.trim().slice(0, 80));
"""

WIDGETS = """
const views = Array.from(document.querySelectorAll(
  'script[type="application/vnd.jupyter.widget-view+json"]'));
const rendered = views.filter(s => s.parentElement.querySelector('.jupyter-widgets'));
return [views.length, rendered.length,
        document.querySelectorAll('.widget-hprogress, .widget-progress').length];
"""

BROKEN_IMAGES = """
return Array.from(document.images)
  .filter(i => !(i.complete && i.naturalWidth > 0))
  .map(i => i.currentSrc || i.src);
"""

LINKS = "return Array.from(document.querySelectorAll('a[href]')).map(a => a.href);"

STATIC_SLIDERS = "return document.querySelectorAll('.animation input[type=range]').length;"

# Move every static slider to its last frame, as a reader dragging it would; return, for
# each, whether the picture changed. The player fires on "input" (or "change").
MOVE_SLIDERS = """
return Array.from(document.querySelectorAll('.animation')).map(div => {
  const slider = div.querySelector('input[type=range]');
  const img = div.querySelector('img');
  if (!slider || !img) return false;
  const before = img.src;
  slider.value = slider.max;
  slider.dispatchEvent(new Event('input'));
  slider.dispatchEvent(new Event('change'));
  return Number(slider.max) > 0 && img.src !== before;
});
"""


def _poll(driver, script, ready, timeout=30.0):
    deadline = time.monotonic() + timeout
    value = driver.execute_script(script)
    while not ready(value) and time.monotonic() < deadline:
        time.sleep(0.25)
        value = driver.execute_script(script)
    return value


def _load(driver, url):
    driver.get(url)
    _poll(driver, "return document.readyState", lambda s: s == "complete")
    # scroll through the page so that lazily loaded images load
    height = driver.execute_script("return document.body.scrollHeight")
    for y in range(0, int(height) + 1000, 1000):
        driver.execute_script(f"window.scrollTo(0, {y})")
    driver.execute_script("window.scrollTo(0, 0)")
    driver.set_script_timeout(60)
    return driver.execute_async_script(WAIT_FOR_MATHJAX)


_link_cache: dict[str, str | None] = {}


def _check_link(base: str, href: str) -> str | None:
    """None if an internal link resolves; otherwise what is wrong."""
    url, _, fragment = href.partition("#")
    if not url.startswith(base):
        return None  # external (repository, launch buttons): not fetched offline
    key = href
    if key in _link_cache:
        return _link_cache[key]
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            body = response.read().decode("utf-8", "replace") if fragment else ""
    except urllib.error.HTTPError as err:
        _link_cache[key] = f"{href}: HTTP {err.code}"
        return _link_cache[key]
    problem = None
    if fragment:
        target = urllib.parse.unquote(fragment)
        if not re.search(r'\b(id|name)="%s"' % re.escape(target), body):
            problem = f"{href}: no element with id {target!r}"
    _link_cache[key] = problem
    return problem


_seen: dict[str, dict] = {}


@pytest.mark.parametrize("page", PAGES or ["<no built book>"])
def test_page_renders_offline(page, server, browser):
    status = _load(browser, f"{server}/{page}")
    problems = []
    has_math = browser.execute_script("return document.querySelectorAll('.math').length") > 0
    if has_math and status != "ok":
        problems.append(f"MathJax did not start: {status}")
    untypeset = browser.execute_script(UNTYPESET)
    if untypeset:
        problems.append(f"{len(untypeset)} formula(s) not typeset, e.g. {untypeset[:3]}")
    raw = browser.execute_script(RAW_TEX)
    if raw:
        problems.append(f"raw TeX left in the text: {raw[:3]}")
    n_views, n_rendered, n_progress = _poll(browser, WIDGETS, lambda v: v[0] == v[1])
    if n_rendered != n_views:
        problems.append(f"{n_views - n_rendered} of {n_views} widget(s) not rendered")
    broken = browser.execute_script(BROKEN_IMAGES)
    if broken:
        problems.append(f"images not loaded: {broken[:5]}")
    for href in sorted(set(browser.execute_script(LINKS))):
        problem = _check_link(server, href)
        if problem:
            problems.append(f"broken link {problem}")
    errors = [entry["message"] for entry in browser.get_log("browser")
              if entry["level"] == "SEVERE"]
    if errors:
        problems.append(f"console errors: {errors[:5]}")
    moved = browser.execute_script(MOVE_SLIDERS)
    if not all(moved):
        problems.append(f"{moved.count(False)} static slider(s) do not change the frame")
    _seen[page] = {"widgets": n_views, "progress": n_progress, "sliders": len(moved)}
    if page.startswith("notebooks/"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        height = browser.execute_script("return document.body.scrollHeight")
        browser.set_window_size(1280, min(int(height) + 100, 16000))
        browser.save_screenshot(str(SHOTS / (Path(page).stem + ".png")))
        browser.set_window_size(1280, 1000)
    assert not problems, f"{page}:\n  " + "\n  ".join(problems)


def test_book_has_widgets_progress_bars_and_a_static_slider(server, browser):
    """The chapters' interactive parts reached the static site."""
    for page in PAGES:  # pages not visited above (e.g. -k selection) are visited now
        if page not in _seen and page.startswith("notebooks/"):
            _load(browser, f"{server}/{page}")
            _seen[page] = {"widgets": _poll(browser, WIDGETS, lambda v: v[0] == v[1])[0],
                           "progress": browser.execute_script(WIDGETS)[2],
                           "sliders": browser.execute_script(STATIC_SLIDERS)}
    chapters = {p: s for p, s in _seen.items() if p.startswith("notebooks/")}
    assert chapters, "no chapter pages in the built book"
    assert sum(s["widgets"] for s in chapters.values()) > 0, "no widget on any chapter"
    assert sum(s["progress"] for s in chapters.values()) > 0, "no progress bar rendered"
    assert sum(s["sliders"] for s in chapters.values()) > 0, (
        "no static (no-kernel) slider on any chapter")
