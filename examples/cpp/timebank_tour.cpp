// A named time bank through the engine: terms, members and events in, a
// member's statement out, and a refusal that changes nothing.
#include <fmt/format.h>

#include "commonweal/policy/parameter_file.hpp"
#include "commonweal/statement/timebank_statement.hpp"
#include "commonweal/store/csv_import.hpp"

using namespace commonweal;

int main() {
  Engine engine(Scheme::reference(load_parameter_file(COMMONWEAL_EXAMPLES_DIR "/schemes/cswa-reference.yaml")));
  const CsvText timebanks{"timebanks.csv", "bank,from,hours_step,credit_limit\nnorth,2024-01-01,0.50,5\n"};
  const CsvText members{"members.csv",
                        "bank,member,kind,from,credit_limit\n"
                        "north,M1,person,2024-01-01,\nnorth,M2,person,2024-01-01,1\n"};
  const CsvText events{"events.csv",
                       "id,date,citizen,kind,code,amount,counterparty\n"
                       "G1,2024-02-01,M2,bank_grant,north,2.00,\n"
                       "X1,2024-03-01,M1,bank_exchange,north,2.20,M2\n"};
  engine.import(parse_import(std::nullopt, events, std::nullopt, timebanks, members),
                parse_moment("2025-01-01T09:00:00Z"));
  const TimeBankStatement statement = make_timebank_statement(
      engine, "north", "M2", parse_date("2024-01-01"), parse_date("2024-12-31"));
  fmt::print("{}", statement.to_text());
  const CsvText more{"more.csv", "id,date,citizen,kind,code,amount,counterparty\nX2,2024-04-01,M1,bank_exchange,north,1.00,M2\n"};
  try {
    engine.import(parse_import(std::nullopt, more, std::nullopt), parse_moment("2025-01-02T09:00:00Z"));
  } catch (const Refusal& refusal) {
    fmt::print("{}\nM2 still holds {} hours\n", refusal.what(), engine.journal().balance("timebank:north:M2").to_string());
  }
}
