// SPDX-License-Identifier: MIT
/// \file
/// Checkpoints of a Simulation: the restartable state gathered on rank 0, and a restart from it —
/// bit for bit on the same ranks and grid (every rank takes back its atoms in storage order and
/// rebuilds the halo and list from the positions of the last build), by position otherwise.
#include <cstring>

#include "comm/collectives.hpp"
#include "comm/root_task.hpp"
#include "core/error.hpp"
#include "engine/distribute.hpp"
#include "engine/size_checks.hpp"
#include "engine/simulation.hpp"

namespace md {

namespace {

/// One atom of a checkpoint block, as bytes for the scatter.
struct CheckpointRecord {
  std::int64_t id;
  int type;
  int image[3];
  double position[3];
  double rebuild_position[3];
  double velocity[3];
};

}  // namespace

CheckpointState Simulation::gather_checkpoint() const {
  CheckpointState c;
  c.step = step_;
  c.time_ps = current_time();
  c.dt_ps = settings_.dt_ps;
  c.box = domain_.box();
  c.rebuild_box = list_box_;
  c.n_ranks = comm_.size();
  c.grid = domain_.grid();
  c.type_names = state_.type_names;
  const IntegratorState integrator = integrator_->save();
  c.integrator_kind = integrator.kind;
  c.integrator_scalars = integrator.scalars;
  c.random_seed = settings_.integrator.thermostat.seed;

  const std::size_t n = state_.n_local;
  const std::int64_t count = state_.n_local;
  c.rank_counts = gather(comm_, &count, 1);
  c.ids = gather(comm_, state_.ids.data(), n);
  c.types = gather(comm_, state_.types.data(), n);
  c.positions = gather(comm_, state_.positions.data(), 3 * n);
  const std::vector<double>& rebuild_positions = backend_->reference_positions();
  c.rebuild_positions = gather(comm_, rebuild_positions.data(), 3 * n);
  c.velocities = gather(comm_, state_.velocities.data(), 3 * n);
  c.images = gather(comm_, state_.images.data(), 3 * n);
  c.local_heat = gather(comm_, &integrator.local_heat, 1);
  return c;
}

void Simulation::restore(const CheckpointState& checkpoint) {
  // Rank 0 checks that the checkpoint fits this run, then every rank learns its layout.
  on_root(comm_, [&] {
    const std::int64_t n = static_cast<std::int64_t>(checkpoint.n_atoms());
    if (n != n_atoms_total_) {
      throw config_error("the checkpoint holds " + std::to_string(n) + " atoms, but this run has " +
                         std::to_string(n_atoms_total_));
    }
    for (int d = 0; d < 3; ++d) {
      if (checkpoint.box.periodic[d] != domain_.box().periodic[d]) {
        throw config_error(
            "the checkpoint's boundary flags differ from this run's structure.boundary");
      }
    }
    if (checkpoint.type_names != state_.type_names) {
      throw config_error("the checkpoint's atom types differ from this run's type_map");
    }
    for (int type : checkpoint.types) {
      if (type < 0 || type >= state_.n_types()) {
        throw config_error("the checkpoint has an atom type outside this run's types");
      }
    }
    std::int64_t counted = 0;
    for (std::int64_t c : checkpoint.rank_counts) counted += c;
    if (counted != n || checkpoint.rank_counts.size() != static_cast<std::size_t>(checkpoint.n_ranks) ||
        checkpoint.local_heat.size() != checkpoint.rank_counts.size()) {
      throw config_error("the checkpoint's per-rank blocks are inconsistent");
    }
  });
  struct Header {
    std::int64_t step;
    int n_ranks;
    int grid[3];
  } header{checkpoint.step, checkpoint.n_ranks,
           {checkpoint.grid[0], checkpoint.grid[1], checkpoint.grid[2]}};
  broadcast(comm_, header);
  const bool same_layout = header.n_ranks == comm_.size() && header.grid[0] == domain_.grid()[0] &&
                           header.grid[1] == domain_.grid()[1] &&
                           header.grid[2] == domain_.grid()[2];
  step_ = header.step;
  // The run continues in the checkpoint's box (a barostat may have changed it since the
  // structure file was written).
  Box box = checkpoint.box;
  broadcast(comm_, box);
  on_all_ranks(comm_, [&] { check_box_for_radius(box, potential_->cutoff() + settings_.skin); });
  domain_.set_box(box);

  IntegratorState integrator;
  integrator.kind = checkpoint.integrator_kind;
  broadcast(comm_, integrator.kind);
  integrator.scalars = checkpoint.integrator_scalars;
  broadcast(comm_, integrator.scalars);
  {
    // Langevin's heat is kept per rank: each rank takes back its share, or rank 0 takes the sum.
    std::vector<double> heat = checkpoint.local_heat;
    broadcast(comm_, heat);
    double total = 0.0;
    for (double h : heat) total += h;
    integrator.local_heat =
        same_layout ? heat[comm_.rank()] : (comm_.is_root() ? total : 0.0);
  }
  integrator_->restore(integrator);

  if (same_layout) {
    restore_atoms_in_place(checkpoint);
  } else {
    restore_atoms_by_position(checkpoint);
  }
  compute_initial_forces();
  start_thermo_table();
  last_step_ = step_;
  print_thermo();
}

void Simulation::restore_atoms_in_place(const CheckpointState& checkpoint) {
  std::vector<std::vector<CheckpointRecord>> per_rank;
  if (comm_.is_root()) {
    std::size_t first = 0;
    for (std::int64_t n : checkpoint.rank_counts) {
      std::vector<CheckpointRecord>& records = per_rank.emplace_back(n);
      for (std::int64_t k = 0; k < n; ++k) {
        const std::size_t i = first + k;
        CheckpointRecord& r = records[k];
        r.id = checkpoint.ids[i];
        r.type = checkpoint.types[i];
        for (int d = 0; d < 3; ++d) {
          r.image[d] = checkpoint.images[3 * i + d];
          r.position[d] = checkpoint.positions[3 * i + d];
          r.rebuild_position[d] = checkpoint.rebuild_positions[3 * i + d];
          r.velocity[d] = checkpoint.velocities[3 * i + d];
        }
      }
      first += n;
    }
  }
  const std::vector<CheckpointRecord> records = scatter(comm_, per_rank);

  const std::size_t n = records.size();
  state_.n_local = static_cast<int>(n);
  state_.n_ghost = 0;
  state_.ids.resize(n);
  state_.types.resize(n);
  state_.images.resize(3 * n);
  state_.positions.resize(3 * n);
  state_.velocities.resize(3 * n);
  std::vector<double> current(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    state_.ids[i] = records[i].id;
    state_.types[i] = records[i].type;
    for (int d = 0; d < 3; ++d) {
      state_.images[3 * i + d] = records[i].image[d];
      state_.positions[3 * i + d] = records[i].rebuild_position[d];
      state_.velocities[3 * i + d] = records[i].velocity[d];
      current[3 * i + d] = records[i].position[d];
    }
  }
  // The halo and neighbour list exactly as they were built from these positions, in the box of
  // that build (every atom is already on its owner and inside it, so the migration moves
  // nothing); then the box and positions as they are now, forwarded to the ghosts as the
  // uninterrupted run did.
  const Box current_box = domain_.box();
  Box rebuild_box = checkpoint.rebuild_box;
  broadcast(comm_, rebuild_box);
  domain_.set_box(rebuild_box);
  rebuild_neighbors();
  if (state_.n_local != static_cast<int>(n)) {
    throw internal_error("restart: the migration moved atoms of a same-layout checkpoint");
  }
  adopt_box(current_box);
  std::copy(current.begin(), current.end(), state_.positions.begin());
  backend_->take_owned_atoms(state_);
  update_ghosts_or_rebuild();
}

void Simulation::restore_atoms_by_position(const CheckpointState& checkpoint) {
  AtomSet all;
  if (comm_.is_root()) {
    all.ids = checkpoint.ids;
    all.types = checkpoint.types;
    all.positions = checkpoint.positions;
    all.velocities = checkpoint.velocities;
    all.images = checkpoint.images;
  }
  AtomSet owned = scatter_atoms(comm_, domain_, all);
  state_.n_local = static_cast<int>(owned.size());
  state_.n_ghost = 0;
  state_.ids = std::move(owned.ids);
  state_.types = std::move(owned.types);
  state_.positions = std::move(owned.positions);
  state_.velocities = std::move(owned.velocities);
  state_.images = std::move(owned.images);
  rebuild_neighbors();
}

}  // namespace md
