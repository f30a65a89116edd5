// commonweal::Entry and Posting: one balanced movement in the journal.
//
// Guarantees (enforced by Journal::post, not by these plain structs)
// - An entry has at least one posting, and per unit its postings sum to
//   exactly zero.
// - A posting adds its amount to its account's balance: a credit to a
//   citizen is a positive posting to the citizen's account and a negative
//   one to the fund it comes from.
// - The id is the idempotency key: the same id with the same content is a
//   no-op, with other content an error. recorded_at is not content.
#pragma once

#include <string>
#include <vector>

#include "commonweal/core/amount.hpp"
#include "commonweal/core/date.hpp"
#include "commonweal/core/moment.hpp"
#include "commonweal/ledger/account_name.hpp"

namespace commonweal {

struct Posting {
  AccountName account;  // interned: see account_name.hpp
  Amount amount;

  friend bool operator==(const Posting&, const Posting&) = default;
};

struct Entry {
  std::string id;
  Date effective_date;   // when it applies
  Moment recorded_at;    // when the ledger learned it
  std::string code;      // what kind of movement ("R1", "reversal", ...)
  std::string memo;      // free text for people
  std::vector<Posting> postings;
  std::string reverses;  // the id of the entry this one reverses, or empty

  bool same_content(const Entry& other) const {
    return id == other.id && effective_date == other.effective_date && code == other.code &&
           memo == other.memo && postings == other.postings && reverses == other.reverses;
  }
};

}  // namespace commonweal
