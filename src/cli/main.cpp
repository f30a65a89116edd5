// The `commonweal` command line (docs/cli.md; interfaces.md is the contract).
//
// Exit status: 0 success; 1 usage error; 2 bad input or a refusal by the
// rules (the ledger is unchanged); 3 a failed verify; 4 the environment (a
// file that cannot be read or written, a busy database, a newer ledger).
// Errors go to stderr as "commonweal: FILE:LINE: column: reason" for input
// rows and "commonweal: reason" otherwise.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include <fmt/format.h>
#include <iostream>
#include <sstream>

#include "arguments.hpp"
#include "commands.hpp"
#include "commonweal/core/huge_pages.hpp"
#include "simulate.hpp"
#include "commonweal/version.hpp"
#include "commonweal/policy/rule.hpp"
#include "commonweal/statement/budget_statement.hpp"
#include "commonweal/statement/timebank_statement.hpp"
#include "commonweal/statement/statement.hpp"
#include "commonweal/store/csv_import.hpp"
#include "commonweal/store/export.hpp"
#include "commonweal/store/ledger_store.hpp"

namespace commonweal::cli {
namespace {

constexpr int exit_ok = 0, exit_usage = 1, exit_input = 2, exit_verify = 3, exit_environment = 4;

struct Command {
  const char* name;
  const char* usage;
  const char* summary;
  std::set<std::string> valued;
  std::set<std::string> flags;
  std::size_t min_positionals, max_positionals;
  std::function<int(const Arguments&)> run;
};

void print_change(const std::string& what, const StoredChange& change) {
  const ChangeSummary& s = change.summary;
  std::cout << what << ": ";
  if (what == "imported") std::cout << s.citizens_added << " citizens and " << s.events_added << " events added, ";
  std::cout << s.entries_posted << " entries posted (" << s.adjustments << " adjustments or reversals)\n";
  if (change.stored) {
    std::cout << "recorded at " << format_moment(change.recorded_at) << "\n";
    std::cout << "chain head " << change.chain_head << "\n";
  } else {
    std::cout << "nothing new: the ledger is unchanged (chain head " << change.chain_head << ")\n";
  }
}

std::optional<Moment> as_known_at_option(const Arguments& arguments) {
  const auto text = arguments.option("--as-known-at");
  return text ? std::optional(parse_as_known_at(*text)) : std::nullopt;
}


void write_text_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw Error(ErrorCode::environment, "cannot write " + path.string());
}

std::string statement_in(const Statement& statement, const std::string& format) {
  if (format == "json") return statement.to_json() + "\n";
  return render_statement(statement, format);
}

int run_init(const Arguments& a) {
  std::optional<SchemeText> reform;
  if (const auto path = a.option("--reform")) reform = SchemeText::from_file(*path);
  LedgerStore store = LedgerStore::create(a.positionals[0], SchemeText::from_file(a.required("init", "--scheme")), reform);
  const SchemeInfo info = store.scheme_info();
  std::cout << "created " << a.positionals[0] << " with scheme " << info.scheme_name << " (sha256 " << info.scheme_sha256 << ")";
  if (info.reform_name) std::cout << " and reform " << *info.reform_name << " (sha256 " << *info.reform_sha256 << ")";
  std::cout << "\nchain head " << store.chain_head() << "\n";
  return exit_ok;
}

int run_import(const Arguments& a) {
  ImportFiles files{a.option("--citizens"), a.option("--events"), a.option("--providers"), a.option("--timebanks"),
                    a.option("--members")};
  if (!files.citizens && !files.events && !files.providers && !files.timebanks && !files.members) {
    throw UsageError("import: give at least one of --citizens, --events, --providers, --timebanks, --members");
  }
  LedgerStore store = LedgerStore::open(a.positionals[0]);
  const ImportBatch batch = read_import_files(files);
  print_change("imported", store.import(batch));
  return exit_ok;
}

int run_advance(const Arguments& a) {
  LedgerStore store = LedgerStore::open(a.positionals[0]);
  const Date to = parse_date(a.required("advance", "--to"));
  print_change("advanced to " + format_date(to), store.advance(to));
  return exit_ok;
}

int run_scheme(const Arguments& a) {
  if (a.flag("--no-reform") && a.option("--reform")) throw UsageError("scheme: --reform and --no-reform exclude each other");
  LedgerStore store = LedgerStore::open(a.positionals[0]);
  std::optional<SchemeText> scheme;
  if (const auto path = a.option("--set")) scheme = SchemeText::from_file(*path);
  std::optional<std::optional<SchemeText>> reform;
  if (const auto path = a.option("--reform")) reform = std::optional(SchemeText::from_file(*path));
  if (a.flag("--no-reform")) reform = std::optional<SchemeText>();
  if (scheme || reform) print_change("restated", store.set_scheme(std::move(scheme), std::move(reform)));
  const SchemeInfo info = store.scheme_info();
  std::cout << "scheme " << info.scheme_name << " sha256 " << info.scheme_sha256 << "\n";
  if (info.reform_name) {
    std::cout << "reform " << *info.reform_name << " sha256 " << *info.reform_sha256 << "\n";
  } else {
    std::cout << "reform none\n";
  }
  std::cout << "since " << format_moment(info.installed_at) << "\n";
  return exit_ok;
}

int run_balance(const Arguments& a) {
  LedgerStore store = LedgerStore::open(a.positionals[0]);
  std::optional<Date> as_of;
  if (const auto text = a.option("--as-of")) as_of = parse_date(*text);
  std::cout << store.balance(a.positionals[1], as_of, as_known_at_option(a)).to_string() << "\n";
  return exit_ok;
}

int run_verify(const Arguments& a) {
  LedgerStore store = LedgerStore::open(a.positionals[0]);
  const VerifyReport report = store.verify(a.option("--anchor"));
  for (const std::string& problem : report.problems) std::cerr << "commonweal: " << problem << "\n";
  std::cout << (report.ok() ? "verified: " : "FAILED: ") << report.entries_checked << " entries, "
            << report.operations_checked << " operations, " << report.anchors_checked << " recorded chain heads checked";
  if (!report.ok()) std::cout << "; " << report.problems.size() << " problems";
  std::cout << "\nchain head " << report.chain_head << "\n";
  return report.ok() ? exit_ok : exit_verify;
}

int run_export(const Arguments& a) {
  const auto format = parse_export_format(a.required("export", "--format"));
  if (!format) throw UsageError("export: --format is hledger, beancount or csv");
  LedgerStore store = LedgerStore::open(a.positionals[0]);
  const Journal& journal = store.engine().journal();
  if (const auto out_path = a.option("--out")) {
    std::ostringstream text;
    export_journal(journal, *format, text);
    write_text_file(*out_path, text.str());
  } else {
    export_journal(journal, *format, std::cout);
  }
  return exit_ok;
}

std::string statement_format(const Arguments& a, const std::string& fallback) {
  const std::string format = a.option("--format").value_or(fallback);
  if (format != "json" && format != "text" && format != "html") throw UsageError("--format is json, text or html");
  return format;
}

int run_statement(const Arguments& a) {
  const std::string format = statement_format(a, "text");
  LedgerStore store = LedgerStore::open(a.positionals[0]);
  const Statement statement = store.statement(a.required("statement", "--citizen"), a.required("statement", "--tax-year"),
                                              as_known_at_option(a));
  std::cout << statement_in(statement, format);
  return exit_ok;
}

int run_budget_statement(const Arguments& a) {
  const std::string format = a.option("--format").value_or("text");
  if (format != "json" && format != "text") throw UsageError("--format is text or json");
  LedgerStore store = LedgerStore::open(a.positionals[0]);
  const BudgetStatement statement = store.budget_statement(a.required("budget-statement", "--citizen"),
                                                           a.required("budget-statement", "--month"), as_known_at_option(a));
  std::cout << (format == "json" ? statement.to_json() : statement.to_text());
  return exit_ok;
}

// --from and --to (both inclusive), or --year YYYY for a calendar year.
std::pair<Date, Date> timebank_period(const Arguments& a) {
  const auto year = a.option("--year");
  if (year && (a.option("--from") || a.option("--to"))) throw UsageError("timebank-statement: --year excludes --from and --to");
  if (year) return {parse_date(*year + "-01-01"), parse_date(*year + "-12-31")};
  return {parse_date(a.required("timebank-statement", "--from")), parse_date(a.required("timebank-statement", "--to"))};
}

int run_timebank_statement(const Arguments& a) {
  const std::string format = a.option("--format").value_or("text");
  if (format != "json" && format != "text") throw UsageError("--format is text or json");
  const auto [start, end] = timebank_period(a);
  LedgerStore store = LedgerStore::open(a.positionals[0]);
  const TimeBankStatement statement =
      make_timebank_statement(store.engine(), a.required("timebank-statement", "--bank"),
                              a.required("timebank-statement", "--member"), start, end, as_known_at_option(a));
  std::cout << (format == "json" ? statement.to_json() : statement.to_text());
  return exit_ok;
}

int run_statements(const Arguments& a) {
  const std::string format = statement_format(a, "json");
  const std::string tax_year = a.required("statements", "--tax-year");
  const std::filesystem::path out = a.required("statements", "--out");
  LedgerStore store = LedgerStore::open(a.positionals[0]);
  const std::size_t written = write_statements(store.engine(), tax_year, out, format, isatty(STDERR_FILENO) != 0);
  std::cout << written << " statements for " << tax_year << " written to " << out.string() << "\n";
  return exit_ok;
}

int run_explain(const Arguments& a) {
  LedgerStore store = LedgerStore::open(a.positionals[0]);
  std::cout << explain_statement(store.engine(), a.required("explain", "--citizen"), a.required("explain", "--tax-year"));
  return exit_ok;
}

int run_demo(const Arguments& a) {
  return run_demo_job(a.positionals.empty() ? std::filesystem::path("commonweal-demo") : std::filesystem::path(a.positionals[0]));
}

int run_refusals(const Arguments& a) {
  LedgerStore store = LedgerStore::open(a.positionals[0]);
  const std::vector<RefusedSpend> refusals = store.refusals();
  // By provider and calendar month: how many spends were refused, and for how much.
  std::map<std::pair<std::string, std::string>, std::pair<std::size_t, Decimal>> by_month;
  for (const RefusedSpend& refusal : refusals) {
    auto& [count, total] = by_month[{refusal.provider, format_date(refusal.date).substr(0, 7)}];
    ++count;
    total += refusal.amount;
  }
  std::cout << fmt::format("{:<24} {:<8} {:>8} {:>14}\n", "provider", "month", "refused", "amount");
  for (const auto& [key, value] : by_month) {
    std::cout << fmt::format("{:<24} {:<8} {:>8} {:>14}\n", key.first, key.second, value.first, value.second.to_string());
  }
  if (a.flag("--detail")) {
    std::cout << "\n";
    for (const RefusedSpend& r : refusals) {
      std::cout << fmt::format("{} {} {} {} at {} ({}, recorded {}): {}\n", format_date(r.date), r.event_id, r.citizen,
                               r.amount.to_string(), r.provider, r.source, format_moment(r.recorded_at), r.reason);
    }
  }
  std::cout << refusals.size() << " refused learning-account spends\n";
  return exit_ok;
}

const std::vector<Command>& commands() {
  static const std::vector<Command> all = {
      {"demo", "commonweal demo [DIR]",
       "the main job: a synthetic population of 1,000 citizens, their lives 1975-2025 in a SQLite ledger in DIR "
       "(default ./commonweal-demo), every 2024-25 statement under DIR/statements, and a summary",
       {}, {}, 0, 1, run_demo},
      {"init", "commonweal init DB --scheme FILE [--reform FILE]", "creates a ledger file with its scheme",
       {"--scheme", "--reform"}, {}, 1, 1, run_init},
      {"scheme", "commonweal scheme DB [--set FILE] [--reform FILE|--no-reform]",
       "shows the ledger's scheme and reform (names, hashes); replacing either restates the ledger by adjustment entries",
       {"--set", "--reform"}, {"--no-reform"}, 1, 1, run_scheme},
      {"import", "commonweal import DB [--citizens F] [--events F] [--providers F] [--timebanks F] [--members F]",
       "imports the files as one transaction: every bad row is reported and nothing changes, or all of it is stored",
       {"--citizens", "--events", "--providers", "--timebanks", "--members"}, {}, 1, 1, run_import},
      {"advance", "commonweal advance DB --to DATE",
       "moves the clock to DATE, posting the scheduled operations (R8 indexation, R9 settlement) up to it",
       {"--to"}, {}, 1, 1, run_advance},
      {"statement", "commonweal statement DB --citizen ID --tax-year 2024-25 [--format text|json|html] [--as-known-at DATE]",
       "one citizen's annual statement to stdout", {"--citizen", "--tax-year", "--format", "--as-known-at"}, {}, 1, 1,
       run_statement},
      {"budget-statement", "commonweal budget-statement DB --citizen ID --month 2024-07 [--format text|json] [--as-known-at DATE]",
       "one citizen's personal budget for a calendar month: each transaction with its running balance, council and own "
       "money apart",
       {"--citizen", "--month", "--format", "--as-known-at"}, {}, 1, 1, run_budget_statement},
      {"timebank-statement",
       "commonweal timebank-statement DB --bank B --member M (--from DATE --to DATE | --year YYYY) [--format text|json] "
       "[--as-known-at DATE]",
       "one member's (organisation's, or the chest's) hours in a named time bank over a period: given, received, "
       "granted, donated in and out, balances",
       {"--bank", "--member", "--from", "--to", "--year", "--format", "--as-known-at"}, {}, 1, 1, run_timebank_statement},
      {"statements", "commonweal statements DB --tax-year 2024-25 --out DIR [--format json|html|text]",
       "every citizen's statement for the year, one file each, across all cores", {"--tax-year", "--out", "--format"}, {},
       1, 1, run_statements},
      {"balance", "commonweal balance DB ACCOUNT [--as-of DATE] [--as-known-at DATE]",
       "one account's balance: postings effective on or before --as-of, recorded on or before --as-known-at",
       {"--as-of", "--as-known-at"}, {}, 2, 2, run_balance},
      {"explain", "commonweal explain DB --citizen ID --tax-year Y",
       "each statement line with the events, rule, parameter values and rounding behind it", {"--citizen", "--tax-year"},
       {}, 1, 1, run_explain},
      {"verify", "commonweal verify DB [--anchor HASH]",
       "checks the tamper-evident chains, that every chain head recorded in DB.anchors (and HASH) is still reached, "
       "and every invariant; exit 0 only if all hold",
       {"--anchor"}, {}, 1, 1, run_verify},
      {"refusals", "commonweal refusals DB [--detail]",
       "the learning-account spends the rules refused, by provider and month (and each one, with --detail)", {},
       {"--detail"}, 1, 1, run_refusals},
      {"export", "commonweal export DB --format hledger|beancount|csv [--out FILE]",
       "the journal in a form those tools accept, with the same balances", {"--format", "--out"}, {}, 1, 1, run_export},
      {"simulate", simulate_usage, simulate_summary,
       {"--scheme", "--reform", "--assumptions", "--population", "--seed", "--start", "--years", "--threads", "--out"}, {}, 0, 0,
       run_simulate_command},
  };
  return all;
}

void print_overview(std::ostream& out) {
  out << "commonweal " << version() << ": citizen social welfare accounts\n\nusage:\n";
  for (const Command& command : commands()) out << "  " << command.usage << "\n";
  out << "\nEach command takes --help. Exit status: 0 success, 1 usage, 2 bad input or refused (the ledger is "
         "unchanged), 3 verify failed, 4 environment (file, busy database, newer ledger).\n";
}

// Every line of a message, prefixed, so that each input problem is one "commonweal: ..." line.
void print_error(const std::string& message) {
  std::istringstream lines(message);
  std::string line;
  while (std::getline(lines, line)) std::cerr << "commonweal: " << line << "\n";
}

int exit_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::environment: return exit_environment;
    default: return exit_input;
  }
}

}  // namespace

int main_with(const std::vector<std::string>& words) {
  if (words.empty() || words[0] == "--help" || words[0] == "-h" || words[0] == "help") {
    print_overview(words.empty() ? std::cerr : std::cout);
    return words.empty() ? exit_usage : exit_ok;
  }
  if (words[0] == "--version") {
    std::cout << "commonweal " << version() << "\n";
    return exit_ok;
  }
  const auto& all = commands();
  const auto command = std::find_if(all.begin(), all.end(), [&](const Command& c) { return words[0] == c.name; });
  if (command == all.end()) {
    print_error("unknown command " + words[0] + " (commonweal --help lists them)");
    return exit_usage;
  }
  try {
    const Arguments arguments = parse_arguments(command->name, std::vector<std::string>(words.begin() + 1, words.end()),
                                                command->valued, command->flags, command->min_positionals,
                                                command->max_positionals);
    if (arguments.help) {
      std::cout << "usage: " << command->usage << "\n\n" << command->summary << ".\n";
      return exit_ok;
    }
    return command->run(arguments);
  } catch (const UsageError& error) {
    print_error(std::string(error.what()) + "\nusage: " + command->usage);
    return exit_usage;
  } catch (const Error& error) {
    print_error(error.what());
    return exit_status_for(error.code());
  } catch (const std::exception& error) {
    print_error(error.what());
    return exit_environment;
  }
}

}  // namespace commonweal::cli

int main(int argc, char** argv) {
  commonweal::restart_with_huge_pages(argv);  // first: it may run main again from the start
  std::ios::sync_with_stdio(false);
  return commonweal::cli::main_with(std::vector<std::string>(argv + 1, argv + argc));
}
