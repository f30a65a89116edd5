#include "commonweal/version.hpp"

namespace commonweal {

std::string_view version() noexcept { return COMMONWEAL_VERSION; }

}  // namespace commonweal
