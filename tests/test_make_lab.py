"""`make lab` (the README's first command) serves the course with the welcome lesson."""

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def get_json(url: str, token: str, attempts: int = 20) -> dict:
    """GET a Jupyter API URL, retrying briefly while the server finishes starting."""
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response)
        except urllib.error.URLError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


@pytest.mark.skipif(
    Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(),
    reason="runs only under `make test` (which owns .venv); start `make lab` by hand",
)
def test_make_lab_serves_the_welcome_lesson():
    with socket.socket() as probe:  # a free port, so a server already on 8888 cannot interfere
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "BROWSER": "true", "JUPYTER_PORT": str(port)}  # and no browser window
    server = subprocess.Popen(
        ["make", "--no-print-directory", "lab"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in server.stdout], daemon=True
    ).start()
    try:
        url, log, deadline = None, [], time.monotonic() + 90
        while url is None and time.monotonic() < deadline and server.poll() is None:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            log.append(line)
            match = re.search(r"(http://127\.0\.0\.1:\d+)/\S*\?token=(\w+)", line)
            if match:
                url = match.groups()
        assert url, "JupyterLab did not start:\n" + "".join(log[-20:])
        assert any("/lab/tree/lessons/00_welcome.ipynb?token=" in line for line in log), (
            "make lab must open the welcome lesson:\n" + "".join(log[-20:])
        )
        base, token = url
        assert base.endswith(f":{port}")
        welcome = get_json(f"{base}/api/contents/lessons/00_welcome.ipynb?content=0", token)
        assert welcome["type"] == "notebook"
        # The whole course is served (root = repository), not just the lessons folder.
        labs = get_json(f"{base}/api/contents/labs", token)
        assert any(item["name"] == "00_welcome_lab.ipynb" for item in labs["content"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
