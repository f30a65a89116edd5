// libFuzzer target for the CSV importer (store/csv_import.hpp): any bytes,
// split into citizens.csv, events.csv, providers.csv, timebanks.csv and
// members.csv, must either parse
// into rows that satisfy the importer's guarantees or be refused with one
// Error(invalid_input) whose every line names a file, a line and a column.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "commonweal/core/id.hpp"
#include "commonweal/core/input_errors.hpp"
#include "commonweal/store/csv_import.hpp"
#include "commonweal/timebank/timebank_registry.hpp"
#include "fuzz_support.hpp"

using namespace commonweal;
using fuzz_support::printable;

namespace {

bool known_file_prefix(std::string_view line) {
  for (const char* name : {"citizens.csv:", "events.csv:", "providers.csv:", "timebanks.csv:", "members.csv:"}) {
    if (line.rfind(name, 0) == 0) return true;
  }
  return false;
}

void check_refusal(const Error& error, std::string_view input) {
  FUZZ_CHECK(error.code() == ErrorCode::invalid_input, printable(input));
  const std::string message = error.what();
  std::size_t lines = 0;
  std::size_t start = 0;
  while (start <= message.size()) {
    const std::size_t end = std::min(message.find('\n', start), message.size());
    const std::string_view line(message.data() + start, end - start);
    const bool summary = line.rfind("(", 0) == 0 && line.find("more errors not shown") != std::string_view::npos;
    FUZZ_CHECK(summary || known_file_prefix(line), printable(std::string(line)));
    ++lines;
    start = end + 1;
  }
  FUZZ_CHECK(lines <= InputErrors::reported_max + 1, "too many lines: " + std::to_string(lines));
}

void check_batch(const ImportBatch& batch, std::string_view input) {
  for (const CitizenRow& row : batch.citizens) {
    FUZZ_CHECK(identifier_problem(row.citizen.id) == nullptr, printable(input));
    FUZZ_CHECK(row.citizen.birth_date.ok(), printable(input));
    FUZZ_CHECK(!row.citizen.death_date || *row.citizen.death_date >= row.citizen.birth_date, printable(input));
    FUZZ_CHECK(row.source.rfind("citizens.csv:", 0) == 0, row.source);
  }
  for (const Event& event : batch.events) {
    FUZZ_CHECK(identifier_problem(event.id) == nullptr && identifier_problem(event.citizen) == nullptr, printable(input));
    FUZZ_CHECK(identifier_problem(event.code) == nullptr, printable(input));
    FUZZ_CHECK(event.amount.sign() >= 0 && event.amount.scale() <= 2, event.amount.to_string());
    FUZZ_CHECK(event.date.ok(), printable(input));
    FUZZ_CHECK(event.source.rfind("events.csv:", 0) == 0, event.source);
  }
  for (const ProviderRow& row : batch.providers) {
    FUZZ_CHECK(identifier_problem(row.provider) == nullptr, printable(input));
    FUZZ_CHECK(!row.range.to || *row.range.to >= row.range.from, printable(input));
  }
  for (const TimeBankRow& row : batch.timebanks) {
    FUZZ_CHECK(identifier_problem(row.bank) == nullptr && row.terms.from.ok(), printable(input));
    FUZZ_CHECK(row.terms.hours_step.sign() > 0 && row.terms.credit_limit_hours.sign() >= 0, printable(input));
    FUZZ_CHECK(row.terms.hours_step.scale() <= 2 && row.terms.credit_limit_hours.scale() <= 2, printable(input));
    FUZZ_CHECK(row.source.rfind("timebanks.csv:", 0) == 0, row.source);
  }
  for (const MemberRow& row : batch.members) {
    FUZZ_CHECK(identifier_problem(row.bank) == nullptr && identifier_problem(row.member) == nullptr, printable(input));
    FUZZ_CHECK(row.terms.from.ok(), printable(input));
    FUZZ_CHECK(!row.terms.credit_limit_hours || row.terms.credit_limit_hours->sign() >= 0, printable(input));
    FUZZ_CHECK(row.source.rfind("members.csv:", 0) == 0, row.source);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first eight bytes say where events.csv, providers.csv, timebanks.csv and members.csv start:
  // each pair a 16-bit fraction of what is left after the file before, so seeds can cut exactly.
  constexpr std::size_t cut_count = 4, prefix_bytes = 2 * cut_count;
  const std::string_view text = size < prefix_bytes ? std::string_view() : input.substr(prefix_bytes);
  std::size_t cuts[cut_count + 1] = {0};
  for (std::size_t k = 0; k < cut_count; ++k) {
    const std::size_t fraction = size < prefix_bytes ? 0 : std::size_t{data[2 * k]} << 8 | data[2 * k + 1];
    cuts[k + 1] = cuts[k] + fraction * (text.size() - cuts[k]) / 65536;
  }
  const auto file = [&](const char* name, std::size_t k) {
    const std::size_t end = k < cut_count ? cuts[k + 1] : text.size();
    return CsvText{name, std::string(text.substr(cuts[k], end - cuts[k]))};
  };
  const CsvText citizens = file("citizens.csv", 0), events = file("events.csv", 1), providers = file("providers.csv", 2);
  const CsvText timebanks = file("timebanks.csv", 3), members = file("members.csv", 4);
  try {
    check_batch(parse_import(citizens, events, providers, timebanks, members), input);
  } catch (const Error& error) {
    check_refusal(error, input);
  } catch (const std::exception& error) {
    fuzz_support::fail(std::string("unexpected exception: ") + error.what() + " on " + printable(input));
  }
  return 0;
}
