// Prints every statement of a ledger built from CSV files, one JSON object
// per line (the flattened fields), for comparison with an independent model
// (tests/python/rules_model.py).
//
// Usage: statement_driver --scheme F [--reform F] --citizens F --events F
//                         [--providers F] [--advance-to DATE] --from-year YYYY --to-year YYYY
// or, for one statement rendered (tests/python/test_statement_html.py):
//        statement_driver ... --citizen ID --tax-year LABEL --format json|text|html|explain
// Errors (a refused import, a bad file) print "ERROR: message" and exit 2.
#include <iostream>
#include <map>
#include <string>

#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/statement/render.hpp"
#include "commonweal/store/csv_import.hpp"

using namespace commonweal;

namespace {
std::string json_line(const std::map<std::string, std::string>& fields) {
  std::string out = "{";
  for (const auto& [key, value] : fields) {
    if (out.size() > 1) out += ", ";
    out += "\"" + key + "\": \"" + value + "\"";
  }
  return out + "}";
}
}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  try {
    ParameterSet parameters = load_parameter_file(options.at("--scheme"));
    if (options.count("--reform")) parameters = parameters.with_reform(load_parameter_file(options.at("--reform"), "reform"));
    Engine engine(Scheme::reference(std::move(parameters)));
    ImportFiles files;
    files.citizens = options.at("--citizens");
    files.events = options.at("--events");
    if (options.count("--providers")) files.providers = options.at("--providers");
    engine.import(read_import_files(files), parse_moment("2026-01-01T00:00:00Z"));
    if (options.count("--advance-to")) engine.advance(parse_date(options.at("--advance-to")), parse_moment("2026-01-02T00:00:00Z"));
    if (options.count("--format")) {
      const std::string& format = options.at("--format");
      const std::string& id = options.at("--citizen");
      const std::string& year = options.at("--tax-year");
      if (format == "json") std::cout << make_statement(engine, id, year).to_json();
      else if (format == "text") std::cout << render_text(make_statement(engine, id, year));
      else if (format == "html") std::cout << render_html(make_statement(engine, id, year));
      else if (format == "explain") std::cout << render_explanation_text(engine, id, year);
      else throw std::out_of_range("--format");
      return 0;
    }
    const int from_year = std::stoi(options.at("--from-year"));
    const int to_year = std::stoi(options.at("--to-year"));
    const TaxYearStart start = engine.scheme().parameters().tax_year_start;
    std::string out;
    for (const std::string& id : engine.citizen_ids()) {
      for (int year = from_year; year <= to_year; ++year) {
        out += json_line(make_statement(engine, id, TaxYear(year, start).label()).flatten()) + "\n";
      }
    }
    std::cout << out;
    return 0;
  } catch (const Error& error) {
    std::cout << "ERROR: " << error.what() << "\n";
    return 2;
  } catch (const std::out_of_range&) {
    std::cerr << "usage: statement_driver --scheme F --citizens F --events F (--from-year Y --to-year Y |"
                 " --citizen ID --tax-year LABEL --format json|text|html|explain)\n";
    return 1;
  }
}
