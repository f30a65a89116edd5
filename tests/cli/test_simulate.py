"""`commonweal simulate` end to end: one CSV row per citizen, the same bytes for any
number of threads, a reform's comparison on stdout, and usage errors."""
import csv
import io

from conftest import SCHEME, run, write


def simulate(tmp_path, name, *extra):
    out = tmp_path / name
    result = run("simulate", "--scheme", SCHEME, "--population", 45, "--seed", 3, "--start", 2025, "--years", 12,
                  "--out", out, *extra, check=0)
    return result.stdout, out.read_text()


def test_one_row_per_citizen_and_the_same_for_any_threads(tmp_path):
    stdout_one, csv_one = simulate(tmp_path, "one.csv", "--threads", 1)
    stdout_two, csv_two = simulate(tmp_path, "two.csv", "--threads", 2)
    assert csv_one == csv_two
    assert stdout_one.replace("one.csv", "X") == stdout_two.replace("two.csv", "X")
    rows = list(csv.DictReader(io.StringIO(csv_one)))
    assert len(rows) == 45
    assert rows[0]["citizen"] == "P0000001"
    assert {"weight", "taxes_paid", "contributions", "benefits_charged", "weekly_supplement",
            "balance_at_spa", "net_position"} <= set(rows[0])
    assert "population 45 simulated citizens" in stdout_one
    assert "fund flows by tax year" in stdout_one


def test_a_reform_is_compared_with_the_baseline(tmp_path):
    reform = write(tmp_path / "reform.yaml", "contribution_share:\n  income_tax: {values: {2025-04-06: 0.30}}\n")
    stdout, _ = simulate(tmp_path, "reform.csv", "--reform", reform)
    assert "reform against baseline" in stdout
    assert "cost by tax year" in stdout
    assert "reform     " in stdout and "reform.yaml" in stdout


def test_usage_errors(tmp_path):
    assert run("simulate", "--scheme", SCHEME, "--population", "many", "--out", tmp_path / "x.csv").returncode == 1
    assert run("simulate", "--scheme", SCHEME, "--population", 10).returncode == 1  # no --out
    assert run("simulate", "--population", 10, "--out", tmp_path / "x.csv").returncode == 1  # no --scheme
    missing = run("simulate", "--scheme", tmp_path / "none.yaml", "--out", tmp_path / "x.csv")
    assert missing.returncode in (2, 4) and "none.yaml" in missing.stderr
