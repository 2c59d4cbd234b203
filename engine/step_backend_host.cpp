// SPDX-License-Identifier: MIT
#include "engine/step_backend_host.hpp"

namespace md {

void HostStepBackend::build_neighbors(const ParticleState& state, const Halo&) {
  list_.build(Span<const double>(state.positions), state.n_local, state.n_all());
}

double HostStepBackend::max_displacement_sq(const ParticleState& state) {
  return list_.max_displacement_sq(Span<const double>(state.positions), state.n_local);
}

void HostStepBackend::forward_positions(ParticleState& state, Halo& halo,
                                        const Communicator& comm) {
  halo.forward_positions(comm, Span<double>(state.positions));
}

namespace {
AtomsView atoms_view(const ParticleState& state, const Box& box) {
  AtomsView atoms;
  atoms.positions = Span<const double>(state.positions);
  atoms.types = Span<const int>(state.types);
  atoms.n_local = state.n_local;
  atoms.n_all = state.n_all();
  atoms.box = box;
  return atoms;
}
}  // namespace

ForceTally HostStepBackend::compute_forces(Potential& potential, ParticleState& state,
                                           const Box& box, const ComputeRequest& request) {
  ForceOutput out;
  out.forces = Span<double>(state.forces);
  potential.compute(atoms_view(state, box), list_.view(), request, out);
  return ForceTally{out.energy, out.virial};
}

std::vector<ForceTally> HostStepBackend::compute_committee_forces(Committee& committee,
                                                                  ParticleState& state,
                                                                  const Box& box,
                                                                  const ComputeRequest& request) {
  const auto members = static_cast<std::size_t>(committee.size());
  const auto n_all = static_cast<std::size_t>(state.n_all());
  member_forces_.resize(members);
  std::vector<ForceOutput> outs(members);
  std::vector<ForceOutput*> out_pointers(members);
  outs[0].forces = Span<double>(state.forces);
  for (std::size_t m = 0; m < members; ++m) {
    if (m > 0) {
      if (member_forces_[m].size() < 3 * n_all) member_forces_[m].resize(3 * n_all);
      outs[m].forces = Span<double>(member_forces_[m].data(), 3 * n_all);
    }
    out_pointers[m] = &outs[m];
  }
  committee.compute_all(atoms_view(state, box), list_.view(), request, out_pointers);
  std::vector<ForceTally> tallies(members);
  for (std::size_t m = 0; m < members; ++m) tallies[m] = ForceTally{outs[m].energy, outs[m].virial};
  return tallies;
}

void HostStepBackend::reverse_sum_member_forces(ParticleState& state, Halo& halo,
                                                const Communicator& comm, int member,
                                                std::vector<double>& owned_forces) {
  std::vector<double>& rows = member_forces_.at(static_cast<std::size_t>(member));
  halo.reverse_sum(comm, Span<double>(rows.data(), 3 * std::size_t(state.n_all())), 3);
  owned_forces.assign(rows.begin(), rows.begin() + 3 * state.n_local);
}

void HostStepBackend::reverse_sum_forces(ParticleState& state, Halo& halo,
                                         const Communicator& comm) {
  halo.reverse_sum(comm, Span<double>(state.forces), 3);
}

std::unique_ptr<StepBackend> make_step_backend(Backend backend, ParticleState& state,
                                               NeighborKind kind, double cutoff, double skin,
                                               const std::vector<double>& type_masses) {
  switch (backend) {
    case Backend::kCpu:
      return std::make_unique<HostStepBackend>(state, kind, cutoff, skin);
    case Backend::kCuda:
      return make_cuda_step_backend(kind, cutoff, skin, type_masses);
  }
  throw internal_error("make_step_backend: unknown backend");
}

}  // namespace md
