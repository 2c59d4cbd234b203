// SPDX-License-Identifier: MIT
/// \file
/// A StepBackend whose atoms live in memory of their own (the GPU), apart from the Simulation's
/// host ParticleState. This base class holds the one piece of logic every such backend needs and
/// that must be right for results to be right: when the host copy is stale. The atom kernels,
/// the force evaluation and the reverse sum change the resident atoms, so the host copy is stale
/// after them; sync_host downloads only then; a rebuild uploads everything (after the host has
/// migrated the atoms) and leaves both copies equal. Derived classes provide the transfers and
/// the resident phases:
///  - CudaStepBackend (engine/step_backend_cuda.cu): device arrays, device list, halo and kernels;
///  - HostResidentStep (tests/support/host_resident_step.hpp): a second host copy running the CPU
///    code, so CI checks this orchestration bitwise against the host backend without a GPU.
///
/// What crosses between the copies: at a rebuild (every few tens of steps) the owned atoms both
/// ways; every step a few scalars (the largest displacement, the virial, a thermostat's kinetic
/// energy) and, between ranks, the halo rows; on output, guard and checkpoint steps (when the
/// Simulation calls sync_host) the owned positions, velocities and forces.
#pragma once

#include <vector>

#include "engine/step_backend.hpp"

namespace md {

class ResidentStepBackend : public StepBackend {
 public:
  AtomKernels& kernels() final {
    host_stale_ = true;  // the kernels move the resident atoms
    return resident_kernels();
  }
  void sync_host(ParticleState& state) final {
    if (!host_stale_) return;
    download_owned(state);
    host_stale_ = false;
  }
  void build_neighbors(const ParticleState& state, const Halo& halo) final {
    upload_all(state, halo);
    host_stale_ = false;
  }
  void take_owned_atoms(const ParticleState& state) final { upload_owned(state); }
  double max_displacement_sq(const ParticleState&) final { return resident_max_displacement_sq(); }
  void forward_positions(ParticleState&, Halo&, const Communicator& comm) final {
    resident_forward_positions(comm);
  }
  ForceTally compute_forces(Potential& potential, ParticleState&, const Box& box,
                            const ComputeRequest& request) final {
    host_stale_ = true;
    return resident_compute_forces(potential, box, request);
  }
  void reverse_sum_forces(ParticleState&, Halo&, const Communicator& comm) final {
    host_stale_ = true;
    resident_reverse_sum_forces(comm);
  }
  std::vector<ForceTally> compute_committee_forces(Committee& committee, ParticleState&,
                                                   const Box& box,
                                                   const ComputeRequest& request) final {
    host_stale_ = true;  // member 0 writes the atoms' forces
    return resident_compute_committee_forces(committee, box, request);
  }
  void reverse_sum_member_forces(ParticleState&, Halo&, const Communicator& comm, int member,
                                 std::vector<double>& owned_forces) final {
    resident_reverse_sum_member_forces(comm, member, owned_forces);
  }
  Span<const int> neighbor_offsets() final {
    offsets_ = download_neighbor_offsets();
    return Span<const int>(offsets_);
  }

 protected:
  /// The integrators' operations on the resident atoms.
  virtual AtomKernels& resident_kernels() = 0;
  /// Resident owned positions, velocities and forces → rows [0, n_local) of `state`.
  virtual void download_owned(ParticleState& state) = 0;
  /// Uploads positions, types and ids [n_all] and velocities [n_local] of `state`, takes
  /// `halo`'s plan and builds the neighbour list; the reference positions are these.
  virtual void upload_all(const ParticleState& state, const Halo& halo) = 0;
  /// Uploads the owned positions and velocities of `state` (same atoms as the last upload_all).
  virtual void upload_owned(const ParticleState& state) = 0;
  virtual double resident_max_displacement_sq() = 0;
  virtual void resident_forward_positions(const Communicator& comm) = 0;
  virtual ForceTally resident_compute_forces(Potential& potential, const Box& box,
                                             const ComputeRequest& request) = 0;
  virtual void resident_reverse_sum_forces(const Communicator& comm) = 0;
  /// Every committee member on the resident atoms: member 0 into the atoms' forces, the others
  /// into resident member rows.
  virtual std::vector<ForceTally> resident_compute_committee_forces(
      Committee& committee, const Box& box, const ComputeRequest& request) = 0;
  /// Member rows `member` reverse-summed, and their owned rows downloaded into `owned_forces`.
  virtual void resident_reverse_sum_member_forces(const Communicator& comm, int member,
                                                  std::vector<double>& owned_forces) = 0;
  virtual std::vector<int> download_neighbor_offsets() = 0;

 private:
  bool host_stale_ = false;  ///< the resident atoms are newer than the host's
  std::vector<int> offsets_;
};

}  // namespace md
