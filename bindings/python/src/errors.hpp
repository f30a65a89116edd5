// commonweal::Error as Python exceptions: one class per kind of failure, the
// CLI's message, and the ErrorCode's name in .code (docs/python.md).
#pragma once

#include <pybind11/pybind11.h>

namespace commonweal::python {

// Creates Error, InputError, RefusedError, NotFoundError,
// LedgerEnvironmentError and VerificationError in module, and translates
// commonweal::Error into them.
void register_errors(pybind11::module_& module);

// Raises VerificationError(message) with .problems set.
[[noreturn]] void raise_verification_error(const std::string& message, pybind11::list problems);

}  // namespace commonweal::python
