// SPDX-License-Identifier: MIT
/// \file
/// The simulation box: an orthogonal cell [lo, hi) per dimension, each dimension periodic or not.
/// A small value type usable on host and device (JAX-MD's `space`: displacement and shift).
/// Triclinic cells are not supported yet; readers reject them before a Box is made.
#pragma once

#include <cmath>

#include "core/portability.hpp"

namespace md {

struct Box {
  double lo[3] = {0.0, 0.0, 0.0};  ///< Å
  double hi[3] = {0.0, 0.0, 0.0};  ///< Å
  bool periodic[3] = {true, true, true};

  MD_HOST_DEVICE double length(int d) const { return hi[d] - lo[d]; }
  MD_HOST_DEVICE double volume() const { return length(0) * length(1) * length(2); }

  /// Minimum-image displacement component along d (Å): for a periodic dimension the result lies in
  /// [-L/2, L/2]; non-periodic dimensions are returned unchanged. Valid for any |dx|.
  MD_HOST_DEVICE double minimum_image(int d, double dx) const {
    if (!periodic[d]) return dx;
    const double len = length(d);
    return dx - len * std::nearbyint(dx / len);
  }

  /// Wraps coordinate x along a periodic dimension d into [lo, hi) and updates the image counter
  /// so that x + image·L is unchanged. Non-periodic dimensions are left alone.
  MD_HOST_DEVICE void wrap(int d, double& x, int& image) const {
    if (!periodic[d]) return;
    const double len = length(d);
    const double shifts = std::floor((x - lo[d]) / len);
    if (shifts != 0.0) {
      x -= shifts * len;
      image += static_cast<int>(shifts);
    }
    // Rounding can leave x == hi (e.g. x = lo - 1e-17); keep the half-open interval exact.
    if (x >= hi[d]) {
      x -= len;
      image += 1;
    }
    if (x < lo[d]) x = lo[d];
  }

  MD_HOST_DEVICE bool contains(int d, double x) const { return x >= lo[d] && x < hi[d]; }
};

}  // namespace md
