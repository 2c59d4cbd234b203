// SPDX-License-Identifier: MIT
/// \file
/// The CUDA backend's GPU-resident MD step, seen from the host: one rank's per-atom arrays live on
/// the device, and the per-atom phases of Simulation::step() run there — the integrator through
/// kernels(), the skin check, forward_positions, the force evaluation and reverse_sum_forces —
/// so that a step moves no per-atom data between host and device. What still crosses:
///  - at a neighbour-list rebuild (every few tens of steps): the owned atoms come to the host
///    (download), which wraps and migrates them and builds the halo plan exactly as on the CPU
///    backend (engine/simulation.cpp), then upload_after_rebuild sends the atoms and the plan back
///    and builds the neighbour list on the device;
///  - every step: a few scalars (the largest displacement, the virial, a thermostat's kinetic
///    energy) and, between ranks, the halo rows through pinned host staging (comm/halo_cuda.cuh);
///  - on output steps (thermo, guards, trajectories, checkpoints, the end of the run): the owned
///    positions, velocities and forces (download), so that every output, guard and checkpoint is
///    the host code of the CPU backend.
///
/// Simulation owns one when run.backend is cuda (make_resident_step); the interface keeps the
/// engine's .cpp files free of CUDA. Implemented in engine/resident_step_cuda.cu; a build without
/// CUDA has only the factory, which refuses.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/halo.hpp"
#include "engine/atom_kernels.hpp"
#include "engine/particle_state.hpp"
#include "potential/potential.hpp"

namespace md {

class ResidentStep {
 public:
  virtual ~ResidentStep() = default;

  /// The integrators' per-atom operations on the device arrays (engine/integrate_cuda.cuh).
  virtual AtomKernels& kernels() = 0;

  /// After the host has migrated the atoms and built `halo` (state holds n_local owned atoms and
  /// n_ghost ghosts): uploads positions, types and ids [n_all] and velocities [n_local], takes the
  /// halo's plan and builds the neighbour list on the device (its displacement reference is these
  /// positions, kept on the host too: reference_positions()).
  virtual void upload_after_rebuild(const ParticleState& state, const Halo& halo) = 0;
  /// Uploads the owned positions and velocities of `state` (rows [0, n_local); same atoms as the
  /// last upload_after_rebuild), e.g. after a restart put them there.
  virtual void upload_owned(const ParticleState& state) = 0;
  /// Downloads the owned positions, velocities and forces into rows [0, n_local) of `state`.
  virtual void download(ParticleState& state) = 0;

  /// Largest squared displacement (Å²) of an owned atom since the last build. Local only.
  virtual double max_displacement_sq() = 0;
  /// Owned positions → ghosts (with their periodic shifts). Collective.
  virtual void forward_positions(const Communicator& comm) = 0;
  /// Forces on owned and ghost atoms by potential.compute_device (OVERWRITES the device forces);
  /// the energy and virial of this rank's share come back as host scalars in `energy`/`virial`.
  virtual void compute_forces(Potential& potential, const Box& box, const ComputeRequest& request,
                              double& energy, std::array<double, 9>& virial) = 0;
  /// Ghost forces summed onto their owners. Collective.
  virtual void reverse_sum_forces(const Communicator& comm) = 0;

  /// Host copy of the neighbour-list row offsets [n_local + 1] (the capacity guard reads them).
  virtual std::vector<int> neighbor_offsets() = 0;
  /// The owned positions at the last build ([n_local][3], Å; host copy, for checkpoints).
  virtual const std::vector<double>& reference_positions() const = 0;
  virtual std::size_t n_pairs() const = 0;
  virtual std::uint64_t build_count() const = 0;
  /// Device bytes held by the arrays, the neighbour list, the halo and the kernels' workspaces.
  virtual std::size_t device_memory_bytes() const = 0;
};

/// The resident step on the current CUDA device for a neighbour list of `kind` with `cutoff` and
/// `skin` (Å) and atoms of `type_masses` (amu). In a build without CUDA it throws the config Error
/// of cuda_unavailable_reason().
std::unique_ptr<ResidentStep> make_resident_step(NeighborKind kind, double cutoff, double skin,
                                                 const std::vector<double>& type_masses);

}  // namespace md
