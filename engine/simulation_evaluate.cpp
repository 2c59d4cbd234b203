// SPDX-License-Identifier: MIT
/// \file
/// Single-point evaluation (`mdrun eval`, and tests): the potential once at the current positions,
/// with per-atom energies and virials on request, gathered by atom id on rank 0.
#include <cmath>

#include "comm/root_task.hpp"
#include "core/error.hpp"
#include "engine/distribute.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/simulation.hpp"

namespace md {

EvaluationResult Simulation::evaluate_once(bool atomic) {
  rebuild_neighbors();
  warn_close_contacts();
  EvaluationResult result;
  LocalFailure failure;
  failure.run([&] { result = evaluate(atomic); });
  raise_if_failed(comm_, failure);
  // A single point has no dynamics: a non-finite number is the model's (or the structure's).
  std::int64_t bad_id = -1;
  for (int i = 0; i < state_.n_local && bad_id < 0; ++i) {
    for (int c = 0; c < 3; ++c) {
      if (!std::isfinite(state_.forces[3 * static_cast<std::size_t>(i) + c])) bad_id = state_.ids[i];
    }
  }
  const double first_bad = comm_.min(bad_id >= 0 ? static_cast<double>(bad_id) : INFINITY);
  if (std::isfinite(first_bad) || !std::isfinite(result.energy)) {
    const std::string where = std::isfinite(first_bad)
                                  ? "the force on atom " + std::to_string(static_cast<std::int64_t>(first_bad))
                                  : std::string("the energy");
    throw Error(ExitCode::kModel,
                "the potential '" + potential_->name() + "' gives a non-finite value (" + where +
                    ") for this structure: the model file may be damaged (non-finite weights or "
                    "statistics), or atoms overlap",
                /*collective=*/true);
  }
  return result;
}

EvaluationResult Simulation::evaluate(bool atomic) {
  // A single point uses the potential's host entry (compute, with per-atom outputs) on the host
  // atoms and a host list of its own, whatever the backend.
  sync_host_state();
  NeighborList list(potential_->neighbor_kind(), potential_->cutoff(), settings_.skin);
  list.build(Span<const double>(state_.positions), state_.n_local, state_.n_all());
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
  ComputeRequest request;
  request.atom_energy = atomic;
  request.atom_virial = atomic;
  // With a committee, every member on this list (as a deviation step does): member 0 into `out`,
  // the others into rows of their own (with per-atom arrays, which the request asks of all).
  const std::size_t members = deviation_ ? static_cast<std::size_t>(committee_->size()) : 1;
  std::vector<std::vector<double>> member_rows(3 * members);
  std::vector<ForceOutput> member_out(members);
  std::vector<ForceOutput*> outs = {&out};
  for (std::size_t m = 1; m < members; ++m) {
    member_rows[3 * m].resize(3 * static_cast<std::size_t>(n_all));
    member_rows[3 * m + 1].resize(atom_energies.size());
    member_rows[3 * m + 2].resize(atom_virials.size());
    member_out[m].forces = Span<double>(member_rows[3 * m]);
    member_out[m].atom_energies = Span<double>(member_rows[3 * m + 1]);
    member_out[m].atom_virials = Span<double>(member_rows[3 * m + 2]);
    outs.push_back(&member_out[m]);
  }
  if (deviation_) {
    committee_->compute_all(atoms, list.view(), request, outs);
  } else {
    potential_->compute(atoms, list.view(), request, out);
  }
  halo_.reverse_sum(comm_, Span<double>(state_.forces), 3);
  if (atomic) {
    halo_.reverse_sum(comm_, Span<double>(atom_energies), 1);
    halo_.reverse_sum(comm_, Span<double>(atom_virials), 9);
  }

  EvaluationResult result;
  if (deviation_) {
    for (std::size_t m = 0; m < members; ++m) {
      std::vector<double>& owned = deviation_->member_forces(static_cast<int>(m));
      if (m == 0) {
        owned.assign(state_.forces.begin(), state_.forces.begin() + 3 * state_.n_local);
      } else {
        halo_.reverse_sum(comm_, Span<double>(member_rows[3 * m]), 3);
        owned.assign(member_rows[3 * m].begin(), member_rows[3 * m].begin() + 3 * state_.n_local);
      }
      deviation_->member_virial(static_cast<int>(m)) = outs[m]->virial;
    }
    result.model_deviation = deviation_->measure(step_, comm_, state_.ids, state_.n_local,
                                                 n_atoms_total_, atomic);
  }
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

}  // namespace md
