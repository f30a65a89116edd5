// The reference scheme's account names (section 3), in one place.
#pragma once

#include <string>
#include <string_view>

namespace commonweal::accounts {

// An account name as up to four pieces, none owned: what the rules emit
// without allocating (RuleContext writes the pieces into its text buffer).
// str() is the name itself; the string functions below are built from these.
struct NameParts {
  std::string_view first, second, third, fourth;
  std::size_t size() const { return first.size() + second.size() + third.size() + fourth.size(); }
  std::string str() const {
    std::string name;
    name.reserve(size());
    name.append(first).append(second).append(third).append(fourth);
    return name;
  }
};

namespace parts {
inline NameParts citizen(std::string_view id, std::string_view pot) { return {"citizen:", id, ":", pot}; }
inline NameParts social(std::string_view id) { return citizen(id, "social"); }
inline NameParts care(std::string_view id) { return citizen(id, "care"); }
inline NameParts time(std::string_view id) { return citizen(id, "time"); }
inline NameParts budget_council(std::string_view id) { return citizen(id, "budget:council"); }
inline NameParts budget_own(std::string_view id) { return citizen(id, "budget:own"); }
inline NameParts learning(std::string_view id) { return citizen(id, "learning"); }
// "memo:citizen:<id>:<what>"
inline NameParts memo_citizen(std::string_view id, std::string_view what) { return {"memo:citizen:", id, ":", what}; }
// "memo:<what>:<code>"
inline NameParts memo_total(std::string_view what, std::string_view code) { return {"memo:", what, ":", code}; }
inline NameParts council(std::string_view code) { return {"council:", code, {}, {}}; }
inline NameParts provider(std::string_view id) { return {"provider:", id, {}, {}}; }
inline NameParts organisation(std::string_view code) { return {"org:", code, {}, {}}; }
}  // namespace parts

inline std::string citizen(std::string_view id, std::string_view pot) { return parts::citizen(id, pot).str(); }
inline std::string social(std::string_view id) { return citizen(id, "social"); }
inline std::string care(std::string_view id) { return citizen(id, "care"); }
inline std::string time(std::string_view id) { return citizen(id, "time"); }
inline std::string budget_council(std::string_view id) { return citizen(id, "budget:council"); }
inline std::string budget_own(std::string_view id) { return citizen(id, "budget:own"); }
inline std::string learning(std::string_view id) { return citizen(id, "learning"); }
inline std::string memo_citizen(std::string_view id, std::string_view what) { return parts::memo_citizen(id, what).str(); }
inline std::string memo_total(std::string_view what, std::string_view code) { return parts::memo_total(what, code).str(); }

inline constexpr std::string_view fund_social = "fund:social";
inline constexpr std::string_view fund_care = "fund:care";
inline constexpr std::string_view fund_pension = "fund:pension";
inline constexpr std::string_view fund_writeoff = "fund:writeoff";
inline constexpr std::string_view fund_learning = "fund:learning";
inline constexpr std::string_view world = "world";

inline std::string council(std::string_view code) { return parts::council(code).str(); }
inline std::string provider(std::string_view id) { return parts::provider(id).str(); }
inline std::string organisation(std::string_view code) { return parts::organisation(code).str(); }

}  // namespace commonweal::accounts
