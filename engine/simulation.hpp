// SPDX-License-Identifier: MIT
/// \file
/// The MD loop. `Simulation` owns one rank's atoms, the halo, the neighbour list, the potential and
/// the integrator, and advances them step by step; `step()` reads like the textbook (see its
/// comment). It knows nothing of YAML, files, signals or MPI: it talks to other ranks through the
/// Communicator, to the physics through the Potential and Integrator interfaces, and to outputs
/// through Observers and the checkpoint callback the application installs.
///
/// Backends: the per-atom phases run on a StepBackend (engine/step_backend.hpp): on the host
/// ParticleState for run.backend cpu, on the GPU for cuda, where the host ParticleState is a copy
/// the backend brings up to date (sync_host_state) only where host code reads it: neighbour-list
/// rebuilds (migration and the halo plan stay host code), output, guard and checkpoint steps, and
/// the end of a run. The step reads the same for both and has no backend branch.
///
/// The class is defined over three files: simulation.cpp (the loop), simulation_checkpoint.cpp
/// (gather and restore), simulation_evaluate.cpp (single-point evaluation).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/domain.hpp"
#include "comm/halo.hpp"
#include "engine/atom_kernels.hpp"
#include "engine/atom_set.hpp"
#include "core/checkpoint_state.hpp"
#include "engine/conserved_energy.hpp"
#include "engine/integrator.hpp"
#include "engine/model_deviation.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/observer.hpp"
#include "engine/particle_state.hpp"
#include "engine/step_backend.hpp"
#include "engine/step_context.hpp"
#include "engine/run_report.hpp"
#include "core/settings.hpp"
#include "engine/thermo.hpp"
#include "engine/thermo_log.hpp"
#include "engine/timers.hpp"
#include "engine/trajectory.hpp"
#include "potential/committee.hpp"
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
  /// With a committee potential: the model deviation of this configuration (atom_devi_f when
  /// `atomic` or potential.deviation.atomic).
  std::optional<ModelDeviationRecord> model_deviation;
};

/// What the application asks for after a step (this rank's view; the loop reduces it so that
/// every rank acts when any rank asks).
struct StepRequests {
  bool checkpoint = false;  ///< write a checkpoint now
  bool stop = false;        ///< write a checkpoint and end the run (signal, wall-time limit)
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
  /// forces, prints the thermo header and the step-0 line, and calls the observers. Collective.
  void setup();
  /// Prepares to continue from a checkpoint instead of setup(). `checkpoint` is read on rank 0
  /// (other ranks may pass an empty one). With the checkpoint's rank count and grid, every rank
  /// takes back its own atoms in storage order and rebuilds the halo and neighbour list from the
  /// positions of the last build, so the continuation is bit-identical; otherwise the atoms are
  /// redistributed by position. The run continues in the checkpoint's box (which a barostat may
  /// have changed). Observers are not called (outputs already hold this step).
  /// Throws a config Error when the checkpoint does not fit this run (atoms, boundary flags,
  /// types, integrator). Collective.
  void restore(const CheckpointState& checkpoint);
  /// Runs up to `n_steps` steps (after setup or restore) and returns the performance report. Ends
  /// early, after writing a checkpoint, when the run control asks to stop. Collective.
  RunReport run(std::int64_t n_steps);
  /// Advances one step (see the comment in simulation.cpp). Collective.
  void step();

  /// Evaluates the potential once at the current positions (after setup) and gathers the results
  /// by id on root. `atomic` adds per-atom energies and virials. Collective.
  EvaluationResult evaluate(bool atomic);
  /// `mdrun eval`: builds the neighbour list, evaluates once (no dynamics, no guards) and refuses
  /// a non-finite energy or force as a model error (exit code 4) naming the atom. Collective.
  EvaluationResult evaluate_once(bool atomic);

  /// Runs the per-atom phases through `backend` from now on (call before setup() or restore()).
  /// The constructor installs the backend of settings.backend; tests install a resident stand-in
  /// (tests/support/host_resident_step.hpp) to check the GPU orchestration without a GPU.
  void set_step_backend(std::unique_ptr<StepBackend> backend) { backend_ = std::move(backend); }
  /// Replaces the integrator made from the settings (before setup() or restore()): for
  /// integrators the settings cannot express yet, and for tests.
  void set_integrator(std::unique_ptr<Integrator> integrator) { integrator_ = std::move(integrator); }
  /// Changes the box (BoxControl; what a barostat's half step calls): maps the owned positions
  /// into `box` through the backend's kernels, gives the domain the new box and the halo its new
  /// periodic shifts. The list stays valid while 2·(largest displacement since the build) plus
  /// the ghost shifts' drift stays below the skin (update_ghosts_or_rebuild), so small steady
  /// box changes (MTK moves the box every step) do not rebuild every step. Collective.
  void change_box(const Box& box);
  /// The box becomes `box` with the atoms where they are (a restart's positions are already in
  /// it): the domain, the halo's shifts and the shift drift follow.
  void adopt_box(const Box& box);
  /// Fault injection for tests: called on every rank after each migration with the owned atoms
  /// (a test removes one to exercise the lost-atoms guard, which no correct run can reach).
  void set_migration_hook(std::function<void(ParticleState&, std::int64_t step)> hook) {
    migration_hook_ = std::move(hook);
  }
  /// Adds an output that runs after every step on its own schedule (before setup()).
  void add_observer(std::unique_ptr<Observer> observer);
  /// Installs the per-step run control: called on every rank after every step with the step
  /// number; any rank's request applies to all. Without it the run never stops early.
  void set_run_control(std::function<StepRequests(std::int64_t step)> control);
  /// Installs the checkpoint writer: called on every rank with gather_checkpoint()'s result
  /// (complete on rank 0 only).
  void set_checkpoint_writer(std::function<void(const CheckpointState&)> writer);
  /// Writes a checkpoint now through the installed writer (no-op without one). Refuses (an
  /// UnstableDynamics error) when a position, velocity or force is not finite. Collective.
  void write_checkpoint();
  /// Calls finish() on every observer (flushes trajectories). Collective.
  void finish_observers();
  /// Brings the host copy of the owned atoms (positions, velocities, forces) up to date with the
  /// backend's (a no-op on the host backend or when it is already current). Local.
  void sync_host_state() { backend_->sync_host(state_); }
  /// Device bytes held by the potential and the step backend (0 on the CPU backend).
  std::size_t device_memory_bytes() const;

  /// The model-deviation row of the current step when one was measured at this step (setup, or a
  /// step divisible by model_deviation.every, with a committee potential), else null.
  const ModelDeviationRecord* model_deviation_record() const {
    return deviation_record_.step == step_ && deviation_ ? &deviation_record_ : nullptr;
  }

  /// The current thermo quantities (energies from the last force evaluation). Collective.
  ThermoSample thermo() const;
  /// The thermo sample of the current step when one was taken at this step (a thermo step, or a
  /// step an observer wants it: Observer::wants_thermo), else null. Identical on all ranks.
  const ThermoRecord* thermo_record() const { return thermo_record_ ? &*thermo_record_ : nullptr; }
  /// This rank's owned atoms (unwrapped positions and image flags as in a data file). For output.
  AtomSet owned_atoms() const;
  /// All atoms gathered on rank 0 in ascending id order, positions wrapped. Collective.
  TrajectoryFrame gather_frame(const TrajectoryFields& fields) const;
  /// The restartable state, gathered on rank 0 (scalars on every rank). Collective.
  CheckpointState gather_checkpoint() const;
  /// The end-of-run conserved-energy drift line (see ConservedEnergyLog).
  std::string conserved_energy_report() const;
  std::optional<DriftFit> conserved_energy_drift() const;

  std::int64_t current_step() const { return step_; }
  /// The step the current (or last) run() ends at.
  std::int64_t run_last_step() const { return last_step_; }
  double current_time() const { return step_ * settings_.dt_ps; }
  /// True when the last run() ended early on a stop request.
  bool stopped_early() const { return stopped_early_; }
  /// Step of the last checkpoint written, −1 when none.
  std::int64_t last_checkpoint_step() const { return last_checkpoint_step_; }
  const Box& box() const { return domain_.box(); }
  const Domain& domain() const { return domain_; }
  const ParticleState& state() const { return state_; }
  const SimulationSettings& settings() const { return settings_; }
  const Potential& potential() const { return *potential_; }
  const Integrator& integrator() const { return *integrator_; }
  std::int64_t n_atoms() const { return n_atoms_total_; }

 private:
  void rebuild_neighbors();
  void update_ghosts_or_rebuild();
  void compute_forces(const ComputeRequest& request);
  /// The integrator's view of a step (engine/step_context.hpp).
  StepContext step_context(std::int64_t step);
  /// On the steps the integrator asks for it: this step's virial summed over ranks.
  void reduce_virial_for_integrator();
  void evaluate_potential(const ComputeRequest& request);
  /// Warns (rank 0) about atoms much closer than the potential's natural distance. Collective.
  void warn_close_contacts();
  /// Before the first thermo line of a run: the temperature guard's limit, the memory line and
  /// the thermo header. Collective.
  void start_thermo_table();
  /// The temperature and conserved-energy guards on a thermo sample. Collective verdict.
  void check_thermo_bounds(const ThermoSample& sample, double conserved);
  void reverse_sum_forces();
  /// On its steps: every committee member but the first evaluated at the current positions, and
  /// the deviation row measured (the first member's forces are the step's). Collective.
  void measure_model_deviation();
  /// True when some observer reads per-atom data after `step`.
  bool observers_read_atoms(std::int64_t step) const;
  /// True when some observer needs the thermo sample of `step`.
  bool observers_want_thermo(std::int64_t step) const;
  /// The thermo sample of this step (collective), its guards, and thermo_record(); `print` also
  /// logs it, prints the thermo line and adds it to the conserved-energy fit.
  void take_thermo_sample(bool print);
  std::uint64_t neighbor_build_count() const;
  void compute_initial_forces();
  void observe();
  bool thermo_due(std::int64_t step) const;
  bool guard_due(std::int64_t step) const;
  void print_thermo();
  StepRequests poll_run_control();
  void restore_atoms_in_place(const CheckpointState& checkpoint);
  void restore_atoms_by_position(const CheckpointState& checkpoint);

  SimulationSettings settings_;
  Communicator comm_;
  Domain domain_;
  Halo halo_;
  ParticleState state_;
  std::unique_ptr<Potential> potential_;
  std::unique_ptr<StepBackend> backend_;  ///< where the per-atom phases run
  std::unique_ptr<Integrator> integrator_;
  ThermoLog thermo_log_;
  std::function<void(const std::string&)> thermo_sink_;
  Timers timers_;
  std::vector<std::unique_ptr<Observer>> observers_;
  std::function<StepRequests(std::int64_t)> run_control_;
  std::function<void(const CheckpointState&)> checkpoint_writer_;
  ConservedEnergyLog conserved_energy_;
  std::optional<ThermoRecord> thermo_record_;
  Committee* committee_ = nullptr;            ///< the potential, when it is a committee
  std::unique_ptr<ModelDeviation> deviation_;  ///< with a committee and model_deviation.every
  ModelDeviationRecord deviation_record_;     ///< the last row measured

  std::int64_t step_ = 0;
  std::int64_t last_step_ = 0;  ///< final step of the current run(), for the thermo schedule
  std::int64_t n_atoms_total_ = 0;
  std::int64_t id_sum_ = 0;     ///< sum of all atom ids, to name a lost atom
  double potential_energy_ = 0.0;       ///< this rank's share, from the last evaluation
  std::array<double, 9> virial_{};      ///< this rank's share, from the last evaluation
  bool stopped_early_ = false;
  std::int64_t last_checkpoint_step_ = -1;
  std::function<void(ParticleState&, std::int64_t)> migration_hook_;  ///< tests only
  /// The integrators' way to change the box: forwards to change_box.
  struct SimulationBoxControl final : BoxControl {
    explicit SimulationBoxControl(Simulation& s) : simulation(s) {}
    void change_box(const Box& box) override { simulation.change_box(box); }
    Simulation& simulation;
  } box_control_{*this};
  bool box_changed_ = false;  ///< the box changed in this step (the displacement guard skips it)
  Box list_box_;              ///< the box of the last neighbour-list build
  /// Halo::ghost_shift_change(list_box_, box): how far ghost shifts moved since the build, Å.
  double ghost_shift_drift_ = 0.0;
  std::array<double, 9> global_virial_{};  ///< summed over ranks, for the integrator
  std::int64_t global_virial_step_ = -1;
  double temperature_limit_ = 0.0;  ///< K; 0: no temperature guard
  /// The last thermo sample's step and conserved energy, for the energy-jump guard.
  std::optional<std::pair<std::int64_t, double>> last_conserved_;
  /// Atoms closer than this fraction of their natural distance are reported at start.
  static constexpr double kCloseContactFraction = 0.5;
  Timers::Clock::time_point run_start_ = Timers::Clock::now();
};

}  // namespace md
