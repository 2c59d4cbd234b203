// SPDX-License-Identifier: MIT
/// \file
/// The MD loop. `Simulation` owns one rank's atoms, the halo, the neighbour list and the potential,
/// and advances them with velocity Verlet; `step()` reads like the textbook (see its comment).
/// It knows nothing of YAML, files or MPI: it talks to other ranks through the Communicator and to
/// the physics through the Potential interface.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/domain.hpp"
#include "comm/halo.hpp"
#include "engine/atom_set.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/particle_state.hpp"
#include "engine/run_report.hpp"
#include "engine/settings.hpp"
#include "engine/thermo.hpp"
#include "engine/thermo_log.hpp"
#include "engine/timers.hpp"
#include "potential/potential.hpp"

namespace md {

/// The per-atom outputs of a single evaluation, gathered on root in ascending id order.
struct EvaluationResult {
  std::int64_t n_atoms = 0;
  double energy = 0.0;                 ///< eV
  std::array<double, 9> virial{};      ///< eV, W[3a+b] = Σ F_a r_b
  std::vector<std::int64_t> ids;       ///< [n] (root only)
  std::vector<double> forces;          ///< [n][3], eV/Å (root only)
  std::vector<double> atom_energies;   ///< [n], eV (root only, when requested)
  std::vector<double> atom_virials;    ///< [n][9], eV (root only, when requested)
};

class Simulation {
 public:
  /// `owned` are this rank's atoms (see scatter_atoms); `type_names`/`type_masses` describe the
  /// run's types. Thermo lines go to `thermo_sink` on rank 0 (e.g. print to stdout).
  Simulation(SimulationSettings settings, const Communicator& comm, Domain domain, AtomSet owned,
             std::vector<std::string> type_names, std::vector<double> type_masses,
             std::unique_ptr<Potential> potential,
             std::function<void(const std::string&)> thermo_sink);

  /// Prepares step 0: creates velocities if asked, builds ghosts and the neighbour list, computes
  /// forces, and prints the thermo header and the step-0 line. Collective.
  void setup();
  /// Runs `n_steps` steps (after setup) and returns the performance report. Collective.
  RunReport run(std::int64_t n_steps);
  /// Advances one step (see the comment in simulation.cpp). Collective.
  void step();

  /// Evaluates the potential once at the current positions (after setup) and gathers the results
  /// by id on root. `atomic` adds per-atom energies and virials. Collective.
  EvaluationResult evaluate(bool atomic);

  /// The current thermo quantities (energies from the last force evaluation). Collective.
  ThermoSample thermo() const;
  /// This rank's owned atoms (unwrapped positions and image flags as in a data file). For output.
  AtomSet owned_atoms() const;

  std::int64_t current_step() const { return step_; }
  const Box& box() const { return domain_.box(); }
  const ParticleState& state() const { return state_; }

 private:
  void rebuild_neighbors();
  void update_ghosts_or_rebuild();
  void compute_forces(const ComputeRequest& request);
  bool thermo_due(std::int64_t step) const;
  void print_thermo();

  SimulationSettings settings_;
  Communicator comm_;
  Domain domain_;
  Halo halo_;
  ParticleState state_;
  std::unique_ptr<Potential> potential_;
  NeighborList neighbors_;
  ThermoLog thermo_log_;
  std::function<void(const std::string&)> thermo_sink_;
  Timers timers_;

  std::int64_t step_ = 0;
  std::int64_t last_step_ = 0;  ///< final step of the current run(), for the thermo schedule
  std::int64_t n_atoms_total_ = 0;
  double potential_energy_ = 0.0;       ///< this rank's share, from the last evaluation
  std::array<double, 9> virial_{};      ///< this rank's share, from the last evaluation
  Timers::Clock::time_point run_start_ = Timers::Clock::now();
};

}  // namespace md
