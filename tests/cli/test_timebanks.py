"""docs/timebanks.md's sessions run as written: named banks imported with their terms and members, the
member and chest statements, and the override refusal (exit 2, nothing changed)."""
import re
import shutil

from conftest import SCHEME, page_session, run, run_session, snapshot, write


def test_the_timebanks_page_sessions_run_as_written(tmp_path):
    session, text = page_session("timebanks.md", "timebanks-session")
    after = text.split("With `timebanks.csv`, `members.csv` and `events.csv`:", 1)[1]
    blocks = re.findall(r"^```\n(.*?)^```$", after, re.S | re.M)
    for name, content in zip(("timebanks.csv", "members.csv", "events.csv"), blocks):
        write(tmp_path / name, content)
    write(tmp_path / "more.csv", text.split("with `more.csv`:\n\n```\n", 1)[1].split("```", 1)[0])
    shutil.copy(SCHEME, tmp_path / "cswa-reference.yaml")
    assert run_session(session, tmp_path) == 4
    before = snapshot(tmp_path / "banks.db")
    refusal, _ = page_session("timebanks.md", "timebanks-refusal")
    assert run_session(refusal, tmp_path, exit_status=2) == 1
    assert snapshot(tmp_path / "banks.db") == before
    assert run("balance", tmp_path / "banks.db", "timebank:north:M2", check=0).stdout == "-2.50\n"
    run("verify", tmp_path / "banks.db", check=0)
