// The lifecycle engine: validate, derive, diff, post (see engine.hpp).
#include "commonweal/lifecycle/engine.hpp"

#include "commonweal/core/id.hpp"
#include "commonweal/core/input_errors.hpp"
#include "commonweal/lifecycle/replay.hpp"
#include "commonweal/policy/rules/timebank_rules.hpp"

#include <algorithm>
#include <iterator>
#include <tuple>
#include <unordered_set>

#include <boost/container/small_vector.hpp>

namespace commonweal {
namespace {



// Postings merged by account, zeros dropped, sorted by account name.
std::vector<Posting> normalised(const std::vector<Posting>& postings) {
  std::vector<Posting> result;
  for (const Posting& posting : postings) {
    const auto same = std::find_if(result.begin(), result.end(),
                                   [&](const Posting& p) { return p.account == posting.account; });
    if (same == result.end()) {
      result.push_back(posting);
    } else {
      same->amount = same->amount + posting.amount;
    }
  }
  std::erase_if(result, [](const Posting& p) { return p.amount.value().is_zero(); });
  std::sort(result.begin(), result.end(), [](const Posting& a, const Posting& b) { return a.account < b.account; });
  return result;
}

std::vector<Posting> negated(const std::vector<Posting>& postings) {
  std::vector<Posting> result = postings;
  for (Posting& posting : result) posting.amount = -posting.amount;
  return result;
}

// desired - held, per account.
std::vector<Posting> difference(const std::vector<Posting>& desired, const std::vector<Posting>& held) {
  std::vector<Posting> both = desired;
  for (const Posting& posting : held) both.push_back({posting.account, -posting.amount});
  return normalised(both);
}

// What the journal holds for one derivation key: its entries, oldest first.
struct Held {
  std::string_view key;
  std::uint64_t hash = 0;
  boost::container::small_vector<const Entry*, 2> entries;  // most keys have one entry: no allocation
  bool desired = false;

  const Entry& latest() const { return *entries.back(); }
  // The net of all its entries, merged by account.
  std::vector<Posting> net() const {
    std::vector<Posting> all;
    for (const Entry* entry : entries) all.insert(all.end(), entry->postings.begin(), entry->postings.end());
    return normalised(all);
  }
  // The date and code it stands under now: those of the last entry that left something.
  const Entry& standing() const {
    for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry) {
      if (!(*entry)->reverses.empty()) continue;
      return **entry;
    }
    return *entries.front();
  }
};

std::uint64_t hash_key(std::string_view key) { return std::hash<std::string_view>{}(key); }

// R7's monthly limit crosses citizens: a spend the batch adds moves up the place of every later spend
// at that provider in that month, so their citizens are derived again. Empty when that adds nobody.
std::set<std::string> learning_neighbours(const ImportBatch& batch, const ProviderMonthCounter& spends,
                                          const std::set<std::string>& citizens) {
  std::set<std::string> widened;
  for (const Event& event : batch.events) {
    if (event.kind != EventKind::learning_spend) continue;
    const std::vector<std::string_view>* spenders = spends.citizens(event.counterparty, event.date);
    if (spenders == nullptr) continue;
    for (const std::string_view citizen : *spenders) {
      if (citizens.count(std::string(citizen)) != 0) continue;
      if (widened.empty()) widened = citizens;
      widened.emplace(citizen);
    }
  }
  return widened;
}

// When an old learning spend is refused, the new row to name: the batch's earliest learning spend at
// the same provider in the same month (it pushed the old one past the monthly limit), if there is one.
const Event* learning_limit_blame(const ImportBatch& batch, const Event* refused) {
  if (refused == nullptr || refused->kind != EventKind::learning_spend) return nullptr;
  const Event* blamed = nullptr;
  for (const Event& event : batch.events) {
    if (event.id == refused->id) return nullptr;  // the refused spend is new: name it
    if (event.kind != EventKind::learning_spend || event.counterparty != refused->counterparty) continue;
    if (ProviderMonthCounter::month_of(event.date) != ProviderMonthCounter::month_of(refused->date)) continue;
    if (blamed == nullptr || event.date < blamed->date) blamed = &event;
  }
  return blamed;
}

// When a named bank's event is refused, the input row to name: the refused event itself if new,
// else the batch's earliest event of that bank, else its first timebanks.csv or members.csv row.
Refusal blame_bank_refusal(const ImportBatch& batch, const std::string& bank, const Refusal& refusal) {
  const Event* blamed = nullptr;
  for (const Event& event : batch.events) {
    if (event.id == refusal.event_id()) return Refusal(event.id, event.source + ": " + refusal.what());
    if (is_bank_event(event.kind) && event.code == bank && (blamed == nullptr || event.date < blamed->date)) blamed = &event;
  }
  const std::string because = " would make an earlier event break a rule: " + std::string(refusal.what());
  if (blamed != nullptr) {
    return Refusal(blamed->id, blamed->source + ": importing event " + blamed->id + because);
  }
  for (const TimeBankRow& row : batch.timebanks) {
    if (row.bank == bank) return Refusal(refusal.event_id(), row.source + ": importing the terms of " + bank + because);
  }
  for (const MemberRow& row : batch.members) {
    if (row.bank == bank) {
      return Refusal(refusal.event_id(), row.source + ": importing the row of member " + row.member + because);
    }
  }
  return refusal;
}

}  // namespace

std::vector<std::string> Engine::citizen_ids() const {
  std::vector<std::string> ids;
  ids.reserve(state_.citizens.size());
  for (const auto& entry : state_.citizens) ids.push_back(entry.first);
  return ids;
}

std::vector<const Event*> Engine::surviving_events(const std::string& citizen_id) const {
  std::vector<const Event*> events;
  const auto found = state_.citizens.find(citizen_id);
  if (found == state_.citizens.end()) return events;
  for (const Event& event : found->second.events) {
    if (state_.corrected_by.count(event.id) == 0) events.push_back(&event);
  }
  return events;
}

std::vector<const Event*> Engine::surviving_bank_events(const std::string& bank) const {
  std::vector<const Event*> events;
  const auto found = state_.bank_events.find(bank);
  if (found == state_.bank_events.end()) return events;
  for (const Event& event : found->second) {
    if (state_.corrected_by.count(event.id) == 0) events.push_back(&event);
  }
  return events;
}

std::uint32_t Engine::find_event_position(std::string_view id) const {
  return state_.event_index.find(id, NameIndex::hash_of(id), [&](std::uint32_t position) -> std::string_view {
    return state_.event_refs[position].event().id;
  });
}

const Event* Engine::find_event(const std::string& id) const {
  const std::uint32_t position = find_event_position(id);
  return position == NameIndex::absent ? nullptr : &state_.event_refs[position].event();
}

Engine::Engine(const Engine& other)
    : scheme_(other.scheme_),
      journal_(other.journal_),
      clock_(other.clock_),
      clock_history_(other.clock_history_),
      last_import_at_(other.last_import_at_),
      state_(other.state_),
      entries_by_citizen_(other.entries_by_citizen_) {
  for (EventRef& ref : state_.event_refs) {  // this copy's records
    const Event& event = ref.event();
    ref.events = is_bank_event(event.kind) ? &state_.bank_events.at(event.code) : &state_.citizens.at(event.citizen).events;
  }
}

Engine& Engine::operator=(const Engine& other) {
  if (this != &other) *this = Engine(other);
  return *this;
}

// ------------------------------------------------------------------ restore

Engine Engine::restore(Scheme scheme, EngineRecord record) {
  Engine engine(std::move(scheme));
  State& state = engine.state_;
  for (EngineRecord::CitizenEntry& entry : record.citizens) {
    const std::string id = entry.citizen.id;
    if (!state.citizens.emplace(id, CitizenRecord{std::move(entry.citizen), {}, entry.death_recorded_at}).second) {
      throw Error(ErrorCode::invalid_input, "the ledger lists citizen " + id + " twice");
    }
  }
  for (const ProviderRow& row : record.providers) state.providers.add(row.provider, row.range);
  for (const TimeBankRow& row : record.timebanks) state.timebanks.add_bank(row.bank, row.terms);
  for (const MemberRow& row : record.members) state.timebanks.add_member(row.bank, row.member, row.terms);
  state.event_refs.reserve(record.events.size());
  state.event_index.reserve(record.events.size());
  for (Event& event : record.events) {
    const bool of_bank = is_bank_event(event.kind);
    if (of_bank && !state.timebanks.knows_bank(event.code)) {
      throw Error(ErrorCode::invalid_input, "the ledger's event " + event.id + " names unknown time bank " + event.code);
    }
    const auto citizen = of_bank ? state.citizens.end() : state.citizens.find(event.citizen);
    if (!of_bank && citizen == state.citizens.end()) {
      throw Error(ErrorCode::invalid_input, "the ledger's event " + event.id + " names unknown citizen " + event.citizen);
    }
    if (event.sequence < state.next_sequence) {
      throw Error(ErrorCode::invalid_input, "the ledger's event " + event.id + " is out of sequence");
    }
    const std::uint64_t hash = NameIndex::hash_of(event.id);
    if (engine.find_event_position(event.id) != NameIndex::absent) {
      throw Error(ErrorCode::invalid_input, "the ledger lists event " + event.id + " twice");
    }
    state.next_sequence = event.sequence + 1;
    if (!event.corrects.empty()) state.corrected_by.emplace(event.corrects, event.id);
    if (moves_time_between_citizens(event.kind)) {
      for (const std::string_view partner : counterparties(event)) {
        state.exchange_partners[event.citizen].emplace_back(partner);
        state.exchange_partners[std::string(partner)].push_back(event.citizen);
      }
    }
    std::vector<Event>& events = of_bank ? state.bank_events[event.code] : citizen->second.events;
    events.push_back(std::move(event));
    state.event_index.insert(hash, static_cast<std::uint32_t>(state.event_refs.size()));
    state.event_refs.push_back({&events, static_cast<std::uint32_t>(events.size() - 1)});
  }
  for (std::size_t i = 1; i < record.clock_history.size(); ++i) {
    if (record.clock_history[i].second < record.clock_history[i - 1].second) {
      throw Error(ErrorCode::invalid_input, "the ledger's clock goes back");
    }
  }
  if (!record.clock_history.empty()) engine.clock_ = record.clock_history.back().second;
  engine.clock_history_ = std::move(record.clock_history);
  engine.last_import_at_ = record.last_import_at;

  std::vector<Account> accounts;
  std::unordered_set<std::string_view> seen;
  for (const Entry& entry : record.entries) {
    for (const Posting& posting : entry.postings) {
      if (seen.insert(posting.account).second) accounts.push_back(Account(posting.account, posting.amount.unit()));
    }
  }
  engine.journal_.reserve(record.entries.size());
  engine.journal_.post_batch(std::move(record.entries), accounts);
  engine.index_entries_from(0);
  return engine;
}

EngineRecord Engine::record() const {
  EngineRecord record;
  for (const auto& [id, citizen] : state_.citizens) {
    record.citizens.push_back({citizen.citizen, citizen.death_recorded_at});
    record.events.insert(record.events.end(), citizen.events.begin(), citizen.events.end());
  }
  for (const auto& [bank, events] : state_.bank_events) record.events.insert(record.events.end(), events.begin(), events.end());
  std::sort(record.events.begin(), record.events.end(),
            [](const Event& a, const Event& b) { return a.sequence < b.sequence; });
  for (const auto& [provider, ranges] : state_.providers.all()) {
    for (const AccreditationRange& range : ranges) record.providers.push_back({provider, range, ""});
  }
  for (const auto& [bank, rows] : state_.timebanks.all()) {
    for (const TimeBankTerms& terms : rows.terms) record.timebanks.push_back({bank, terms, ""});
    for (const auto& [member, member_rows] : rows.members) {
      for (const MemberTerms& terms : member_rows) record.members.push_back({bank, member, terms, ""});
    }
  }
  record.clock_history = clock_history_;
  record.last_import_at = last_import_at_;
  record.entries.assign(journal_.entries().begin(), journal_.entries().end());
  return record;
}

// ------------------------------------------------------------------ import

// What an import changed in state_, in the order it did it: enough to take
// it all back without having copied the state first.
struct Engine::Undo {
  ProviderRegistry providers;                                      // as they were
  TimeBankRegistry timebanks;                                      // as they were
  std::vector<std::pair<std::string, std::size_t>> bank_grown;     // banks given events: how many they had
  std::uint64_t next_sequence = 0;                                 // as it was
  std::size_t event_count = 0;                                     // state_.event_refs.size() before
  std::vector<std::string> added_citizens;                         // erased again
  std::vector<std::pair<CitizenRecord*, CitizenRecord>> changed;  // citizen and death as they were (events aside)
  std::vector<std::pair<CitizenRecord*, std::size_t>> grown;       // known citizens given events: how many they had
  std::vector<std::string> corrections;                            // keys added to corrected_by
  std::vector<std::pair<std::string, std::size_t>> partners;       // exchange_partners lists: size before (npos: new)
};

ChangeSummary Engine::import(const ImportBatch& batch, Moment recorded_at) {
  Undo undo;
  undo.providers = state_.providers;
  undo.timebanks = state_.timebanks;
  undo.next_sequence = state_.next_sequence;
  undo.event_count = state_.event_refs.size();
  try {
    InputErrors errors;
    ChangeSummary summary;
    std::set<std::string> affected, affected_banks;
    import_events(batch, recorded_at, errors, summary, affected, affected_banks, undo);
    errors.throw_if_any();
    if (events_observer_) {
      std::vector<const Event*> new_events;
      new_events.reserve(state_.event_refs.size() - undo.event_count);
      for (std::size_t i = undo.event_count; i < state_.event_refs.size(); ++i) new_events.push_back(&state_.event_refs[i].event());
      events_observer_(new_events);
    }
    const ChangeSummary posted = derive_and_post(state_, affected, affected_banks, clock_, recorded_at, &batch);
    summary.entries_posted = posted.entries_posted;
    summary.adjustments = posted.adjustments;
    last_import_at_ = recorded_at;
    return summary;
  } catch (...) {
    take_back(undo);
    throw;
  }
}

void Engine::take_back(Undo& undo) {
  State& state = state_;
  for (std::size_t position = state.event_refs.size(); position-- > undo.event_count;) {
    state.event_index.erase(NameIndex::hash_of(state.event_refs[position].event().id), static_cast<std::uint32_t>(position));
  }
  state.event_refs.resize(undo.event_count);
  for (const auto& [record, count] : undo.grown) record->events.erase(record->events.begin() + static_cast<std::ptrdiff_t>(count), record->events.end());
  for (const auto& [bank, count] : undo.bank_grown) {
    if (count == 0) {
      state.bank_events.erase(bank);
    } else {
      state.bank_events[bank].resize(count);
    }
  }
  for (const std::string& corrected : undo.corrections) state.corrected_by.erase(corrected);
  for (auto entry = undo.partners.rbegin(); entry != undo.partners.rend(); ++entry) {
    if (entry->second == std::string::npos) {
      state.exchange_partners.erase(entry->first);
    } else {
      state.exchange_partners[entry->first].resize(entry->second);
    }
  }
  for (auto entry = undo.changed.rbegin(); entry != undo.changed.rend(); ++entry) {
    entry->first->citizen = std::move(entry->second.citizen);
    entry->first->death_recorded_at = entry->second.death_recorded_at;
  }
  for (const std::string& id : undo.added_citizens) state.citizens.erase(id);
  state.providers = std::move(undo.providers);
  state.timebanks = std::move(undo.timebanks);
  state.next_sequence = undo.next_sequence;
}

void Engine::import_timebank_rows(const ImportBatch& batch, InputErrors& errors, std::set<std::string>& affected_banks) {
  TimeBankRegistry& banks = state_.timebanks;
  for (const TimeBankRow& row : batch.timebanks) {
    try {
      if (banks.add_bank(row.bank, row.terms)) affected_banks.insert(row.bank);
    } catch (const Error& error) {
      errors.add(row.source, "from", error.what());
    }
  }
  for (const MemberRow& row : batch.members) {
    const auto known_kind = [&] { return banks.all().at(row.bank).members.at(row.member).front().kind; };
    std::string_view column = "from";  // the field an error is about
    if (!banks.knows_bank(row.bank)) {
      column = "bank";
    } else if (row.member == timebank_chest_id) {
      column = "member";
    } else if (banks.knows_member(row.bank, row.member) && known_kind() != row.terms.kind) {
      column = "kind";
    }
    try {
      if (banks.add_member(row.bank, row.member, row.terms)) affected_banks.insert(row.bank);
    } catch (const Error& error) {
      errors.add(row.source, column, error.what());
    }
  }
}

// The citizens a default-wallet exchange, donation or session moves hours with: each known, not
// the event's own citizen, none listed twice.
template <class IsCitizen, class Bad>
static void check_time_partners(const Event& incoming, IsCitizen is_citizen, Bad& bad) {
  std::set<std::string_view> seen;
  for (const std::string_view partner : counterparties(incoming)) {
    if (!is_citizen(partner)) {
      bad("counterparty", "unknown citizen " + std::string(partner));
    } else if (partner == incoming.citizen) {
      bad("counterparty", incoming.kind == EventKind::exchange        ? "a member cannot exchange hours with themselves"
                          : incoming.kind == EventKind::time_donation ? "a citizen cannot donate hours to themselves"
                                                                      : "the provider " + incoming.citizen +
                                                                            " cannot also receive");
    } else if (!seen.insert(partner).second) {
      bad("counterparty", "citizen " + std::string(partner) + " is listed twice");
    }
  }
}

bool Engine::check_bank_event(const Event& incoming, InputErrors& errors) const {
  const TimeBankRegistry& banks = state_.timebanks;
  const std::string& bank = incoming.code;
  bool ok = true;
  const auto bad = [&](std::string_view column, const std::string& reason) {
    errors.add(incoming.source, column, reason);
    ok = false;
  };
  if (incoming.amount.sign() < 0) bad("amount", "amounts are zero or positive; a refund or recovery is a correction");
  if (incoming.amount.scale() > 2) bad("amount", incoming.amount.to_string() + " has more than 2 decimals");
  if (!banks.knows_bank(bank)) {
    bad("code", "unknown time bank " + bank);
    return false;
  }
  if (banks.terms_at(bank, incoming.date) == nullptr) {
    bad("date", "time bank " + bank + " has no terms on " + format_date(incoming.date));
  }
  // Why the member cannot take part on the event's date, or empty.
  const auto member_problem = [&](std::string_view member) -> std::string {
    if (member.empty()) return "it is empty";
    if (const char* reason = identifier_problem(member)) return "'" + std::string(member) + "' is not valid: " + reason;
    if (member == timebank_chest_id) return "the chest takes part only in grants";
    if (!banks.knows_member(bank, member)) return "unknown member " + std::string(member) + " of time bank " + bank;
    if (banks.member_at(bank, member, incoming.date) == nullptr) {
      return "member " + std::string(member) + " of " + bank + " has not joined by " + format_date(incoming.date);
    }
    return "";
  };
  if (const std::string problem = member_problem(incoming.citizen); !problem.empty()) bad("citizen", problem);
  if (incoming.kind == EventKind::bank_grant) {
    if (!incoming.counterparty.empty()) bad("counterparty", "a grant comes from the bank's chest; leave it empty");
  } else if (incoming.kind == EventKind::bank_session) {
    std::set<std::string_view> seen;
    for (const std::string_view receiver : session_receivers(incoming.counterparty)) {
      if (const std::string problem = member_problem(receiver); !problem.empty()) {
        bad("counterparty", problem);
      } else if (receiver == incoming.citizen) {
        bad("counterparty", "the provider " + incoming.citizen + " cannot also receive");
      } else if (!seen.insert(receiver).second) {
        bad("counterparty", "member " + std::string(receiver) + " is listed twice");
      }
    }
  } else if (const std::string problem = member_problem(incoming.counterparty); !problem.empty()) {
    bad("counterparty", problem);
  } else if (incoming.counterparty == incoming.citizen) {
    bad("counterparty", "a member cannot give hours to themselves");
  }
  if (!incoming.corrects.empty()) {
    const std::uint32_t corrected = find_event_position(incoming.corrects);
    if (corrected == NameIndex::absent) {
      bad("corrects", "unknown event " + incoming.corrects);
    } else if (const Event& earlier = state_.event_refs[corrected].event();
               !is_bank_event(earlier.kind) || earlier.code != bank) {
      bad("corrects", "event " + incoming.corrects + " is not an event of time bank " + bank);
    } else if (const auto by = state_.corrected_by.find(incoming.corrects); by != state_.corrected_by.end()) {
      bad("corrects", "event " + incoming.corrects + " is already corrected by " + by->second);
    }
  }
  return ok;
}

Event& Engine::store_event(std::vector<Event>& events, const Event& incoming, std::uint64_t hash, Undo& undo) {
  State& state = state_;
  events.push_back(incoming);
  Event& stored = events.back();
  stored.sequence = state.next_sequence++;
  state.event_index.insert(hash, static_cast<std::uint32_t>(state.event_refs.size()));
  state.event_refs.push_back({&events, static_cast<std::uint32_t>(events.size() - 1)});
  if (!stored.corrects.empty()) {
    state.corrected_by.emplace(stored.corrects, stored.id);
    undo.corrections.push_back(stored.corrects);
  }
  return stored;
}

void Engine::import_events(const ImportBatch& batch, Moment recorded_at, InputErrors& errors, ChangeSummary& summary,
                           std::set<std::string>& affected, std::set<std::string>& affected_banks, Undo& undo) {
  State& state = state_;
  import_timebank_rows(batch, errors, affected_banks);
  for (const ProviderRow& row : batch.providers) {
    try {
      state.providers.add(row.provider, row.range);
    } catch (const Error& error) {
      errors.add(row.source, "accredited_from", error.what());
    }
  }

  std::vector<const CitizenRow*> deaths;
  for (const CitizenRow& row : batch.citizens) {
    const Citizen& incoming = row.citizen;
    auto found = state.citizens.find(incoming.id);
    if (found == state.citizens.end()) {
      state.citizens.emplace(incoming.id, CitizenRecord{incoming, {}, recorded_at});
      undo.added_citizens.push_back(incoming.id);
      ++summary.citizens_added;
      affected.insert(incoming.id);
      continue;
    }
    Citizen& known = found->second.citizen;
    if (known.birth_date != incoming.birth_date) {
      errors.add(row.source, "birth_date", "citizen " + incoming.id + " was born on " + format_date(known.birth_date) +
                                               "; a birth date never changes");
      continue;
    }
    if (incoming.death_date && known.death_date && *incoming.death_date != *known.death_date) {
      errors.add(row.source, "death_date", "citizen " + incoming.id + " already died on " + format_date(*known.death_date));
      continue;
    }
    const bool dies = incoming.death_date && !known.death_date;
    if (dies || (!incoming.region.empty() && incoming.region != known.region)) {
      undo.changed.emplace_back(&found->second, CitizenRecord{known, {}, found->second.death_recorded_at});
    }
    if (dies) {
      known.death_date = incoming.death_date;
      found->second.death_recorded_at = recorded_at;
      deaths.push_back(&row);
      affected.insert(incoming.id);
    }
    if (!incoming.region.empty()) known.region = incoming.region;
  }

  // Each citizen's room for their new events, made once (files often list a citizen's events together).
  {
    std::unordered_map<CitizenRecord*, std::size_t> counts;
    auto run = state.citizens.end();
    for (const Event& incoming : batch.events) {
      if (run == state.citizens.end() || run->first != incoming.citizen) run = state.citizens.find(incoming.citizen);
      if (run != state.citizens.end()) ++counts[&run->second];
    }
    std::unordered_set<const CitizenRecord*> added;
    for (const std::string& id : undo.added_citizens) added.insert(&state.citizens.at(id));
    for (const auto& [record, count] : counts) {
      if (added.count(record) == 0) undo.grown.emplace_back(record, record->events.size());
      record->events.reserve(record->events.size() + count);
    }
  }

  // Ids hashed first, so that the index slot of the event a few rows ahead can be fetched early.
  std::vector<std::uint64_t> hashes(batch.events.size());
  for (std::size_t i = 0; i < batch.events.size(); ++i) hashes[i] = NameIndex::hash_of(batch.events[i].id);
  state.event_index.reserve(state.event_refs.size() + batch.events.size());
  state.event_refs.reserve(state.event_refs.size() + batch.events.size());
  const auto event_id_of = [&](std::uint32_t position) -> std::string_view { return state.event_refs[position].event().id; };
  constexpr std::size_t ahead = 8;
  auto citizen = state.citizens.end();  // the previous row's citizen: files often list a citizen's events together
  for (std::size_t row = 0; row < batch.events.size(); ++row) {
    const Event& incoming = batch.events[row];
    if (row + ahead < batch.events.size()) state.event_index.prefetch(hashes[row + ahead]);
    if (const std::uint32_t existing = state.event_index.find(incoming.id, hashes[row], event_id_of);
        existing != NameIndex::absent) {
      const Event& same = state.event_refs[existing].event();
      if (!same.same_content(incoming)) {
        errors.add(incoming.source, "id", "event id " + incoming.id + " is already used by another event (" +
                                              same.source + ")");
      }
      continue;  // the same event again: a no-op
    }
    if (is_bank_event(incoming.kind)) {
      if (!check_bank_event(incoming, errors)) continue;
      const auto [list, inserted] = state.bank_events.try_emplace(incoming.code);
      const bool recorded = std::any_of(undo.bank_grown.begin(), undo.bank_grown.end(),
                                        [&](const auto& grown) { return grown.first == incoming.code; });
      if (!recorded) undo.bank_grown.emplace_back(incoming.code, inserted ? 0 : list->second.size());
      affected_banks.insert(incoming.code);
      store_event(list->second, incoming, hashes[row], undo);
      ++summary.events_added;
      continue;
    }
    const bool same_citizen = citizen != state.citizens.end() && citizen->first == incoming.citizen;
    if (!same_citizen) citizen = state.citizens.find(incoming.citizen);
    if (citizen == state.citizens.end()) {
      errors.add(incoming.source, "citizen", "unknown citizen " + incoming.citizen);
      continue;
    }
    const Citizen& person = citizen->second.citizen;
    bool ok = true;
    const auto bad = [&](std::string_view column, const std::string& reason) {
      errors.add(incoming.source, column, reason);
      ok = false;
    };
    if (incoming.date < person.birth_date) {
      bad("date", "the event is dated before citizen " + person.id + "'s birth on " + format_date(person.birth_date));
    }
    if (person.death_date && *person.death_date < incoming.date) {
      bad("date", "the event is dated after citizen " + person.id + "'s death on " + format_date(*person.death_date));
    }
    if (incoming.amount.sign() < 0) bad("amount", "amounts are zero or positive; a refund or recovery is a correction");
    if (incoming.amount.scale() > 2) bad("amount", incoming.amount.to_string() + " has more than 2 decimals");
    const bool needs_counterparty = moves_time_between_citizens(incoming.kind) ||
                                    incoming.kind == EventKind::budget_spend || incoming.kind == EventKind::learning_spend;
    if (needs_counterparty && incoming.counterparty.empty()) {
      bad("counterparty", std::string(to_string(incoming.kind)) + " needs a counterparty");
    }
    if (moves_time_between_citizens(incoming.kind) && !incoming.counterparty.empty()) {
      check_time_partners(incoming, [&](std::string_view id) { return state.citizens.count(std::string(id)) != 0; }, bad);
    }
    if (!incoming.corrects.empty()) {
      const std::uint32_t corrected = find_event_position(incoming.corrects);
      if (corrected == NameIndex::absent) {
        bad("corrects", "unknown event " + incoming.corrects);
      } else if (is_bank_event(state.event_refs[corrected].event().kind)) {
        bad("corrects", "event " + incoming.corrects + " belongs to time bank " + state.event_refs[corrected].event().code);
      } else if (const auto by = state.corrected_by.find(incoming.corrects); by != state.corrected_by.end()) {
        bad("corrects", "event " + incoming.corrects + " is already corrected by " + by->second);
      } else if (ok) {
        affected.insert(state.event_refs[corrected].event().citizen);
      }
    }
    if (!ok) continue;
    const Event& stored = store_event(citizen->second.events, incoming, hashes[row], undo);
    if (!same_citizen) affected.insert(stored.citizen);
    if (moves_time_between_citizens(stored.kind)) {
      for (const std::string_view partner_view : counterparties(stored)) {
        const std::string partner(partner_view);
        affected.insert(partner);
        for (const auto& [from, to] : {std::pair{&stored.citizen, &partner}, std::pair{&partner, &stored.citizen}}) {
          auto [partners, inserted] = state.exchange_partners.try_emplace(*from);
          undo.partners.emplace_back(*from, inserted ? std::string::npos : partners->second.size());
          partners->second.push_back(*to);
        }
      }
    }
    ++summary.events_added;
  }

  for (const CitizenRow* row : deaths) {
    const Date death = *row->citizen.death_date;
    for (const Event& event : state.citizens.at(row->citizen.id).events) {
      if (state.corrected_by.count(event.id) == 0 && death < event.date) {
        errors.add(row->source, "death_date", "event " + event.id + " (" + event.source + ") is dated after it, on " +
                                                  format_date(event.date));
      }
    }
  }
}

// ------------------------------------------------------------------ advance and restate

ChangeSummary Engine::advance(const Date& to, Moment recorded_at) {
  if (clock_ && to < *clock_) {
    throw Error(ErrorCode::invalid_argument,
                "the clock only moves forward: it is at " + format_date(*clock_) + ", not before " + format_date(to));
  }
  // Only citizens with a scheduled operation newly due (on or before `to`, not before the clock) can
  // derive anything new: their events have not changed since the journal was last made to agree
  // with them, so the others are left alone (with their exchange partners, derive_and_post adds them).
  const ParameterSet& parameters = scheme_.parameters();
  std::set<std::string> changed;
  std::vector<ScheduledOperation> before, after;
  for (const auto& [id, record] : state_.citizens) {
    CitizenState citizen_state;
    citizen_state.citizen = &record.citizen;
    citizen_state.settlement_date = rules::state_pension_age_date(record.citizen, parameters);
    for (const auto& rule : scheme_.scheduled_rules()) {
      before.clear();
      after.clear();
      if (clock_) rule->schedule(citizen_state, parameters, *clock_, before);
      rule->schedule(citizen_state, parameters, to, after);
      const auto same = [](const ScheduledOperation& a, const ScheduledOperation& b) {
        return a.date == b.date && a.phase == b.phase && a.rule == b.rule;
      };
      if (!std::equal(before.begin(), before.end(), after.begin(), after.end(), same)) {
        changed.insert(id);
        break;
      }
    }
  }
  const ChangeSummary summary = derive_and_post(state_, changed, {}, to, recorded_at, nullptr);
  clock_ = to;
  clock_history_.emplace_back(recorded_at, to);
  return summary;
}

ChangeSummary Engine::restate(Scheme scheme, Moment recorded_at) {
  std::swap(scheme_, scheme);
  try {
    std::set<std::string> everyone, banks;
    for (const auto& entry : state_.citizens) everyone.insert(entry.first);
    for (const auto& entry : state_.bank_events) banks.insert(entry.first);  // so that verify's restatement checks them too
    return derive_and_post(state_, everyone, banks, clock_, recorded_at, nullptr);
  } catch (...) {
    std::swap(scheme_, scheme);
    throw;
  }
}

// ------------------------------------------------------------------ derive

struct Engine::Scratch {
  LifeReplay replay;
  // diff: what the journal holds for the group, and an open-addressing table of it by key (index + 1; 0 is empty)
  std::vector<Held> held;
  std::vector<std::uint32_t> slots;
  std::size_t mask = 0;
  const ProviderMonthCounter* learning_spends = nullptr;  // R7's monthly limit across citizens, if the scheme has one
  std::vector<std::string_view> owners;                    // diff: whose entries the derivation stands for
};

void Engine::derive_bank(const State& state, const std::string& bank, Derivation& out) const {
  out.clear();
  const auto found = state.bank_events.find(bank);
  if (found == state.bank_events.end()) return;
  std::vector<const Event*> events;
  events.reserve(found->second.size());
  for (const Event& event : found->second) {
    if (state.corrected_by.count(event.id) == 0) events.push_back(&event);
  }
  std::sort(events.begin(), events.end(), [](const Event* a, const Event* b) {
    return std::tie(a->date, a->sequence) < std::tie(b->date, b->sequence);
  });
  ReplayStates nobody;  // a bank's events touch no citizen's state
  RuleContext context(scheme_.parameters(), state.providers, nobody, out, nullptr);
  rules::TimeBankReplay replay(state.timebanks);
  for (const Event* event : events) replay.apply(*event, context);
}

bool Engine::count_learning_spends(const State& state, ProviderMonthCounter& out) const {
  if (scheme_.parameters().find("learning_max_spends_per_provider_per_month") == nullptr) return false;
  std::vector<const Event*> spends;
  for (const EventRef& ref : state.event_refs) {
    const Event& event = ref.event();
    if (event.kind != EventKind::learning_spend || event.amount.is_zero()) continue;
    if (!state.corrected_by.empty() && state.corrected_by.count(event.id) != 0) continue;
    spends.push_back(&event);
  }
  std::sort(spends.begin(), spends.end(), [](const Event* a, const Event* b) {
    return std::tie(a->date, a->sequence) < std::tie(b->date, b->sequence);
  });
  for (const Event* event : spends) out.add(event->counterparty, event->date, event->id, event->citizen);
  return true;
}

std::vector<Explanation> Engine::explain(const std::string& citizen_id) const {
  if (state_.citizens.count(citizen_id) == 0) throw Error(ErrorCode::not_found, "unknown citizen " + citizen_id);
  std::vector<Explanation> explanations;
  ParameterLookup lookup(scheme_.parameters());
  Scratch scratch;
  ProviderMonthCounter learning_spends;
  if (count_learning_spends(state_, learning_spends)) scratch.learning_spends = &learning_spends;
  Derivation derived;
  derive(state_, exchange_groups(state_, {citizen_id}).front(), clock_, &explanations, lookup, scratch, derived);
  const std::string prefix = citizen_id + "/";
  std::erase_if(explanations, [&](const Explanation& e) { return e.key.rfind(prefix, 0) != 0; });
  return explanations;
}

// The citizens, with everyone they exchange hours with (and so on), split
// into groups that exchange only among themselves; most groups are one citizen.
std::vector<Engine::Group> Engine::exchange_groups(const State& state, const std::set<std::string>& citizens) {
  std::vector<Group> groups;
  groups.reserve(citizens.size());
  std::unordered_set<std::string_view> placed;  // only citizens with exchange partners go in here
  for (const std::string& first : citizens) {
    const auto partners = state.exchange_partners.find(first);
    if (partners == state.exchange_partners.end()) {  // exchanges with nobody: a group of one
      groups.push_back({state.citizens.find(first)});
      continue;
    }
    if (placed.count(first) != 0) continue;
    std::set<std::string_view> members;
    std::vector<std::string_view> queue{first};
    placed.insert(first);
    while (!queue.empty()) {
      const std::string_view id = queue.back();
      queue.pop_back();
      members.insert(id);
      const auto found = state.exchange_partners.find(std::string(id));
      if (found == state.exchange_partners.end()) continue;
      for (const std::string& partner : found->second) {
        if (placed.insert(partner).second) queue.push_back(partner);
      }
    }
    Group& group = groups.emplace_back();
    group.reserve(members.size());
    for (const std::string_view id : members) group.push_back(state.citizens.find(std::string(id)));
  }
  return groups;
}

void Engine::derive(const State& state, const Group& group, const std::optional<Date>& clock,
                    std::vector<Explanation>* explanations, ParameterLookup& lookup, Scratch& scratch,
                    Derivation& out) const {
  LifeReplay& replay = scratch.replay;
  replay.reset(group.size());
  for (const CitizenMap::const_iterator& member : group) {
    const CitizenRecord& record = member->second;
    replay.add_citizen(scheme_, member->first, record.citizen, clock);
    for (const Event& event : record.events) {
      if (!state.corrected_by.empty() && state.corrected_by.count(event.id) != 0) continue;
      replay.add_event(event);
    }
  }
  out.clear();
  RuleContext context(scheme_.parameters(), state.providers, replay.states(), out, explanations, &lookup);
  context.set_learning_spends(scratch.learning_spends);
  replay.run(scheme_, context);
}

// ------------------------------------------------------------------ diff and post

namespace {

Entry new_entry(const Derivation& derived, const DerivedEntry& wanted, Moment recorded_at) {
  Entry entry{std::string(derived.view(wanted.key)), wanted.date, recorded_at, std::string(derived.view(wanted.code)),
              std::string(derived.view(wanted.memo)), {}, {}};
  entry.postings.reserve(wanted.posting_count);
  for (const DerivedPosting& posting : derived.postings_of(wanted)) {
    entry.postings.push_back({AccountName(derived.view(posting.account)), posting.amount});
  }
  return entry;
}

bool same_postings(const Derivation& derived, const DerivedEntry& wanted, const std::vector<Posting>& held) {
  if (held.size() != wanted.posting_count) return false;
  const std::span<const DerivedPosting> postings = derived.postings_of(wanted);
  for (std::size_t i = 0; i < held.size(); ++i) {
    if (!(held[i].amount == postings[i].amount) || held[i].account != derived.view(postings[i].account)) return false;
  }
  return true;
}

}  // namespace

void Engine::diff(std::span<const std::string_view> owners, const Derivation& desired, Moment recorded_at,
                  ChangeSummary& summary, Scratch& scratch, std::vector<Entry>& out) const {
  // What the journal holds for these owners, key by key (nothing for new citizens).
  std::vector<Held>& held = scratch.held;
  held.clear();
  const auto journal_entries = journal_.entries();
  std::size_t held_count = 0;
  for (const std::string_view owner : owners) {
    const auto positions = entries_by_citizen_.find(std::string(owner));
    if (positions != entries_by_citizen_.end()) held_count += positions->second.size();
  }
  if (held_count == 0) {  // a first derivation: everything is new
    for (const DerivedEntry& wanted : desired.entries) out.push_back(new_entry(desired, wanted, recorded_at));
    return;
  }
  std::size_t capacity = 16;
  while (capacity < held_count * 2) capacity *= 2;
  scratch.slots.assign(capacity, 0);
  scratch.mask = capacity - 1;
  // The held key equal to key, or nullptr; with insert, a new one if there is none.
  const auto find = [&](std::string_view key, std::uint64_t hash, bool insert) -> Held* {
    for (std::size_t i = hash & scratch.mask;; i = (i + 1) & scratch.mask) {
      const std::uint32_t slot = scratch.slots[i];
      if (slot == 0) {
        if (!insert) return nullptr;
        held.push_back(Held{key, hash, {}, false});
        scratch.slots[i] = static_cast<std::uint32_t>(held.size());
        return &held.back();
      }
      Held& candidate = held[slot - 1];
      if (candidate.hash == hash && candidate.key == key) return &candidate;
    }
  };
  held.reserve(held_count);  // no reallocation while find() hands out pointers
  for (const std::string_view owner : owners) {
    const auto positions = entries_by_citizen_.find(std::string(owner));
    if (positions == entries_by_citizen_.end()) continue;
    for (const std::uint32_t position : positions->second) {
      const Entry& entry = journal_entries[position];
      const std::string_view key = std::string_view(entry.id).substr(0, entry.id.find('~'));
      find(key, hash_key(key), true)->entries.push_back(&entry);
    }
  }

  const auto next_id = [](std::string_view key, std::size_t versions) {
    return std::string(key) + "~" + std::to_string(versions + 1);
  };
  for (const DerivedEntry& derived : desired.entries) {
    const std::string_view key = desired.view(derived.key);
    Held* const found = find(key, hash_key(key), false);
    if (found == nullptr) {  // new: post as derived
      out.push_back(new_entry(desired, derived, recorded_at));
      continue;
    }
    Held& was = *found;
    was.desired = true;
    const Entry& only = was.latest();
    const std::string_view code = desired.view(derived.code);
    if (was.entries.size() == 1 && only.effective_date == derived.date && only.code == code &&
        same_postings(desired, derived, only.postings)) {
      continue;  // unchanged, the common case
    }
    const Entry wanted = new_entry(desired, derived, recorded_at);
    const std::vector<Posting> postings = normalised(wanted.postings);
    const std::vector<Posting> net = was.net();
    std::size_t versions = was.entries.size();
    // A new date or a new code (a benefit charged before settlement is a memo after it): reverse what is
    // held under its own date and code, then post the new entry, so statements group every posting rightly.
    const Entry& standing = was.standing();
    const bool moved = standing.effective_date != wanted.effective_date || standing.code != wanted.code;
    if (moved && !net.empty()) {
      out.push_back(Entry{next_id(key, versions++), standing.effective_date, recorded_at, standing.code,
                          "restated as " + wanted.code + " on " + format_date(wanted.effective_date), negated(net), ""});
      ++summary.adjustments;
      if (!postings.empty()) {
        out.push_back(Entry{next_id(key, versions++), wanted.effective_date, recorded_at, wanted.code, wanted.memo,
                            postings, ""});
      }
      continue;
    }
    const std::vector<Posting> change = difference(postings, net);
    if (change.empty()) continue;
    out.push_back(Entry{next_id(key, versions), wanted.effective_date, recorded_at, wanted.code, "adjustment", change, ""});
    ++summary.adjustments;
  }
  for (const Held& was : held) {  // in the order the journal first held them
    if (was.desired) continue;
    const std::vector<Posting> net = was.net();
    if (net.empty()) continue;
    const bool plain_reversal = was.entries.size() == 1;
    const Entry& standing = was.standing();
    out.push_back(Entry{next_id(was.key, was.entries.size()), standing.effective_date, recorded_at, standing.code,
                        plain_reversal ? "reversal" : "adjustment", negated(net),
                        plain_reversal ? std::string(was.key) : std::string()});
    ++summary.adjustments;
  }
}

ChangeSummary Engine::derive_and_post(const State& state, const std::set<std::string>& citizens,
                                      const std::set<std::string>& banks, const std::optional<Date>& clock,
                                      Moment recorded_at, const ImportBatch* batch) {
  // Each group is derived and diffed on its own: a small working set that
  // stays in the cache. What it needs posted goes to the journal a few
  // thousand entries at a time, as parts of one batch that stands only if
  // every group succeeds.
  ChangeSummary summary;
  // An import without learning spends moves no spend's place in its month: the count is skipped.
  ProviderMonthCounter learning_spends;
  const bool spends_move = batch == nullptr || std::any_of(batch->events.begin(), batch->events.end(), [](const Event& e) {
                             return e.kind == EventKind::learning_spend;
                           });
  const bool limits_learning = spends_move && count_learning_spends(state, learning_spends);
  std::set<std::string> widened;
  if (limits_learning && batch != nullptr) widened = learning_neighbours(*batch, learning_spends, citizens);
  const std::vector<Group> groups = exchange_groups(state, widened.empty() ? citizens : widened);
  const std::size_t first_position = journal_.entry_count();
  // Room for what citizens new to the journal will need (about two entries an event), reserved
  // once: grown part by part, the entry store would be moved again and again.
  std::size_t new_events = 0;
  for (const Group& group : groups) {
    for (const CitizenMap::const_iterator& member : group) {
      if (entries_by_citizen_.count(member->first) == 0) new_events += member->second.events.size();
    }
  }
  journal_.reserve(first_position + 2 * new_events);
  Journal::Batch posting(journal_);
  constexpr std::size_t part_size = 4096;
  std::vector<Entry> entries;
  entries.reserve(2 * part_size);
  std::size_t handed_over = 0;
  const auto post_part = [&] {
    const std::size_t before_part = journal_.entry_count();
    summary.entries_posted += posting.post(entries, {}, /*open_missing=*/true);
    if (posting_observer_ && journal_.entry_count() > before_part) posting_observer_(before_part, journal_.entry_count());
    handed_over += entries.size();
    entries.clear();
  };
  // Whose each entry handed over is, as runs (citizen, count), for entries_by_citizen_ once the batch stands.
  std::vector<std::pair<const std::string*, std::uint32_t>> owners;
  bool owners_known = true;
  ParameterLookup lookup(scheme_.parameters());
  Scratch scratch;
  if (limits_learning) scratch.learning_spends = &learning_spends;
  Derivation desired;
  for (const Group& group : groups) {
    try {
      derive(state, group, clock, nullptr, lookup, scratch, desired);
    } catch (const Refusal& refusal) {
      if (batch == nullptr) throw;
      // Name the input row: the refused event itself if new, else the group's earliest new event.
      const auto in_group = [&](const std::string& id) {
        return std::any_of(group.begin(), group.end(), [&](const CitizenMap::const_iterator& m) { return m->first == id; });
      };
      const Event* const spend_blamed = learning_limit_blame(*batch, find_event(refusal.event_id()));
      const Event* blamed = nullptr;
      for (const Event& event : batch->events) {
        if (spend_blamed != nullptr) break;
        if (event.id == refusal.event_id()) {
          blamed = &event;
          break;
        }
        if ((in_group(event.citizen) || in_group(event.counterparty)) && (blamed == nullptr || event.date < blamed->date)) {
          blamed = &event;
        }
      }
      if (spend_blamed != nullptr) blamed = spend_blamed;
      if (blamed == nullptr) throw;
      const std::string message = blamed->id == refusal.event_id()
                                      ? refusal.what()
                                      : std::string("importing event ") + blamed->id +
                                            " would make an earlier event break a rule: " + refusal.what();
      throw Refusal(blamed->id, blamed->source + ": " + message);
    }
    const std::size_t before = entries.size();
    scratch.owners.clear();
    for (const CitizenMap::const_iterator& member : group) scratch.owners.push_back(member->first);
    diff(scratch.owners, desired, recorded_at, summary, scratch, entries);
    for (std::size_t i = before; owners_known && i < entries.size(); ++i) {
      const std::string_view citizen = std::string_view(entries[i].id).substr(0, entries[i].id.find('/'));
      if (owners.empty() || *owners.back().first != citizen) {
        const auto member = std::find_if(group.begin(), group.end(),
                                         [&](const CitizenMap::const_iterator& m) { return m->first == citizen; });
        if (member == group.end()) {  // a key that does not start with its citizen: leave it to index_entries_from
          owners_known = false;
          break;
        }
        owners.emplace_back(&(*member)->first, 0);
      }
      ++owners.back().second;
    }
    if (entries.size() >= part_size) post_part();
  }
  for (const std::string& bank : banks) {
    try {
      derive_bank(state, bank, desired);
    } catch (const Refusal& refusal) {
      if (batch == nullptr) throw;
      throw blame_bank_refusal(*batch, bank, refusal);
    }
    const std::string owner = rules::timebank_owner(bank);
    const std::string_view owner_view = owner;
    diff(std::span<const std::string_view>(&owner_view, 1), desired, recorded_at, summary, scratch, entries);
    owners_known = false;  // a bank's entries are indexed by index_entries_from
    if (entries.size() >= part_size) post_part();
  }
  post_part();
  posting.commit();
  if (owners_known && journal_.entry_count() - first_position == handed_over) {  // each entry handed over was appended
    auto position = static_cast<std::uint32_t>(first_position);
    for (const auto& [citizen, count] : owners) {
      std::vector<std::uint32_t>& positions = entries_by_citizen_[*citizen];
      for (std::uint32_t i = 0; i < count; ++i) positions.push_back(position++);
    }
  } else {  // some were already there (the same id and content): read the journal itself
    index_entries_from(first_position);
  }
  return summary;
}

void Engine::index_entries_from(std::size_t first_position) {
  const auto journal_entries = journal_.entries();
  std::vector<std::uint32_t>* citizen_positions = nullptr;
  std::string_view previous_citizen;
  for (std::size_t position = first_position; position < journal_entries.size(); ++position) {
    const std::string& id = journal_entries[position].id;
    const std::string_view citizen = std::string_view(id).substr(0, id.find('/'));
    if (citizen_positions == nullptr || citizen != previous_citizen) {
      citizen_positions = &entries_by_citizen_[std::string(citizen)];
      previous_citizen = citizen;
    }
    citizen_positions->push_back(static_cast<std::uint32_t>(position));
  }
}

}  // namespace commonweal
