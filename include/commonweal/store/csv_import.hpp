// Reading citizens.csv, events.csv, providers.csv and the named time banks' timebanks.csv and members.csv
// into one ImportBatch (reference scheme section 4; docs/timebanks.md). Compiled in src/store/.
//
// Guarantees
// - Columns are matched by header name; optional columns may be absent;
//   columns the format does not know are ignored; a missing or repeated
//   required column is an error.
// - Every bad row is reported, up to 100, as "FILE:LINE: column: reason",
//   in one Error(invalid_input); nothing is returned then.
// - Amounts are parsed exactly (Decimal) and must be zero or positive with
//   at most 2 decimals; dates must exist; ids and codes hold only letters,
//   digits, '_', '-' and '.'.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "commonweal/lifecycle/engine.hpp"

namespace commonweal {

struct CsvText {
  std::string name;  // shown in messages: the file name
  std::string text;
};

struct ImportFiles {
  std::optional<std::string> citizens;
  std::optional<std::string> events;
  std::optional<std::string> providers;
  std::optional<std::string> timebanks;  // named time banks: bank,from,hours_step,credit_limit
  std::optional<std::string> members;    // their members: bank,member,kind,from[,credit_limit]
};

ImportBatch parse_import(const std::optional<CsvText>& citizens, const std::optional<CsvText>& events,
                         const std::optional<CsvText>& providers, const std::optional<CsvText>& timebanks = std::nullopt,
                         const std::optional<CsvText>& members = std::nullopt);
ImportBatch read_import_files(const ImportFiles& files);

}  // namespace commonweal
