// commonweal::Engine: applies a scheme to citizens' life events and keeps
// the journal equal to what the rules say, whatever order things arrive in.
//
// One mechanism does everything (architecture.md): for the citizens an
// operation touches (with everyone they exchange hours with), the engine
// *derives* the entries the rules should have produced, replaying events and
// scheduled operations (R8, R9) up to the clock in date order; *diffs* them,
// key by key, with what the journal already holds; and *posts* only the
// differences, as adjustment entries with the original effective date,
// recorded now. A first import, a late event, a correction, an advance of
// the clock and a change of scheme are the same operation.
//
// Guarantees
// - The current view always equals the rules applied in date order to all
//   surviving events and every scheduled operation on or before the clock,
//   whatever order imports and advances came in.
// - Nothing is rewritten: a changed figure is an adjustment entry; an entry
//   whose event was corrected away is reversed. "As known at" an earlier
//   moment therefore reproduces what was shown then.
// - import(), advance() and restate() are all or nothing: on any error
//   (every bad row is reported, up to 100) the engine and its journal are
//   exactly as before.
// - Same-date events apply in import order (file order within a file); on
//   one day, R9 runs before the events and R8 after them.
// - A named time bank (docs/timebanks.md) is derived as one group of its
//   own: all its surviving events in date, then import order, its entries
//   keyed "bank:<bank>/<event>/TB", diffed and posted in the same batch as
//   the citizens', so its limits hold on the replayed bank at every import.
// Constraints
// - One writer at a time.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "commonweal/budgets/provider_month_counter.hpp"
#include "commonweal/core/input_errors.hpp"
#include "commonweal/ledger/journal.hpp"
#include "commonweal/ledger/name_index.hpp"
#include "commonweal/policy/scheme.hpp"
#include "commonweal/timebank/timebank_registry.hpp"

namespace commonweal {

struct ProviderRow {
  std::string provider;
  AccreditationRange range;
  std::string source;  // "FILE:LINE"
};

struct CitizenRow {
  Citizen citizen;
  std::string source;  // "FILE:LINE"
};

// Everything one import brings; applied as one transaction.
struct ImportBatch {
  std::vector<CitizenRow> citizens;
  std::vector<Event> events;  // each with its source "FILE:LINE"
  std::vector<ProviderRow> providers;
  std::vector<TimeBankRow> timebanks;  // named banks' dated terms (timebanks.csv)
  std::vector<MemberRow> members;      // named banks' members (members.csv)
};

struct ChangeSummary {
  std::size_t citizens_added = 0;
  std::size_t events_added = 0;
  std::size_t entries_posted = 0;  // new entries, adjustments and reversals together
  std::size_t adjustments = 0;     // of which adjustments and reversals
};

// Everything a store keeps to rebuild an engine exactly as it was, without
// deriving anything again (Engine::restore, Engine::record).
struct EngineRecord {
  struct CitizenEntry {
    Citizen citizen;
    Moment death_recorded_at;  // meaningful only with a death date
  };
  std::vector<CitizenEntry> citizens;
  std::vector<Event> events;  // every event ever imported, in sequence order, with its sequence
  std::vector<ProviderRow> providers;
  std::vector<TimeBankRow> timebanks;
  std::vector<MemberRow> members;
  std::vector<std::pair<Moment, Date>> clock_history;  // each advance: when, and to which date
  std::optional<Moment> last_import_at;
  std::vector<Entry> entries;  // the journal, in order
};

class Engine {
 public:
  explicit Engine(Scheme scheme) : scheme_(std::move(scheme)) {}
  Engine(const Engine& other);
  Engine& operator=(const Engine& other);
  Engine(Engine&&) noexcept = default;
  Engine& operator=(Engine&&) noexcept = default;
  ~Engine() = default;

  // An engine holding exactly what `record` holds, under `scheme` (the one
  // the entries were derived with): nothing is derived or posted. Throws
  // Error(invalid_input) when the record contradicts itself (an event of an
  // unknown citizen, an unbalanced entry, a clock that goes back).
  static Engine restore(Scheme scheme, EngineRecord record);
  // Everything restore() needs, copied out: restore(scheme(), record()) is this engine again.
  EngineRecord record() const;

  ChangeSummary import(const ImportBatch& batch, Moment recorded_at);
  // Moves the clock forward to `to` and posts what is due on or before it.
  ChangeSummary advance(const Date& to, Moment recorded_at);
  // Restates the whole ledger under another scheme (a reform, a new scheme).
  ChangeSummary restate(Scheme scheme, Moment recorded_at);

  // Why each entry of the citizen is what it is, re-derived with explanations on.
  std::vector<Explanation> explain(const std::string& citizen_id) const;

  const Journal& journal() const { return journal_; }
  const Scheme& scheme() const { return scheme_; }

  // Told, while an import, advance or restatement is still deriving, each time a part of its
  // entries has been appended to the journal: the positions [first, end) are new. A store
  // writes them to its file meanwhile (LedgerStore::import, on a second thread). Guarantees:
  // parts arrive in position order, without gaps, and cover every entry the operation
  // appends; the entries stay as they are unless the operation then fails, when all of them
  // are undone (the observer's writes must be undone with them: the store's transaction). The
  // observer runs on the engine's thread; it may read journal() but not change the engine, and
  // what it throws fails the operation. Empty (the default): nobody is told.
  using PostingObserver = std::function<void(std::size_t first_position, std::size_t end_position)>;
  void observe_posting(PostingObserver observer) { posting_observer_ = std::move(observer); }
  // Told once in each import, after its events have been checked and kept, and before
  // anything is derived: `new_events` are the events this import adds (not those it already
  // had), in import order, their sequence set. A store copies their rows out then. Read them
  // during the call only: a failing import takes them back before its failure reaches the
  // caller. What it throws fails the import. Empty (the default): nobody is told.
  using EventsObserver = std::function<void(std::span<const Event* const> new_events)>;
  void observe_events(EventsObserver observer) { events_observer_ = std::move(observer); }
  std::optional<Date> clock() const { return clock_; }
  // The latest moment the ledger learned anything: an import or an advance,
  // even one that posted nothing. Statements without "as known at" use it.
  std::optional<Moment> last_recorded_at() const {
    std::optional<Moment> latest = journal_.last_recorded_at();
    if (!clock_history_.empty() && (!latest || *latest < clock_history_.back().first)) latest = clock_history_.back().first;
    if (last_import_at_ && (!latest || *latest < *last_import_at_)) latest = last_import_at_;
    return latest;
  }
  // The clock as it stood at a recorded moment (none before the first advance).
  std::optional<Date> clock_as_known_at(const Moment& moment) const {
    std::optional<Date> result;
    for (const auto& [recorded_at, day] : clock_history_) {
      if (recorded_at <= moment) result = day;
    }
    return result;
  }
  const Citizen* find_citizen(const std::string& id) const {
    const auto found = state_.citizens.find(id);
    return found == state_.citizens.end() ? nullptr : &found->second.citizen;
  }
  std::vector<std::string> citizen_ids() const;
  // The citizen as the ledger knew them at a moment: a death learned later is not yet known.
  std::optional<Citizen> citizen_as_known_at(const std::string& id, const Moment& moment) const {
    const auto found = state_.citizens.find(id);
    if (found == state_.citizens.end()) return std::nullopt;
    Citizen citizen = found->second.citizen;
    if (citizen.death_date && moment < found->second.death_recorded_at) citizen.death_date.reset();
    return citizen;
  }
  // The surviving events of a citizen (not corrected away), in import order.
  std::vector<const Event*> surviving_events(const std::string& citizen_id) const;
  // The surviving events of a named time bank, in import order.
  std::vector<const Event*> surviving_bank_events(const std::string& bank) const;
  const ProviderRegistry& providers() const { return state_.providers; }
  const TimeBankRegistry& timebanks() const { return state_.timebanks; }
  // An event by id, corrected or not; nullptr if unknown.
  const Event* find_event(const std::string& id) const;
  // When the citizen's death date was learned (meaningful only with one).
  Moment death_recorded_at(const std::string& citizen_id) const { return state_.citizens.at(citizen_id).death_recorded_at; }
  const std::vector<std::pair<Moment, Date>>& clock_history() const { return clock_history_; }
  std::optional<Moment> last_import_at() const { return last_import_at_; }

 private:
  PostingObserver posting_observer_;
  EventsObserver events_observer_;
  struct CitizenRecord {
    Citizen citizen;
    std::vector<Event> events;  // import order
    Moment death_recorded_at;   // when the death date was learned, if there is one
  };
  // Where an event is kept: its citizen's (or its bank's) events (map nodes do not move) and its place there.
  struct EventRef {
    std::vector<Event>* events;
    std::uint32_t index;
    const Event& event() const { return (*events)[index]; }
  };
  struct State {
    std::map<std::string, CitizenRecord> citizens;
    std::vector<EventRef> event_refs;  // every event, in sequence order
    NameIndex event_index;             // event id -> position in event_refs
    std::unordered_map<std::string, std::string> corrected_by;   // event id -> id of the event correcting it
    std::unordered_map<std::string, std::vector<std::string>> exchange_partners;  // both ways
    ProviderRegistry providers;
    TimeBankRegistry timebanks;
    std::map<std::string, std::vector<Event>> bank_events;  // bank -> its events, import order
    std::uint64_t next_sequence = 1;
  };

  using CitizenMap = std::map<std::string, CitizenRecord>;
  // Citizens derived together (those who exchange hours, and so on), in id order.
  using Group = std::vector<CitizenMap::const_iterator>;
  struct Scratch;  // buffers reused from one group to the next (engine.cpp)

  struct Undo;  // what an import changed in state_, to take back if it fails (engine.cpp)
  void import_events(const ImportBatch& batch, Moment recorded_at, InputErrors& errors, ChangeSummary& summary,
                     std::set<std::string>& affected, std::set<std::string>& affected_banks, Undo& undo);
  void import_timebank_rows(const ImportBatch& batch, InputErrors& errors, std::set<std::string>& affected_banks);
  // Checks a named bank's event; false (with errors added) when it is bad.
  bool check_bank_event(const Event& incoming, InputErrors& errors) const;
  Event& store_event(std::vector<Event>& events, const Event& incoming, std::uint64_t hash, Undo& undo);
  void take_back(Undo& undo);
  std::uint32_t find_event_position(std::string_view id) const;
  static std::vector<Group> exchange_groups(const State& state, const std::set<std::string>& citizens);
  // Every surviving learning spend of the ledger, in the order the rules apply them (R7's monthly
  // limit crosses citizens); false, and nothing counted, when the scheme has no such limit.
  bool count_learning_spends(const State& state, ProviderMonthCounter& out) const;
  void derive(const State& state, const Group& group, const std::optional<Date>& clock,
              std::vector<Explanation>* explanations, ParameterLookup& lookup, Scratch& scratch,
              Derivation& out) const;
  // One named bank's entries: its surviving events replayed in date, then import order.
  void derive_bank(const State& state, const std::string& bank, Derivation& out) const;
  // Appends to `out` what the journal needs so that it holds `desired` for the owners
  // (the citizens of a group, or "bank:<bank>"): the keys before '/' of their entries.
  void diff(std::span<const std::string_view> owners, const Derivation& desired, Moment recorded_at,
            ChangeSummary& summary, Scratch& scratch, std::vector<Entry>& out) const;
  // citizens: those whose lives changed; their exchange partners are added. banks: named banks to derive again.
  ChangeSummary derive_and_post(const State& state, const std::set<std::string>& citizens,
                                const std::set<std::string>& banks, const std::optional<Date>& clock,
                                Moment recorded_at, const ImportBatch* batch);
  // Adds the journal's entries from first_position on to entries_by_citizen_.
  void index_entries_from(std::size_t first_position);

  Scheme scheme_;
  Journal journal_;
  std::optional<Date> clock_;
  std::vector<std::pair<Moment, Date>> clock_history_;  // each advance: when, and to which date
  std::optional<Moment> last_import_at_;
  State state_;
  // Journal positions of each citizen's entries (the key before '/' of the entry id; a named
  // bank's entries are under "bank:<bank>").
  std::unordered_map<std::string, std::vector<std::uint32_t>> entries_by_citizen_;
};

}  // namespace commonweal
