// SPDX-License-Identifier: MIT
/// \file
/// `deepmd` on a GPU: the DeePMD-kit se_e2_a evaluator of deep_potential.hpp, run with CUDA.
///
/// Same model, same options, same Potential contract as md::DeepPotential (the CPU evaluator,
/// which is the reference: read its header for the physics and the per-atom conventions). Each
/// op of the CPU pipeline has a CUDA twin with the same contract (potential/deep/<op>_cuda.cu):
///
///   format_nlist → env_mat → embedding_net (cuBLAS) → descriptor → fitting_net (cuBLAS, forward
///   and backward) → descriptor backward → prod_force_virial (atomicAdd scatter)
///
/// and every per-pair formula (switch, env row and its derivative, activations, pair force) is the
/// MD_HOST_DEVICE function the CPU calls (architecture rule 1).
///
/// Precision (DeepPotentialOptions::precision): `double` computes everything in double and
/// matches the CPU to ~1e-12; `mixed` casts the weights to float at load and runs the
/// environment matrix, networks and descriptor in float, while energies, forces and virials are
/// accumulated in double (the DeePMD-kit float32 scheme); expect ~1e-6 relative differences.
///
/// Memory: local atoms are evaluated in chunks whose size comes from a memory budget (bytes of
/// chunk state: per-pair arrays for the chunk's worst case of Σsel slots per centre, per-centre
/// descriptor/fitting arrays, the embedding workspace). Device memory is therefore bounded by the
/// per-atom state (positions, types, neighbour list, forces, per-atom virials) plus the budget,
/// not by N·Σsel·ng. All device buffers only grow; a steady-state step allocates nothing.
///
/// STAGE 1 (this class): the engine still works on the host. Every compute() uploads positions,
/// types and the neighbour list into persistent device buffers and downloads forces (n_all × 3),
/// per-atom energies, the virial and, when requested, per-atom virials; the model stays resident.
/// Those copies cost O(N) PCIe traffic per step. The next stage (GPU-resident step) keeps the
/// atoms on the device: device neighbour list, integrator kernels, halo pack/unpack kernels, so
/// that only thermo scalars and halo buffers move (docs/cuda.md).
///
/// Everything this class runs is unverified until the parity tests run on a GPU
/// (tests/backend/test_deep_cuda_parity.cpp; docs/cuda.md says how).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "potential/deep/deep_model.hpp"
#include "potential/deep/deep_potential_options.hpp"
#include "potential/potential.hpp"

namespace md {

class DeepPotentialCuda final : public Potential {
 public:
  /// Same arguments and checks (and error messages) as DeepPotential; additionally
  /// `options.precision` selects double or mixed arithmetic. `memory_budget_bytes` bounds the
  /// chunk state on the device (0: half of the device memory free at construction, at most
  /// 16 GiB); a budget smaller than one centre's state still evaluates one centre per chunk.
  /// Uses the current CUDA device. Throws md::Error when no device is usable.
  DeepPotentialCuda(DeepModel model, DeepPotentialOptions options,
                    const std::vector<std::string>& run_type_names,
                    std::size_t memory_budget_bytes = 0);
  ~DeepPotentialCuda() override;
  DeepPotentialCuda(const DeepPotentialCuda&) = delete;
  DeepPotentialCuda& operator=(const DeepPotentialCuda&) = delete;

  std::string name() const override;
  double cutoff() const override { return model_.rcut; }
  NeighborKind neighbor_kind() const override { return NeighborKind::kFull; }
  void compute(const AtomsView& atoms, const NeighborView& neighbors, const ComputeRequest& request,
               ForceOutput& out) override;

  /// The se_e2_a descriptor of every local atom, [n_local][ng·M2] (as DeepPotential's; for
  /// tests: it localises a disagreement to the forward pass).
  void compute_descriptors(const AtomsView& atoms, const NeighborView& neighbors,
                           std::vector<double>& out);

  const DeepModel& model() const { return model_; }
  DeepPrecision precision() const { return options_.precision; }
  /// Device bytes held now: model, per-atom state and chunk state.
  std::size_t device_memory_bytes() const override;
  /// Device bytes of the chunk state alone (what the memory budget bounds).
  std::size_t chunk_memory_bytes() const;
  std::size_t memory_budget_bytes() const;
  /// Local centres per chunk that the budget allows.
  int max_chunk_centers() const;
  /// How many sel-overflow warnings have been logged (at most one per neighbour-list build).
  std::uint64_t sel_overflow_warnings() const { return overflow_warnings_; }

  class Engine;  ///< the device side, per precision (deep_potential_cuda.cu)

 private:
  /// Chunks of `n_local` centres; fitting rows of each chunk sorted by fitting net.
  void plan_chunks(int n_local, bool skip_excluded);
  void report_overflow(const AtomsView& atoms, const NeighborView& neighbors, std::uint64_t n_atoms,
                       std::uint64_t packed_worst);

  DeepModel model_;
  DeepPotentialOptions options_;
  std::vector<int> run_to_model_;  ///< [run types] model type index
  std::unique_ptr<Engine> engine_;
  std::optional<std::uint64_t> last_overflow_warning_;
  std::uint64_t overflow_warnings_ = 0;

  // Host workspaces (grow-only).
  std::vector<int> model_types_;     ///< [n_all]
  std::vector<int> fit_rows_;        ///< [≤ n_local] chunk-local centre of each fitting row
  std::vector<int> fit_net_begin_;   ///< [chunks][nets + 1] offsets into fit_rows_
  std::vector<double> atom_energy_;  ///< [n_local]
};

}  // namespace md
