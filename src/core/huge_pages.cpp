#include "commonweal/core/huge_pages.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

namespace commonweal {

void restart_with_huge_pages(char** argv) noexcept {
  try {
    const char* switch_value = std::getenv("COMMONWEAL_HUGE_PAGES");
    if (switch_value != nullptr && std::strcmp(switch_value, "0") == 0) return;
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.hugetlb") != nullptr) return;
    std::ifstream mode_file("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string mode;
    std::getline(mode_file, mode);
    if (mode.find("[madvise]") == std::string::npos) return;
    std::string wanted = tunables != nullptr && *tunables != '\0' ? std::string(tunables) + ":" : std::string();
    wanted += "glibc.malloc.hugetlb=1";
    if (::setenv("GLIBC_TUNABLES", wanted.c_str(), 1) != 0) return;
    ::execv("/proc/self/exe", argv);
    // exec failed: run as we are, without the tunable (and without pretending to have it).
    if (tunables != nullptr) ::setenv("GLIBC_TUNABLES", tunables, 1); else ::unsetenv("GLIBC_TUNABLES");
  } catch (...) {
    // Nothing is lost by running without huge pages.
  }
}

}  // namespace commonweal
