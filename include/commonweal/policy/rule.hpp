// What a rule is: the interface between the lifecycle engine and R1-R9.
//
// A rule reads one event (EventRule) or one scheduled moment (ScheduledRule)
// and the citizen's running state, and emits the entries it *should*
// produce, each under a stable key. The engine replays a citizen's life
// through the rules in date order, then compares those entries with the
// journal (derive, diff, post): a first import, a late event, a correction,
// an advance of the clock and a change of scheme are the same operation.
//
// Guarantees for every rule
// - Deterministic: the same events, parameters and clock give the same
//   entries, keys and amounts.
// - Each rounding happens in RuleContext::multiply() or divide(), which name the mode and
//   records it for explanations; an amount that rounds to zero posts nothing.
// - A refusal (a limit, an unaccredited provider) throws
//   Error(ErrorCode::refused) naming the event; the engine then changes nothing.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "commonweal/budgets/provider_month_counter.hpp"
#include "commonweal/budgets/provider_registry.hpp"
#include "commonweal/ledger/entry.hpp"
#include "commonweal/lifecycle/event.hpp"
#include "commonweal/policy/accounts.hpp"
#include "commonweal/policy/parameter_set.hpp"

namespace commonweal {

// A citizen's running balances while their life is replayed.
struct CitizenState {
  const Citizen* citizen = nullptr;
  Decimal social, care, time, budget_council, budget_own, learning;
  bool settled = false;
  std::optional<Date> settlement_date;  // the state pension age birthday, when the scheme gives an age
  Decimal weekly_supplement;
};

// Text a rule writes into a derivation: up to five pieces, none owned (views
// of the event, the citizen, literals). Emitting copies the pieces into the
// derivation's one text buffer, so a derived entry allocates nothing.
class Text {
 public:
  Text(std::string_view text) : parts_{text}, count_(1) {}  // NOLINT: implicit on purpose
  Text(const std::string& text) : Text(std::string_view(text)) {}
  Text(const char* text) : Text(std::string_view(text)) {}
  Text(std::initializer_list<std::string_view> parts) : count_(parts.size()) {
    if (count_ > max_parts) throw Error(ErrorCode::invalid_argument, "a rule's text has more than five pieces");
    std::copy_n(parts.begin(), count_, parts_.begin());
  }
  Text(const accounts::NameParts& name) : parts_{name.first, name.second, name.third, name.fourth}, count_(4) {}
  // Two to five pieces, each kept in place (no staging array to copy, unlike the initializer list).
  template <class... Pieces>
    requires(sizeof...(Pieces) >= 2 && sizeof...(Pieces) <= 5 && (std::is_convertible_v<const Pieces&, std::string_view> && ...))
  Text(const Pieces&... pieces) : parts_{std::string_view(pieces)...}, count_(sizeof...(Pieces)) {}

  // The pieces as given (a sink can read an account's pieces without writing the name out).
  std::size_t part_count() const { return count_; }
  std::string_view part(std::size_t index) const { return parts_[index]; }

  std::size_t size() const {
    std::size_t total = 0;
    for (std::size_t i = 0; i < count_; ++i) total += parts_[i].size();
    return total;
  }
  void append_to(std::string& out) const {
    for (std::size_t i = 0; i < count_; ++i) out.append(parts_[i]);
  }
  // Writes the text at `out`, which has room for size() characters.
  void copy_to(char* out) const {
    for (std::size_t i = 0; i < count_; ++i) out = std::copy(parts_[i].begin(), parts_[i].end(), out);
  }
  std::string str() const {
    std::string text;
    text.reserve(size());
    append_to(text);
    return text;
  }

 private:
  static constexpr std::size_t max_parts = 5;
  std::array<std::string_view, max_parts> parts_{};
  std::size_t count_ = 0;
};

// A stretch of Derivation::text.
struct TextRef {
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
};

struct DerivedPosting {
  TextRef account;
  Amount amount;
};

struct DerivedEntry {
  TextRef key;   // stable across re-derivations: "C1/E1/R1", "C1/R8/2024-25"; the citizen comes first
  Date date;
  TextRef code;  // what the statement groups by: "R1:income_tax", "R8"
  TextRef memo;
  std::uint32_t first_posting = 0;  // in Derivation::postings
  std::uint32_t posting_count = 0;
};

// What a derivation emits, in order: entries whose texts share one buffer
// and whose postings share one vector (nothing is allocated per entry).
struct Derivation {
  std::string text;
  std::vector<DerivedEntry> entries;
  std::vector<DerivedPosting> postings;

  std::string_view view(TextRef ref) const { return std::string_view(text).substr(ref.offset, ref.size); }
  std::span<const DerivedPosting> postings_of(const DerivedEntry& entry) const {
    return std::span<const DerivedPosting>(postings).subspan(entry.first_posting, entry.posting_count);
  }
  TextRef write(const Text& piece) {
    const std::size_t offset = text.size();
    const std::size_t size = piece.size();
    if (offset + size > UINT32_MAX) throw Error(ErrorCode::overflow, "a derivation's text passed 4 GiB");
    text.resize(offset + size);  // one size check and a copy per piece, instead of an append per piece
    piece.copy_to(text.data() + offset);
    return {static_cast<std::uint32_t>(offset), static_cast<std::uint32_t>(size)};
  }
  void clear() {
    text.clear();
    entries.clear();
    postings.clear();
  }
};

// Why an entry has the amounts it has: the rule, inputs, parameters and roundings.
struct Explanation {
  std::string key;
  std::string rule;
  std::vector<std::string> inputs;      // "event E1: tax income_tax 1234.55 on 2024-05-31"
  std::vector<std::string> parameters;  // "contribution_share.income_tax = 0.10 (from 2010-04-06)"
  std::vector<std::string> roundings;   // "0.10 x 1234.55 = 123.455, rounded half_even to 0.01: 123.46"
};

// Looks up another citizen's state (exchanges move hours between two citizens).
class CitizenStates {
 public:
  virtual ~CitizenStates() = default;
  virtual CitizenState* find(std::string_view citizen_id) = 0;
};

// Parameters by name, remembered: rules look the same few names up for
// every event ("contribution_share." + the tax code), so each name is found
// in the set once and then by one hash of its pieces, without writing the
// name out. A name given in other pieces than before ("a.b" as "a." + "b")
// is looked up in the set again: still right, only slower.
class ParameterLookup {
 public:
  explicit ParameterLookup(const ParameterSet& parameters) : parameters_(parameters) {}
  const ParameterSet& parameters() const { return parameters_; }

  const Parameter* find(const Text& name) {
    const std::uint64_t hash = hash_of(name);
    if (!slots_.empty()) {
      for (std::size_t i = hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
        const std::uint32_t slot = slots_[i];
        if (slot == 0) break;
        const Known& known = known_[slot - 1];
        if (known.hash == hash && same_text(name, known.name)) {
          last_ = slot - 1;
          return known.parameter;
        }
      }
    }
    std::string text = name.str();
    const Parameter* parameter = parameters_.find(text);
    known_.push_back({hash, std::move(text), parameter});
    last_ = known_.size() - 1;
    if (known_.size() * 2 > slots_.size()) rehash(std::max<std::size_t>(64, slots_.size() * 2));
    else place(hash, static_cast<std::uint32_t>(known_.size()));
    return parameter;
  }
  // The name last found, as text (for explanations).
  const std::string& last_name() const { return known_.at(last_).name; }

 private:
  struct Known {
    std::uint64_t hash;
    std::string name;
    const Parameter* parameter;
  };
  // The 8 bytes at p (any alignment).
  static std::uint64_t word_at(const char* p) {
    std::uint64_t word;
    std::memcpy(&word, p, sizeof word);
    return word;
  }
  // The last up to 8 bytes of p[0, n) as a number (for n >= 8 the last 8, overlapping the words
  // before; shorter pieces by two overlapping 4-byte or 1-byte reads): no byte loop.
  static std::uint64_t tail_of(const char* p, std::size_t n) {
    if (n >= 8) return word_at(p + n - 8);
    if (n >= 4) {
      std::uint32_t first, last;
      std::memcpy(&first, p, 4);
      std::memcpy(&last, p + n - 4, 4);
      return (static_cast<std::uint64_t>(first) << 32) | last;
    }
    if (n == 0) return 0;
    return (static_cast<std::uint64_t>(static_cast<unsigned char>(p[0])) << 16) |
           (static_cast<std::uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8) | static_cast<unsigned char>(p[n - 1]);
  }
  // A piece's hash, inline, 8 bytes at a time (names are a few dozen bytes: no library call).
  static std::uint64_t hash_of(std::string_view piece) {
    std::uint64_t hash = piece.size() * 0xBF58476D1CE4E5B9ULL;
    const char* p = piece.data();
    std::size_t n = piece.size();
    for (; n > 8; n -= 8, p += 8) hash = (hash ^ word_at(p)) * 0x94D049BB133111EBULL, hash ^= hash >> 31;
    hash = (hash ^ tail_of(p, n)) * 0x94D049BB133111EBULL;
    return hash ^ (hash >> 31);
  }
  static std::uint64_t hash_of(const Text& name) {
    std::uint64_t hash = name.part_count();
    for (std::size_t i = 0; i < name.part_count(); ++i) {
      hash = (hash ^ hash_of(name.part(i))) * 0x9E3779B97F4A7C15ULL;
    }
    return hash ^ (hash >> 29);
  }
  static bool same_bytes(const char* a, const char* b, std::size_t n) {
    for (; n > 8; n -= 8, a += 8, b += 8) {
      if (word_at(a) != word_at(b)) return false;
    }
    if (n >= 4) return tail_of(a, n) == tail_of(b, n);  // the rest, read overlapping
    for (; n > 0; --n) {
      if (*a++ != *b++) return false;
    }
    return true;
  }
  static bool same_text(const Text& name, std::string_view text) {
    if (name.size() != text.size()) return false;
    for (std::size_t i = 0; i < name.part_count(); ++i) {
      const std::string_view piece = name.part(i);
      if (!same_bytes(piece.data(), text.data(), piece.size())) return false;
      text.remove_prefix(piece.size());
    }
    return true;
  }
  void place(std::uint64_t hash, std::uint32_t slot) {
    std::size_t i = hash & (slots_.size() - 1);
    while (slots_[i] != 0) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = slot;
  }
  void rehash(std::size_t size) {
    slots_.assign(size, 0);
    for (std::size_t k = 0; k < known_.size(); ++k) place(known_[k].hash, static_cast<std::uint32_t>(k + 1));
  }

  const ParameterSet& parameters_;
  std::vector<Known> known_;          // every name looked up, in order
  std::vector<std::uint32_t> slots_;  // open addressing: 1 + index into known_, 0 empty; a power of two
  std::size_t last_ = 0;
};

// One posting as a rule emits it: the account's text and the amount.
struct PostingText {
  Text account;
  Amount amount;
};

// Where a RuleContext hands entries instead of a Derivation: each entry as
// it is emitted, its texts valid only during the call (nothing is stored
// for the sink). The population runner sums them into measures with one.
class EntrySink {
 public:
  virtual ~EntrySink() = default;
  virtual void entry(const Text& key, const Date& day, const Text& code, const Text& memo,
                     std::span<const PostingText> postings) = 0;
  // A two-posting entry: credit to `to`, its negation from `from` (RuleContext::emit_transfer).
  // By default given to entry() as its two postings.
  virtual void transfer(const Text& key, const Date& day, const Text& code, const Text& memo, const Text& to,
                        const Text& from, const Amount& credit) {
    const std::array<PostingText, 2> postings{PostingText{to, credit}, PostingText{from, -credit}};
    entry(key, day, code, memo, postings);
  }
};

class RuleContext {
 public:
  // lookup: a cache of parameters shared between contexts of the same scheme, or none (the context keeps its own).
  RuleContext(const ParameterSet& parameters, const ProviderRegistry& providers, CitizenStates& states,
              Derivation& out, std::vector<Explanation>* explanations, ParameterLookup* lookup = nullptr)
      : parameters_(parameters),
        providers_(providers),
        states_(states),
        out_(&out),
        explanations_(explanations),
        own_lookup_(parameters),
        lookup_(lookup != nullptr && &lookup->parameters() == &parameters ? lookup : &own_lookup_) {}
  // Entries go to sink as they are emitted, never explained.
  RuleContext(const ParameterSet& parameters, const ProviderRegistry& providers, CitizenStates& states,
              EntrySink& sink, ParameterLookup* lookup = nullptr)
      : parameters_(parameters),
        providers_(providers),
        states_(states),
        sink_(&sink),
        explanations_(nullptr),
        own_lookup_(parameters),
        lookup_(lookup != nullptr && &lookup->parameters() == &parameters ? lookup : &own_lookup_) {}
  RuleContext(const RuleContext&) = delete;
  RuleContext& operator=(const RuleContext&) = delete;

  const ParameterSet& parameters() const { return parameters_; }
  const ProviderRegistry& providers() const { return providers_; }
  // Every learning spend of the ledger by provider and month (R7's monthly limit); none: not checked.
  const ProviderMonthCounter* learning_spends() const { return learning_spends_; }
  void set_learning_spends(const ProviderMonthCounter* counter) { learning_spends_ = counter; }
  CitizenStates& states() { return states_; }
  Unit currency() const { return parameters_.currency; }
  bool explaining() const { return explanations_ != nullptr; }

  // Starts the explanation of the entry about to be emitted under key (a no-op unless explaining).
  void begin(const Text& key, std::string_view rule) {
    if (explanations_) explanations_->push_back({key.str(), std::string(rule), {}, {}, {}});
  }
  // Only when explaining() (callers check first, so that the text is not built for nothing).
  void note_input(const std::string& text) {
    if (explanations_ && !explanations_->empty()) explanations_->back().inputs.push_back(text);
  }

  // The parameter's entry in force on day, recorded for the explanation; nullptr if it has none then.
  const DatedValue* parameter_entry(const Text& name, const Date& day) {
    const Parameter* parameter = lookup_->find(name);
    const DatedValue* entry = parameter ? parameter->entry_at(day) : nullptr;
    if (explanations_ && !explanations_->empty()) {
      explanations_->back().parameters.push_back(
          lookup_->last_name() + " = " + (entry && entry->value ? entry->value->text : std::string("none")) +
          (entry ? " (from " + format_date(entry->from) + ")" : " (no value on " + format_date(day) + ")"));
    }
    return entry;
  }
  // A parameter's value at day, recorded for the explanation; none if it has no value then.
  std::optional<ParameterValue> lookup(const Text& name, const Date& day) {
    const DatedValue* entry = parameter_entry(name, day);
    if (entry == nullptr) return std::nullopt;
    return entry->value;
  }
  std::optional<Decimal> number(const Text& name, const Date& day) {
    const DatedValue* entry = parameter_entry(name, day);
    if (entry == nullptr || !entry->value || entry->value->kind != ParameterValue::Kind::number) return std::nullopt;
    return entry->value->number;
  }
  bool flag(const Text& name, const Date& day) {
    const DatedValue* entry = parameter_entry(name, day);
    return entry != nullptr && entry->value && entry->value->kind == ParameterValue::Kind::boolean &&
           entry->value->boolean;
  }

  // The places rules round: a product or a quotient, computed exactly, then
  // rounded once to scale by mode, and recorded for the explanation.
  Decimal multiply(const Decimal& a, const Decimal& b, int scale, RoundingMode mode) {
    const Decimal result = Decimal::multiply_rounded(a, b, scale, mode);
    if (explaining()) note_rounding(a.to_string() + " x " + b.to_string(), exact_product_text(a, b), scale, mode, result);
    return result;
  }
  Decimal divide(const Decimal& a, const Decimal& b, int scale, RoundingMode mode) {
    const Decimal result = Decimal::divide(a, b, scale, mode);
    if (explaining()) note_rounding(a.to_string() + " / " + b.to_string(), "", scale, mode, result);
    return result;
  }

  using PostingText = commonweal::PostingText;
  // An entry with the given postings.
  void emit(const Text& key, const Date& day, const Text& code, const Text& memo, std::span<const PostingText> postings) {
    if (sink_ != nullptr) return sink_->entry(key, day, code, memo, postings);
    DerivedEntry entry{out_->write(key), day, out_->write(code), out_->write(memo),
                       static_cast<std::uint32_t>(out_->postings.size()), static_cast<std::uint32_t>(postings.size())};
    for (const PostingText& posting : postings) out_->postings.push_back({out_->write(posting.account), posting.amount});
    out_->entries.push_back(entry);
  }

  // A two-posting entry: amount to `to`, from `from`.
  void emit_transfer(const Text& key, const Date& day, const Text& code, const Text& memo, const Text& to,
                     const Text& from, const Decimal& amount, Unit unit) {
    const Amount credit(amount, unit);
    if (sink_ != nullptr) return sink_->transfer(key, day, code, memo, to, from, credit);
    const Amount debit = -credit;
    DerivedEntry entry{out_->write(key), day, out_->write(code), out_->write(memo),
                       static_cast<std::uint32_t>(out_->postings.size()), 2};
    out_->postings.push_back({out_->write(to), credit});
    out_->postings.push_back({out_->write(from), debit});
    out_->entries.push_back(entry);
  }

 private:
  static std::string exact_product_text(const Decimal& a, const Decimal& b) {
    if (a.scale() + b.scale() > Decimal::scale_max) return "";
    try {
      return (a * b).to_string();
    } catch (const Error&) {
      return "";
    }
  }
  void note_rounding(const std::string& expression, const std::string& exact, int scale, RoundingMode mode,
                     const Decimal& result) {
    if (explanations_->empty()) return;
    explanations_->back().roundings.push_back(expression + (exact.empty() ? "" : " = " + exact) + ", rounded " +
                                              std::string(to_string(mode)) + " to " + std::to_string(scale) +
                                              " decimals: " + result.to_string());
  }

  const ParameterSet& parameters_;
  const ProviderRegistry& providers_;
  CitizenStates& states_;
  Derivation* out_ = nullptr;  // one of out_ and sink_
  EntrySink* sink_ = nullptr;
  std::vector<Explanation>* explanations_;
  ParameterLookup own_lookup_;
  ParameterLookup* lookup_;
  const ProviderMonthCounter* learning_spends_ = nullptr;
};

// "<citizen>/<event id>/<rule>": the key of an entry an event derives.
inline Text event_key(const Event& event, std::string_view rule) { return Text(event.citizen, "/", event.id, "/", rule); }

// A rule's refusal of one event; the engine names the input row behind it.
class Refusal : public Error {
 public:
  Refusal(std::string event_id, const std::string& message)
      : Error(ErrorCode::refused, message), event_id_(std::move(event_id)) {}
  const std::string& event_id() const { return event_id_; }

 private:
  std::string event_id_;
};

[[noreturn]] inline void refuse(const Event& event, const std::string& reason) {
  throw Refusal(event.id, "event " + event.id + " (" + std::string(to_string(event.kind)) + " on " +
                              format_date(event.date) + ") is refused: " + reason);
}

class EventRule {
 public:
  virtual ~EventRule() = default;
  virtual std::string_view name() const = 0;
  virtual void apply(const Event& event, CitizenState& state, RuleContext& context) const = 0;
};

// A moment in a citizen's life when a scheduled rule runs.
struct ScheduledOperation {
  enum class Phase { start_of_day = 0, end_of_day = 2 };  // events of the day run between
  Date date;
  Phase phase;
  const class ScheduledRule* rule;
};

class ScheduledRule {
 public:
  virtual ~ScheduledRule() = default;
  virtual std::string_view name() const = 0;
  // The operations due for this citizen on or before clock.
  virtual void schedule(const CitizenState& state, const ParameterSet& parameters, const Date& clock,
                        std::vector<ScheduledOperation>& out) const = 0;
  virtual void apply(const ScheduledOperation& operation, CitizenState& state, RuleContext& context) const = 0;
};

}  // namespace commonweal
