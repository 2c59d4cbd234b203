// SPDX-License-Identifier: MIT
/// \file
/// What every CUDA evaluator (DeepPotentialCuda, AniPotentialCuda) does the same way around its
/// own math: the device inputs and outputs of one evaluation, the engine's stream and its own
/// per-atom buffers (compute()'s per-call copies), the downloads, and the checks and output wiring
/// of compute_device(). Only .cu files include it.
///
/// Both evaluators have one evaluation with two entry points: compute() uploads host views into
/// the engine's buffers (upload_inputs, own_outputs) and downloads the results; compute_device()
/// points the evaluation at the caller's device arrays (caller_outputs) so nothing per-atom
/// crosses PCIe. The per-build plan (types, rows per network) is uploaded once per neighbour-list
/// build (device_plan_key.hpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "device/device_buffer.hpp"
#include "potential/potential.hpp"

namespace md {

/// Device inputs of one evaluation.
struct DeviceEvalInputs {
  const double* positions = nullptr;  ///< device [n_all][3], Å
  const int* offsets = nullptr;       ///< device [n_local + 1], full CSR list
  const int* neighbors = nullptr;     ///< device [offsets[n_local]]
  int n_local = 0;
  int n_all = 0;
};

/// Device outputs of one evaluation, all OVERWRITTEN by it.
struct DeviceEvalOutputs {
  double* forces = nullptr;          ///< [n_all][3], eV/Å
  double* atom_energies = nullptr;   ///< [atom_energy_rows], eV: local rows, then zeros
  std::size_t atom_energy_rows = 0;  ///< ≥ n_local
  double* atom_virials = nullptr;    ///< [n_all][9], eV; null: not computed
};

/// The precision-independent device state of an evaluator's engine: its stream and the buffers
/// compute() uploads into and downloads from. Engines derive from it and add their model.
class DeviceEvaluatorBase {
 public:
  DeviceEvaluatorBase() { virial_.resize(9); }
  virtual ~DeviceEvaluatorBase() = default;
  DeviceEvaluatorBase(const DeviceEvaluatorBase&) = delete;
  DeviceEvaluatorBase& operator=(const DeviceEvaluatorBase&) = delete;

  /// Uploads host views into the engine's own buffers (compute()'s per-call copies).
  DeviceEvalInputs upload_inputs(const AtomsView& atoms, const NeighborView& neighbors) {
    cudaStream_t s = stream_.get();
    const auto n_local = static_cast<std::size_t>(atoms.n_local);
    positions_.upload(atoms.positions.data(), 3 * static_cast<std::size_t>(atoms.n_all), s);
    offsets_.upload(neighbors.offsets.data(), n_local + 1, s);
    neighbors_.upload(neighbors.neighbors.data(),
                      n_local > 0 ? static_cast<std::size_t>(neighbors.offsets[n_local]) : 0, s);
    return DeviceEvalInputs{positions_.data(), offsets_.data(), neighbors_.data(), atoms.n_local,
                            atoms.n_all};
  }
  /// The engine's atom-energy buffer, [max(1, n_local)].
  double* own_atom_energies(int n_local) {
    atom_energy_.resize(std::max<std::size_t>(1, static_cast<std::size_t>(n_local)));
    return atom_energy_.data();
  }
  /// The engine's own output buffers (compute() downloads them); atom virials when `atom_virial`.
  DeviceEvalOutputs own_outputs(int n_local, int n_all, bool atom_virial) {
    const auto n = static_cast<std::size_t>(n_all);
    forces_.resize(std::max<std::size_t>(1, 3 * n));
    if (atom_virial) atom_virial_.resize(std::max<std::size_t>(1, 9 * n));
    return DeviceEvalOutputs{forces_.data(), own_atom_energies(n_local),
                             static_cast<std::size_t>(n_local),
                             atom_virial ? atom_virial_.data() : nullptr};
  }
  /// compute_device()'s outputs: the caller's arrays; without per-atom energies requested, the
  /// atomic energies go to the engine's own buffer (the energy still needs them).
  DeviceEvalOutputs caller_outputs(int n_local, int n_all, const ComputeRequest& request,
                                   DeviceForceOutput& out) {
    DeviceEvalOutputs o{out.forces.data(), out.atom_energies.data(),
                        static_cast<std::size_t>(n_all),
                        request.atom_virial ? out.atom_virials.data() : nullptr};
    if (!request.atom_energy) {
      o.atom_energies = own_atom_energies(n_local);
      o.atom_energy_rows = static_cast<std::size_t>(n_local);
    }
    return o;
  }
  /// Copies `n` elements device → host after all work queued on the engine's stream; blocks.
  template <class T>
  void download(const T* device, T* host, std::size_t n) const {
    if (n > 0) {
      MD_CUDA_CHECK(
          cudaMemcpyAsync(host, device, n * sizeof(T), cudaMemcpyDeviceToHost, stream_.get()));
    }
    stream_.synchronize();
  }

 protected:
  /// Device bytes of the buffers above.
  std::size_t io_bytes() const {
    return positions_.capacity_bytes() + offsets_.capacity_bytes() + neighbors_.capacity_bytes() +
           forces_.capacity_bytes() + atom_energy_.capacity_bytes() + virial_.capacity_bytes() +
           atom_virial_.capacity_bytes();
  }

  CudaStream stream_;
  DeviceBuffer<double> positions_;
  DeviceBuffer<int> offsets_, neighbors_;
  DeviceBuffer<double> forces_, atom_energy_, virial_, atom_virial_;
};

/// The chunk-state budget a CUDA evaluator uses: `requested` bytes, or when 0 half of the device
/// memory free now, at most 16 GiB (room for the rest of the run on a shared device).
inline std::size_t chunk_memory_budget(std::size_t requested) {
  if (requested != 0) return requested;
  constexpr double kAutoBudgetFraction = 0.5;
  constexpr std::size_t kMaxAutoBudget = std::size_t{16} << 30;
  std::size_t free_bytes = 0, total_bytes = 0;
  MD_CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
  return std::min(kMaxAutoBudget,
                  static_cast<std::size_t>(kAutoBudgetFraction * static_cast<double>(free_bytes)));
}

/// Sets `n` elements of the device array `device` to zero on `stream`.
template <class T>
void zero_fill(T* device, std::size_t n, cudaStream_t stream) {
  if (n > 0) MD_CUDA_CHECK(cudaMemsetAsync(device, 0, n * sizeof(T), stream));
}

/// compute_device()'s argument check: device arrays cannot be bounds-checked where they are
/// used, so a short one is an engine bug, reported by `who` (the potential's name).
inline void check_device_arrays(const char* who, const DeviceAtomsView& atoms,
                                const DeviceNeighborView& neighbors, const ComputeRequest& request,
                                const DeviceForceOutput& out) {
  const auto n_all = static_cast<std::size_t>(atoms.n_all);
  const auto n_local = static_cast<std::size_t>(atoms.n_local);
  if (neighbors.kind != NeighborKind::kFull) {
    throw internal_error(std::string(who) + " needs a full neighbour list");
  }
  if (atoms.positions.size() < 3 * n_all || atoms.host_types.size() < n_all ||
      neighbors.offsets.size() < n_local + 1 || out.forces.size() < 3 * n_all ||
      (request.atom_energy && out.atom_energies.size() < n_all) ||
      (request.atom_virial && out.atom_virials.size() < 9 * n_all)) {
    throw internal_error(std::string(who) +
                         ": compute_device got an array shorter than n_local/n_all need");
  }
}

}  // namespace md
