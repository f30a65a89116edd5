"""docs/cli.md's session runs as written: every command, every output line
(hashes and moments masked)."""
import re
import shutil

from conftest import SCHEME, page_session, run_session


def session_and_files():
    session, text = page_session("cli.md", "cli-session")
    after = text.split("with `citizens.csv` and `events.csv`:", 1)[1]
    blocks = re.findall(r"^```\n(.*?)^```$", after, re.S | re.M)
    return session, {"citizens.csv": blocks[0], "events.csv": blocks[1]}


def test_the_cli_page_session_runs_as_written(tmp_path):
    session, files = session_and_files()
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    shutil.copy(SCHEME, tmp_path / "cswa-reference.yaml")
    assert run_session(session, tmp_path) == 6
