// SPDX-License-Identifier: MIT
/// \file
/// The simulation box: LAMMPS's restricted-triclinic cell, each dimension periodic or not.
///
/// The cell is spanned by the edge vectors a = (lx, 0, 0), b = (xy, ly, 0), c = (xz, yz, lz),
/// lx = hi[0] − lo[0] etc., with its origin at lo; an orthogonal box has all tilts zero. A
/// position x has fractional coordinates s with x = lo + s0·a + s1·b + s2·c, and "untilted"
/// coordinates u_d = lo_d + L_d·s_d: where the atom would sit in the orthogonal box [lo, hi) with
/// the same fractional coordinates. Everything that asks "which slab along d" (wrapping, the
/// domain decomposition, the halo's faces) asks it of u_d, so the orthogonal code serves both:
/// for an orthogonal box u_d is x_d, bit for bit (the tilt terms are exact zeros).
///
/// A small value type usable on host and device (JAX-MD's `space`: displacement and shift).
#pragma once

#include <cmath>

#include "core/portability.hpp"

namespace md {

struct Box {
  double lo[3] = {0.0, 0.0, 0.0};    ///< Å
  double hi[3] = {0.0, 0.0, 0.0};    ///< Å
  double tilt[3] = {0.0, 0.0, 0.0};  ///< xy, xz, yz (Å), LAMMPS's tilt factors
  bool periodic[3] = {true, true, true};

  static constexpr int kXY = 0, kXZ = 1, kYZ = 2;  ///< indices into `tilt`

  MD_HOST_DEVICE double length(int d) const { return hi[d] - lo[d]; }
  /// The cell volume lx·ly·lz (the tilts do not change it), Å³.
  MD_HOST_DEVICE double volume() const { return length(0) * length(1) * length(2); }
  MD_HOST_DEVICE bool triclinic() const {
    return tilt[kXY] != 0.0 || tilt[kXZ] != 0.0 || tilt[kYZ] != 0.0;
  }

  /// Edge vector d (a, b or c; Å) into v[3].
  MD_HOST_DEVICE void edge(int d, double* v) const {
    v[0] = d == 0 ? length(0) : (d == 1 ? tilt[kXY] : tilt[kXZ]);
    v[1] = d == 0 ? 0.0 : (d == 1 ? length(1) : tilt[kYZ]);
    v[2] = d == 2 ? length(2) : 0.0;
  }

  /// The untilted coordinate u_d = lo_d + L_d·s_d of position x[3] (see the file comment).
  MD_HOST_DEVICE double untilted(const double* x, int d) const {
    if (d == 2 || !triclinic()) return x[d];
    const double s2 = (x[2] - lo[2]) / length(2);
    if (d == 1) return x[1] - tilt[kYZ] * s2;
    const double s1 = (x[1] - tilt[kYZ] * s2 - lo[1]) / length(1);
    return x[0] - tilt[kXY] * s1 - tilt[kXZ] * s2;
  }

  /// Length L_d divided by the cell's width perpendicular to the faces spanned by the other two
  /// edges (≥ 1; exactly 1 for an orthogonal box): a sphere of radius r reaches r·factor along
  /// the untilted coordinate u_d.
  MD_HOST_DEVICE double width_factor(int d) const {
    if (d == 2) return 1.0;
    if (d == 1) {
      const double t = tilt[kYZ] / length(2);
      return std::sqrt(1.0 + t * t);
    }
    const double t_xy = tilt[kXY] / length(1);
    const double t_xz = (tilt[kXY] * tilt[kYZ] - length(1) * tilt[kXZ]) / (length(1) * length(2));
    return std::sqrt(1.0 + t_xy * t_xy + t_xz * t_xz);
  }
  /// The cell's width perpendicular to the faces spanned by the other two edges, Å.
  MD_HOST_DEVICE double width(int d) const { return length(d) / width_factor(d); }

  /// Minimum-image displacement dx[3] (Å) in place, LAMMPS's way: periodic dimensions z, then y,
  /// then x, each removing whole edge vectors until the untilted component lies in [−L/2, L/2].
  /// For an orthogonal box this is the true minimum image; for a tilted one it is whenever
  /// |dx| is below half the smallest width (all a pair potential needs). Valid for any |dx|.
  MD_HOST_DEVICE void minimum_image(double* dx) const {
    for (int d = 2; d >= 0; --d) {
      if (!periodic[d]) continue;
      const double n = std::nearbyint(dx[d] / length(d));
      shift_by_edges(dx, d, -n);
    }
  }

  /// Wraps position x[3] into the cell along periodic dimensions and updates the image counters
  /// image[3] so that x + Σ image_d·edge_d is unchanged: z first (its edge moves x and y), then
  /// y, then x. Non-periodic dimensions are left alone.
  MD_HOST_DEVICE void wrap(double* x, int* image) const {
    for (int d = 2; d >= 0; --d) {
      if (!periodic[d]) continue;
      const double len = length(d);
      const double shifts = std::floor((untilted(x, d) - lo[d]) / len);
      if (shifts != 0.0) {
        shift_by_edges(x, d, -shifts);
        image[d] += static_cast<int>(shifts);
      }
      // Rounding can leave u == hi (e.g. x = lo - 1e-17); keep the half-open interval exact.
      const double u = untilted(x, d);
      if (u >= hi[d]) {
        shift_by_edges(x, d, -1.0);
        image[d] += 1;
      }
      if (untilted(x, d) < lo[d]) x[d] += lo[d] - untilted(x, d);
    }
  }

  /// The unwrapped position x + Σ image_d·edge_d into out[3] (LAMMPS's xu yu zu).
  MD_HOST_DEVICE void unwrap(const double* x, const int* image, double* out) const {
    out[0] = x[0] + image[0] * length(0) + image[1] * tilt[kXY] + image[2] * tilt[kXZ];
    out[1] = x[1] + image[1] * length(1) + image[2] * tilt[kYZ];
    out[2] = x[2] + image[2] * length(2);
  }

  /// Is u_d of x[3] inside [lo_d, hi_d)?
  MD_HOST_DEVICE bool contains(const double* x, int d) const {
    const double u = untilted(x, d);
    return u >= lo[d] && u < hi[d];
  }

 private:
  /// v += n·edge_d (only the components the edge has, so an orthogonal box touches v[d] alone).
  MD_HOST_DEVICE void shift_by_edges(double* v, int d, double n) const {
    if (d == 2) {
      v[2] += n * length(2);
      if (tilt[kYZ] != 0.0) v[1] += n * tilt[kYZ];
      if (tilt[kXZ] != 0.0) v[0] += n * tilt[kXZ];
    } else if (d == 1) {
      v[1] += n * length(1);
      if (tilt[kXY] != 0.0) v[0] += n * tilt[kXY];
    } else {
      v[0] += n * length(0);
    }
  }
};

/// A tilt beyond (0.5 + kFlipMargin)·L is flipped (LAMMPS's DELTAFLIP): the margin keeps a tilt
/// oscillating about the limit from flipping back and forth.
constexpr double kFlipMargin = 0.1;

/// LAMMPS's cell flip (`fix npt ... flip yes`, FixNH::pre_exchange): a tilt that grew past
/// (0.5 + kFlipMargin) of its length along a periodic dimension is moved by one edge into the
/// equivalent, less skewed cell of the same lattice — yz first (c ∓= b, which also moves xz by
/// ∓xy), then xz (c ∓= a), then xy (b ∓= a). Writes the flips {xy, xz, yz} (+1: the tilt grew by
/// one length, −1: shrank) into `flips` and returns whether any happened. Atoms keep their
/// positions; their image counters change by flip_images, and wrapping puts them into the cell.
inline bool flip_cell(Box& box, int* flips) {
  flips[0] = flips[1] = flips[2] = 0;
  const double lx = box.length(0), ly = box.length(1);
  const double x_limit = (0.5 + kFlipMargin) * lx, y_limit = (0.5 + kFlipMargin) * ly;
  double& xy = box.tilt[Box::kXY];
  double& xz = box.tilt[Box::kXZ];
  double& yz = box.tilt[Box::kYZ];
  if (box.periodic[1]) {
    if (yz < -y_limit) {
      yz += ly, xz += xy, flips[2] = 1;
    } else if (yz >= y_limit) {
      yz -= ly, xz -= xy, flips[2] = -1;
    }
  }
  if (box.periodic[0]) {
    if (xz < -x_limit) {
      xz += lx, flips[1] = 1;
    } else if (xz >= x_limit) {
      xz -= lx, flips[1] = -1;
    }
    if (xy < -x_limit) {
      xy += lx, flips[0] = 1;
    } else if (xy >= x_limit) {
      xy -= lx, flips[0] = -1;
    }
  }
  return flips[0] != 0 || flips[1] != 0 || flips[2] != 0;
}

/// The image counters image[3] of an atom after flip_cell's `flips`, so that its unwrapped
/// position x + Σ image_d·edge_d is unchanged (LAMMPS's Domain::image_flip).
MD_HOST_DEVICE inline void flip_images(int* image, const int* flips) {
  image[1] -= flips[2] * image[2];
  image[0] -= flips[0] * image[1] + flips[1] * image[2];
}

}  // namespace md
