// SPDX-License-Identifier: MIT
/// \file
/// The CPU backend of the MD step (engine/step_backend.hpp): the per-atom phases on the
/// Simulation's host ParticleState, with a host NeighborList, the Simulation's Halo and
/// HostAtomKernels. The host copy is the only copy, so sync_host and take_owned_atoms do nothing.
#pragma once

#include "engine/neighbor_list.hpp"
#include "engine/step_backend.hpp"

namespace md {

class HostStepBackend final : public StepBackend {
 public:
  /// The atoms are `state` (the Simulation's; it must outlive the backend).
  HostStepBackend(ParticleState& state, NeighborKind kind, double cutoff, double skin)
      : kernels_(state), list_(kind, cutoff, skin) {}

  const char* name() const override { return "host"; }
  AtomKernels& kernels() override { return kernels_; }
  void sync_host(ParticleState&) override {}
  void build_neighbors(const ParticleState& state, const Halo& halo) override;
  void take_owned_atoms(const ParticleState&) override {}
  double max_displacement_sq(const ParticleState& state) override;
  void forward_positions(ParticleState& state, Halo& halo, const Communicator& comm) override;
  ForceTally compute_forces(Potential& potential, ParticleState& state, const Box& box,
                            const ComputeRequest& request) override;
  void reverse_sum_forces(ParticleState& state, Halo& halo, const Communicator& comm) override;
  std::vector<ForceTally> compute_committee_forces(Committee& committee, ParticleState& state,
                                                   const Box& box,
                                                   const ComputeRequest& request) override;
  void reverse_sum_member_forces(ParticleState& state, Halo& halo, const Communicator& comm,
                                 int member, std::vector<double>& owned_forces) override;
  Span<const int> neighbor_offsets() override { return list_.view().offsets; }
  const std::vector<double>& reference_positions() const override {
    return list_.reference_positions();
  }
  std::size_t n_pairs() const override { return list_.n_pairs(); }
  std::uint64_t build_count() const override { return list_.build_count(); }
  std::size_t device_memory_bytes() const override { return 0; }

 private:
  HostAtomKernels kernels_;
  NeighborList list_;
  /// [members][n_all][3] committee members' forces (row 0 unused: member 0 writes the atoms').
  std::vector<std::vector<double>> member_forces_;
};

}  // namespace md
