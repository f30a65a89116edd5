// Transparent huge pages for the heap of a program that uses the library at scale.
//
// An import of a million events, or an engine holding a million entries, touches about two
// gigabytes of fresh heap. With 4 KiB pages that is half a million page faults, and on a
// virtual machine each costs microseconds: on the benchmark machine (a Firecracker guest)
// they were half of an import's time. glibc backs its heap with transparent huge pages when
// the tunable `glibc.malloc.hugetlb=1` is set, but reads tunables only when a program starts.
//
// Guarantees: `restart_with_huge_pages` returns normally (changing nothing) unless all of
// these hold, and otherwise replaces the process with the same program, arguments and
// environment plus that tunable (same process id; the program's main runs again from the
// start, so call it first, before any other effect):
//   - the kernel's transparent huge pages are "madvise" (with "always" there is nothing to
//     gain, with "never" nothing to have);
//   - `GLIBC_TUNABLES` does not already name `glibc.malloc.hugetlb`;
//   - `COMMONWEAL_HUGE_PAGES` is not set to 0 (the off switch, documented in docs/cli.md);
//   - `/proc/self/exe` can be executed (if exec fails, it returns and the program runs as is).
// Results never depend on it: only how memory is mapped.
#pragma once

namespace commonweal {

void restart_with_huge_pages(char** argv) noexcept;

}  // namespace commonweal
