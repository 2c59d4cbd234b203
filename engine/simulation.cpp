// SPDX-License-Identifier: MIT
#include "engine/simulation.hpp"

#include <cmath>
#include <sstream>

#include "comm/migration.hpp"
#include "core/error.hpp"
#include "engine/distribute.hpp"
#include "engine/velocity_create.hpp"
#include "engine/velocity_verlet.hpp"

namespace md {

Simulation::Simulation(SimulationSettings settings, const Communicator& comm, Domain domain,
                       AtomSet owned, std::vector<std::string> type_names,
                       std::vector<double> type_masses, std::unique_ptr<Potential> potential,
                       std::function<void(const std::string&)> thermo_sink)
    : settings_(std::move(settings)),
      comm_(comm),
      domain_(std::move(domain)),
      potential_(std::move(potential)),
      neighbors_(potential_->neighbor_kind(), potential_->cutoff(), settings_.skin),
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
}

void Simulation::setup() {
  if (settings_.velocity_create) create_velocities(state_, *settings_.velocity_create, comm_);
  rebuild_neighbors();
  compute_forces(ComputeRequest{});
  {
    auto timing = timers_.scope(Phase::kComm);
    halo_.reverse_sum(comm_, Span<double>(state_.forces), 3);
  }
  run_start_ = Timers::Clock::now();
  if (comm_.is_root() && thermo_sink_) thermo_sink_(thermo_log_.header());
  print_thermo();
}

/// One velocity-Verlet step. On entry: x(t), v(t), f(t) for owned atoms. On exit: the same at
/// t + dt, and ghosts hold the positions of x(t + dt).
///  1. half kick and drift (owned atoms):       v += dt/2·F/m ;  x += dt·v
///  2. neighbour bookkeeping (collective): if any atom moved more than skin/2, wrap and migrate
///     atoms, rebuild the halo and the neighbour list; otherwise forward positions to ghosts
///  3. forces on owned and ghost atoms:         potential.compute
///  4. ghost forces summed onto their owners:   halo.reverse_sum(forces)
///  5. closing half kick (owned atoms):         v += dt/2·F/m
///  6. thermo output on its schedule
void Simulation::step() {
  const ComputeRequest request{thermo_due(step_ + 1), thermo_due(step_ + 1), false, false};
  {
    auto timing = timers_.scope(Phase::kModify);
    velocity_verlet_first_half(state_, settings_.dt_ps);
  }
  update_ghosts_or_rebuild();
  compute_forces(request);
  {
    auto timing = timers_.scope(Phase::kComm);
    halo_.reverse_sum(comm_, Span<double>(state_.forces), 3);
  }
  {
    auto timing = timers_.scope(Phase::kModify);
    velocity_verlet_second_half(state_, settings_.dt_ps);
  }
  ++step_;
  if (thermo_due(step_)) print_thermo();
}

RunReport Simulation::run(std::int64_t n_steps) {
  const std::int64_t first_step = step_;
  last_step_ = step_ + n_steps;
  const std::uint64_t builds_before = neighbors_.build_count();
  timers_.reset();
  const auto start = Timers::Clock::now();
  while (step_ < last_step_) step();
  const double loop_seconds = std::chrono::duration<double>(Timers::Clock::now() - start).count();

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
  report.n_neighbors = rank_stats(static_cast<double>(neighbors_.n_pairs()), comm_);
  report.neighbor_builds = static_cast<std::int64_t>(neighbors_.build_count() - builds_before);
  report.final_thermo = thermo();
  return report;
}

void Simulation::update_ghosts_or_rebuild() {
  double moved_sq = 0.0;
  {
    auto timing = timers_.scope(Phase::kNeigh);
    moved_sq = comm_.max(neighbors_.max_displacement_sq(Span<const double>(state_.positions),
                                                        state_.n_local));
  }
  if (neighbors_.exceeds_half_skin(moved_sq)) {
    rebuild_neighbors();
  } else {
    auto timing = timers_.scope(Phase::kComm);
    halo_.forward_positions(comm_, Span<double>(state_.positions));
  }
}

void Simulation::rebuild_neighbors() {
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
    state_.n_ghost = halo_.build(domain_, comm_, neighbors_.list_cutoff(), state_.n_local,
                                 state_.positions, state_.types, state_.ids);
    state_.forces.resize(3 * static_cast<std::size_t>(state_.n_all()));
  }
  auto timing = timers_.scope(Phase::kNeigh);
  neighbors_.build(Span<const double>(state_.positions), state_.n_local, state_.n_all());
}

void Simulation::compute_forces(const ComputeRequest& request) {
  auto timing = timers_.scope(Phase::kPair);
  AtomsView atoms;
  atoms.positions = Span<const double>(state_.positions);
  atoms.types = Span<const int>(state_.types);
  atoms.n_local = state_.n_local;
  atoms.n_all = state_.n_all();
  atoms.box = domain_.box();
  ForceOutput out;
  out.forces = Span<double>(state_.forces);
  potential_->compute(atoms, neighbors_.view(), request, out);
  if (request.energy) potential_energy_ = out.energy;
  if (request.virial) virial_ = out.virial;
}

bool Simulation::thermo_due(std::int64_t step) const {
  if (step == last_step_) return true;
  return settings_.thermo_every > 0 && step % settings_.thermo_every == 0;
}

ThermoSample Simulation::thermo() const {
  return measure_thermo(state_, domain_.box(), step_, step_ * settings_.dt_ps, potential_energy_,
                        virial_, comm_);
}

void Simulation::print_thermo() {
  auto timing = timers_.scope(Phase::kOutput);
  const ThermoSample sample = thermo();
  if (sample.n_atoms != n_atoms_total_) {
    throw unstable_error("lost atoms at step " + std::to_string(step_) + ": original " +
                         std::to_string(n_atoms_total_) + ", current " +
                         std::to_string(sample.n_atoms));
  }
  if (!std::isfinite(sample.potential_energy) || !std::isfinite(sample.kinetic_energy)) {
    std::ostringstream msg;
    msg << "non-finite energy at step " << step_ << " (PotEng " << sample.potential_energy
        << ", KinEng " << sample.kinetic_energy
        << "): the dynamics is unstable (time step too large, overlapping atoms, or a bad start)";
    throw unstable_error(msg.str());
  }
  if (comm_.is_root() && thermo_sink_) {
    const double elapsed = std::chrono::duration<double>(Timers::Clock::now() - run_start_).count();
    thermo_sink_(thermo_log_.row(sample, elapsed));
  }
}

EvaluationResult Simulation::evaluate(bool atomic) {
  const int n_all = state_.n_all();
  std::vector<double> atom_energies(atomic ? n_all : 0);
  std::vector<double> atom_virials(atomic ? 9 * static_cast<std::size_t>(n_all) : 0);
  AtomsView atoms;
  atoms.positions = Span<const double>(state_.positions);
  atoms.types = Span<const int>(state_.types);
  atoms.n_local = state_.n_local;
  atoms.n_all = n_all;
  atoms.box = domain_.box();
  ForceOutput out;
  out.forces = Span<double>(state_.forces);
  out.atom_energies = Span<double>(atom_energies);
  out.atom_virials = Span<double>(atom_virials);
  potential_->compute(atoms, neighbors_.view(), ComputeRequest{true, true, atomic, atomic}, out);
  halo_.reverse_sum(comm_, Span<double>(state_.forces), 3);
  if (atomic) {
    halo_.reverse_sum(comm_, Span<double>(atom_energies), 1);
    halo_.reverse_sum(comm_, Span<double>(atom_virials), 9);
  }

  EvaluationResult result;
  result.n_atoms = n_atoms_total_;
  result.energy = comm_.sum(out.energy);
  result.virial = out.virial;
  comm_.sum(Span<double>(result.virial.data(), 9));
  result.forces = gather_by_id(comm_, state_.ids, state_.n_local, state_.forces.data(), 3);
  if (atomic) {
    result.atom_energies = gather_by_id(comm_, state_.ids, state_.n_local, atom_energies.data(), 1);
    result.atom_virials = gather_by_id(comm_, state_.ids, state_.n_local, atom_virials.data(), 9);
  }
  const std::vector<double> id_values = [&] {
    std::vector<double> v(state_.n_local);
    for (int i = 0; i < state_.n_local; ++i) v[i] = static_cast<double>(state_.ids[i]);
    return gather_by_id(comm_, state_.ids, state_.n_local, v.data(), 1);
  }();
  result.ids.assign(id_values.begin(), id_values.end());
  return result;
}

AtomSet Simulation::owned_atoms() const {
  AtomSet set;
  const std::size_t n = state_.n_local;
  set.ids.assign(state_.ids.begin(), state_.ids.begin() + n);
  set.types.assign(state_.types.begin(), state_.types.begin() + n);
  set.positions.assign(state_.positions.begin(), state_.positions.begin() + 3 * n);
  set.velocities.assign(state_.velocities.begin(), state_.velocities.begin() + 3 * n);
  set.images.assign(state_.images.begin(), state_.images.begin() + 3 * n);
  // Between rebuilds owned positions may have drifted outside the box: wrap for output.
  for (std::size_t i = 0; i < n; ++i) {
    for (int d = 0; d < 3; ++d) domain_.box().wrap(d, set.positions[3 * i + d], set.images[3 * i + d]);
  }
  return set;
}

}  // namespace md
