"""cw.simulate and cw.distributed.simulate: the command line's figures, the same results for any
number of threads, processes and parts, summaries equal to the sums of their rows (weighted), and
winners and losers equal to the citizens' own differences. A small population keeps it quick."""
import decimal
import io
import pickle

import pandas as pd
import pytest

import commonweal as cw
from commonweal import _core
from conftest import SCHEME, SOURCE, cli

N, SEED, START, YEARS = 150, 20261123, 2025, 30
ASSUMPTIONS = SOURCE / "examples" / "simulation" / "uk-assumptions.yaml"
REFORM = "contribution_share:\n  income_tax: {values: {2025-04-06: 0.25}}\n"
# Exact sums of products of 6- and 2-decimal numbers: anything inexact raises.
EXACT = decimal.Context(prec=60, traps=[decimal.Inexact, decimal.Rounded, decimal.InvalidOperation])


@pytest.fixture(scope="module")
def population():
    return cw.synthetic_population(n=N, seed=SEED)


@pytest.fixture(scope="module")
def baseline(population):
    return cw.simulate(SCHEME, population=population, start=START, years=YEARS, threads=1)


@pytest.fixture(scope="module")
def reform_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("reform") / "reform.yaml"
    path.write_text(REFORM)
    return path


@pytest.fixture(scope="module")
def reformed(population, reform_path):
    return cw.simulate(SCHEME, population=population, start=START, years=YEARS, reform=reform_path, threads=2)


def cli_csv(tmp_path, *reform):
    out = tmp_path / "citizens.csv"
    result = cli("simulate", "--scheme", SCHEME, "--population", N, "--seed", SEED, "--start", START, "--years", YEARS,
                 "--threads", 2, *reform, "--out", out)
    return out.read_text(), result.stdout


def frame_as_csv_text(frame: pd.DataFrame) -> pd.DataFrame:
    """by_citizen as the CLI writes it: dates as YYYY-MM-DD ('' for none), Decimals as their text."""
    text = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        series = frame[column]
        if series.dtype.kind == "M":
            text[column] = series.dt.strftime("%Y-%m-%d").fillna("")
        elif series.dtype.kind == "b":
            text[column] = series.map({True: "true", False: "false"})
        else:
            text[column] = series.map(str)
    return text.reset_index(drop=True)


def without_source_names(summary: str) -> str:
    return summary.replace(str(SCHEME), "SCHEME").replace(cw.REFERENCE_SCHEME, "SCHEME")


def test_by_citizen_equals_the_command_lines_csv(baseline, tmp_path):
    expected_text, stdout = cli_csv(tmp_path)
    stdout = without_source_names(stdout)
    expected = pd.read_csv(io.StringIO(expected_text), dtype=str, keep_default_na=False)
    frame = baseline.by_citizen
    assert list(frame.columns) == list(expected.columns)
    assert list(frame.index) == list(range(N))
    pd.testing.assert_frame_equal(frame_as_csv_text(frame), expected)
    assert baseline.to_csv() == expected_text
    # The same summary; the sources differ only in their names (the CLI has the assumptions built in).
    assert stdout.startswith(without_source_names(baseline.summary_text()).replace(
        str(cw.UK_ASSUMPTIONS), "uk-assumptions.yaml (built in)"))
    # Money is Decimal with two decimals, weights Decimal with at most six; never a float.
    for column in ("weight", *cw.SimulationResult.measures):
        assert all(isinstance(value, decimal.Decimal) for value in frame[column]), column
    assert {value.as_tuple().exponent for value in frame["net_position"]} == {-2}
    assert frame["earnings"].map(lambda v: v > 0).sum() > N // 2


def test_a_reform_equals_the_command_lines_reform_run(reformed, reform_path, tmp_path):
    expected_text, stdout = cli_csv(tmp_path, "--reform", reform_path)
    assert reformed.to_csv() == expected_text
    pd.testing.assert_frame_equal(frame_as_csv_text(reformed.by_citizen),
                                  pd.read_csv(io.StringIO(expected_text), dtype=str, keep_default_na=False))


def test_the_same_results_for_one_and_two_threads(population, baseline):
    two = cw.simulate(SCHEME, population=population, start=START, years=YEARS, threads=2)
    pd.testing.assert_frame_equal(two.by_citizen, baseline.by_citizen)
    for by in (None, *cw._simulation.GROUPINGS):
        pd.testing.assert_frame_equal(two.summary(by=by), baseline.summary(by=by))
    pd.testing.assert_frame_equal(two.flows(), baseline.flows())
    assert (two.events, two.entries) == (baseline.events, baseline.entries)


def decile_label(decile: int) -> str:
    return "none" if decile == 0 else f"D{decile:02}"


GROUP_COLUMNS = {"birth_cohort": "cohort", "region": "region", "decile": "earnings_decile"}


@pytest.mark.parametrize("by", [None, "birth_cohort", "decile", "region"])
def test_summaries_equal_the_weighted_sums_of_their_rows(baseline, by):
    rows = baseline.by_citizen
    if by is None:
        labels = pd.Series("total", index=rows.index)
    elif by == "decile":
        labels = rows["earnings_decile"].map(decile_label)
    else:
        labels = rows[GROUP_COLUMNS[by]]
    total, mean, simulated = (baseline.summary(by=by, statistic=s) for s in ("total", "mean", "simulated"))
    assert list(total.index) == sorted(set(labels))
    assert total["citizens"].sum() == N
    for label, group in rows.groupby(labels):
        weight = EXACT.create_decimal(0)
        for w in group["weight"]:
            weight = EXACT.add(weight, w)
        assert total.loc[label, "citizens"] == len(group)
        assert total.loc[label, "weight"] == weight
        for measure in cw.SimulationResult.measures:
            weighted = unweighted = EXACT.create_decimal(0)
            for w, value in zip(group["weight"], group[measure]):
                weighted = EXACT.add(weighted, EXACT.multiply(w, value))
                unweighted = EXACT.add(unweighted, value)
            assert total.loc[label, measure] == weighted, (label, measure)
            assert simulated.loc[label, measure] == unweighted, (label, measure)
            assert mean.loc[label, measure] == (weighted / weight).quantize(
                decimal.Decimal("0.01"), rounding=decimal.ROUND_HALF_EVEN, context=decimal.Context(prec=60))


def test_compare_gives_winners_and_losers_from_the_citizens_differences(baseline, reformed):
    comparison = baseline.compare(reformed)
    rows = comparison.by_citizen
    base, reform = baseline.by_citizen, reformed.by_citizen
    # The reform changes what is credited, not the lives: the same earnings and taxes.
    assert list(base["earnings"]) == list(reform["earnings"])
    assert list(base["income_tax"]) == list(reform["income_tax"])
    assert all(r >= b for b, r in zip(base["contributions"], reform["contributions"]))
    gains = [r - b for b, r in zip(base["net_position"], reform["net_position"])]
    assert list(rows["gain"]) == gains
    assert (rows["outcome"] == "winner").sum() > 0
    for by in (None, "birth_cohort", "decile", "region"):
        summary = comparison.summary(by=by)
        if by is None:
            labels = pd.Series("total", index=rows.index)
        elif by == "decile":
            labels = base["earnings_decile"].map(decile_label)
        else:
            labels = base[GROUP_COLUMNS[by]]
        assert list(summary.index) == sorted(set(labels))
        for label, group in rows.groupby(labels):
            winners, losers = group[group["gain"] > 0], group[group["gain"] < 0]
            assert summary.loc[label, "citizens"] == len(group)
            assert summary.loc[label, "winners"] == len(winners)
            assert summary.loc[label, "losers"] == len(losers)
            assert summary.loc[label, "winners_weight"] == sum(winners["weight"], decimal.Decimal(0))
            assert summary.loc[label, "losers_weight"] == sum(losers["weight"], decimal.Decimal(0))
            gain = EXACT.create_decimal(0)
            for w, g in zip(group["weight"], group["gain"]):
                gain = EXACT.add(gain, EXACT.multiply(w, g))
            assert summary.loc[label, "gain"] == gain
    # The cost by year is the difference of the runs' flows.
    cost = comparison.cost_by_year()
    difference = reformed.flows() - baseline.flows()
    pd.testing.assert_frame_equal(cost, difference)
    assert sum(cost["contributions"]) > 0


def test_parts_merge_to_the_whole_run_and_pickle_exactly(population, baseline):
    request = cw._simulation.run_request(SCHEME, population, START, YEARS, None, 1)
    parts = [pickle.loads(pickle.dumps(request.run(r.start, len(r)))) for r in population.partitions(3)]
    assert [(p.first_citizen, p.citizen_count, p.partial) for p in parts] == [(0, 50, True), (50, 50, True),
                                                                            (100, 50, True)]
    merged = _core.merge_parts(list(reversed(parts)))
    assert merged.to_csv() == baseline.to_csv()
    assert merged.summary_text() == baseline.summary_text()
    with pytest.raises(cw.InputError, match="citizen 50 is in no part"):
        _core.merge_parts([parts[0], parts[2]])
    with pytest.raises(cw.InputError, match="merge the parts first"):
        parts[0].summary_text()


def test_arguments_are_checked(population):
    with pytest.raises(TypeError, match="synthetic_population"):
        cw.simulate(SCHEME, population=100, years=5)
    with pytest.raises(TypeError, match="whole number"):
        cw.synthetic_population(n=10.0, seed=1)
    with pytest.raises(ValueError, match="n must be from 1"):
        cw.synthetic_population(n=0, seed=1)
    with pytest.raises(ValueError, match="by must be"):
        cw.simulate(SCHEME, population=cw.synthetic_population(n=3, seed=1), years=2).summary(by="age")
    assert population.partitions(4) == [range(0, 37), range(37, 75), range(75, 112), range(112, 150)]


def test_dask_local_cluster_gives_exactly_the_single_process_run(population, baseline, reformed, reform_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        spread = cw.distributed.simulate(client, SCHEME, population=population, start=START, years=YEARS, threads=1)
        finer = cw.distributed.simulate(client, SCHEME, population=population, start=START, years=YEARS,
                                        reform=reform_path, threads=1, partitions=7)
    pd.testing.assert_frame_equal(spread.by_citizen, baseline.by_citizen)
    for by in (None, "birth_cohort", "decile", "region"):
        for statistic in ("total", "mean", "simulated"):
            pd.testing.assert_frame_equal(spread.summary(by=by, statistic=statistic),
                                          baseline.summary(by=by, statistic=statistic))
    pd.testing.assert_frame_equal(spread.flows(), baseline.flows())
    assert spread.to_csv() == baseline.to_csv()
    assert spread.summary_text() == baseline.summary_text()
    assert (spread.events, spread.entries) == (baseline.events, baseline.entries)
    assert finer.to_csv() == reformed.to_csv()
    pd.testing.assert_frame_equal(spread.compare(finer).summary(by="decile"),
                                  baseline.compare(reformed).summary(by="decile"))
