"""docs/cli.md's session runs as written: every command, every output line
(hashes and moments masked)."""
import re
import shutil
import subprocess

from conftest import BIN, SOURCE, SCHEME


def session_and_files():
    text = (SOURCE / "docs" / "cli.md").read_text()
    session = text.split("<!-- cli-session -->\n```console\n", 1)[1].split("```", 1)[0]
    after = text.split("with `citizens.csv` and `events.csv`:", 1)[1]
    blocks = re.findall(r"^```\n(.*?)^```$", after, re.S | re.M)
    return session, {"citizens.csv": blocks[0], "events.csv": blocks[1]}


def mask(line):
    line = re.sub(r"[0-9a-f]{64}", "<hash>", line)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "<moment>", line)


def test_the_cli_page_session_runs_as_written(tmp_path):
    session, files = session_and_files()
    for name, content in files.items():
        (tmp_path / name).write_text(content)
    shutil.copy(SCHEME, tmp_path / "cswa-reference.yaml")
    commands = re.split(r"^\$ ", session, flags=re.M)[1:]
    assert len(commands) == 6
    for block in commands:
        command, *expected = block.rstrip("\n").split("\n")
        words = command.split()
        assert words[0] == "commonweal"
        result = subprocess.run([BIN, *words[1:]], cwd=tmp_path, capture_output=True, text=True)
        assert result.returncode == 0, (command, result.stderr)
        assert [mask(line) for line in result.stdout.splitlines()] == expected, command
