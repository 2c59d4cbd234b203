// SPDX-License-Identifier: MIT
/// \file
/// `ani` on a GPU: the ANI evaluator of ani_potential.hpp, run with CUDA.
///
/// Same model, options, checks and Potential contract as md::AniPotential (the CPU evaluator and
/// the reference: read its header for the physics). The pipeline per chunk of local centres is
/// the CPU's, op for op:
///
///   aev forward (aev_cuda.cuh: the MD_HOST_DEVICE terms of aev.hpp, one thread per centre) →
///   per element: gather its centres' AEVs, each chosen member's network (nn/energy_net_cuda,
///   cuBLAS, forward and backward), summed over members → atomic energies and ∂E/∂AEV scattered
///   back → aev backward (atomicAdd of forces on centres and neighbours, ghosts included; virial)
///
/// Precision (AniOptions::precision): `double` matches the CPU to rounding (~1e-12); `mixed`
/// casts the weights and AEV constants to float at load and computes the AEVs, networks and
/// gradients in float, while displacements are formed in double and energies, forces and virials
/// are accumulated in double (TorchANI's float32 scheme, with double sums).
///
/// Memory: local centres are evaluated in chunks sized from a memory budget (per centre: its AEV
/// and gradient, the per-element row copies and the network workspace), so device memory is the
/// per-atom state plus the budget. Buffers only grow; a steady-state step allocates nothing.
///
/// Entry points and synchronisation as DeepPotentialCuda's (deep_potential_cuda.hpp): compute()
/// uploads host views and downloads the outputs; compute_device() reads positions and the list
/// where the caller keeps them and writes forces and per-atom outputs into the caller's device
/// arrays; the element of each atom and the per-chunk element rows are planned on the host from
/// DeviceAtomsView::host_types once per neighbour-list build. On return every output is complete.
///
/// Everything this class runs is unverified until tests/backend/test_ani_cuda_parity.cpp runs
/// on a GPU (docs/cuda.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "potential/ani/ani_model.hpp"
#include "potential/ani/ani_options.hpp"
#include "potential/ani/prepared_ani_model.hpp"
#include "potential/device_plan_key.hpp"
#include "potential/element_contacts.hpp"
#include "potential/potential.hpp"

namespace md {

class AniPotentialCuda final : public Potential {
 public:
  /// Same arguments, checks and messages as AniPotential; `options.precision` selects double or
  /// mixed. `memory_budget_bytes` bounds the chunk state (0: half of the free device memory, at
  /// most 16 GiB; a budget below one centre's state still evaluates one centre per chunk). Uses
  /// the current CUDA device; throws md::Error when none is usable.
  AniPotentialCuda(AniModel model, AniOptions options,
                   const std::vector<std::string>& run_type_names,
                   std::size_t memory_budget_bytes = 0);
  ~AniPotentialCuda() override;
  AniPotentialCuda(const AniPotentialCuda&) = delete;
  AniPotentialCuda& operator=(const AniPotentialCuda&) = delete;

  std::string name() const override;
  double cutoff() const override { return prepared_.model.aev.radial_cutoff; }
  NeighborKind neighbor_kind() const override { return NeighborKind::kFull; }
  double natural_distance(int a, int b) const override { return contacts_.distance(a, b); }
  std::string natural_distance_basis() const override { return ElementContacts::basis(); }
  void compute(const AtomsView& atoms, const NeighborView& neighbors, const ComputeRequest& request,
               ForceOutput& out) override;
  bool has_device_compute() const override { return true; }
  /// compute() on device arrays: the contract of DeepPotentialCuda::compute_device.
  void compute_device(const DeviceAtomsView& atoms, const DeviceNeighborView& neighbors,
                      const ComputeRequest& request, DeviceForceOutput& out) override;

  const AniModel& model() const { return prepared_.model; }
  Precision precision() const { return options_.precision; }
  std::size_t device_memory_bytes() const override;
  /// Local centres per chunk that the budget allows.
  int max_chunk_centers() const;

  class Engine;  ///< the device side, per precision (ani_potential_cuda.cu)

 private:
  /// Maps `types` ([n_all] run types, host) to model elements, plans each chunk's rows per
  /// element and uploads both.
  void prepare_types(Span<const int> types, int n_local, int n_all);
  double sum_atom_energies(int n_local) const;

  ani::PreparedAniModel prepared_;
  AniOptions options_;
  ElementContacts contacts_;
  std::unique_ptr<Engine> engine_;
  DevicePlanKey device_plan_;  ///< the build whose plan compute_device() uploaded

  // Host workspaces (grow-only).
  std::vector<int> elements_;        ///< [n_all] model element of each atom
  std::vector<int> rows_;            ///< chunk-local centre of each network row, by chunk and element
  std::vector<int> element_begin_;   ///< [chunks][elements + 1] offsets into rows_
  std::vector<double> atom_energy_;  ///< [n_local]
};

}  // namespace md
