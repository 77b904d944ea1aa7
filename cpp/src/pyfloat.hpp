// Python float operations beyond IEEE's basic ones, as CPython on glibc computes them
// (pyfloat.cpp says which code path and why). Internal to init.cpp.
#pragma once
#include <cstdint>

namespace actlab {
namespace detail {

// x ** 2 for a Python float x; `overflow` is set where Python raises OverflowError
// ("(34, 'Numerical result out of range')").
double py_square(double x, bool& overflow);

}  // namespace detail
}  // namespace actlab
