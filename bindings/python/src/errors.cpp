// Error classes of commonweal._core and the translator from commonweal::Error.
#include "errors.hpp"

#include "commonweal/core/error.hpp"

namespace py = pybind11;

namespace commonweal::python {
namespace {

struct Classes {
  PyObject* error = nullptr;
  PyObject* input = nullptr;
  PyObject* refused = nullptr;
  PyObject* not_found = nullptr;
  PyObject* environment = nullptr;
  PyObject* verification = nullptr;
};

// Module-lifetime references, kept for the translator (never freed: the module is never unloaded).
Classes classes;

PyObject* make_class(py::module_& module, const char* name, const char* doc, std::initializer_list<PyObject*> bases) {
  py::tuple base_tuple(bases.size());
  std::size_t i = 0;
  for (PyObject* base : bases) base_tuple[i++] = py::reinterpret_borrow<py::object>(base);
  const std::string qualified = std::string("commonweal.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base_tuple.ptr(), nullptr);
  if (type == nullptr) throw py::error_already_set();
  module.add_object(name, py::reinterpret_borrow<py::object>(type));
  return type;
}

PyObject* class_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::environment: return classes.environment;
    case ErrorCode::refused:
    case ErrorCode::limit_breached: return classes.refused;
    case ErrorCode::not_found: return classes.not_found;
    default: return classes.input;
  }
}

void raise(PyObject* type, const std::string& message, const char* code) {
  py::object instance = py::reinterpret_borrow<py::object>(type)(message);
  instance.attr("code") = code;
  PyErr_SetObject(type, instance.ptr());
}

}  // namespace

void register_errors(py::module_& module) {
  classes.error = make_class(module, "Error",
                             "Every failure commonweal reports; .code is the reason's kind (invalid_input, refused, ...).",
                             {PyExc_Exception});
  classes.input = make_class(module, "InputError",
                             "Bad input or a value the operation does not accept; the ledger is unchanged (CLI exit 2).",
                             {classes.error, PyExc_ValueError});
  classes.refused = make_class(module, "RefusedError",
                               "A refusal by the rules (a limit, an unaccredited provider); the ledger is unchanged.",
                               {classes.input});
  classes.not_found = make_class(module, "NotFoundError", "An unknown citizen, account or entry.",
                                 {classes.input, PyExc_LookupError});
  classes.environment = make_class(module, "LedgerEnvironmentError",
                                   "A file that cannot be read or written, a database busy past its timeout, not a "
                                   "ledger, or a ledger made by a newer commonweal (CLI exit 4).",
                                   {classes.error, PyExc_OSError});
  classes.verification = make_class(module, "VerificationError",
                                    "verify() found problems; .problems lists them, one sentence each (CLI exit 3).",
                                    {classes.error});
  py::register_exception_translator([](std::exception_ptr pointer) {
    try {
      if (pointer) std::rethrow_exception(pointer);
    } catch (const Error& error) {
      raise(class_for(error.code()), error.what(), to_string(error.code()));
    }
  });
}

void raise_verification_error(const std::string& message, py::list problems) {
  py::object instance = py::reinterpret_borrow<py::object>(classes.verification)(message);
  instance.attr("code") = "verification";
  instance.attr("problems") = std::move(problems);
  PyErr_SetObject(classes.verification, instance.ptr());
  throw py::error_already_set();
}

}  // namespace commonweal::python
