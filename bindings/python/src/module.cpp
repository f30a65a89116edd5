// commonweal._core: the pybind11 extension behind the `commonweal` package
// (docs/python.md). It takes and returns plain values (text, ints, numpy
// arrays, decimal.Decimal); the pure-Python package checks arguments, turns
// DataFrames into CSV text and builds the objects users see.
//
// Guarantees
// - Money and hours leave as decimal.Decimal built from Decimal::to_string(),
//   so the scale is kept ("0.10" stays 0.10); nothing passes through a float.
// - Every call into the store releases the GIL and holds the ledger's own
//   mutex, so other Python threads run meanwhile and one ledger is never
//   used by two threads at once.
// - commonweal::Error arrives as the matching Python exception (errors.hpp)
//   with the message the CLI prints, without its "commonweal: " prefix.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <mutex>

#include "commonweal/statement/budget_statement.hpp"
#include "commonweal/statement/timebank_statement.hpp"
#include "commonweal/statement/render.hpp"
#include "commonweal/statement/statement.hpp"
#include "commonweal/store/csv_import.hpp"
#include "commonweal/store/ledger_store.hpp"
#include "commonweal/version.hpp"
#include "convert.hpp"
#include "errors.hpp"
#include "simulation.hpp"

namespace py = pybind11;

namespace commonweal::python {
namespace {

std::optional<Date> optional_date(const std::optional<std::string>& text) {
  return text ? std::optional(parse_date(*text)) : std::nullopt;
}
std::optional<Moment> optional_moment(const std::optional<std::string>& text) {
  return text ? std::optional(parse_as_known_at(*text)) : std::nullopt;
}

py::dict change_dict(const StoredChange& change) {
  py::dict result;
  result["citizens_added"] = change.summary.citizens_added;
  result["events_added"] = change.summary.events_added;
  result["entries_posted"] = change.summary.entries_posted;
  result["adjustments"] = change.summary.adjustments;
  result["recorded_at"] = format_moment(change.recorded_at);
  result["chain_head"] = change.chain_head;
  result["stored"] = change.stored;
  return result;
}

template <class T>
py::array_t<T> to_array(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule free_when_done(owned, [](void* pointer) { delete static_cast<std::vector<T>*>(pointer); });
  return py::array_t<T>(static_cast<py::ssize_t>(owned->size()), owned->data(), free_when_done);
}

py::dict table_dict(JournalTable&& table) {
  py::dict result;
  result["operation_recorded_micros"] = to_array(std::move(table.operation_recorded_micros));
  result["account_name"] = py::cast(table.account_name);
  result["account_unit"] = py::cast(table.account_unit);
  result["account_scale"] = to_array(std::move(table.account_scale));
  result["entry_position"] = to_array(std::move(table.entry_position));
  result["entry_id"] = py::cast(table.entry_id);
  result["entry_code"] = py::cast(table.entry_code);
  result["entry_memo"] = py::cast(table.entry_memo);
  result["entry_reverses"] = py::cast(table.entry_reverses);
  result["entry_effective_day"] = to_array(std::move(table.entry_effective_day));
  result["entry_operation"] = to_array(std::move(table.entry_operation));
  result["row_entry"] = to_array(std::move(table.row_entry));
  result["row_account"] = to_array(std::move(table.row_account));
  result["row_line"] = to_array(std::move(table.row_line));
  result["row_amount_minor"] = to_array(std::move(table.row_amount_minor));
  return result;
}

// One ledger file and the lock that keeps it to one thread at a time.
class Ledger {
 public:
  explicit Ledger(LedgerStore store) : store_(std::move(store)) {}

  // Runs work on the store without the GIL, holding the ledger's lock.
  template <class Work>
  auto with_store(Work&& work) {
    py::gil_scoped_release release;
    const std::lock_guard lock(mutex_);
    if (!store_) throw Error(ErrorCode::invalid_argument, "the ledger is closed");
    return work(*store_);
  }
  void close() {
    py::gil_scoped_release release;
    const std::lock_guard lock(mutex_);
    store_.reset();
  }
  bool closed() {
    const std::lock_guard lock(mutex_);
    return !store_;
  }

 private:
  std::optional<LedgerStore> store_;
  std::mutex mutex_;
};

std::unique_ptr<Ledger> create_ledger(const std::string& path, const std::string& scheme,
                                      const std::optional<std::string>& reform) {
  py::gil_scoped_release release;
  std::optional<SchemeText> reform_text;
  if (reform) reform_text = SchemeText::from_file(*reform);
  return std::make_unique<Ledger>(LedgerStore::create(path, SchemeText::from_file(scheme), std::move(reform_text)));
}

std::unique_ptr<Ledger> open_ledger(const std::string& path) {
  py::gil_scoped_release release;
  return std::make_unique<Ledger>(LedgerStore::open(path));
}

using OptionalCsv = std::optional<std::pair<std::string, std::string>>;  // (name, text)

std::optional<CsvText> csv_text(OptionalCsv&& csv) {
  if (!csv) return std::nullopt;
  return CsvText{std::move(csv->first), std::move(csv->second)};
}

py::dict import_text(Ledger& ledger, OptionalCsv citizens, OptionalCsv events, OptionalCsv providers,
                     OptionalCsv timebanks, OptionalCsv members) {
  const StoredChange change = ledger.with_store([&](LedgerStore& store) {
    const ImportBatch batch = parse_import(csv_text(std::move(citizens)), csv_text(std::move(events)),
                                           csv_text(std::move(providers)), csv_text(std::move(timebanks)),
                                           csv_text(std::move(members)));
    return store.import(batch);
  });
  return change_dict(change);
}

py::dict import_files(Ledger& ledger, std::optional<std::string> citizens, std::optional<std::string> events,
                      std::optional<std::string> providers, std::optional<std::string> timebanks,
                      std::optional<std::string> members) {
  const StoredChange change = ledger.with_store([&](LedgerStore& store) {
    return store.import(read_import_files(ImportFiles{citizens, events, providers, timebanks, members}));
  });
  return change_dict(change);
}

py::object parameter(Ledger& ledger, const std::string& name, const std::string& on) {
  const auto value = ledger.with_store([&](LedgerStore& store) {
    const Date day = parse_date(on);
    const ParameterSet& parameters = store.engine().scheme().parameters();
    if (parameters.find(name) == nullptr) throw Error(ErrorCode::not_found, "the scheme has no parameter " + name);
    return parameters.at(name, day);
  });
  if (!value) return py::none();
  if (value->kind == ParameterValue::Kind::boolean) return py::bool_(value->boolean);
  return to_python(value->number);
}

py::dict verify(Ledger& ledger, const std::optional<std::string>& anchor) {
  const VerifyReport report = ledger.with_store([&](LedgerStore& store) { return store.verify(anchor); });
  py::list problems = py::cast(report.problems);
  if (!report.ok()) {
    std::string message;
    for (const std::string& problem : report.problems) message += (message.empty() ? "" : "\n") + problem;
    raise_verification_error(message, problems);
  }
  py::dict result;
  result["entries_checked"] = report.entries_checked;
  result["operations_checked"] = report.operations_checked;
  result["anchors_checked"] = report.anchors_checked;
  result["chain_head"] = report.chain_head;
  return result;
}

py::dict scheme_info(Ledger& ledger) {
  const SchemeInfo info = ledger.with_store([](LedgerStore& store) { return store.scheme_info(); });
  py::dict result;
  result["scheme_name"] = info.scheme_name;
  result["scheme_sha256"] = info.scheme_sha256;
  result["reform_name"] = info.reform_name;
  result["reform_sha256"] = info.reform_sha256;
  result["installed_at"] = format_moment(info.installed_at);
  return result;
}

void bind_ledger(py::module_& module) {
  py::class_<Ledger>(module, "Ledger", "One ledger file (or \":memory:\"); use commonweal.Ledger, which wraps it.")
      .def_static("create", &create_ledger, py::arg("path"), py::arg("scheme"), py::arg("reform") = py::none())
      .def_static("open", &open_ledger, py::arg("path"))
      .def("import_text", &import_text, py::arg("citizens"), py::arg("events"), py::arg("providers"),
           py::arg("timebanks") = py::none(), py::arg("members") = py::none(),
           "Each argument None or (name, CSV text); one transaction for all.")
      .def("import_files", &import_files, py::arg("citizens"), py::arg("events"), py::arg("providers"),
           py::arg("timebanks") = py::none(), py::arg("members") = py::none())
      .def("advance",
           [](Ledger& ledger, const std::string& to) {
             return change_dict(ledger.with_store([&](LedgerStore& store) { return store.advance(parse_date(to)); }));
           },
           py::arg("to"))
      .def("balance",
           [](Ledger& ledger, const std::string& account, const std::optional<std::string>& as_of,
              const std::optional<std::string>& as_known_at) {
             return to_python(ledger.with_store([&](LedgerStore& store) {
               return store.balance(account, optional_date(as_of), optional_moment(as_known_at));
             }));
           },
           py::arg("account"), py::arg("as_of") = py::none(), py::arg("as_known_at") = py::none())
      .def("statement",
           [](Ledger& ledger, const std::string& citizen, const std::string& tax_year,
              const std::optional<std::string>& as_known_at) {
             return ledger.with_store([&](LedgerStore& store) {
               return make_statement(store.engine(), citizen, tax_year, optional_moment(as_known_at));
             });
           },
           py::arg("citizen"), py::arg("tax_year"), py::arg("as_known_at") = py::none())
      .def("explain",
           [](Ledger& ledger, const std::string& citizen, const std::string& tax_year) {
             return ledger.with_store(
                 [&](LedgerStore& store) { return render_explanation_text(store.engine(), citizen, tax_year); });
           },
           py::arg("citizen"), py::arg("tax_year"))
      .def("budget_statement_json",
           [](Ledger& ledger, const std::string& citizen, const std::string& month,
              const std::optional<std::string>& as_known_at) {
             return ledger.with_store([&](LedgerStore& store) {
               return make_budget_statement(store.engine(), citizen, month, optional_moment(as_known_at)).to_json();
             });
           },
           py::arg("citizen"), py::arg("month"), py::arg("as_known_at") = py::none())
      .def("timebank_statement_json",
           [](Ledger& ledger, const std::string& bank, const std::string& member, const std::string& start,
              const std::string& end, const std::optional<std::string>& as_known_at) {
             return ledger.with_store([&](LedgerStore& store) {
               return make_timebank_statement(store.engine(), bank, member, parse_date(start), parse_date(end),
                                              optional_moment(as_known_at))
                   .to_json();
             });
           },
           py::arg("bank"), py::arg("member"), py::arg("start"), py::arg("end"), py::arg("as_known_at") = py::none())
      .def("refusals",
           [](Ledger& ledger) {
             return ledger.with_store([](LedgerStore& store) {
               std::vector<std::map<std::string, std::string>> rows;
               for (const RefusedSpend& r : store.refusals()) {
                 rows.push_back({{"event_id", r.event_id}, {"citizen", r.citizen}, {"provider", r.provider},
                                 {"date", format_date(r.date)}, {"amount", r.amount.to_string()}, {"reason", r.reason},
                                 {"source", r.source}, {"recorded_at", format_moment(r.recorded_at)}});
               }
               return rows;
             });
           })
      .def("journal_table",
           [](Ledger& ledger, const std::optional<std::string>& citizen, const std::optional<std::string>& account) {
             return table_dict(ledger.with_store(
                 [&](LedgerStore& store) { return store.journal_table(JournalFilter{citizen, account}); }));
           },
           py::arg("citizen") = py::none(), py::arg("account") = py::none())
      .def("citizen_ids",
           [](Ledger& ledger) { return ledger.with_store([](LedgerStore& store) { return store.engine().citizen_ids(); }); })
      .def("clock",
           [](Ledger& ledger) {
             const auto clock = ledger.with_store([](LedgerStore& store) { return store.engine().clock(); });
             return clock ? py::object(py::str(format_date(*clock))) : py::object(py::none());
           })
      .def("parameter", &parameter, py::arg("name"), py::arg("on"))
      .def("verify", &verify, py::arg("anchor") = py::none())
      .def("scheme_info", &scheme_info)
      .def("chain_head", [](Ledger& ledger) { return ledger.with_store([](LedgerStore& store) { return store.chain_head(); }); })
      .def("path", [](Ledger& ledger) { return ledger.with_store([](LedgerStore& store) { return store.path(); }); })
      .def("close", &Ledger::close)
      .def_property_readonly("closed", &Ledger::closed);
}

void bind_statement(py::module_& module) {
  py::class_<Statement>(module, "Statement", "The C++ statement; commonweal.Statement wraps it.")
      .def("to_json", &Statement::to_json, "The contract's JSON, as `commonweal statement --format json` prints it.")
      .def("to_html", [](const Statement& statement) {
        py::gil_scoped_release release;
        return render_html(statement);
      })
      .def("to_text", [](const Statement& statement) {
        py::gil_scoped_release release;
        return render_text(statement);
      })
      .def("flatten", &Statement::flatten);
}

}  // namespace
}  // namespace commonweal::python

PYBIND11_MODULE(_core, module) {
  module.doc() = "commonweal's C++ core; import commonweal instead.";
  module.attr("__version__") = std::string(commonweal::version());
  commonweal::python::register_errors(module);
  commonweal::python::bind_ledger(module);
  commonweal::python::bind_statement(module);
  commonweal::python::bind_simulation(module);
}
