// Statements and explanations for the command line (commands.hpp).
#include <fmt/format.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "commands.hpp"
#include "commonweal/statement/render.hpp"

namespace commonweal::cli {

std::string render_statement(const Statement& statement, const std::string& format) {
  if (format == "json") return statement.to_json() + "\n";
  if (format == "html") return render_html(statement);
  return render_text(statement);
}

std::size_t write_statements(const Engine& engine, const std::string& tax_year, const std::filesystem::path& out,
                             const std::string& format, bool progress) {
  std::error_code error;
  std::filesystem::create_directories(out, error);
  if (error) throw Error(ErrorCode::environment, "cannot make " + out.string() + ": " + error.message());
  const std::vector<std::string> citizens = engine.citizen_ids();
  const Moment known_at = engine.last_recorded_at().value_or(Moment());
  std::atomic<std::size_t> next{0}, done{0};
  std::mutex failure_mutex;
  std::optional<Error> failure;
  const auto work = [&] {
    while (true) {
      const std::size_t index = next.fetch_add(1);
      if (index >= citizens.size()) return;
      try {
        const Statement statement = make_statement(engine, citizens[index], tax_year, known_at);
        const std::filesystem::path file = out / (citizens[index] + "." + format);
        std::ofstream stream(file, std::ios::binary | std::ios::trunc);
        stream << render_statement(statement, format);
        stream.close();
        if (!stream) throw Error(ErrorCode::environment, "cannot write " + file.string());
      } catch (const Error& caught) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = caught;
        next = citizens.size();
        return;
      }
      ++done;
    }
  };
  const unsigned threads = std::max(1u, std::min(std::thread::hardware_concurrency(), 16u));
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < threads; ++i) workers.emplace_back(work);
  if (progress) {
    while (done < citizens.size() && next < citizens.size() + threads) {
      const std::size_t count = done;
      const std::size_t width = 40, filled = citizens.empty() ? width : width * count / citizens.size();
      std::cerr << fmt::format("\r[{}{}] {}/{} statements", std::string(filled, '#'), std::string(width - filled, ' '), count,
                               citizens.size())
                << std::flush;
      if (failure) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  for (std::thread& worker : workers) worker.join();
  if (progress) std::cerr << fmt::format("\r{:70}\r", "") << std::flush;
  if (failure) throw *failure;
  return done;
}

std::string explain_statement(const Engine& engine, const std::string& citizen, const std::string& tax_year) {
  return render_explanation_text(engine, citizen, tax_year);
}

}  // namespace commonweal::cli
