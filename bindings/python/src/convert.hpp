// Values from C++ to Python shared by the extension's files.
#pragma once

#include <pybind11/pybind11.h>

#include "commonweal/core/decimal.hpp"

namespace commonweal::python {

// decimal.Decimal from the exact text (the scale kept: "0.10" stays 0.10).
inline pybind11::object to_python(const Decimal& value) {
  static pybind11::object* decimal_class =
      new pybind11::object(pybind11::module_::import("decimal").attr("Decimal"));  // never freed
  return (*decimal_class)(value.to_string());
}

}  // namespace commonweal::python
