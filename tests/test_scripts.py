"""scripts/wait-for-apt.sh: bootstrap waits for another apt-get instead of stopping at once (a fresh machine runs its
automatic updates at first boot). The lock is held here as dpkg and apt hold theirs, with an fcntl record lock, on
temporary files named through APT_LOCK_FILES."""

import fcntl
import os
import subprocess
import threading
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "wait-for-apt.sh"

pytestmark = pytest.mark.skipif(not Path("/proc/locks").exists(), reason="reads /proc/locks (Linux)")


@pytest.fixture
def lock_files(tmp_path):
    files = [tmp_path / "lock-frontend", tmp_path / "lock"]
    for file in files:
        file.touch()
    return files


def wait_for_apt(lock_files, timeout: float, **env):
    environment = dict(os.environ, APT_LOCK_FILES=" ".join(map(str, lock_files)), APT_LOCK_TIMEOUT=str(timeout),
                       APT_LOCK_POLL="0.2", **env)
    return subprocess.run([str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=30)


def held(path: Path):
    """Locks the file as dpkg does (this process holds it, as /proc/locks shows); returns the release."""
    handle = open(path, "r+")
    fcntl.lockf(handle, fcntl.LOCK_EX)
    return handle.close


def test_free_locks_pass_at_once_and_silently(lock_files):
    result = wait_for_apt(lock_files, timeout=5)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_it_waits_with_one_message_until_the_holder_lets_go(lock_files):
    release = held(lock_files[1])
    timer = threading.Timer(1.5, release)
    timer.start()
    try:
        result = wait_for_apt(lock_files, timeout=20)
    finally:
        timer.cancel()
        release()
    assert result.returncode == 0, result.stderr
    waiting, done = result.stdout.splitlines()
    assert waiting.startswith(f"Another package manager is at work: {lock_files[1]} is held by "
                              f"process {os.getpid()} (")
    assert "Waiting for it to finish, up to 20 s" in waiting
    assert done.startswith("The package manager is free after ")


def test_it_gives_up_after_the_time_limit_naming_the_holder(lock_files):
    release = held(lock_files[0])
    try:
        result = wait_for_apt(lock_files, timeout=1)
    finally:
        release()
    assert result.returncode == 1
    assert f"Gave up after 1 s: {lock_files[0]} is still held by process {os.getpid()} (" in result.stderr
    assert "APT_LOCK_TIMEOUT" in result.stderr


def test_a_flock_is_not_what_apt_takes_and_does_not_stop_it(lock_files):
    """flock(1) locks are invisible to apt and dpkg (fcntl locks): waiting for one would wait for nothing."""
    with open(lock_files[0]) as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = wait_for_apt(lock_files, timeout=1)
    assert result.returncode == 0 and result.stdout == ""
