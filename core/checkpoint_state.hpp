// SPDX-License-Identifier: MIT
/// \file
/// The complete restartable state of a run as a plain struct (the file format lives in
/// io/checkpoint_file). It holds, besides positions and velocities in double precision, what a
/// bit-identical continuation needs (docs/checkpoints.md):
///  - each rank's owned atoms in its storage order, with their positions at the last neighbour-list
///    build (the list's reference positions), so that a restart with the same decomposition
///    rebuilds exactly the same halo and neighbour list and therefore sums forces in the same
///    order;
///  - the integrator's state (thermostat scalars; per-rank Langevin heat) and the random seed,
///    whose counters are derived from the step and the atom ids.
/// With another rank count or grid the atoms are redistributed by position and the run continues
/// correctly, but not bit for bit.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/box.hpp"

namespace md {

struct CheckpointState {
  // Provenance and identity, filled by the application (compared on restart).
  std::string mdrun_version;
  std::string config_fingerprint;  ///< normalised physics-relevant config, one `key = value` a line
  std::string config_hash;         ///< SHA-256 of config_fingerprint
  std::string model_hash;          ///< SHA-256 of the model file ("" when the potential has none)

  std::int64_t step = 0;
  double time_ps = 0.0;
  double dt_ps = 0.0;
  Box box;
  /// The box the halo and neighbour list were built in (a barostat moves the box between
  /// rebuilds); the same as `box` in checkpoints written before it was stored.
  Box rebuild_box;
  int n_ranks = 1;
  std::array<int, 3> grid{1, 1, 1};
  std::vector<std::string> type_names;

  /// Atoms of all ranks, rank after rank, each rank's block in its storage order.
  std::vector<std::int64_t> rank_counts;  ///< [n_ranks]
  std::vector<std::int64_t> ids;          ///< [n]
  std::vector<int> types;                 ///< [n], 0-based
  std::vector<double> positions;          ///< [n][3], Å, as stored (unwrapped since the build)
  std::vector<double> rebuild_positions;  ///< [n][3], Å, at the last neighbour-list build
  std::vector<double> velocities;         ///< [n][3], Å/ps
  std::vector<int> images;                ///< [n][3]

  std::string integrator_kind;
  std::vector<double> integrator_scalars;
  std::vector<double> local_heat;  ///< [n_ranks], eV
  std::uint64_t random_seed = 0;   ///< key of CSVR/Langevin noise (counters: step, atom id)

  std::size_t n_atoms() const { return ids.size(); }
};

}  // namespace md
