// Identifiers and codes from input files: citizens, events, providers,
// councils, organisations, benefit and tax codes.
//
// Guarantees
// - An identifier is 1 to 64 characters, each a letter, a digit, '_', '-'
//   or '.' (reference scheme section 4); anything else is refused with the
//   reason, naming the first bad character.
// - Id<Tag> types with different tags do not mix: a CitizenId cannot be
//   passed where an EventId is expected.
#pragma once

#include <compare>
#include <string>
#include <string_view>

#include "commonweal/core/error.hpp"

namespace commonweal {

inline constexpr std::size_t identifier_length_max = 64;

// nullptr if text is a valid identifier, else the reason.
inline const char* identifier_problem(std::string_view text) noexcept {
  if (text.empty()) return "it is empty";
  if (text.size() > identifier_length_max) return "it is longer than 64 characters";
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return "only letters, digits, '_', '-' and '.' are allowed";
  }
  return nullptr;
}

template <class Tag>
class Id {
 public:
  static Id parse(std::string_view text) {
    if (const char* reason = identifier_problem(text)) {
      throw Error(ErrorCode::invalid_text,
                  std::string(Tag::what) + " '" + std::string(text) + "' is not valid: " + reason);
    }
    return Id(std::string(text));
  }
  const std::string& str() const { return value_; }
  friend auto operator<=>(const Id&, const Id&) = default;

 private:
  explicit Id(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

struct CitizenTag { static constexpr const char* what = "citizen id"; };
struct EventTag { static constexpr const char* what = "event id"; };
struct ProviderTag { static constexpr const char* what = "provider id"; };
using CitizenId = Id<CitizenTag>;
using EventId = Id<EventTag>;
using ProviderId = Id<ProviderTag>;

}  // namespace commonweal

template <class Tag>
struct std::hash<commonweal::Id<Tag>> {
  std::size_t operator()(const commonweal::Id<Tag>& id) const { return std::hash<std::string>{}(id.str()); }
};
