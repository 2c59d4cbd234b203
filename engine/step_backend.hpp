// SPDX-License-Identifier: MIT
/// \file
/// The seam between the MD step and where the atoms live (OpenMM's Platform, with the CPU a
/// platform like any other). `Simulation::step()` is written once against this interface; its
/// per-atom phases — the integrator's atom kernels, the skin check, forward_positions, the forces
/// and reverse_sum_forces — run on a backend:
///
///  - HostStepBackend (engine/step_backend_host.hpp): on the Simulation's host ParticleState,
///    with a host NeighborList, the Simulation's Halo and HostAtomKernels (the CPU backend);
///  - CudaStepBackend (engine/step_backend_cuda.cu): atoms resident on the GPU, through the
///    ResidentStepBackend base (engine/step_backend_resident.hpp), which keeps the host copy's
///    staleness so that atoms cross PCIe only when host code reads them.
///
/// What stays host code on every backend, and so in Simulation: migration and the halo plan at a
/// rebuild, the guards, thermo, outputs and checkpoints. They read the host ParticleState after
/// `sync_host`, which is free on the host backend. Every call names the host state and halo it
/// concerns, so a backend holds no hidden reference to the Simulation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/halo.hpp"
#include "core/box.hpp"
#include "core/span.hpp"
#include "device/backend.hpp"
#include "engine/atom_kernels.hpp"
#include "engine/particle_state.hpp"
#include "potential/committee.hpp"
#include "potential/potential.hpp"

namespace md {

/// The energy and virial of one force evaluation, this rank's share (the potential's contract).
struct ForceTally {
  double energy = 0.0;             ///< eV (when requested)
  std::array<double, 9> virial{};  ///< eV, W[3a+b] = Σ F_a r_b (when requested)
};

class StepBackend {
 public:
  virtual ~StepBackend() = default;

  /// "host" or "cuda", for logs.
  virtual const char* name() const = 0;

  /// The integrators' per-atom operations on this backend's atoms (owned rows).
  virtual AtomKernels& kernels() = 0;

  /// Makes the owned positions, velocities and forces of the host `state` current. Free on the
  /// host backend; on the GPU a download, and only when the device holds newer atoms.
  virtual void sync_host(ParticleState& state) = 0;

  /// After the host has migrated the atoms and built `halo` (state holds n_local owned atoms and
  /// n_ghost ghosts): takes the atoms and builds the neighbour list over them. Its displacement
  /// reference is these positions (reference_positions()).
  virtual void build_neighbors(const ParticleState& state, const Halo& halo) = 0;
  /// The host has changed the owned positions and velocities (a restart put the checkpoint's
  /// there; same atoms as the last build): takes them.
  virtual void take_owned_atoms(const ParticleState& state) = 0;

  /// Largest squared displacement (Å²) of an owned atom since the last build. Local only: reduce
  /// over ranks before deciding to rebuild.
  virtual double max_displacement_sq(const ParticleState& state) = 0;
  /// The box changed without a rebuild: `halo`'s shifts were updated (Halo::update_shifts); a
  /// backend holding its own copy of the plan takes them. The host backend uses `halo` itself.
  virtual void update_halo_shifts(const Halo& halo) { (void)halo; }
  /// Owned positions → ghosts (with their periodic shifts), by `halo`'s plan. Collective.
  virtual void forward_positions(ParticleState& state, Halo& halo, const Communicator& comm) = 0;
  /// Forces on owned and ghost atoms (OVERWRITTEN) by `potential`, and what `request` asks for.
  virtual ForceTally compute_forces(Potential& potential, ParticleState& state, const Box& box,
                                    const ComputeRequest& request) = 0;
  /// Ghost forces summed onto their owners, by `halo`'s plan. Collective.
  virtual void reverse_sum_forces(ParticleState& state, Halo& halo, const Communicator& comm) = 0;
  /// Every member of `committee` (potential/committee.hpp) at the current positions with the
  /// current list, sharing what the committee shares: member 0's forces into the atoms' forces
  /// (exactly what compute_forces gives), member m's (m ≥ 1) into the backend's member rows m
  /// (OVERWRITTEN). Returns one tally per member, as `request` asks. Local, like compute_forces.
  virtual std::vector<ForceTally> compute_committee_forces(Committee& committee,
                                                           ParticleState& state, const Box& box,
                                                           const ComputeRequest& request) = 0;
  /// Member rows m (of the last compute_committee_forces): ghost forces summed onto their owners
  /// by `halo`'s plan, and the owned rows copied into `owned_forces` [n_local][3] (host, eV/Å,
  /// OVERWRITTEN). Collective.
  virtual void reverse_sum_member_forces(ParticleState& state, Halo& halo,
                                         const Communicator& comm, int member,
                                         std::vector<double>& owned_forces) = 0;

  /// Row offsets [n_local + 1] of the neighbour list (a host view; the capacity guard reads it).
  virtual Span<const int> neighbor_offsets() = 0;
  /// The owned positions at the last build ([n_local][3], Å; host copy, for checkpoints and the
  /// displacement guard).
  virtual const std::vector<double>& reference_positions() const = 0;
  virtual std::size_t n_pairs() const = 0;
  virtual std::uint64_t build_count() const = 0;
  /// Device bytes held (0 on the host backend).
  virtual std::size_t device_memory_bytes() const = 0;
};

/// The backend switch of the MD step: the host backend over `state` for Backend::kCpu, the
/// GPU-resident one on the current CUDA device for Backend::kCuda (a config Error in a build
/// without CUDA). `kind`, `cutoff` and `skin` (Å) describe the neighbour list, `type_masses`
/// (amu) the atoms.
std::unique_ptr<StepBackend> make_step_backend(Backend backend, ParticleState& state,
                                               NeighborKind kind, double cutoff, double skin,
                                               const std::vector<double>& type_masses);

/// The GPU-resident backend (engine/step_backend_cuda.cu, or the refusal of
/// engine/step_backend_nocuda.cpp).
std::unique_ptr<StepBackend> make_cuda_step_backend(NeighborKind kind, double cutoff, double skin,
                                                    const std::vector<double>& type_masses);

}  // namespace md
