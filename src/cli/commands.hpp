// The parts of the `commonweal` commands that do more than call the store:
// statements across cores, explanations, the demo.
#pragma once

#include <filesystem>
#include <string>

#include "commonweal/lifecycle/engine.hpp"
#include "commonweal/statement/statement.hpp"

namespace commonweal::cli {

// The statement as text or html (json is Statement::to_json).
std::string render_statement(const Statement& statement, const std::string& format);

// Every citizen's statement for tax_year into out/CITIZEN.FORMAT, on all
// cores; a progress bar on stderr when progress is set. Returns how many.
std::size_t write_statements(const Engine& engine, const std::string& tax_year, const std::filesystem::path& out,
                             const std::string& format, bool progress);

// Each of the citizen's statement lines for the year with what is behind it.
std::string explain_statement(const Engine& engine, const std::string& citizen, const std::string& tax_year);

// `commonweal demo DIR`: returns the exit status.
int run_demo_job(const std::filesystem::path& directory);

}  // namespace commonweal::cli
