// SPDX-License-Identifier: MIT
/// \file
/// Runtime guards (docs/conventions-and-reliability.md §B2): checks that stop a run whose dynamics
/// has gone wrong, before it writes garbage or hangs. Each check is collective: every rank scans
/// its own atoms, the ranks agree (one reduction when all is well), and then *every* rank throws
/// the same UnstableDynamics error, whose message names the step and an atom id. Because all ranks
/// stop together, mdrun can still gather the last state into a debug dump before exiting with
/// code 5 (core/error.hpp), instead of aborting one rank while the others wait.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "comm/communicator.hpp"
#include "core/box.hpp"
#include "core/error.hpp"
#include "engine/particle_state.hpp"
#include "potential/potential.hpp"

namespace md {

/// Unstable dynamics detected by a collective guard: thrown on every rank at once.
class UnstableDynamics : public Error {
 public:
  explicit UnstableDynamics(const std::string& message)
      : Error(ExitCode::kUnstable, message, /*collective=*/true) {}
};

/// Throws UnstableDynamics on every rank when some rank has a problem. `problem_count` is this
/// rank's number of offending atoms and `message` its description (used only when the count is
/// non-zero); the message of the lowest such rank is thrown, with the total count appended when
/// it is larger than 1. Collective.
void raise_if_any(const Communicator& comm, std::int64_t problem_count, const std::string& message);

/// NaN/Inf in an owned atom's position, velocity or force, or a force larger than `max_force`
/// (eV/Å; 0: no bound). Collective.
void check_atom_values(const ParticleState& state, double max_force, const Communicator& comm,
                       std::int64_t step);

/// Called when the largest displacement since the last neighbour-list build, `moved` (Å, reduced
/// over ranks), exceeds skin/2 + `limit`: some atom then moved more than `limit` in this one step
/// (it had moved at most skin/2 at the previous step). Finds the atom (its displacement from
/// `reference`, [n_local][3], the positions at the last build) and throws UnstableDynamics on
/// every rank. Collective; returns normally when `limit` is 0 (off) or `moved` is within it.
void check_step_displacement(const ParticleState& state, const std::vector<double>& reference,
                             double moved, double skin, double limit, const Communicator& comm,
                             std::int64_t step);

/// The closest pair of atoms relative to their potential's natural distance (Potential::
/// natural_distance), over all ranks: a warning naming the pair when it is closer than `fraction`
/// of that distance (atoms placed on top of each other make the first steps explode), else "".
/// Meaningful on rank 0. Collective.
std::string close_contact_warning(const ParticleState& state, const NeighborView& neighbors,
                                  const Potential& potential, double fraction,
                                  const Communicator& comm);

/// Before a migration: every owned position is finite, inside the box along its non-periodic
/// dimensions (the condition migrate() enforces, checked first so that all ranks stop together),
/// and along periodic ones close enough that wrapping it keeps its image flag in 32 bits.
/// Collective.
void check_inside_box(const ParticleState& state, const Box& box, const Communicator& comm,
                      std::int64_t step);

/// After a neighbour-list build: no atom has more than `capacity` entries (0: no limit), and the
/// number of atoms is still `n_atoms` (lost atoms; `id_sum` is the sum of all ids at the start,
/// which names the atom when exactly one is missing). Collective.
void check_after_rebuild(const ParticleState& state, const NeighborView& neighbors, int capacity,
                         std::int64_t n_atoms, std::int64_t id_sum, const Communicator& comm,
                         std::int64_t step);

/// The lost-atoms message for `n_now` atoms where `n_atoms` were expected. `id_sum_now` and
/// `id_sum` are the current and original sums of ids.
std::string lost_atoms_message(std::int64_t step, std::int64_t n_atoms, std::int64_t n_now,
                               std::int64_t id_sum, std::int64_t id_sum_now);

/// Sum of the owned atoms' ids over all ranks. Collective.
std::int64_t global_id_sum(const ParticleState& state, const Communicator& comm);

}  // namespace md
