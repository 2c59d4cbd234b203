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

/// Value and slope of output `a` of the quintic whose coefficients start at `c` ([6][ng], one
/// interval's), at offset t from the interval's start (Horner, in DeePMD-kit's order).
template <class Real>
MD_HOST_DEVICE inline void table_value_slope(const Real* c, int ng, int a, Real t, Real& value,
                                             Real& slope) {
  const Real c0 = c[a], c1 = c[ng + a], c2 = c[2 * ng + a];
  const Real c3 = c[3 * ng + a], c4 = c[4 * ng + a], c5 = c[5 * ng + a];
  value = c0 + (c1 + (c2 + (c3 + (c4 + c5 * t) * t) * t) * t) * t;
  slope = c1 + (Real(2) * c2 + (Real(3) * c3 + (Real(4) * c4 + Real(5) * c5 * t) * t) * t) * t;
}

}  // namespace md::deep
