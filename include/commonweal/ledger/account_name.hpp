// commonweal::AccountName: the name of the account a posting goes to, kept
// once per process (interned) and referred to by a pointer.
//
// Guarantees
// - Two AccountNames are equal exactly when their texts are equal; that test
//   compares one pointer. Ordering is the texts' (byte-wise) order.
// - No allocation per posting: a name is copied into the process's table the
//   first time it is seen, and never again (a posting is 8 bytes of name
//   instead of a 32-byte std::string plus, for names longer than 15 bytes, a
//   heap block).
// - hash() is NameIndex::hash_of(text), computed once per distinct name.
// - index() numbers the distinct names of the process 0, 1, 2, ... in the
//   order they were first seen: a dense key for tables by account name.
// - Safe to use from any number of threads: the table is guarded by a
//   readers-writer lock, and what it holds never moves or changes, nor is
//   freed before the process ends (not even by static destructors).
// Constraints
// - Each distinct name stays in memory until the process ends (a ledger has a
//   few accounts per citizen: tens of thousands of names, about 80 bytes
//   each). The simulation runner does not make AccountNames.
#pragma once

#include <compare>
#include <cstdint>
#include <deque>
#include <mutex>
#include <ostream>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "commonweal/core/error.hpp"
#include "commonweal/ledger/name_index.hpp"

namespace commonweal {

class AccountName {
 public:
  AccountName() : interned_(intern({})) {}
  AccountName(std::string_view name) : interned_(intern(name)) {}  // NOLINT: implicit, like std::string's
  AccountName(const std::string& name) : interned_(intern(name)) {}  // NOLINT
  AccountName(const char* name) : interned_(intern(name)) {}  // NOLINT

  const std::string& str() const { return interned_->text; }
  operator const std::string&() const { return interned_->text; }  // NOLINT: reads as the std::string it was
  operator std::string_view() const { return interned_->text; }    // NOLINT
  std::uint64_t hash() const { return interned_->hash; }
  std::uint32_t index() const { return interned_->index; }
  bool empty() const { return interned_->text.empty(); }
  std::size_t size() const { return interned_->text.size(); }

  friend bool operator==(const AccountName& a, const AccountName& b) { return a.interned_ == b.interned_; }
  friend bool operator==(const AccountName& a, std::string_view b) { return a.interned_->text == b; }
  friend bool operator==(const AccountName& a, const std::string& b) { return a.interned_->text == b; }
  friend bool operator==(const AccountName& a, const char* b) { return a.interned_->text == b; }
  friend std::strong_ordering operator<=>(const AccountName& a, const AccountName& b) {
    if (a.interned_ == b.interned_) return std::strong_ordering::equal;
    return a.interned_->text.compare(b.interned_->text) <=> 0;
  }
  friend std::string operator+(const std::string& a, const AccountName& b) { return a + b.str(); }
  friend std::string operator+(const char* a, const AccountName& b) { return a + b.str(); }
  friend std::string operator+(const AccountName& a, const std::string& b) { return a.str() + b; }
  friend std::string operator+(const AccountName& a, const char* b) { return a.str() + b; }
  friend std::ostream& operator<<(std::ostream& out, const AccountName& name) { return out << name.str(); }

 private:
  struct Interned {
    std::string text;
    std::uint64_t hash;
    std::uint32_t index;  // its position in the table
  };
  struct Table {
    std::shared_mutex mutex;
    std::deque<Interned> names;  // never moved: a deque keeps its elements in place
    NameIndex by_text;           // text -> position in names
    std::string_view text_of(std::uint32_t position) const { return names[position].text; }
  };
  static Table& table() {
    // One per process (an inline function's static), never destroyed: names stay readable
    // from other statics' destructors at exit, whatever the order they run in.
    static Table* const instance = new Table;
    return *instance;
  }
  static const Interned* intern(std::string_view name) {
    Table& t = table();
    const std::uint64_t hash = NameIndex::hash_of(name);
    const auto text_of = [&t](std::uint32_t position) { return t.text_of(position); };
    {
      std::shared_lock<std::shared_mutex> reading(t.mutex);
      const std::uint32_t found = t.by_text.find(name, hash, text_of);
      if (found != NameIndex::absent) return &t.names[found];
    }
    std::unique_lock<std::shared_mutex> writing(t.mutex);
    const std::uint32_t found = t.by_text.find(name, hash, text_of);  // another thread may have added it meanwhile
    if (found != NameIndex::absent) return &t.names[found];
    if (t.names.size() >= NameIndex::absent) throw Error(ErrorCode::overflow, "more than 2^32 - 1 distinct account names");
    t.names.push_back({std::string(name), hash, static_cast<std::uint32_t>(t.names.size())});
    t.by_text.insert(hash, static_cast<std::uint32_t>(t.names.size() - 1));
    return &t.names.back();
  }
  const Interned* interned_;
};

}  // namespace commonweal

template <>
struct std::hash<commonweal::AccountName> {
  std::size_t operator()(const commonweal::AccountName& name) const noexcept { return name.hash(); }
};
