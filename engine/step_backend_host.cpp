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

ForceTally HostStepBackend::compute_forces(Potential& potential, ParticleState& state,
                                           const Box& box, const ComputeRequest& request) {
  AtomsView atoms;
  atoms.positions = Span<const double>(state.positions);
  atoms.types = Span<const int>(state.types);
  atoms.n_local = state.n_local;
  atoms.n_all = state.n_all();
  atoms.box = box;
  ForceOutput out;
  out.forces = Span<double>(state.forces);
  potential.compute(atoms, list_.view(), request, out);
  return ForceTally{out.energy, out.virial};
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
