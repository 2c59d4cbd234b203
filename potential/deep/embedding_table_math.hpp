// SPDX-License-Identifier: MIT
/// \file
/// Per-pair math of the tabulated embedding (embedding_table.hpp), shared by the CPU and CUDA
/// launchers: where x falls in the table, and the quintic's value and slope there.
#pragma once

#include "core/portability.hpp"

namespace md::deep {

/// The x range of one table and its two strides (DeePMD-kit's `table_info`).
struct TableGeometry {
  double lower = 0.0;    ///< fine part [lower, upper)
  double upper = 0.0;    ///< coarse part [upper, max)
  double max = 0.0;
  double stride0 = 0.0;  ///< fine stride
  double stride1 = 0.0;  ///< coarse stride
  int n_fine = 0;        ///< intervals of the fine part, int((upper − lower)/stride0)
  int n_intervals = 0;   ///< all intervals
};

/// The interval of `x` and the offset of x from its start (DeePMD-kit's locate_xx, same
/// arithmetic); false when x is outside [lower, max) (or not a number): the table does not
/// cover it.
MD_HOST_DEVICE inline bool table_locate(const TableGeometry& g, double x, int& interval,
                                        double& offset) {
  if (!(x >= g.lower && x < g.max)) return false;
  if (x < g.upper) {
    interval = static_cast<int>((x - g.lower) / g.stride0);
    offset = x - (interval * g.stride0 + g.lower);
  } else {
    interval = g.n_fine + static_cast<int>((x - g.upper) / g.stride1);
    offset = x - ((interval - g.n_fine) * g.stride1 + g.upper);
  }
  return interval < g.n_intervals;
}

/// The quintic c0 + c1·t + … + c5·t⁵ at t (Horner, DeePMD-kit's order). V is the type of the
/// coefficients: a scalar, or on the CPU a vector of consecutive outputs (one lane each).
template <class V, class Real>
MD_HOST_DEVICE inline V quintic_value(const V& c0, const V& c1, const V& c2, const V& c3,
                                      const V& c4, const V& c5, Real t) {
  return c0 + (c1 + (c2 + (c3 + (c4 + c5 * t) * t) * t) * t) * t;
}

/// Its value and slope together: Horner's scheme carried along for the derivative (9 multiplies
/// and 9 adds instead of 10 + 13 for the two written out); the value rounds as quintic_value's.
template <class V, class Real>
MD_HOST_DEVICE inline void quintic_value_slope(const V& c0, const V& c1, const V& c2,
                                               const V& c3, const V& c4, const V& c5, Real t,
                                               V& value, V& slope) {
  V p = c5 * t + c4;
  V d = c5;
  d = d * t + p;
  p = p * t + c3;
  d = d * t + p;
  p = p * t + c2;
  d = d * t + p;
  p = p * t + c1;
  d = d * t + p;
  value = p * t + c0;
  slope = d;
}

/// Value and slope of output `a` of the quintic whose coefficients start at `c` ([6][ng], one
/// interval's), at offset t from the interval's start.
template <class Real>
MD_HOST_DEVICE inline void table_value_slope(const Real* c, int ng, int a, Real t, Real& value,
                                             Real& slope) {
  quintic_value_slope(c[a], c[ng + a], c[2 * ng + a], c[3 * ng + a], c[4 * ng + a],
                      c[5 * ng + a], t, value, slope);
}

}  // namespace md::deep
