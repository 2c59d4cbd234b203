// SPDX-License-Identifier: MIT
/// \file
/// A ResidentStepBackend (engine/step_backend_resident.hpp) that keeps its "device" arrays in host
/// memory of its own, separate from the Simulation's ParticleState, and runs the CPU code on
/// them: the HostAtomKernels, a host NeighborList, a copy of the Simulation's halo plan and the
/// potential's host compute(). Installed with Simulation::set_step_backend, it runs the CUDA
/// backend's orchestration — the Simulation's sync points and the base class's staleness, what
/// is copied when between the two copies of the atoms — on any machine, and since the arithmetic
/// is the CPU backend's, a correct orchestration gives results BITWISE equal to a CPU run: a
/// missing or misplaced sync (stale positions after a rebuild, forces not copied back for an
/// output, a restart that forgets to upload) shows as a difference. `copies()` counts the
/// transfers, so tests can check that steps without output copy nothing.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "comm/halo.hpp"
#include "engine/atom_kernels.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/step_backend_resident.hpp"

namespace md::test {

class HostResidentStep final : public ResidentStepBackend {
 public:
  /// Transfer counters.
  struct Copies {
    int rebuild_uploads = 0;
    int owned_uploads = 0;
    int downloads = 0;
    int member_evaluations = 0;  ///< committee members evaluated (deviation steps)
  };

  HostResidentStep(NeighborKind kind, double cutoff, double skin, std::vector<double> type_masses)
      : list_(kind, cutoff, skin) {
    device_.type_masses = std::move(type_masses);
  }

  const char* name() const override { return "host stand-in of a resident backend"; }
  const std::vector<double>& reference_positions() const override {
    return list_.reference_positions();
  }
  std::size_t n_pairs() const override { return list_.n_pairs(); }
  std::uint64_t build_count() const override { return list_.build_count(); }
  std::size_t device_memory_bytes() const override { return 1; }  // "holds something"

  const Copies& copies() const { return copies_; }

 protected:
  AtomKernels& resident_kernels() override { return kernels_; }

  void upload_all(const ParticleState& state, const Halo& halo) override {
    ++copies_.rebuild_uploads;
    const std::size_t n_all = state.n_all();
    device_.n_local = state.n_local;
    device_.n_ghost = state.n_ghost;
    device_.positions.assign(state.positions.begin(), state.positions.begin() + 3 * n_all);
    device_.velocities.assign(state.velocities.begin(),
                              state.velocities.begin() + 3 * static_cast<std::size_t>(state.n_local));
    device_.types.assign(state.types.begin(), state.types.begin() + n_all);
    device_.ids.assign(state.ids.begin(), state.ids.begin() + n_all);
    device_.forces.assign(3 * n_all, 0.0);
    halo_ = std::make_unique<Halo>(halo);
    list_.build(Span<const double>(device_.positions), device_.n_local, device_.n_all());
  }

  void upload_owned(const ParticleState& state) override {
    ++copies_.owned_uploads;
    const std::size_t n = 3 * static_cast<std::size_t>(device_.n_local);
    std::copy(state.positions.begin(), state.positions.begin() + n, device_.positions.begin());
    std::copy(state.velocities.begin(), state.velocities.begin() + n, device_.velocities.begin());
  }

  void download_owned(ParticleState& state) override {
    ++copies_.downloads;
    const std::size_t n = 3 * static_cast<std::size_t>(device_.n_local);
    std::copy(device_.positions.begin(), device_.positions.begin() + n, state.positions.begin());
    std::copy(device_.velocities.begin(), device_.velocities.begin() + n, state.velocities.begin());
    std::copy(device_.forces.begin(), device_.forces.begin() + n, state.forces.begin());
  }

  double resident_max_displacement_sq() override {
    return list_.max_displacement_sq(Span<const double>(device_.positions), device_.n_local);
  }
  void resident_forward_positions(const Communicator& comm) override {
    halo_->forward_positions(comm, Span<double>(device_.positions));
  }
  ForceTally resident_compute_forces(Potential& potential, const Box& box,
                                     const ComputeRequest& request) override {
    ForceOutput out;
    out.forces = Span<double>(device_.forces);
    potential.compute(atoms_view(box), list_.view(), request, out);
    return ForceTally{out.energy, out.virial};
  }
  void resident_reverse_sum_forces(const Communicator& comm) override {
    halo_->reverse_sum(comm, Span<double>(device_.forces), 3);
  }
  std::vector<ForceTally> resident_compute_committee_forces(
      Committee& committee, const Box& box, const ComputeRequest& request) override {
    const auto members = static_cast<std::size_t>(committee.size());
    copies_.member_evaluations += committee.size() - 1;
    member_forces_.resize(members);
    std::vector<ForceOutput> outs(members);
    std::vector<ForceOutput*> out_pointers(members);
    for (std::size_t m = 0; m < members; ++m) {
      if (m > 0) member_forces_[m].assign(3 * static_cast<std::size_t>(device_.n_all()), 0.0);
      outs[m].forces = Span<double>(m == 0 ? device_.forces : member_forces_[m]);
      out_pointers[m] = &outs[m];
    }
    committee.compute_all(atoms_view(box), list_.view(), request, out_pointers);
    std::vector<ForceTally> tallies(members);
    for (std::size_t m = 0; m < members; ++m) tallies[m] = ForceTally{outs[m].energy, outs[m].virial};
    return tallies;
  }
  void resident_reverse_sum_member_forces(const Communicator& comm, int member,
                                          std::vector<double>& owned_forces) override {
    std::vector<double>& rows = member_forces_.at(static_cast<std::size_t>(member));
    halo_->reverse_sum(comm, Span<double>(rows), 3);
    owned_forces.assign(rows.begin(),
                        rows.begin() + 3 * static_cast<std::size_t>(device_.n_local));
  }
  std::vector<int> download_neighbor_offsets() override {
    const Span<const int> offsets = list_.view().offsets;
    return std::vector<int>(offsets.begin(), offsets.end());
  }

 private:
  AtomsView atoms_view(const Box& box) const {
    AtomsView atoms;
    atoms.positions = Span<const double>(device_.positions);
    atoms.types = Span<const int>(device_.types);
    atoms.n_local = device_.n_local;
    atoms.n_all = device_.n_all();
    atoms.box = box;
    return atoms;
  }

  ParticleState device_;  ///< the "device" copy of the atoms
  std::vector<std::vector<double>> member_forces_;  ///< [members][n_all][3] (entry 0 unused)
  HostAtomKernels kernels_{device_};
  NeighborList list_;
  std::unique_ptr<Halo> halo_;
  Copies copies_;
};

}  // namespace md::test
