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

ForceTally HostStepBackend::compute_member_forces(Potential& member, ParticleState& state,
                                                  const Box& box, const ComputeRequest& request) {
  const auto n_all = static_cast<std::size_t>(state.n_all());
  if (member_forces_.size() < 3 * n_all) member_forces_.resize(3 * n_all);
  ForceOutput out;
  out.forces = Span<double>(member_forces_.data(), 3 * n_all);
  member.compute(atoms_view(state, box), list_.view(), request, out);
  return ForceTally{out.energy, out.virial};
}

void HostStepBackend::reverse_sum_member_forces(ParticleState& state, Halo& halo,
                                                const Communicator& comm,
                                                std::vector<double>& owned_forces) {
  halo.reverse_sum(comm, Span<double>(member_forces_.data(), 3 * std::size_t(state.n_all())), 3);
  owned_forces.assign(member_forces_.begin(), member_forces_.begin() + 3 * state.n_local);
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
