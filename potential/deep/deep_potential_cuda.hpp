// SPDX-License-Identifier: MIT
/// \file
/// `deepmd` on a GPU: the DeePMD-kit se_e2_a evaluator of deep_potential.hpp, run with CUDA.
///
/// Same model, same options, same Potential contract as md::DeepPotential (the CPU evaluator,
/// which is the reference: read its header for the physics and the per-atom conventions). Each
/// op of the CPU pipeline has a CUDA twin with the same contract (potential/deep/<op>_cuda.cu):
///
///   format_nlist → env_mat → embedding_net (cuBLAS) → descriptor → fitting (nn/energy_net,
///   cuBLAS, forward and backward) → descriptor backward → prod_force_virial (atomicAdd scatter)
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
/// Two entry points share one evaluation (EngineImpl::evaluate, one chunk loop):
///  - compute() (host views, STAGE 1): every call uploads positions, types and the neighbour list
///    into the engine's own device buffers and downloads forces (n_all × 3), per-atom energies,
///    the virial and, when requested, per-atom virials: O(N) PCIe traffic per step.
///  - compute_device() (device views, the GPU-resident step): positions and the neighbour list
///    are read where the caller keeps them, forces and per-atom outputs are written into the
///    caller's device arrays: no per-step copy of positions, lists or forces. Per call only the
///    virial (9 doubles), the two sel-overflow counters and, on energy steps, the n_local atomic
///    energies (summed on the host exactly as compute() does) come back, besides the per-chunk
///    pair-group sizes that both paths download for the GEMM batch sizes (a few ints). Model
///    types and the fitting-row plan are recomputed from DeviceAtomsView::host_types and uploaded
///    only when the neighbour list's build_count, n_local or n_all change, or after a host
///    compute()/compute_descriptors() (which overwrite the same device buffers).
/// The model stays resident either way.
///
/// Synchronisation (compute_device): the engine works on its own CUDA stream. The caller must
/// have completed its writes of positions, types and the neighbour list (synchronised its own
/// stream) before the call; the call ends with blocking downloads on the engine's stream, so on
/// return every output (forces, per-atom arrays, energy, virial) is complete and may be read on
/// any stream.
///
/// Everything this class runs is unverified until the parity tests run on a GPU
/// (tests/backend/test_deep_cuda_parity.cpp; docs/cuda.md says how).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "potential/deep/deep_model.hpp"
#include "potential/deep/deep_potential_options.hpp"
#include "potential/deep/prepared_model.hpp"
#include "potential/deep/sel_overflow_report.hpp"
#include "potential/device_plan_key.hpp"
#include "potential/element_contacts.hpp"
#include "potential/potential.hpp"

namespace md {

class DeepPotentialCuda final : public Potential {
 public:
  /// Same arguments and checks (and error messages) as DeepPotential (both prepare the model with
  /// deep::prepare_deep_model); additionally
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
  double cutoff() const override { return prepared_.model.rcut; }
  NeighborKind neighbor_kind() const override { return NeighborKind::kFull; }
  double natural_distance(int a, int b) const override { return contacts_.distance(a, b); }
  std::string natural_distance_basis() const override { return ElementContacts::basis(); }
  void compute(const AtomsView& atoms, const NeighborView& neighbors, const ComputeRequest& request,
               ForceOutput& out) override;
  bool has_device_compute() const override { return true; }
  /// compute() on device arrays (see the file comment for what moves and the synchronisation):
  /// positions [n_all][3] Å and the full CSR list are read in place; `out.forces` [n_all][3] eV/Å
  /// and, when requested, `out.atom_energies` [n_all] eV (local rows the atomic energies, ghost
  /// rows 0) and `out.atom_virials` [n_all][9] eV are OVERWRITTEN on the device; `out.energy` and
  /// `out.virial` are host values, 0 when not requested. Results equal compute()'s up to the
  /// summation order of the force/virial atomics; the energy is the same compensated sum of the
  /// atomic energies as compute()'s.
  void compute_device(const DeviceAtomsView& atoms, const DeviceNeighborView& neighbors,
                      const ComputeRequest& request, DeviceForceOutput& out) override;

  /// The se_e2_a descriptor of every local atom, [n_local][ng·M2] (as DeepPotential's; for
  /// tests: it localises a disagreement to the forward pass).
  void compute_descriptors(const AtomsView& atoms, const NeighborView& neighbors,
                           std::vector<double>& out);

  const DeepModel& model() const { return prepared_.model; }
  Precision precision() const { return options_.precision; }
  /// Device bytes held now: model, per-atom state and chunk state.
  std::size_t device_memory_bytes() const override;
  /// Device bytes of the chunk state alone (what the memory budget bounds).
  std::size_t chunk_memory_bytes() const;
  std::size_t memory_budget_bytes() const;
  /// Local centres per chunk that the budget allows.
  int max_chunk_centers() const;
  /// How many sel-overflow warnings have been logged (at most one per neighbour-list build).
  std::uint64_t sel_overflow_warnings() const { return overflow_report_.warnings(); }

  class Engine;  ///< the device side, per precision (deep_potential_cuda.cu)

 private:
  /// The worst overflowing centre's neighbours and the positions they index, on the host.
  struct OverflowRow {
    const double* positions = nullptr;  ///< [n_all][3], Å
    const int* neighbors = nullptr;     ///< [count] indices into positions
    int count = 0;
  };

  /// Maps `types` ([n_all] run types, host) to model types, plans the chunks and uploads both
  /// (the per-build state of the device evaluation).
  void prepare_types(Span<const int> types, int n_local, int n_all, bool skip_excluded);
  /// Chunks of `n_local` centres; fitting rows of each chunk sorted by fitting net.
  void plan_chunks(int n_local, bool skip_excluded);
  /// The compensated sum of atom_energy_[0, n_local) (DeepPotential's energy).
  double sum_atom_energies(int n_local) const;
  /// Hands the device counters `overflow` ([0] overflowing centres, [1] packed worst centre) to
  /// the sel-overflow report (sel_overflow_report.hpp) when they report one and it is due; only
  /// then is `worst_row(worst)` called for an OverflowRow, whose per-type counts the message
  /// gives (both entry points; defined and instantiated in deep_potential_cuda.cu).
  template <class WorstRow>
  void report_overflow(const unsigned long long overflow[2], std::uint64_t build_count,
                       const WorstRow& worst_row);
  /// Stops the run when the device counters `counters` ([2] pairs outside the compressed model's
  /// tables, [3] the first's key) report any; `position_of(atom, x)` fetches an atom's position
  /// (both entry points, one message: deep::table_miss_message).
  template <class PositionOf>
  void report_table_miss(const unsigned long long counters[4],
                         const PositionOf& position_of) const;

  deep::PreparedDeepModel prepared_;
  DeepPotentialOptions options_;
  ElementContacts contacts_;
  deep::SelOverflowReport overflow_report_;
  std::unique_ptr<Engine> engine_;
  DevicePlanKey device_plan_;  ///< the build whose types compute_device() uploaded

  // Host workspaces (grow-only).
  std::vector<int> model_types_;     ///< [n_all]
  std::vector<int> fit_rows_;        ///< [≤ n_local] chunk-local centre of each fitting row
  std::vector<int> fit_net_begin_;   ///< [chunks][nets + 1] offsets into fit_rows_
  std::vector<double> atom_energy_;  ///< [n_local]
};

}  // namespace md
