// libFuzzer target for the CSV importer (store/csv_import.hpp): any bytes,
// split into citizens.csv, events.csv and providers.csv, must either parse
// into rows that satisfy the importer's guarantees or be refused with one
// Error(invalid_input) whose every line names a file, a line and a column.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "commonweal/core/id.hpp"
#include "commonweal/core/input_errors.hpp"
#include "commonweal/store/csv_import.hpp"
#include "fuzz_support.hpp"

using namespace commonweal;
using fuzz_support::printable;

namespace {

bool known_file_prefix(std::string_view line) {
  for (const char* name : {"citizens.csv:", "events.csv:", "providers.csv:"}) {
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
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first two bytes say where events.csv and providers.csv start.
  const std::size_t body = size < 2 ? 0 : size - 2;
  const std::string_view text = size < 2 ? std::string_view() : input.substr(2);
  const std::size_t first_cut = size < 2 ? 0 : data[0] * body / 256;
  const std::size_t second_cut = size < 2 ? 0 : first_cut + data[1] * (body - first_cut) / 256;
  const CsvText citizens{"citizens.csv", std::string(text.substr(0, first_cut))};
  const CsvText events{"events.csv", std::string(text.substr(first_cut, second_cut - first_cut))};
  const CsvText providers{"providers.csv", std::string(text.substr(second_cut))};
  try {
    check_batch(parse_import(citizens, events, providers), input);
  } catch (const Error& error) {
    check_refusal(error, input);
  } catch (const std::exception& error) {
    fuzz_support::fail(std::string("unexpected exception: ") + error.what() + " on " + printable(input));
  }
  return 0;
}
