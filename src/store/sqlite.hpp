// A thin RAII layer over SQLite's C API, private to src/store/.
//
// Guarantees
// - Every SQLite failure becomes commonweal::Error with SQLite's message:
//   ErrorCode::environment for busy, locked, I/O, full or read-only
//   conditions (exit status 4 in the CLI), invalid_input for a file that is
//   not a database or is corrupt.
// - Statements are prepared once and reset after each use; text is bound
//   without copying (SQLITE_STATIC): the caller keeps it alive until step().
// Constraints
// - One connection per thread; nothing here is shared between threads.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "commonweal/core/error.hpp"

namespace commonweal::sqlite {

inline ErrorCode code_for(int result) {
  switch (result & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
      return ErrorCode::invalid_input;
    default:
      return ErrorCode::environment;
  }
}

class Database;

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, std::string_view sql) : db_(db) {
    const int result = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                                          &statement_, nullptr);
    if (result != SQLITE_OK) fail(result, "preparing " + std::string(sql.substr(0, 60)));
  }
  Statement(Statement&& other) noexcept
      : db_(std::exchange(other.db_, nullptr)), statement_(std::exchange(other.statement_, nullptr)) {}
  Statement& operator=(Statement&& other) noexcept {
    std::swap(db_, other.db_);
    std::swap(statement_, other.statement_);
    return *this;
  }
  ~Statement() { sqlite3_finalize(statement_); }

  Statement& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(statement_, index, value));
    return *this;
  }
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view text) {
    check(sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC));
    return *this;
  }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind_blob(int index, const void* data, int size) {
    check(sqlite3_bind_blob(statement_, index, data, size, SQLITE_STATIC));
    return *this;
  }
  Statement& bind_null(int index) {
    check(sqlite3_bind_null(statement_, index));
    return *this;
  }
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Runs to completion (INSERT, UPDATE, DDL) and resets.
  void run() {
    const int result = sqlite3_step(statement_);
    sqlite3_reset(statement_);
    if (result != SQLITE_DONE && result != SQLITE_ROW) fail(result, "writing");
  }
  // The next row; false when there are no more (the statement is then reset).
  bool next() {
    const int result = sqlite3_step(statement_);
    if (result == SQLITE_ROW) return true;
    sqlite3_reset(statement_);
    if (result != SQLITE_DONE) fail(result, "reading");
    return false;
  }
  void reset() { sqlite3_reset(statement_); }

  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::string_view text(int column) const {
    const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
    return data == nullptr ? std::string_view() : std::string_view(data, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
  }
  std::string_view blob(int column) const {
    const auto* data = static_cast<const char*>(sqlite3_column_blob(statement_, column));
    return data == nullptr ? std::string_view() : std::string_view(data, static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
  }

 private:
  void check(int result) {
    if (result != SQLITE_OK) fail(result, "binding");
  }
  [[noreturn]] void fail(int result, const std::string& doing) const {
    throw Error(code_for(result), "the ledger database failed while " + doing + ": " +
                                      (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(result)));
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
};

class Database {
 public:
  Database() = default;
  // Opens (or creates, with create) the file; a busy database is waited on
  // for busy_timeout_ms before it is an error.
  Database(const std::string& path, bool create, int busy_timeout_ms = 10000) {
    // No global memory statistics (a mutex around every allocation SQLite makes): set once,
    // before SQLite starts; refused harmlessly (SQLITE_MISUSE) if something started it already.
    static const int memory_statistics_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)memory_statistics_off;
    const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
    const int result = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (result != SQLITE_OK) {
      const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(result);
      sqlite3_close_v2(db_);
      db_ = nullptr;
      throw Error(ErrorCode::environment, "cannot open the ledger " + path + ": " + message);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busy_timeout_ms);
  }
  Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Database& operator=(Database&& other) noexcept {
    std::swap(db_, other.db_);
    return *this;
  }
  ~Database() { sqlite3_close_v2(db_); }

  void execute(std::string_view sql) {
    char* message = nullptr;
    const int result = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &message);
    if (result != SQLITE_OK) {
      const std::string text = message != nullptr ? message : sqlite3_errstr(result);
      sqlite3_free(message);
      throw Error(code_for(result), "the ledger database failed: " + text);
    }
  }
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  std::int64_t single_integer(std::string_view sql) {
    Statement statement = prepare(sql);
    const bool found = statement.next();
    const std::int64_t value = found ? statement.integer(0) : 0;
    statement.reset();
    return value;
  }
  sqlite3* handle() const { return db_; }

 private:
  sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE (a writer) or BEGIN (a reader's snapshot) ... COMMIT; rolls back unless committed.
class Transaction {
 public:
  Transaction(Database& db, bool write) : db_(&db) { db.execute(write ? "BEGIN IMMEDIATE" : "BEGIN"); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (db_ != nullptr) sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    db_->execute("COMMIT");
    db_ = nullptr;
  }
  void rollback() {
    if (db_ == nullptr) return;
    sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    db_ = nullptr;
  }

 private:
  Database* db_;
};

}  // namespace commonweal::sqlite
