// SPDX-License-Identifier: MIT
/// \file
/// The O step of Langevin BAOAB for one atom (engine/integrator_langevin.hpp), shared by the CPU
/// loop and the CUDA kernel (architecture rule 1):
///   v ← c₁·v + c₂·sqrt(kT/(m·mvv2e))·R,   R ~ N(0, 1) keyed by (seed, stream, 3·id + component)
/// The noise depends only on the seed, the step (`stream`), the atom's global id and the
/// component (engine/keyed_random.hpp), never on the rank or the storage order, so the CPU and
/// the GPU draw the same numbers. (The device's log/cos/sqrt may round differently from the host
/// libm in the last bit, so the two agree to rounding, not bitwise.)
#pragma once

#include <cmath>
#include <cstdint>

#include "core/portability.hpp"
#include "engine/keyed_random.hpp"

namespace md {

/// The constants of one O step.
struct OrnsteinUhlenbeckStep {
  double c1 = 0.0;             ///< exp(−γ·dt)
  double c2 = 0.0;             ///< sqrt(1 − c₁²)
  double kt = 0.0;             ///< k_B·T, eV
  double mvv2e = 0.0;          ///< units::kMvv2e (passed so device code needs no host constant)
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;    ///< langevin_stream(step)
};

/// Applies the O step to the velocity `v` [3] (Å/ps) of the atom with global id `id` and mass
/// `mass` (amu). Returns ½·m·(|v_after|² − |v_before|²) in amu·Å²/ps² (times mvv2e: eV).
MD_HOST_DEVICE inline double ornstein_uhlenbeck_atom(double* v, double mass, std::int64_t id,
                                                     const OrnsteinUhlenbeckStep& step) {
  const double sigma = step.c2 * std::sqrt(step.kt / (mass * step.mvv2e));
  const auto key = static_cast<std::uint64_t>(id);
  double v2_before = 0.0, v2_after = 0.0;
  for (int c = 0; c < 3; ++c) {
    v2_before += v[c] * v[c];
    v[c] = step.c1 * v[c] + sigma * keyed_normal(step.seed, step.stream, 3 * key + c);
    v2_after += v[c] * v[c];
  }
  return 0.5 * mass * (v2_after - v2_before);
}

}  // namespace md
