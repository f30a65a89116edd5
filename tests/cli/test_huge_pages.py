"""The command line restarts itself once with glibc's huge-page tunable (core/huge_pages.hpp):
the process that does the work has it in its environment, the same process id, and the same
results; COMMONWEAL_HUGE_PAGES=0 turns it off."""
import os
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BIN, CITIZENS, EVENTS, SCHEME, run, snapshot, write

THP_MODE = Path("/sys/kernel/mm/transparent_hugepage/enabled")


def thp_is_madvise():
    return THP_MODE.exists() and "[madvise]" in THP_MODE.read_text()


def import_through_fifo(tmp_path, name, extra_environment):
    """Runs `commonweal import` whose events file is a FIFO, reads the working process's
    environment while it waits for the file, then feeds it. Returns (environment, result)."""
    folder = tmp_path / name
    folder.mkdir()
    ledger = folder / "ledger.db"
    run("init", ledger, "--scheme", SCHEME, check=0)
    citizens = write(folder / "citizens.csv", CITIZENS)
    fifo = folder / "events.csv"
    os.mkfifo(fifo)
    environment = {key: value for key, value in os.environ.items() if key != "GLIBC_TUNABLES"}
    environment.update(extra_environment)
    process = subprocess.Popen([BIN, "import", "ledger.db", "--citizens", "citizens.csv", "--events", "events.csv"], cwd=folder,
                               env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The process blocks opening the FIFO (the kernel's wait_for_partner): by then the
    # restart, if any, has happened, and /proc shows the environment of the program it runs.
    deadline = time.monotonic() + 30
    while Path(f"/proc/{process.pid}/wchan").read_text() != "wait_for_partner":
        assert time.monotonic() < deadline, "the import never opened its events file"
        time.sleep(0.02)
    seen = Path(f"/proc/{process.pid}/environ").read_bytes()
    with open(fifo, "w") as feed:
        feed.write(EVENTS)
    out, err = process.communicate(timeout=60)
    # The tunables as the working program was given them. glibc cuts GLIBC_TUNABLES at its ':'s
    # in place when it reads it, so /proc shows each tunable as an item of its own.
    tunables = [item.decode() for item in seen.split(b"\0") if item.startswith((b"GLIBC_TUNABLES=", b"glibc."))]
    tunables = [item.removeprefix("GLIBC_TUNABLES=") for item in tunables]
    return tunables, subprocess.CompletedProcess(process.args, process.returncode, out, err), ledger


@pytest.mark.skipif(not thp_is_madvise(), reason="transparent huge pages are not 'madvise' here: nothing to restart for")
def test_the_working_process_has_the_tunable_and_the_same_results(tmp_path):
    on, on_result, on_ledger = import_through_fifo(tmp_path, "on", {})
    off, off_result, off_ledger = import_through_fifo(tmp_path, "off", {"COMMONWEAL_HUGE_PAGES": "0"})
    assert on_result.returncode == 0, on_result.stderr
    assert off_result.returncode == 0, off_result.stderr
    assert on == ["glibc.malloc.hugetlb=1"]
    assert off == []
    # The same work either way: the same rows, but for the moments and the hashes that cover them.
    on_rows, off_rows = snapshot(on_ledger), snapshot(off_ledger)
    for table in ("events", "accounts", "citizen_records", "postings"):
        assert on_rows[table] == off_rows[table], table
    for ledger in (on_ledger, off_ledger):
        run("verify", ledger, check=0)


@pytest.mark.skipif(not thp_is_madvise(), reason="transparent huge pages are not 'madvise' here")
def test_other_tunables_are_kept_and_a_choice_of_hugetlb_is_respected(tmp_path):
    kept, result, _ = import_through_fifo(tmp_path, "kept", {"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"})
    assert result.returncode == 0, result.stderr
    assert kept == ["glibc.malloc.arena_max=2", "glibc.malloc.hugetlb=1"]
    chosen, result, _ = import_through_fifo(tmp_path, "chosen", {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"})
    assert result.returncode == 0, result.stderr
    assert chosen == ["glibc.malloc.hugetlb=0"]
