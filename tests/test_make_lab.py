"""`make lab` (the README's first command) serves the course with the welcome lesson."""

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(Path(sys.prefix).resolve() != (ROOT / ".venv").resolve(),
                    reason="runs only under `make test` (which owns .venv); start `make lab` by hand")
def test_make_lab_serves_the_welcome_lesson():
    env = {**os.environ, "BROWSER": "true"}  # no browser window, whatever the machine has
    server = subprocess.Popen(
        ["make", "--no-print-directory", "lab"], cwd=ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in server.stdout], daemon=True).start()
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
        assert any("/lab/tree/lessons/00_welcome.ipynb?token=" in line for line in log), \
            "make lab must open the welcome lesson:\n" + "".join(log[-20:])
        base, token = url
        request = urllib.request.Request(f"{base}/api/contents/lessons/00_welcome.ipynb?content=0",
                                         headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["type"] == "notebook"
        # The whole course is served (root = repository), not just the lessons folder.
        listing = urllib.request.Request(f"{base}/api/contents/labs", headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(listing, timeout=10) as response:
            assert any(item["name"] == "00_welcome_lab.ipynb" for item in json.load(response)["content"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
