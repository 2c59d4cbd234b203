// SPDX-License-Identifier: MIT
/// \file
/// The affine map of positions from one orthogonal box to another (a barostat's step): per
/// dimension x' = lo' + (x − lo)·(L'/L), the same fractional coordinate in the new box. One
/// MD_HOST_DEVICE function for the host loop and the device kernel (AtomKernels::map_positions),
/// spelled with IEEE round-to-nearest operations on the device so that both give the same bits.
#pragma once

#include "core/box.hpp"
#include "core/exact_math.hpp"
#include "core/portability.hpp"

namespace md {

struct BoxMap {
  double from_lo[3] = {0.0, 0.0, 0.0};  ///< Å
  double to_lo[3] = {0.0, 0.0, 0.0};    ///< Å
  double scale[3] = {1.0, 1.0, 1.0};    ///< L'/L per dimension

  /// The map from box `from` to box `to`.
  static BoxMap between(const Box& from, const Box& to) {
    BoxMap map;
    for (int d = 0; d < 3; ++d) {
      map.from_lo[d] = from.lo[d];
      map.to_lo[d] = to.lo[d];
      map.scale[d] = to.length(d) / from.length(d);
    }
    return map;
  }
};

/// `box` with each length multiplied by factor[d] about the box centre (a barostat's move; the
/// centre is LAMMPS's default fixed point): lo' = (lo − c)·f + c, hi' = (hi − c)·f + c.
inline Box scaled_about_centre(const Box& box, const double factor[3]) {
  Box scaled = box;
  for (int d = 0; d < 3; ++d) {
    const double centre = 0.5 * (box.lo[d] + box.hi[d]);
    scaled.lo[d] = (box.lo[d] - centre) * factor[d] + centre;
    scaled.hi[d] = (box.hi[d] - centre) * factor[d] + centre;
  }
  return scaled;
}

/// Maps one atom's position `x` [3] (Å) in place.
MD_HOST_DEVICE inline void map_position_atom(double* x, const BoxMap& map) {
  for (int d = 0; d < 3; ++d) {
    x[d] = add_rn(map.to_lo[d], mul_rn(sub_rn(x[d], map.from_lo[d]), map.scale[d]));
  }
}

}  // namespace md
