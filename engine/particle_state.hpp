// SPDX-License-Identifier: MIT
/// \file
/// The per-atom state of one rank, structure-of-arrays and local-first: indices [0, n_local) are
/// owned atoms, [n_local, n_all) ghosts appended by the halo. Every atom carries its global id, so
/// outputs and tests never depend on the storage order or the decomposition.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/span.hpp"

namespace md {

struct ParticleState {
  int n_local = 0;
  int n_ghost = 0;

  std::vector<double> positions;   ///< [n_all][3], Å; owned rows unwrapped between rebuilds
  std::vector<double> velocities;  ///< [n_local][3], Å/ps
  std::vector<double> forces;      ///< [n_all][3], eV/Å; ghost rows are stale after reverse_sum
  std::vector<int> images;         ///< [n_local][3], periodic image counters
  std::vector<int> types;          ///< [n_all], 0-based index into type_names
  std::vector<std::int64_t> ids;   ///< [n_all], global atom ids (> 0)

  std::vector<std::string> type_names;  ///< names of the types, from the run's type_map
  std::vector<double> type_masses;      ///< [n_types], amu

  int n_all() const { return n_local + n_ghost; }
  int n_types() const { return static_cast<int>(type_names.size()); }
  double mass(int i) const { return type_masses[types[i]]; }
};

}  // namespace md
