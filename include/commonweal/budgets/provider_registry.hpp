// commonweal::ProviderRegistry: who is accredited to take learning-account
// money, and when (reference scheme section 4, providers.csv).
//
// Guarantees
// - accredited_on(provider, day) is true only inside one of the provider's
//   ranges, both ends inclusive; an open range has no end.
// - Ranges of one provider never overlap: add() refuses an overlapping one.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "commonweal/core/date.hpp"
#include "commonweal/core/error.hpp"

namespace commonweal {

struct AccreditationRange {
  Date from;
  std::optional<Date> to;  // inclusive; none: still accredited
  friend bool operator==(const AccreditationRange&, const AccreditationRange&) = default;
  bool contains(const Date& day) const { return from <= day && (!to || day <= *to); }
  bool overlaps(const AccreditationRange& other) const {
    return (!to || other.from <= *to) && (!other.to || from <= *other.to);
  }
};

class ProviderRegistry {
 public:
  // Adds a range; the same range again is a no-op, an overlapping one an error.
  void add(const std::string& provider, const AccreditationRange& range) {
    if (range.to && *range.to < range.from) {
      throw Error(ErrorCode::invalid_input, "provider " + provider + ": accreditation ends before it starts");
    }
    std::vector<AccreditationRange>& ranges = ranges_[provider];
    for (const AccreditationRange& existing : ranges) {
      if (existing == range) return;
      if (existing.overlaps(range)) {
        throw Error(ErrorCode::invalid_input, "provider " + provider + ": accreditation from " +
                                                  format_date(range.from) + " overlaps the one from " +
                                                  format_date(existing.from));
      }
    }
    ranges.push_back(range);
  }
  bool known(const std::string& provider) const { return ranges_.count(provider) != 0; }
  bool accredited_on(const std::string& provider, const Date& day) const {
    const auto found = ranges_.find(provider);
    if (found == ranges_.end()) return false;
    for (const AccreditationRange& range : found->second) {
      if (range.contains(day)) return true;
    }
    return false;
  }
  const std::map<std::string, std::vector<AccreditationRange>>& all() const { return ranges_; }

 private:
  std::map<std::string, std::vector<AccreditationRange>> ranges_;
};

}  // namespace commonweal
