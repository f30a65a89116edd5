// commonweal::HugePageAllocator: an allocator for large arrays (see below).
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace commonweal {

// Memory for the journal's large arrays (the id and name indexes, the entry
// store, an account's postings): from 4 MiB on, aligned to 2 MiB and, on
// Linux, offered to the kernel for transparent huge pages, so that a random
// probe is not also a TLB miss (on a virtual machine, a two-level page walk)
// and filling it takes one page fault per 2 MiB instead of per 4 KiB. Smaller
// allocations are ordinary ones. The advice is only advice: where huge pages
// are off or unavailable, the memory is the same, in ordinary pages.
template <class T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr std::size_t huge_page = std::size_t{2} << 20;
  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}  // NOLINT: rebinding
  T* allocate(std::size_t count) {
    const std::size_t bytes = count * sizeof(T);
    if (bytes < 2 * huge_page) return static_cast<T*>(::operator new(bytes));
    const std::size_t rounded = (bytes + huge_page - 1) / huge_page * huge_page;
    void* memory = std::aligned_alloc(huge_page, rounded);
    if (memory == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    ::madvise(memory, rounded, MADV_HUGEPAGE);  // advice only: without it, ordinary pages
#endif
    return static_cast<T*>(memory);
  }
  void deallocate(T* memory, std::size_t count) noexcept {
    if (count * sizeof(T) < 2 * huge_page) {
      ::operator delete(memory);
    } else {
      std::free(memory);
    }
  }
  template <class U>
  friend bool operator==(const HugePageAllocator&, const HugePageAllocator<U>&) noexcept { return true; }
};

}  // namespace commonweal
