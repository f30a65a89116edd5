// commonweal::NameIndex: name -> position, for the journal's entry ids and
// account names; an open-addressing table (linear probing, backward-shift
// deletion) of 8-byte slots: the low 32 bits of each name's 64-bit hash and
// its position. The names themselves are not stored: the caller's
// name_of(position) gives them back for comparison.
//
// Guarantees
// - A lookup reads one slot in the common case (load factor at most 1/2),
//   and nothing is allocated per name; growth rehashes from the stored
//   hash bits without reading the names (a table has at most 2^32 slots, so
//   32 bits place every name). Names are compared only where the stored bits
//   match: in a table of 2^22 slots, one probe in about a thousand compares
//   a name that differs.
// Constraints
// - Positions are below 2^32 - 1; a name is inserted at most once.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "commonweal/core/error.hpp"

namespace commonweal {

class NameIndex {
 public:
  static constexpr std::uint32_t absent = UINT32_MAX;

  static std::uint64_t hash_of(std::string_view name) { return std::hash<std::string_view>{}(name); }

  std::size_t size() const { return size_; }

  // The position whose name equals name, or absent. NameOf: position -> std::string_view.
  template <class NameOf>
  std::uint32_t find(std::string_view name, std::uint64_t hash, const NameOf& name_of) const {
    if (slots_.empty()) return absent;
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.position_plus_one == 0) return absent;
      if (slot.hash == static_cast<std::uint32_t>(hash) && name_of(slot.position_plus_one - 1) == name) {
        return slot.position_plus_one - 1;
      }
    }
  }

  // The position in the first slot whose hash matches, without comparing
  // names (a guess for prefetching), or absent.
  std::uint32_t candidate(std::uint64_t hash) const {
    if (slots_.empty()) return absent;
    for (std::size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.position_plus_one == 0) return absent;
      if (slot.hash == static_cast<std::uint32_t>(hash)) return slot.position_plus_one - 1;
    }
  }

  // Brings the slot where a lookup of hash starts into the cache.
  void prefetch(std::uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & mask_]);
  }

  // Inserts a position for a name known to be absent.
  void insert(std::uint64_t hash, std::uint32_t position) {
    if ((size_ + 1) * 2 > slots_.size()) grow(slots_.empty() ? 16 : slots_.size() * 2);
    place(hash, position);
    ++size_;
  }

  void reserve(std::size_t count) {
    std::size_t capacity = 16;
    while (capacity < count * 2) capacity *= 2;
    if (capacity > slots_.size()) grow(capacity);
  }

  // Removes the position inserted with hash; nothing if it is not there.
  void erase(std::uint64_t hash, std::uint32_t position) {
    if (slots_.empty()) return;
    std::size_t i = hash & mask_;
    while (slots_[i].position_plus_one != position + 1) {
      if (slots_[i].position_plus_one == 0) return;
      i = (i + 1) & mask_;
    }
    // Backward shift: move later members of the cluster into the hole when allowed.
    std::size_t hole = i;
    for (std::size_t j = (hole + 1) & mask_; slots_[j].position_plus_one != 0; j = (j + 1) & mask_) {
      const std::size_t home = slots_[j].hash & mask_;
      const bool movable = ((j - home) & mask_) >= ((j - hole) & mask_);
      if (movable) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = Slot{};
    --size_;
  }

 private:
  struct Slot {
    std::uint32_t hash = 0;               // the low 32 bits of the name's hash
    std::uint32_t position_plus_one = 0;  // 0: empty
  };
  void place(std::uint64_t hash, std::uint32_t position) {
    std::size_t i = hash & mask_;
    while (slots_[i].position_plus_one != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{static_cast<std::uint32_t>(hash), position + 1};
  }
  void grow(std::size_t capacity) {
    if (capacity > (std::size_t{1} << 32)) throw Error(ErrorCode::overflow, "a name index of more than 2^32 slots");
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (const Slot& slot : old) {
      if (slot.position_plus_one != 0) place(slot.hash, slot.position_plus_one - 1);
    }
  }
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace commonweal
