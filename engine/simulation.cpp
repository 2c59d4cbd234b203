// SPDX-License-Identifier: MIT
#include "engine/simulation.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "comm/migration.hpp"
#include "comm/root_task.hpp"
#include "core/format.hpp"
#include "core/error.hpp"
#include "engine/distribute.hpp"
#include "engine/guards.hpp"
#include "engine/size_checks.hpp"
#include "engine/velocity_create.hpp"

namespace md {

Simulation::Simulation(SimulationSettings settings, const Communicator& comm, Domain domain,
                       AtomSet owned, std::vector<std::string> type_names,
                       std::vector<double> type_masses, std::unique_ptr<Potential> potential,
                       std::function<void(const std::string&)> thermo_sink)
    : settings_(std::move(settings)),
      comm_(comm),
      domain_(std::move(domain)),
      potential_(std::move(potential)),
      thermo_log_(settings_.thermo_columns),
      thermo_sink_(std::move(thermo_sink)) {
  state_.n_local = static_cast<int>(owned.size());
  state_.ids = std::move(owned.ids);
  state_.types = std::move(owned.types);
  state_.positions = std::move(owned.positions);
  state_.velocities = std::move(owned.velocities);
  state_.images = std::move(owned.images);
  state_.velocities.resize(3 * static_cast<std::size_t>(state_.n_local), 0.0);
  state_.images.resize(3 * static_cast<std::size_t>(state_.n_local), 0);
  state_.type_names = std::move(type_names);
  state_.type_masses = std::move(type_masses);
  n_atoms_total_ = comm_.sum(static_cast<std::int64_t>(state_.n_local));
  id_sum_ = global_id_sum(state_, comm_);
  // The same settings on every rank, so the same error on every rank.
  on_all_ranks(comm_, [&] {
    integrator_ = make_integrator(settings_.integrator, settings_.dt_ps, n_atoms_total_);
    if (settings_.integrator.barostat.type != BarostatType::kNone) {
      for (int d = 0; d < 3; ++d) {
        if (!domain_.box().periodic[d]) {
          throw config_error("integrator.barostat scales the box in x, y and z: every dimension "
                             "must be periodic (structure.boundary: p p p)");
        }
      }
    }
    if (settings_.backend == Backend::kCuda && !potential_->has_device_compute()) {
      throw config_error("potential '" + potential_->name() +
                         "' has no GPU evaluation; set run.backend: cpu");
    }
    backend_ = make_step_backend(settings_.backend, state_, potential_->neighbor_kind(),
                                 potential_->cutoff(), settings_.skin, state_.type_masses);
    committee_ = dynamic_cast<Committee*>(potential_.get());
    if (settings_.model_deviation.every > 0) {
      if (committee_ == nullptr) {
        throw config_error("a model deviation needs several models (potential.models)");
      }
      deviation_ = std::make_unique<ModelDeviation>(settings_.model_deviation, committee_->size());
    }
  });
}

void Simulation::setup() {
  if (settings_.velocity_create) create_velocities(state_, *settings_.velocity_create, comm_);
  rebuild_neighbors();
  warn_close_contacts();
  compute_initial_forces();
  measure_model_deviation();
  start_thermo_table();
  print_thermo();
  for (auto& observer : observers_) observer->on_step(*this);
}

void Simulation::warn_close_contacts() {
  // A list of the potential's own cutoff over the host atoms (the rebuild has just put owned atoms
  // and ghosts there), built once: the backend's list may live on a device.
  NeighborList contacts(potential_->neighbor_kind(), potential_->cutoff(), 0.0);
  contacts.build(Span<const double>(state_.positions), state_.n_local, state_.n_all());
  const std::string warning =
      close_contact_warning(state_, contacts.view(), *potential_, kCloseContactFraction, comm_);
  if (comm_.is_root() && !warning.empty()) spdlog::warn("{}", warning);
}

void Simulation::start_thermo_table() {
  // The temperature guard's reference: the hottest the run is meant to be.
  const ThermoSample first = thermo();
  double reference = std::max(300.0, first.temperature);
  if (settings_.velocity_create) {
    reference = std::max(reference, settings_.velocity_create->temperature_K);
  }
  if (settings_.integrator.thermostat.type != ThermostatType::kNone) {
    reference = std::max(reference, settings_.integrator.thermostat.temperature_K);
  }
  const double configured = settings_.guards.max_temperature_K;
  temperature_limit_ = configured >= 0.0 ? configured : 10.0 * reference;
  last_conserved_.reset();
  const RankStats memory = process_memory_mib(comm_);
  run_start_ = Timers::Clock::now();
  if (comm_.is_root() && thermo_sink_) {
    thermo_sink_(format_memory_line(memory));
    thermo_sink_(thermo_log_.header());
  }
  thermo_record_.reset();
}

/// One step. On entry: x(t), v(t), f(t) for owned atoms. On exit: the same at t + dt, and ghosts
/// hold the positions of x(t + dt).
///  1. first half of the integrator (owned atoms); velocity Verlet: [thermostat half step: v *= λ]
///     v += dt/2·F/m ; x += dt·v.  Langevin BAOAB: v += dt/2·F/m ; x += dt/2·v ; v ← OU(v) ;
///     x += dt/2·v
///  2. neighbour bookkeeping (collective): if any atom moved more than skin/2, wrap and migrate
///     atoms, rebuild the halo and the neighbour list; otherwise forward positions to ghosts
///  3. forces on owned and ghost atoms:         potential.compute
///     [on model-deviation steps: every committee member; member 0's forces drive]
///  4. ghost forces summed onto their owners:   halo.reverse_sum(forces)
///     [on model-deviation steps: the members' too, and the deviation row measured]
///  5. second half of the integrator (owned atoms): v += dt/2·F/m ; [thermostat half step]
///  6. observers on their schedules: guards, thermo, trajectories, model deviation
void Simulation::step() {
  const std::int64_t from = step_;
  ComputeRequest request;
  request.energy = thermo_due(from + 1) || observers_want_thermo(from + 1);
  request.virial = request.energy || integrator_->needs_virial(from + 1);
  {
    auto timing = timers_.scope(Phase::kModify);
    StepContext context = step_context(from);
    integrator_->first_half(context);
  }
  step_ = from + 1;  // the positions are now those of the new step (as guard messages report it)
  update_ghosts_or_rebuild();
  compute_forces(request);
  reverse_sum_forces();
  measure_model_deviation();
  {
    auto timing = timers_.scope(Phase::kModify);
    StepContext context = step_context(from);
    integrator_->second_half(context);
  }
  observe();
}

StepContext Simulation::step_context(std::int64_t step) {
  return StepContext{backend_->kernels(), comm_,       domain_.box(), global_virial_,
                     global_virial_step_, step, box_control_};
}

void Simulation::change_box(const Box& box) {
  for (int d = 0; d < 3; ++d) {
    if (box.periodic[d] != domain_.box().periodic[d]) {
      throw config_error("a box change cannot change the periodic boundaries");
    }
  }
  on_all_ranks(comm_, [&] { check_box_for_radius(box, potential_->cutoff() + settings_.skin); });
  backend_->kernels().map_positions(BoxMap::between(domain_.box(), box));
  adopt_box(box);
  box_changed_ = true;
}

void Simulation::adopt_box(const Box& box) {
  domain_.set_box(box);
  halo_.update_shifts(box);
  backend_->update_halo_shifts(halo_);
  ghost_shift_drift_ = halo_.ghost_shift_change(list_box_, box);
}

RunReport Simulation::run(std::int64_t n_steps) {
  const std::int64_t first_step = step_;
  last_step_ = step_ + n_steps;
  stopped_early_ = false;
  const std::uint64_t builds_before = neighbor_build_count();
  timers_.reset();
  const auto start = Timers::Clock::now();
  while (step_ < last_step_) {
    step();
    const StepRequests requests = poll_run_control();
    if (requests.checkpoint || requests.stop) write_checkpoint();
    if (requests.stop) {
      stopped_early_ = true;
      break;
    }
  }
  const double loop_seconds = std::chrono::duration<double>(Timers::Clock::now() - start).count();
  sync_host_state();  // the final state, for the report and whatever the application writes

  RunReport report;
  report.steps = step_ - first_step;
  report.n_atoms = n_atoms_total_;
  report.n_ranks = comm_.size();
  report.dt_ps = settings_.dt_ps;
  report.loop_seconds = comm_.max(loop_seconds);
  double accounted = 0.0;
  for (int p = 0; p < kPhaseCount; ++p) {
    const double seconds = timers_.seconds(static_cast<Phase>(p));
    accounted += seconds;
    report.phases[p] = rank_stats(seconds, comm_);
  }
  report.other = rank_stats(loop_seconds - accounted, comm_);
  report.n_local = rank_stats(state_.n_local, comm_);
  report.n_ghost = rank_stats(state_.n_ghost, comm_);
  const std::size_t n_pairs = backend_->n_pairs();
  report.n_neighbors = rank_stats(static_cast<double>(n_pairs), comm_);
  report.neighbor_builds = static_cast<std::int64_t>(neighbor_build_count() - builds_before);
  report.final_thermo = thermo();
  report.conserved_energy_drift = conserved_energy_drift();
  return report;
}

void Simulation::observe() {
  thermo_record_.reset();
  if (guard_due(step_) || observers_read_atoms(step_) || observers_want_thermo(step_)) {
    auto timing = timers_.scope(Phase::kOutput);
    sync_host_state();
  }
  if (guard_due(step_)) check_atom_values(state_, settings_.guards.max_force_eV_A, comm_, step_);
  if (thermo_due(step_)) {
    print_thermo();
  } else if (observers_want_thermo(step_)) {
    take_thermo_sample(/*print=*/false);
  }
  auto timing = timers_.scope(Phase::kOutput);
  for (auto& observer : observers_) observer->on_step(*this);
}

StepRequests Simulation::poll_run_control() {
  if (!run_control_) return {};
  const StepRequests mine = run_control_(step_);
  double flags[2] = {mine.checkpoint ? 1.0 : 0.0, mine.stop ? 1.0 : 0.0};
  comm_.max(Span<double>(flags, 2));
  return StepRequests{flags[0] > 0.0, flags[1] > 0.0};
}

void Simulation::add_observer(std::unique_ptr<Observer> observer) {
  observers_.push_back(std::move(observer));
}

void Simulation::set_run_control(std::function<StepRequests(std::int64_t)> control) {
  run_control_ = std::move(control);
}

void Simulation::set_checkpoint_writer(std::function<void(const CheckpointState&)> writer) {
  checkpoint_writer_ = std::move(writer);
}

void Simulation::write_checkpoint() {
  if (!checkpoint_writer_) return;
  auto timing = timers_.scope(Phase::kOutput);
  sync_host_state();
  // Never write a checkpoint that could only restart a broken run.
  check_atom_values(state_, 0.0, comm_, step_);
  checkpoint_writer_(gather_checkpoint());
  last_checkpoint_step_ = step_;
}

void Simulation::finish_observers() {
  for (auto& observer : observers_) observer->finish();
}

bool Simulation::observers_want_thermo(std::int64_t step) const {
  for (const auto& observer : observers_) {
    if (observer->wants_thermo(step)) return true;
  }
  return false;
}

bool Simulation::observers_read_atoms(std::int64_t step) const {
  for (const auto& observer : observers_) {
    if (observer->reads_atoms(step)) return true;
  }
  return false;
}

std::uint64_t Simulation::neighbor_build_count() const { return backend_->build_count(); }

std::size_t Simulation::device_memory_bytes() const {
  return potential_->device_memory_bytes() + backend_->device_memory_bytes();
}

void Simulation::update_ghosts_or_rebuild() {
  double moved_sq = 0.0;
  {
    auto timing = timers_.scope(Phase::kNeigh);
    moved_sq = comm_.max(backend_->max_displacement_sq(state_));
  }
  // The box change of a barostat moves every atom by design: not a per-step jump.
  const double limit =
      box_changed_ ? 0.0 : step_displacement_limit(settings_.guards, settings_.skin);
  if (limit > 0.0 && std::sqrt(moved_sq) > 0.5 * settings_.skin + limit) {
    // Rare: only when the dynamics has already gone wrong. Name the atom.
    sync_host_state();
    check_step_displacement(state_, backend_->reference_positions(), std::sqrt(moved_sq),
                            settings_.skin, limit, comm_, step_);
  }
  box_changed_ = false;
  // A Verlet list stays valid while no pair distance can have changed by the skin since it was
  // built: each atom moved at most sqrt(moved_sq) (affine box moves included, the positions are
  // mapped) and a ghost's periodic shift at most ghost_shift_drift_. Without box changes this is
  // the usual "no atom moved more than skin/2".
  const double skin = settings_.skin;
  const bool stale = ghost_shift_drift_ > 0.0
                         ? 2.0 * std::sqrt(moved_sq) + ghost_shift_drift_ > skin
                         : 4.0 * moved_sq > skin * skin;
  if (stale) {
    rebuild_neighbors();
  } else {
    auto timing = timers_.scope(Phase::kComm);
    backend_->forward_positions(state_, halo_, comm_);
  }
}

void Simulation::rebuild_neighbors() {
  {
    // Migration and the halo plan are host code on every backend: fetch the device's atoms.
    auto timing = timers_.scope(Phase::kComm);
    sync_host_state();
  }
  // A barostat that moves the tilts (mtk triclinic) may skew the cell past LAMMPS's limit: flip
  // it into the equivalent, less skewed cell of the same lattice, as LAMMPS does at its
  // reneighbouring. Every rank sees the same box, so all flip alike; positions stay, the image
  // counters follow and the migration below wraps the atoms into the new cell.
  {
    Box box = domain_.box();
    int flips[3];
    if (flip_cell(box, flips)) {
      for (int i = 0; i < state_.n_local; ++i) {
        flip_images(&state_.images[3 * static_cast<std::size_t>(i)], flips);
      }
      domain_.set_box(box);
    }
  }
  // Checked here, on every rank at once, so that migrate() never meets an atom it must refuse.
  check_inside_box(state_, domain_.box(), comm_, step_);
  {
    auto timing = timers_.scope(Phase::kComm);
    const std::size_t n_local = state_.n_local;
    state_.positions.resize(3 * n_local);
    state_.types.resize(n_local);
    state_.ids.resize(n_local);
    state_.n_local = migrate(domain_, comm_,
                             OwnedAtoms{state_.positions, state_.velocities, state_.images,
                                        state_.types, state_.ids},
                             step_);
    if (migration_hook_) migration_hook_(state_, step_);
    state_.n_ghost = halo_.build(domain_, comm_, potential_->cutoff() + settings_.skin,
                                 state_.n_local,
                                 state_.positions, state_.types, state_.ids);
    list_box_ = domain_.box();
    ghost_shift_drift_ = 0.0;
    state_.forces.resize(3 * static_cast<std::size_t>(state_.n_all()));
  }
  NeighborView guard_view;
  {
    auto timing = timers_.scope(Phase::kNeigh);
    // A list past its size limit fails on one rank: the ranks agree before going on.
    LocalFailure failure;
    failure.run([&] {
      backend_->build_neighbors(state_, halo_);
      guard_view.offsets = backend_->neighbor_offsets();
    });
    raise_if_failed(comm_, failure);
  }
  check_after_rebuild(state_, guard_view, settings_.guards.max_neighbors, n_atoms_total_,
                      id_sum_, comm_, step_);
}

void Simulation::compute_forces(const ComputeRequest& request) {
  auto timing = timers_.scope(Phase::kPair);
  // A potential may fail on one rank only (a sel overflow under `sel_overflow: error`, a device
  // error): the ranks agree on it here, one reduction per step, so all stop with its message.
  LocalFailure failure;
  failure.run([&] { evaluate_potential(request); });
  raise_if_failed(comm_, failure);
  reduce_virial_for_integrator();
}

void Simulation::evaluate_potential(const ComputeRequest& request) {
  ForceTally tally;
  if (deviation_ && deviation_->due(step_)) {
    // Every committee member, sharing what they share; member 0's results are the step's.
    ComputeRequest all = request;
    all.virial = true;
    const std::vector<ForceTally> tallies =
        backend_->compute_committee_forces(*committee_, state_, domain_.box(), all);
    for (int m = 0; m < committee_->size(); ++m) deviation_->member_virial(m) = tallies[m].virial;
    tally = tallies[0];
  } else {
    tally = backend_->compute_forces(*potential_, state_, domain_.box(), request);
  }
  if (request.energy) potential_energy_ = tally.energy;
  if (request.virial) virial_ = tally.virial;
}

void Simulation::reduce_virial_for_integrator() {
  if (!integrator_->needs_virial(step_)) return;
  global_virial_ = virial_;
  comm_.sum(Span<double>(global_virial_.data(), global_virial_.size()));
  global_virial_step_ = step_;
}

void Simulation::reverse_sum_forces() {
  auto timing = timers_.scope(Phase::kComm);
  backend_->reverse_sum_forces(state_, halo_, comm_);
}

void Simulation::measure_model_deviation() {
  if (!deviation_ || !deviation_->due(step_)) return;
  auto timing = timers_.scope(Phase::kPair);
  // The members were evaluated with the forces (evaluate_potential); sum their ghost rows.
  for (int m = 1; m < committee_->size(); ++m) {
    backend_->reverse_sum_member_forces(state_, halo_, comm_, m, deviation_->member_forces(m));
  }
  sync_host_state();
  deviation_->member_forces(0).assign(state_.forces.begin(),
                                      state_.forces.begin() + 3 * std::size_t(state_.n_local));
  deviation_record_ =
      deviation_->measure(step_, comm_, state_.ids, state_.n_local, n_atoms_total_, false);
}

void Simulation::compute_initial_forces() {
  compute_forces(ComputeRequest{});  // energy and virial: a barostat's first move reads it
  reverse_sum_forces();
  sync_host_state();
  check_atom_values(state_, settings_.guards.max_force_eV_A, comm_, step_);
}

bool Simulation::thermo_due(std::int64_t step) const {
  if (step == last_step_) return true;
  return settings_.thermo_every > 0 && step % settings_.thermo_every == 0;
}

bool Simulation::guard_due(std::int64_t step) const {
  const int every = settings_.guards.check_every;
  return thermo_due(step) || (every > 0 && step % every == 0);
}

ThermoSample Simulation::thermo() const {
  return measure_thermo(state_, domain_.box(), step_, current_time(), potential_energy_, virial_,
                        comm_);
}

void Simulation::print_thermo() { take_thermo_sample(/*print=*/true); }

void Simulation::take_thermo_sample(bool print) {
  auto timing = timers_.scope(Phase::kOutput);
  const ThermoSample sample = thermo();
  if (sample.n_atoms != n_atoms_total_) {
    throw UnstableDynamics(lost_atoms_message(step_, n_atoms_total_, sample.n_atoms, id_sum_,
                                              global_id_sum(state_, comm_)));
  }
  if (!std::isfinite(sample.potential_energy) || !std::isfinite(sample.kinetic_energy)) {
    std::ostringstream msg;
    msg << "non-finite energy at step " << step_ << " (PotEng " << sample.potential_energy
        << ", KinEng " << sample.kinetic_energy
        << "): the dynamics is unstable (time step too large, overlapping atoms, or a bad start)";
    throw UnstableDynamics(msg.str());
  }
  const double conserved =
      sample.total_energy() + integrator_->conserved_energy_contribution(comm_, domain_.box());
  check_thermo_bounds(sample, conserved);
  thermo_record_ = ThermoRecord{sample, conserved};
  if (!print) return;
  conserved_energy_.add(step_, sample.time_ps, conserved);
  if (comm_.is_root() && thermo_sink_) {
    const double elapsed = std::chrono::duration<double>(Timers::Clock::now() - run_start_).count();
    thermo_sink_(thermo_log_.row(sample, elapsed, conserved));
  }
}

void Simulation::check_thermo_bounds(const ThermoSample& sample, double conserved) {
  // Every rank holds the same reduced sample, so every rank reaches the same verdict.
  if (temperature_limit_ > 0.0 && sample.temperature > temperature_limit_) {
    throw UnstableDynamics(
        "temperature " + format_number(sample.temperature) + " K at step " +
        std::to_string(step_) + ", more than guards.max_temperature_K = " +
        format_number(temperature_limit_) +
        " K (by default 10 times the run's reference temperature): the dynamics is unstable "
        "(time step too large, overlapping atoms, or a bad start)");
  }
  const double jump_limit = settings_.guards.max_energy_jump_eV_per_atom;
  if (jump_limit > 0.0 && last_conserved_) {
    const double jump = std::fabs(conserved - last_conserved_->second) /
                        static_cast<double>(std::max<std::int64_t>(n_atoms_total_, 1));
    if (!(jump <= jump_limit)) {
      throw UnstableDynamics(
          "the conserved energy changed by " + format_number(jump) + " eV/atom between steps " +
          std::to_string(last_conserved_->first) + " and " + std::to_string(step_) +
          ", more than guards.max_energy_jump_eV_per_atom = " + format_number(jump_limit) +
          ": the integration is unstable (time step too large for these forces, a thermostat "
          "coupling too tight, or overlapping atoms)");
    }
  }
  last_conserved_ = std::make_pair(step_, conserved);
}

std::string Simulation::conserved_energy_report() const {
  return conserved_energy_.report(n_atoms_total_, integrator_->description());
}

std::optional<DriftFit> Simulation::conserved_energy_drift() const {
  return conserved_energy_.drift(n_atoms_total_);
}

AtomSet Simulation::owned_atoms() const {
  AtomSet set;
  const std::size_t n = state_.n_local;
  set.ids.assign(state_.ids.begin(), state_.ids.begin() + n);
  set.types.assign(state_.types.begin(), state_.types.begin() + n);
  set.positions.assign(state_.positions.begin(), state_.positions.begin() + 3 * n);
  set.velocities.assign(state_.velocities.begin(), state_.velocities.begin() + 3 * n);
  set.images.assign(state_.images.begin(), state_.images.begin() + 3 * n);
  // Between rebuilds owned positions may have drifted outside the box: wrap for output (a
  // non-finite coordinate, in a crash dump, is left as it is).
  for (std::size_t i = 0; i < n; ++i) {
    double* x = &set.positions[3 * i];
    if (std::isfinite(x[0]) && std::isfinite(x[1]) && std::isfinite(x[2])) {
      domain_.box().wrap(x, &set.images[3 * i]);
    }
  }
  return set;
}

TrajectoryFrame Simulation::gather_frame(const TrajectoryFields& fields) const {
  TrajectoryFrame frame;
  frame.step = step_;
  frame.time_ps = current_time();
  frame.box = domain_.box();
  AtomSet all = gather_atoms(comm_, owned_atoms());
  std::vector<double> forces;
  if (fields.force) forces = gather_by_id(comm_, state_.ids, state_.n_local, state_.forces.data(), 3);
  if (!comm_.is_root()) return frame;
  frame.ids = std::move(all.ids);
  frame.types = std::move(all.types);
  frame.positions = std::move(all.positions);
  frame.images = std::move(all.images);
  if (fields.velocity) frame.velocities = std::move(all.velocities);
  frame.forces = std::move(forces);
  return frame;
}

}  // namespace md
