"""The processes tests and the bench start end with the run that started
them, even one killed mid-way (tests/fixtures/processes.py)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A stand-in for a test run: starts a long-lived child through the fixtures,
# prints its pid, then waits to be killed.
RUN = """
import sys, time
from tests.fixtures.processes import start
sleeper = [sys.executable, "-c", "import time; time.sleep(600)"]
child = start("orphan-check", sleeper, {})
print(child.popen.pid, flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that ended but was not yet reaped by init is a zombie.
    status = Path(f"/proc/{pid}/stat").read_text().split()[2]
    return status != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_a_killed_run_takes_its_workers_with_it():
    run = subprocess.Popen(
        [sys.executable, "-c", RUN],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    child = int(run.stdout.readline())
    try:
        assert alive(child)
        run.send_signal(signal.SIGKILL)  # no finally, no stop()
        run.wait(timeout=10)
        deadline = time.monotonic() + 10
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(child)
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)
        run.stdout.close()
