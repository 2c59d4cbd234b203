// SPDX-License-Identifier: MIT
/// \file
/// The halo applied to DEVICE arrays (used by the GPU-resident step, engine/resident_step_cuda.cu).
/// Compiled only when the build has CUDA (MD_ENABLE_CUDA); include it only from .cu files or
/// sources built only with CUDA.
///
/// Contract: the operations of md::Halo (comm/halo.hpp) — `forward_positions`, `forward`,
/// `reverse_sum` — with the same meaning, on device arrays [n_all][components] of doubles, for the
/// plan of a host Halo taken with `set_plan` after every Halo::build (the plan is built on the
/// host; only the export index lists are uploaded, once per plan, in one array).
///
/// Per swap, in the host Halo's order (forward: swaps in plan order; reverse_sum: reverse order):
///  - forward: a pack kernel gathers the exported rows (adding the periodic shift for positions)
///    into a device buffer, which is downloaded to pinned host staging; Communicator::exchange_bytes
///    sends it with the host Halo's message sizes; the received rows are uploaded straight into the
///    ghost rows [import_first, import_first + import_count), which are contiguous (so the
///    "unpack" is the copy itself);
///  - reverse_sum: the ghost rows (contiguous) are downloaded to pinned staging and exchanged back
///    to `source`; what comes from `dest` is uploaded and an accumulate kernel adds row k onto
///    export k, one swap at a time, like the host.
/// The message sequence and sizes equal the host Halo's, so a rank using DeviceHalo and ranks
/// using Halo can even take part in the same exchange. Swaps whose dest and source are this rank
/// (serial runs, periodic self-images) skip the host: the pack kernel writes straight into the
/// ghost rows, and reverse_sum accumulates straight from them (exports precede import_first, so
/// the rows read and written never overlap). `set_device_self_swaps(false)` sends them through
/// the staging and the Communicator instead (tests use it to run the staged path on one rank).
///
/// Results are BITWISE those of the host Halo: the per-row math is the MD_HOST_DEVICE
/// halo_pack_row / halo_accumulate_row of comm/halo.hpp that the host calls (one addition per
/// value, nothing to contract into an FMA), every row is touched by one thread, and the swaps
/// are applied in the host's order on one stream.
///
/// Synchronisation: work is queued on `stream`; each swap that goes through the host blocks on
/// `stream` once (before its exchange). Self-swaps do not block. On return the results are queued
/// on `stream` (use the same stream, or synchronise, before reading them elsewhere).
///
/// Memory: device and pinned host buffers only grow (1/8 headroom); a steady state allocates
/// nothing. `device_memory_bytes()` and `pinned_memory_bytes()` report what is held.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/halo.hpp"
#include "device/device_buffer.hpp"

namespace md {

/// Page-locked host memory (cudaMallocHost) that only grows; contents are discarded on growth.
class PinnedHostBuffer {
 public:
  PinnedHostBuffer() = default;
  ~PinnedHostBuffer() { release(); }
  PinnedHostBuffer(const PinnedHostBuffer&) = delete;
  PinnedHostBuffer& operator=(const PinnedHostBuffer&) = delete;

  double* data() { return data_; }
  std::size_t capacity() const { return capacity_; }
  std::size_t capacity_bytes() const { return capacity_ * sizeof(double); }
  /// Makes the capacity at least `n` doubles. Waits for `stream` first when it reallocates (an
  /// asynchronous copy may still use the old memory).
  void reserve(std::size_t n, cudaStream_t stream);

 private:
  void release();
  double* data_ = nullptr;
  std::size_t capacity_ = 0;
};

class DeviceHalo {
 public:
  DeviceHalo() = default;

  /// Takes the plan of `halo` (call after every Halo::build): copies the swap descriptions and
  /// uploads all export lists on `stream`.
  void set_plan(const Halo& halo, cudaStream_t stream);
  /// Takes `halo`'s periodic shifts after Halo::update_shifts (a box change without a rebuild;
  /// the plan is otherwise unchanged). Host-side only: shifts travel as kernel parameters.
  void update_shifts(const Halo& halo);

  /// Copies owned positions ([n_all][3], device) to their ghosts, adding each ghost's periodic
  /// shift. Collective.
  void forward_positions(const Communicator& comm, double* d_positions, cudaStream_t stream);
  /// Copies `components` values per atom (device [n_all][components]) from owned atoms to their
  /// ghosts. Collective.
  void forward(const Communicator& comm, double* d_values, int components, cudaStream_t stream);
  /// Adds the ghost rows of `d_values` (device [n_all][components]) onto their owners, in the
  /// host Halo's order. Ghost rows are left unchanged. Collective.
  void reverse_sum(const Communicator& comm, double* d_values, int components,
                   cudaStream_t stream);

  /// true (default): self-swaps copy device→device; false: they go through the host staging and
  /// the Communicator like swaps with other ranks. Results are identical either way.
  void set_device_self_swaps(bool enabled) { device_self_swaps_ = enabled; }

  int n_local() const { return n_local_; }
  int n_ghost() const { return n_ghost_; }
  std::size_t n_swaps() const { return swaps_.size(); }
  /// Device bytes held (capacities): export lists and the packed-row buffer.
  std::size_t device_memory_bytes() const {
    return exports_.capacity_bytes() + rows_.capacity_bytes();
  }
  /// Pinned host bytes held by the staging buffers.
  std::size_t pinned_memory_bytes() const {
    return host_send_.capacity_bytes() + host_recv_.capacity_bytes();
  }

 private:
  struct Swap {
    int dest = -1;
    int source = -1;
    std::size_t export_offset = 0;  ///< first entry of this swap's exports in `exports_`
    int export_count = 0;
    double shift[3] = {0.0, 0.0, 0.0};
    int import_first = 0;
    int import_count = 0;
  };

  void forward_impl(const Communicator& comm, double* d_values, int components, bool shift,
                    cudaStream_t stream);
  /// Grows the staging buffers for rows of `components` values.
  void reserve_staging(int components, cudaStream_t stream);
  bool is_self_swap(const Swap& swap, int rank) const {
    return device_self_swaps_ && swap.dest == rank && swap.source == rank &&
           swap.export_count == swap.import_count;
  }

  std::vector<Swap> swaps_;
  std::vector<int> host_exports_;  ///< all swaps' export lists, concatenated (upload source)
  int n_local_ = 0;
  int n_ghost_ = 0;
  int max_export_rows_ = 0;
  int max_rows_ = 0;  ///< max over swaps of max(export_count, import_count)
  bool device_self_swaps_ = true;

  DeviceBuffer<int> exports_;  ///< [Σ export_count]
  DeviceBuffer<double> rows_;  ///< forward: packed rows; reverse_sum: received rows
  PinnedHostBuffer host_send_;
  PinnedHostBuffer host_recv_;
};

}  // namespace md
