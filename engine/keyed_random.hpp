// SPDX-License-Identifier: MIT
/// \file
/// Counter-based random numbers keyed by (seed, stream, counter): the value for an atom depends
/// only on the seed, the atom's global id and what it is used for, never on which rank holds the
/// atom or in what order atoms are visited. This is what makes `velocity create` (and later
/// Langevin noise) independent of the decomposition.
#pragma once

#include <cmath>
#include <cstdint>

#include "core/portability.hpp"

namespace md {

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mixer with full avalanche.
MD_HOST_DEVICE inline std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/// A uniform double in (0, 1] for key (seed, stream, counter).
MD_HOST_DEVICE inline double keyed_uniform(std::uint64_t seed, std::uint64_t stream,
                                           std::uint64_t counter) {
  const std::uint64_t bits = mix64(mix64(mix64(seed) ^ stream) ^ counter);
  // 53 random mantissa bits; +1 keeps the result away from 0 so log() is finite.
  return (static_cast<double>(bits >> 11) + 1.0) * (1.0 / 9007199254740992.0);
}

/// A standard normal deviate for key (seed, stream, counter), by Box–Muller on two keyed uniforms.
MD_HOST_DEVICE inline double keyed_normal(std::uint64_t seed, std::uint64_t stream,
                                          std::uint64_t counter) {
  constexpr double kTwoPi = 6.283185307179586476925286766559;
  const double u1 = keyed_uniform(seed, stream, 2 * counter);
  const double u2 = keyed_uniform(seed, stream, 2 * counter + 1);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

}  // namespace md
