// commonweal._core's population simulation (docs/python.md, docs/simulation.md):
// runs, whole or a part of the population, with the GIL released; their
// per-citizen columns, groups, flows and comparisons as plain values for the
// pure-Python commonweal.SimulationResult; and pickling, so that a part run
// on a Dask worker comes back to be merged exactly (merge_parts).
//
// Guarantees
// - Money leaves as decimal.Decimal (from Decimal::to_string()) or as whole
//   hundredths in numpy int64 arrays, which Python scales exactly; no float.
// - A pickled result is rebuilt exactly: every figure travels as an integer
//   of hundredths or as decimal text, and the aggregates are rebuilt by finish().
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/simulation/simulation.hpp"
#include "convert.hpp"
#include "simulation.hpp"

namespace py = pybind11;

namespace commonweal::python {
namespace {

using namespace commonweal::simulation;
using ParameterText = std::pair<std::string, std::string>;  // (name, YAML text)

SimulationResult run(const ParameterText& scheme, const ParameterText& assumptions,
                     const std::optional<ParameterText>& reform, std::size_t population, std::uint64_t seed,
                     int start_year, int years, unsigned threads, std::size_t first_citizen,
                     std::optional<std::size_t> citizen_count) {
  py::gil_scoped_release release;
  SimulationConfig config;
  config.scheme = parse_parameter_text(scheme.second, scheme.first, "scheme");
  config.assumptions = parse_parameter_text(assumptions.second, assumptions.first, "assumptions");
  if (reform) config.reform = parse_parameter_text(reform->second, reform->first, "reform");
  config.population = population;
  config.seed = seed;
  config.start_year = start_year;
  config.years = years;
  config.threads = threads;
  config.first_citizen = first_citizen;
  config.citizen_count = citizen_count;
  return simulate(config);
}

py::object optional_date_text(const std::optional<Date>& day) {
  return day ? py::object(py::str(format_date(*day))) : py::object(py::none());
}

py::dict citizen_columns(const SimulationResult& result) {
  const std::size_t n = result.citizens.size();
  py::array_t<std::int64_t> index(static_cast<py::ssize_t>(n)), decile(static_cast<py::ssize_t>(n));
  py::array_t<bool> settled(static_cast<py::ssize_t>(n));
  py::array_t<std::int64_t> hundredths({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(measure_count)});
  py::list id, birth, death, sex, region, cohort, weight, spa;
  auto idx = index.mutable_unchecked<1>();
  auto dec = decile.mutable_unchecked<1>();
  auto set = settled.mutable_unchecked<1>();
  auto h = hundredths.mutable_unchecked<2>();
  for (std::size_t k = 0; k < n; ++k) {
    const CitizenResult& c = result.citizens[k];
    const auto row = static_cast<py::ssize_t>(k);
    idx(row) = static_cast<std::int64_t>(c.index);
    dec(row) = c.earnings_decile;
    set(row) = c.settled;
    for (std::size_t m = 0; m < measure_count; ++m) h(row, static_cast<py::ssize_t>(m)) = c.hundredths[m];
    id.append(c.id);
    birth.append(format_date(c.birth_date));
    death.append(optional_date_text(c.death_date));
    sex.append(c.female ? "F" : "M");
    region.append(result.region_names.at(c.region));
    cohort.append(result.cohort_labels.at(c.cohort));
    weight.append(c.weight.value().to_string());
    spa.append(optional_date_text(c.state_pension_age_date));
  }
  py::dict columns;
  columns["index"] = index;
  columns["citizen"] = id;
  columns["birth_date"] = birth;
  columns["death_date"] = death;
  columns["sex"] = sex;
  columns["region"] = region;
  columns["cohort"] = cohort;
  columns["weight"] = weight;
  columns["state_pension_age_date"] = spa;
  columns["settled"] = settled;
  columns["earnings_decile"] = decile;
  columns["hundredths"] = hundredths;
  return columns;
}

const std::map<std::string, GroupTotals>& grouping(const Aggregates& a, const std::string& by) {
  if (by == "birth_cohort") return a.by_cohort;
  if (by == "decile") return a.by_decile;
  if (by == "region") return a.by_region;
  throw Error(ErrorCode::invalid_argument, "summary: by must be None, \"birth_cohort\", \"decile\" or \"region\", not \"" + by + "\"");
}

py::tuple group_row(const std::string& label, const GroupTotals& g) {
  py::dict weighted, simulated, mean;
  for (std::size_t m = 0; m < measure_count; ++m) {
    const auto measure = static_cast<Measure>(m);
    const py::str name(std::string(measure_names[m]));
    weighted[name] = to_python(g.weighted(measure).total());
    simulated[name] = to_python(g.simulated(measure));
    mean[name] = to_python(g.weighted_mean(measure));
  }
  return py::make_tuple(label, g.citizens(), to_python(g.weight()), weighted, simulated, mean);
}

// (label, citizens, weight, weighted sums, unweighted sums, weighted means) for each group; by None: the total.
py::list groups(const SimulationResult& result, const std::optional<std::string>& by) {
  py::list rows;
  if (!by) {
    rows.append(group_row("total", result.aggregates.total));
    return rows;
  }
  if (result.partial()) throw Error(ErrorCode::invalid_argument, "summary: this is a part of a run; merge the parts first");
  for (const auto& [label, group] : grouping(result.aggregates, *by)) rows.append(group_row(label, group));
  return rows;
}

// (tax_year, {flow: weighted}, {flow: simulated}) for each tax year.
py::list flow_rows(const std::vector<YearFlows>& flows) {
  py::list rows;
  for (const YearFlows& year : flows) {
    py::dict weighted, simulated;
    for (std::size_t f = 0; f < flow_count; ++f) {
      const py::str name(std::string(flow_names[f]));
      weighted[name] = to_python(year.weighted[f].total());
      simulated[name] = to_python(year.simulated[f]);
    }
    rows.append(py::make_tuple(year.tax_year, weighted, simulated));
  }
  return rows;
}

py::list change_rows(const Comparison& comparison, const std::optional<std::string>& by) {
  const auto row = [](const std::string& label, const GroupChange& g) {
    return py::make_tuple(label, g.citizens, g.winners, g.losers, to_python(g.weight), to_python(g.winners_weight),
                          to_python(g.losers_weight), to_python(g.gain.total()));
  };
  py::list rows;
  if (!by) {
    rows.append(row("total", comparison.total));
    return rows;
  }
  const std::map<std::string, GroupChange>* groups = nullptr;
  if (*by == "birth_cohort") groups = &comparison.by_cohort;
  else if (*by == "decile") groups = &comparison.by_decile;
  else if (*by == "region") groups = &comparison.by_region;
  else throw Error(ErrorCode::invalid_argument, "compare: by must be None, \"birth_cohort\", \"decile\" or \"region\", not \"" + *by + "\"");
  for (const auto& [label, group] : *groups) rows.append(row(label, group));
  return rows;
}

std::optional<Date> optional_date(const py::object& text) {
  return text.is_none() ? std::nullopt : std::optional(parse_date(text.cast<std::string>()));
}

py::tuple get_state(const SimulationResult& r) {
  py::list sources, citizens, flows;
  for (const ParameterSource& s : r.sources) sources.append(py::make_tuple(s.name, s.sha256, s.role));
  for (const CitizenResult& c : r.citizens) {
    citizens.append(py::make_tuple(c.index, c.id, format_date(c.birth_date), optional_date_text(c.death_date), c.female,
                                   c.region, c.cohort, c.weight.value().to_string(),
                                   optional_date_text(c.state_pension_age_date), c.settled, c.earnings_decile,
                                   py::cast(std::vector<std::int64_t>(c.hundredths.begin(), c.hundredths.end()))));
  }
  for (const YearFlows& year : r.flows) {
    std::vector<std::string> weighted, simulated;
    for (std::size_t f = 0; f < flow_count; ++f) {
      weighted.push_back(year.weighted[f].total().to_string());
      simulated.push_back(year.simulated[f].to_string());
    }
    flows.append(py::make_tuple(year.tax_year, weighted, simulated));
  }
  return py::make_tuple(1, py::make_tuple(r.spec.size, r.spec.seed, r.spec.start_year, r.spec.years), sources,
                        r.cohort_labels, r.region_names, citizens, flows, r.events, r.entries, r.first_citizen, r.part);
}

// A WeightedSum holding exactly total: weight one times the total.
WeightedSum weighted_sum_of(const Decimal& total) {
  WeightedSum sum;
  sum.add(Weight::one(), total);
  return sum;
}

SimulationResult set_state(const py::tuple& state) {
  if (state.size() != 11 || state[0].cast<int>() != 1) throw std::runtime_error("SimulationResult: unknown pickle state");
  SimulationResult r;
  const auto spec = state[1].cast<py::tuple>();
  r.spec = PopulationSpec{spec[0].cast<std::size_t>(), spec[1].cast<std::uint64_t>(), spec[2].cast<int>(), spec[3].cast<int>()};
  for (const auto s : state[2].cast<py::list>()) {
    const auto t = s.cast<py::tuple>();
    r.sources.push_back(ParameterSource{t[0].cast<std::string>(), t[1].cast<std::string>(), t[2].cast<std::string>()});
  }
  r.cohort_labels = state[3].cast<std::vector<std::string>>();
  r.region_names = state[4].cast<std::vector<std::string>>();
  for (const auto item : state[5].cast<py::list>()) {
    const auto t = item.cast<py::tuple>();
    CitizenResult c;
    c.index = t[0].cast<std::size_t>();
    c.id = t[1].cast<std::string>();
    c.birth_date = parse_date(t[2].cast<std::string>());
    c.death_date = optional_date(t[3]);
    c.female = t[4].cast<bool>();
    c.region = t[5].cast<std::size_t>();
    c.cohort = t[6].cast<std::size_t>();
    c.weight = Weight::of(Decimal::parse(t[7].cast<std::string>()));
    c.state_pension_age_date = optional_date(t[8]);
    c.settled = t[9].cast<bool>();
    c.earnings_decile = t[10].cast<int>();
    const auto values = t[11].cast<std::vector<std::int64_t>>();
    if (values.size() != measure_count) throw std::runtime_error("SimulationResult: a citizen has the wrong number of measures");
    std::copy(values.begin(), values.end(), c.hundredths.begin());
    r.citizens.push_back(std::move(c));
  }
  for (const auto item : state[6].cast<py::list>()) {
    const auto t = item.cast<py::tuple>();
    YearFlows year;
    year.tax_year = t[0].cast<std::string>();
    const auto weighted = t[1].cast<std::vector<std::string>>(), simulated = t[2].cast<std::vector<std::string>>();
    if (weighted.size() != flow_count || simulated.size() != flow_count) throw std::runtime_error("SimulationResult: wrong flows");
    for (std::size_t f = 0; f < flow_count; ++f) {
      year.weighted[f] = weighted_sum_of(Decimal::parse(weighted[f]));
      year.simulated[f] = Decimal::parse(simulated[f]);
    }
    r.flows.push_back(std::move(year));
  }
  r.events = state[7].cast<std::size_t>();
  r.entries = state[8].cast<std::size_t>();
  r.first_citizen = state[9].cast<std::size_t>();
  r.part = state[10].cast<bool>();
  finish(r);
  return r;
}

std::string citizens_csv(const SimulationResult& result) {
  std::ostringstream out;
  write_citizens_csv(result, out);
  return out.str();
}

}  // namespace

void bind_simulation(py::module_& module) {
  py::class_<SimulationResult>(module, "SimulationResult", "A population run; commonweal.SimulationResult wraps it.")
      .def_property_readonly("size", [](const SimulationResult& r) { return r.spec.size; })
      .def_property_readonly("seed", [](const SimulationResult& r) { return r.spec.seed; })
      .def_property_readonly("start", [](const SimulationResult& r) { return r.spec.start_year; })
      .def_property_readonly("years", [](const SimulationResult& r) { return r.spec.years; })
      .def_property_readonly("first_citizen", [](const SimulationResult& r) { return r.first_citizen; })
      .def_property_readonly("citizen_count", [](const SimulationResult& r) { return r.citizens.size(); })
      .def_property_readonly("partial", &SimulationResult::partial)
      .def_property_readonly("events", [](const SimulationResult& r) { return r.events; })
      .def_property_readonly("entries", [](const SimulationResult& r) { return r.entries; })
      .def_property_readonly("sources", [](const SimulationResult& r) {
        py::list sources;
        for (const ParameterSource& s : r.sources) sources.append(py::make_tuple(s.role, s.name, s.sha256));
        return sources;
      })
      .def_property_readonly_static("measure_names", [](const py::object&) {
        return std::vector<std::string>(measure_names.begin(), measure_names.end());
      })
      .def_property_readonly_static("flow_names", [](const py::object&) {
        return std::vector<std::string>(flow_names.begin(), flow_names.end());
      })
      .def("citizen_columns", &citizen_columns)
      .def("groups", &groups, py::arg("by") = py::none())
      .def("flows", [](const SimulationResult& r) { return flow_rows(r.flows); })
      .def("to_csv", &citizens_csv, "The CSV `commonweal simulate --out` writes.")
      .def("summary_text", [](const SimulationResult& r) {
        if (r.partial()) throw Error(ErrorCode::invalid_argument, "summary: this is a part of a run; merge the parts first");
        return summary_text(r);
      })
      .def(py::pickle(&get_state, &set_state));

  py::class_<Comparison>(module, "Comparison", "Baseline against reform; commonweal.Comparison wraps it.")
      .def("groups", &change_rows, py::arg("by") = py::none())
      .def("cost_by_year", [](const Comparison& c) { return flow_rows(c.cost_by_year); })
      .def("to_text", [](const Comparison& c) { return comparison_text(c); });

  module.def("simulate", &run, py::arg("scheme"), py::arg("assumptions"), py::arg("reform"), py::arg("population"),
             py::arg("seed"), py::arg("start"), py::arg("years"), py::arg("threads") = 0, py::arg("first_citizen") = 0,
             py::arg("citizen_count") = py::none(),
             "Each parameter file as (name, YAML text); runs with the GIL released.");
  module.def("merge_parts", [](std::vector<SimulationResult> parts) {
    py::gil_scoped_release release;
    return merge_parts(std::move(parts));
  }, py::arg("parts"));
  module.def("compare", [](const SimulationResult& baseline, const SimulationResult& reform) {
    if (baseline.partial() || reform.partial()) throw Error(ErrorCode::invalid_argument, "compare: merge the parts first");
    py::gil_scoped_release release;
    return compare(baseline, reform);
  }, py::arg("baseline"), py::arg("reform"));
}

}  // namespace commonweal::python
