// The reference scheme's account names (section 3), in one place.
#pragma once

#include <string>
#include <string_view>

namespace commonweal::accounts {

inline std::string citizen(std::string_view id, std::string_view pot) {
  std::string name;
  name.reserve(9 + id.size() + pot.size());
  name.append("citizen:").append(id).append(":").append(pot);
  return name;
}
inline std::string social(std::string_view id) { return citizen(id, "social"); }
inline std::string care(std::string_view id) { return citizen(id, "care"); }
inline std::string time(std::string_view id) { return citizen(id, "time"); }
inline std::string budget_council(std::string_view id) { return citizen(id, "budget:council"); }
inline std::string budget_own(std::string_view id) { return citizen(id, "budget:own"); }
inline std::string learning(std::string_view id) { return citizen(id, "learning"); }
inline std::string memo_citizen(std::string_view id, std::string_view what) {
  return "memo:" + citizen(id, what);
}
inline std::string memo_total(std::string_view what, std::string_view code) {
  return "memo:" + std::string(what) + ":" + std::string(code);
}

inline constexpr std::string_view fund_social = "fund:social";
inline constexpr std::string_view fund_care = "fund:care";
inline constexpr std::string_view fund_pension = "fund:pension";
inline constexpr std::string_view fund_writeoff = "fund:writeoff";
inline constexpr std::string_view fund_learning = "fund:learning";
inline constexpr std::string_view world = "world";

inline std::string council(std::string_view code) { return "council:" + std::string(code); }
inline std::string provider(std::string_view id) { return "provider:" + std::string(id); }
inline std::string organisation(std::string_view code) { return "org:" + std::string(code); }

}  // namespace commonweal::accounts
