// The population simulation in commonweal._core (simulation.cpp).
#pragma once

#include <pybind11/pybind11.h>

namespace commonweal::python {

// SimulationResult, Comparison, simulate, merge_parts and compare.
void bind_simulation(pybind11::module_& module);

}  // namespace commonweal::python
