// The reference scheme's worked example rendered for a terminal. The same
// statement renders as one HTML page with render_html(), and
// render_explanation_text() gives the working behind every line.
#include <fmt/format.h>

#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/statement/render.hpp"
#include "commonweal/store/csv_import.hpp"

using namespace commonweal;

int main() {
  Engine engine(Scheme::reference(load_parameter_file(COMMONWEAL_EXAMPLES_DIR "/schemes/cswa-reference.yaml")));
  const CsvText citizens{"citizens.csv", "citizen,birth_date\nC1,1990-06-01\n"};
  const CsvText events{"events.csv",
                       "id,date,citizen,kind,code,amount\n"
                       "E1,2024-05-31,C1,tax,income_tax,1234.55\n"
                       "E2,2024-06-30,C1,benefit,child_benefit,102.40\n"
                       "E3,2024-07-01,C1,volunteer,food-bank,2.10\n"
                       "E4,2024-08-15,C1,service,social_care,333.35\n"};
  engine.import(parse_import(citizens, events, std::nullopt), parse_moment("2025-04-06T09:00:00Z"));
  engine.advance(parse_date("2025-04-05"), parse_moment("2025-04-06T09:00:01Z"));
  fmt::print("{}", render_text(make_statement(engine, "C1", "2024-25")));
}
