// SPDX-License-Identifier: MIT
/// \file
/// Arithmetic that rounds the same on the host and the device. nvcc contracts `a·b + c` into one
/// fused multiply-add by default (rounded once), the host compiler rounds the product and the sum
/// separately, so math shared by both launchers would differ in the last bit. Where host and
/// device must agree bit for bit (integration, neighbour-list distances, box mapping: the resident
/// GPU step is checked bitwise against the host step), the shared math uses these: each is one
/// IEEE operation rounded to nearest, which nvcc does not contract (`__dadd_rn` and friends).
#pragma once

#include "core/portability.hpp"

namespace md {

MD_HOST_DEVICE inline double add_rn(double a, double b) {
#if defined(__CUDA_ARCH__)
  return __dadd_rn(a, b);
#else
  return a + b;
#endif
}

MD_HOST_DEVICE inline double sub_rn(double a, double b) {
#if defined(__CUDA_ARCH__)
  return __dsub_rn(a, b);
#else
  return a - b;
#endif
}

MD_HOST_DEVICE inline double mul_rn(double a, double b) {
#if defined(__CUDA_ARCH__)
  return __dmul_rn(a, b);
#else
  return a * b;
#endif
}

/// |xj − xi|² (Å²) as (dx² + dy²) + dz², each operation rounded to nearest on host and device.
MD_HOST_DEVICE inline double distance_sq(const double* xj, const double* xi) {
  const double dx = sub_rn(xj[0], xi[0]);
  const double dy = sub_rn(xj[1], xi[1]);
  const double dz = sub_rn(xj[2], xi[2]);
  return add_rn(add_rn(mul_rn(dx, dx), mul_rn(dy, dy)), mul_rn(dz, dz));
}

}  // namespace md
