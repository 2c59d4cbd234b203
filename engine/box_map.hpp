// SPDX-License-Identifier: MIT
/// \file
/// The affine map of positions from one box to another (a barostat's step): the same fractional
/// coordinates in the new box, x' = lo' + M·(x − lo) with M = H'·H⁻¹, H = [a b c] the edge
/// matrix (upper triangular, so M is too). For orthogonal boxes M is diagonal, L'/L, and the
/// off-diagonal terms add exact zeros, so the orthogonal map keeps its bits. One MD_HOST_DEVICE
/// function for the host loop and the device kernel (AtomKernels::map_positions), spelled with
/// IEEE round-to-nearest operations on the device so that both give the same bits.
#pragma once

#include "core/box.hpp"
#include "core/exact_math.hpp"
#include "core/portability.hpp"

namespace md {

struct BoxMap {
  double from_lo[3] = {0.0, 0.0, 0.0};  ///< Å
  double to_lo[3] = {0.0, 0.0, 0.0};    ///< Å
  double scale[3] = {1.0, 1.0, 1.0};    ///< M's diagonal, L'/L per dimension
  double shear[3] = {0.0, 0.0, 0.0};    ///< M's upper triangle: M01, M02, M12

  /// The map from box `from` to box `to`.
  static BoxMap between(const Box& from, const Box& to) {
    BoxMap map;
    for (int d = 0; d < 3; ++d) {
      map.from_lo[d] = from.lo[d];
      map.to_lo[d] = to.lo[d];
      map.scale[d] = to.length(d) / from.length(d);
    }
    // M = H'·H⁻¹ row by row: M01 = (xy' − M00·xy)/ly, M12 = (yz' − M11·yz)/lz,
    // M02 = (xz' − M00·xz − M01·yz)/lz.
    const double* t = from.tilt;
    const double* t_to = to.tilt;
    map.shear[0] = (t_to[Box::kXY] - map.scale[0] * t[Box::kXY]) / from.length(1);
    map.shear[2] = (t_to[Box::kYZ] - map.scale[1] * t[Box::kYZ]) / from.length(2);
    map.shear[1] =
        (t_to[Box::kXZ] - map.scale[0] * t[Box::kXZ] - map.shear[0] * t[Box::kYZ]) / from.length(2);
    return map;
  }
};

/// `box` with each length multiplied by factor[d] about the box centre (a barostat's move; the
/// centre is LAMMPS's default fixed point): lo' = (lo − c)·f + c, hi' = (hi − c)·f + c. The tilts
/// follow the edge they lie along, as LAMMPS's barostats do by default (scalexy, scalexz,
/// scaleyz): xy with ly, xz and yz with lz, so a tilted cell keeps its shape under isotropic
/// scaling.
inline Box scaled_about_centre(const Box& box, const double factor[3]) {
  Box scaled = box;
  for (int d = 0; d < 3; ++d) {
    const double centre = 0.5 * (box.lo[d] + box.hi[d]);
    scaled.lo[d] = (box.lo[d] - centre) * factor[d] + centre;
    scaled.hi[d] = (box.hi[d] - centre) * factor[d] + centre;
  }
  scaled.tilt[Box::kXY] = box.tilt[Box::kXY] * factor[1];
  scaled.tilt[Box::kXZ] = box.tilt[Box::kXZ] * factor[2];
  scaled.tilt[Box::kYZ] = box.tilt[Box::kYZ] * factor[2];
  return scaled;
}

/// Maps one atom's position `x` [3] (Å) in place.
MD_HOST_DEVICE inline void map_position_atom(double* x, const BoxMap& map) {
  double dx[3];
  for (int d = 0; d < 3; ++d) dx[d] = sub_rn(x[d], map.from_lo[d]);
  // Diagonal term first, then the shear terms (exact zeros for orthogonal boxes).
  x[0] = add_rn(map.to_lo[0], add_rn(add_rn(mul_rn(dx[0], map.scale[0]), mul_rn(dx[1], map.shear[0])),
                                    mul_rn(dx[2], map.shear[1])));
  x[1] = add_rn(map.to_lo[1], add_rn(mul_rn(dx[1], map.scale[1]), mul_rn(dx[2], map.shear[2])));
  x[2] = add_rn(map.to_lo[2], mul_rn(dx[2], map.scale[2]));
}

}  // namespace md
