"""Real-browser test: the course as a student meets it, in JupyterLab in Chromium.

Starts JupyterLab from this interpreter's environment on 127.0.0.1 (root: the repository),
opens each lesson in headless Chromium (Debian's ``/usr/bin/chromium`` driven by Python
``playwright``), runs all cells and checks that

* no cell shows an error and no widget failed to render;
* every ``explore`` dashboard rendered: sliders and Step / Run / Reset buttons;
* clicking Step and Run redraws the figure (the image changes), Reset restores it;
* the browser console has no widget errors.

Screenshots land in ``artifacts/screenshots/`` (gitignored). Chromium is installed with
apt when it is missing and we are root; when the machine cannot start a browser the test
is skipped and the reason printed (``pytest -ra``). Which lessons: all of them by default;
``RISKLAB_BROWSER=welcome`` limits the run to the welcome lesson, ``RISKLAB_BROWSER=05_``
to the lessons whose path contains ``05_``, ``RISKLAB_BROWSER=off`` skips it. Every wait is bounded; the notebooks on disk are never modified (autosave is off
and the test checks the server never saved one).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WELCOME = "lessons/00_welcome.ipynb"
TOKEN = "risklab-browser-test"
SERVER_START_TIMEOUT = 120  # s
NOTEBOOK_RUN_TIMEOUT = 150  # s, for all cells of one lesson
REDRAW_TIMEOUT = 60  # s, for one click to change the figure
WIDGET_ERROR_WORDS = (
    "widget",
    "jupyter-widgets",
    "ipywidgets",
    "comm",
    "model not found",
    "class ",
)
RENDER_FAILURES = (
    "Error displaying widget",
    "Error rendering output",
    "Failed to load model class",
)

# JupyterLab user settings for the test: no autosave (the repository's notebooks stay as
# committed), every cell kept in the DOM (no virtual scrolling), no news or update checks.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def browser_notebooks() -> list[str]:
    """Repository-relative paths of the lessons to open, welcome lesson first."""
    choice = os.environ.get("RISKLAB_BROWSER", "all")
    lessons = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "lessons").glob("*.ipynb"))
    if choice == "off":
        return []
    if choice == "welcome":
        return [WELCOME]
    if choice != "all":  # e.g. RISKLAB_BROWSER=05_ : the lessons whose path contains it
        return [rel for rel in lessons if choice in rel]
    return sorted(lessons, key=lambda rel: (rel != WELCOME, rel)) or [WELCOME]


# -- fixtures ----------------------------------------------------------------------------


def _install_chromium() -> str | None:
    """Install Debian's chromium with apt (bounded). Returns why it could not, or None."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"{CHROMIUM} is missing and we cannot apt-get install it (not root, or no apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(
        f"\n[browser test] {CHROMIUM} missing: apt-get install -y chromium (a minute or two)",
        flush=True,
    )
    for command, timeout in (
        (["apt-get", "update", "-qq"], 300),
        (["apt-get", "install", "-y", "-qq", "chromium"], 600),
    ):
        try:
            result = subprocess.run(
                command,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            return f"`{' '.join(command)}` did not finish within {timeout} s"
        if result.returncode != 0:
            return f"`{' '.join(command)}` failed: {result.stderr.strip()[-300:]}"
    return None if CHROMIUM.exists() else f"apt-get install chromium did not provide {CHROMIUM}"


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's Chromium, installed when missing; skip (with the reason) if it cannot start."""
    if not browser_notebooks():
        pytest.skip("RISKLAB_BROWSER=off")
    pytest.importorskip(
        "playwright", reason="the `playwright` package is missing (pip install -e .[test])"
    )
    if not CHROMIUM.exists():
        why = _install_chromium()
        if why:
            pytest.skip(f"cannot start a browser: {why}")
    try:
        probe = subprocess.run(
            [str(CHROMIUM), "--headless", *CHROMIUM_FLAGS, "--dump-dom", "about:blank"],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        pytest.skip(f"cannot start a browser: {CHROMIUM} --headless did not answer within 60 s")
    if probe.returncode != 0 or "<html" not in probe.stdout:
        pytest.skip(
            f"cannot start a browser: {CHROMIUM} --headless failed: {probe.stderr.strip()[-300:]}"
        )
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory: pytest.TempPathFactory, chromium: Path):
    """A JupyterLab server on 127.0.0.1 rooted at the repository; yields its URL and log.
    Checkpoints go to a temporary folder, not into the repository."""
    home = tmp_path_factory.mktemp("jupyterlab")
    settings = home / "settings"
    for plugin, values in LAB_SETTINGS.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    config = home / "config"
    config.mkdir()
    (config / "jupyter_server_config.json").write_text(
        json.dumps(
            {"FileContentsManager": {"checkpoints_kwargs": {"root_dir": str(home / "checkpoints")}}}
        )
    )
    env = {k: v for k, v in os.environ.items() if k not in ("RISKLAB_EXPECT", "MPLBACKEND")}
    env.update(
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_CONFIG_DIR=str(config),
        IPYTHONDIR=str(home / "ipython"),
    )
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        f"--ServerApp.token={TOKEN}",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={ROOT}",
        "--LabApp.expose_app_in_browser=True",
        "--LabApp.news_url=None",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (home / "server.log").open("w")
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"JupyterLab exited with {server.returncode}:\n{_tail(home / 'server.log')}"
                )
            try:
                with urllib.request.urlopen(
                    f"{base}/api/status?token={TOKEN}", timeout=5
                ) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n{_tail(home / 'server.log')}"
                )
            time.sleep(0.5)
        yield {"url": base, "log": home / "server.log"}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory, chromium: Path):
    """A headless Chromium with a fresh profile (``--user-data-dir``)."""
    from playwright.sync_api import Error, sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    # Watchdog: a hung renderer would block page.evaluate() forever; past the deadline,
    # kill the Chromium processes of this profile (only those), and playwright raises.
    deadline = 120 + 120 * len(browser_notebooks())
    watchdog = threading.Timer(deadline, _kill_processes_using, args=(profile,))
    watchdog.daemon = True
    watchdog.start()
    with sync_playwright() as playwright:
        try:
            context = playwright.chromium.launch_persistent_context(
                str(profile),
                executable_path=str(chromium),
                headless=True,
                args=CHROMIUM_FLAGS,
                viewport={"width": 1400, "height": 1000},
                timeout=60_000,
            )
        except Error as error:
            pytest.skip(
                f"cannot start a browser: playwright could not launch {chromium}: {str(error)[:300]}"
            )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            watchdog.cancel()
            context.close()


def _kill_processes_using(profile: Path) -> None:
    """SIGKILL the processes started with ``--user-data-dir=<profile>`` (our Chromium)."""
    print(
        "\n[browser test] watchdog: Chromium still running after the deadline; killing it",
        flush=True,
    )
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and f"--user-data-dir={profile}".encode() in (
                proc / "cmdline"
            ).read_bytes().split(b"\0"):
                os.kill(int(proc.name), signal.SIGKILL)
        except OSError:
            pass


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# -- the test ------------------------------------------------------------------------------

# The notebook panel of one path (not "the current widget": a restored tab could be that).
FIND_PANEL_JS = """(path) => {
  if (!window.jupyterapp) return null;
  for (const widget of window.jupyterapp.shell.widgets('main')) {
    if (widget.context && widget.context.path === path && widget.content && widget.content.model) return widget;
  }
  return null;
}"""
CELL_STATE_JS = (
    """(path) => {
  const panel = ("""
    + FIND_PANEL_JS
    + """)(path);
  if (!panel || !panel.sessionContext) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.model.cells;
  const state = {kernel: kernel ? kernel.status : 'none', pending: 0, errors: []};
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code' || !cell.sharedModel.getSource().trim()) continue;
    if (cell.executionCount === null) state.pending += 1;
    for (const output of cell.outputs.toJSON()) {
      if (output.output_type === 'error') state.errors.push({cell: i, ename: output.ename, evalue: output.evalue});
    }
  }
  return state;
}"""
)
RUN_ALL_JS = (
    """(path) => {
  const app = window.jupyterapp;
  const panel = ("""
    + FIND_PANEL_JS
    + """)(path);
  app.shell.activateById(panel.id);
  if (app.shell.currentWidget !== panel) return false;
  app.commands.execute('notebook:run-all-cells');  // not awaited: we poll, with a deadline
  return true;
}"""
)


def _wait(condition, timeout: float, what: str, interval: float = 0.25):
    """Poll ``condition()`` until it returns something truthy; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def _image_src(locator) -> str | None:
    try:
        return locator.first.get_attribute("src", timeout=1000)
    except Exception:  # the output area is being redrawn
        return None


@pytest.mark.parametrize("notebook", browser_notebooks())
def test_lesson_runs_in_jupyterlab(notebook: str, jupyter_lab: str, browser_context) -> None:
    path = ROOT / notebook
    if not path.exists():
        pytest.skip(f"{notebook} does not exist yet")
    stem = path.stem
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    console: list[str] = []
    page = browser_context.new_page()
    page.on(
        "console",
        lambda msg: (
            console.append(f"{msg.type}: {msg.text}") if msg.type in ("error", "warning") else None
        ),
    )
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    try:
        # a workspace of its own, reset: no tabs restored from an earlier lesson
        page.goto(
            f"{jupyter_lab['url']}/lab/workspaces/risklab-{stem}/tree/{notebook}?reset&token={TOKEN}",
            timeout=90_000,
        )
        _wait(
            lambda: (s := page.evaluate(CELL_STATE_JS, notebook)) and s["kernel"] == "idle",
            90,
            "the notebook to open with an idle kernel",
        )
        started = time.monotonic()
        _wait(
            lambda: page.evaluate(RUN_ALL_JS, notebook), 30, f"{notebook} to become the active tab"
        )
        state = _wait(
            lambda: (
                (s := page.evaluate(CELL_STATE_JS, notebook))
                and s["kernel"] == "idle"
                and (s["pending"] == 0 or s["errors"])
                and s
            ),
            NOTEBOOK_RUN_TIMEOUT,
            f"all cells of {notebook} to run",
            interval=0.5,
        )
        print(
            f"\n[browser test] {notebook}: all cells ran in {time.monotonic() - started:.1f} s",
            flush=True,
        )
        page.wait_for_timeout(1500)  # let widget views finish rendering
        page.screenshot(path=str(SCREENSHOTS / f"{stem}-ran.png"), full_page=True)
        assert not state["errors"], f"{notebook}: cells raised errors: {state['errors']}"
        body = page.inner_text("body")
        failures = [words for words in RENDER_FAILURES if words in body]
        assert not failures, f"{notebook}: output failed to render: {failures}"

        dashboards = page.locator(".jp-CodeCell").filter(
            has=page.locator("button", has_text="Reset")
        )
        expected = "explore(" in path.read_text()
        if expected:
            _wait(lambda: dashboards.count() > 0, 30, f"an explore dashboard in {notebook}")
        for k in range(dashboards.count()):
            _check_dashboard(
                page, dashboards.nth(k), f"{stem}-dashboard{k}", same_seed_check=k == 0
            )
        page.wait_for_timeout(500)
        widget_errors = [
            line
            for line in console
            if line.startswith(("error", "pageerror"))
            and any(w in line.lower() for w in WIDGET_ERROR_WORDS)
        ]
        assert not widget_errors, (
            f"{notebook}: widget errors in the browser console:\n" + "\n".join(widget_errors)
        )
    finally:
        try:
            page.screenshot(
                path=str(SCREENSHOTS / f"{stem}-final.png"), full_page=True, timeout=15_000
            )
        except Exception:
            pass
        _shutdown_kernels(jupyter_lab["url"])
        page.close()
    saved = [
        line
        for line in jupyter_lab["log"].read_text(errors="replace").splitlines()
        if "Saving file" in line and path.name in line
    ]
    assert not saved, f"JupyterLab saved {notebook} (outputs may now be in the repository): {saved}"


def _check_dashboard(page, cell, name: str, same_seed_check: bool) -> None:
    """Sliders and buttons exist; Step, Run and Reset change the image; with
    ``same_seed_check``, Reset after a Step gives the same picture again."""
    cell.scroll_into_view_if_needed()
    assert cell.locator(".widget-slider, .widget-dropdown, .widget-checkbox").count() > 0, (
        f"{name}: no parameter controls"
    )
    buttons = {
        label: cell.locator("button", has_text=label).first for label in ("Step", "Run", "Reset")
    }
    for label, button in buttons.items():
        assert button.is_visible(), f"{name}: no visible {label} button"
    image = cell.locator(".widget-output img")
    initial = _wait(lambda: _image_src(image), 30, f"{name}: the dashboard's figure")
    cell.screenshot(path=str(SCREENSHOTS / f"{name}-initial.png"))
    previous = initial
    for label in ("Step", "Run"):
        clicked = time.monotonic()
        buttons[label].click()
        previous = _wait(
            lambda: (src := _image_src(image)) and src != previous and src,
            REDRAW_TIMEOUT,
            f"{name}: the figure to change after clicking {label}",
        )
        print(
            f"[browser test] {name}: {label} redrew the figure in {time.monotonic() - clicked:.2f} s",
            flush=True,
        )
        cell.screenshot(path=str(SCREENSHOTS / f"{name}-after-{label.lower()}.png"))
    buttons["Reset"].click()
    reset = _wait(
        lambda: (src := _image_src(image)) and src != previous and src,
        REDRAW_TIMEOUT,
        f"{name}: the figure to change after Reset",
    )
    if not same_seed_check:
        return
    buttons["Step"].click()
    _wait(
        lambda: (src := _image_src(image)) and src != reset,
        REDRAW_TIMEOUT,
        f"{name}: the figure to change after Step",
    )
    buttons["Reset"].click()
    _wait(
        lambda: _image_src(image) == reset,
        REDRAW_TIMEOUT,
        f"{name}: a second Reset to draw the same picture (same seed, same run)",
    )


def _shutdown_kernels(base: str) -> None:
    """Stop every kernel the page started (bounded; errors ignored)."""
    try:
        with urllib.request.urlopen(f"{base}/api/sessions?token={TOKEN}", timeout=10) as response:
            sessions = json.load(response)
        for session in sessions:
            request = urllib.request.Request(
                f"{base}/api/sessions/{session['id']}?token={TOKEN}", method="DELETE"
            )
            urllib.request.urlopen(request, timeout=10).close()
    except OSError:
        pass
