// SPDX-License-Identifier: MIT
/// \file
/// The neighbour list built on the GPU from device-resident positions (used by the GPU-resident
/// step backend, engine/step_backend_cuda.cu). Compiled only when the build has CUDA
/// (MD_ENABLE_CUDA); include it only from .cu files or sources built only with CUDA.
///
/// Contract (the same as md::NeighborList, engine/neighbor_list.hpp, but on device memory):
///  - `build(d_positions, n_local, n_all, stream)` reads DEVICE positions [n_all][3] (Å), local
///    atoms [0, n_local) first, then ghosts, and OVERWRITES the list: device `offsets()`
///    [n_local + 1] and `neighbors()` [n_pairs()] in compressed-row form, every pair closer than
///    cutoff + skin; full lists both directions, half lists with the newton-on tie-break for
///    owned–ghost pairs. It also saves the local positions as the displacement reference (device
///    copy). It blocks on `stream` twice (the bounding box, 6 doubles, and the pair count, one
///    64-bit integer, come to the host); everything else is queued on `stream`. A list of more
///    than kMaxNeighborPairs (2^31 − 1) entries is refused with neighbor_pairs_limit_error (exit
///    code 6), as on the CPU: offsets and indices are 32-bit and never wrap.
///  - `max_displacement_sq(d_positions, n_local, stream)`: the largest squared displacement (Å²) of
///    a local atom since the last build (device reduction, one double downloaded); n_local must
///    not exceed that of the last build.
///  - The lists are IDENTICAL to the CPU NeighborList's for the same positions — same neighbours,
///    same order — and max_displacement_sq returns the same double, because: the grid and stencil
///    come from the same host functions (engine/cell_grid.hpp) fed with the same bounding box
///    (min/max are exact in any reduction order); each atom's cell, the half-list rule and the
///    squared distance are the same MD_HOST_DEVICE functions, with r² rounded as on the host
///    (no FMA); atoms are ordered within a cell by a stable radix sort of (cell, atom index),
///    which is the CPU's counting-sort order (ascending index); and one thread per local atom
///    walks its neighbours with the CPU's loop (`for_each_neighbor`), once to count and once to
///    write at the scanned offsets. Positions must be finite.
///
/// Memory: device buffers only grow (with 1/8 headroom), CUB's temporary storage too, so a
/// steady-state rebuild allocates nothing; `device_memory_bytes()` reports what is held.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "device/device_buffer.hpp"
#include "engine/cell_grid.hpp"
#include "engine/neighbor_list.hpp"
#include "potential/potential.hpp"

namespace md {

class DeviceNeighborList {
 public:
  /// `max_pairs`: as for NeighborList (the 32-bit limit; tests lower it).
  DeviceNeighborList(NeighborKind kind, double cutoff, double skin,
                     std::int64_t max_pairs = kMaxNeighborPairs);

  /// Builds the list of local atoms [0, n_local) against all atoms [0, n_all) of the device array
  /// `d_positions` ([n_all][3], Å) on `stream`, and saves the local positions as the
  /// displacement reference. `d_positions` may be null when n_all is 0.
  void build(const double* d_positions, int n_local, int n_all, cudaStream_t stream);

  /// Largest squared displacement (Å²) of local atoms [0, n_local) of the device array
  /// `d_positions` since the last build; waits for `stream`. Collective use as on the CPU:
  /// reduce over ranks before deciding to rebuild.
  double max_displacement_sq(const double* d_positions, int n_local, cudaStream_t stream);
  /// True when `max_displacement_sq` (already reduced over ranks) calls for a rebuild.
  bool exceeds_half_skin(double max_displacement_sq) const {
    return 4.0 * max_displacement_sq > skin_ * skin_;
  }

  /// Device array [n_local() + 1] of row offsets.
  const int* offsets() const { return offsets_.data(); }
  /// Device array [n_pairs()] of neighbour indices into [0, n_all).
  const int* neighbors() const { return neighbors_.data(); }
  int n_local() const { return n_local_; }
  std::size_t n_pairs() const { return n_pairs_; }

  NeighborKind kind() const { return kind_; }
  double cutoff() const { return cutoff_; }
  double skin() const { return skin_; }
  /// cutoff + skin: the list radius and the ghost width the halo must provide.
  double list_cutoff() const { return cutoff_ + skin_; }
  std::uint64_t build_count() const { return build_count_; }
  /// Device bytes held by the list and its workspace (capacities).
  std::size_t device_memory_bytes() const;

  /// Host copies of the list (for tests and diagnostics); waits for `stream`.
  struct HostLists {
    std::vector<int> offsets;    ///< [n_local + 1]
    std::vector<int> neighbors;  ///< [n_pairs]
  };
  HostLists download(cudaStream_t stream) const;

 private:
  NeighborKind kind_;
  double cutoff_;
  double skin_;
  std::int64_t max_pairs_;
  std::uint64_t build_count_ = 0;
  int n_local_ = 0;
  std::size_t n_pairs_ = 0;

  DeviceBuffer<int> offsets_;              ///< [n_local + 1]
  DeviceBuffer<int> neighbors_;            ///< [n_pairs]
  DeviceBuffer<double> reference_;         ///< [n_local][3] at the last build
  // Workspace, kept between builds.
  DeviceBuffer<int> counts_;               ///< [n_local + 1] neighbours per atom, then 0
  DeviceBuffer<unsigned int> cell_keys_;   ///< [n_all] cell of each atom
  DeviceBuffer<unsigned int> sorted_keys_; ///< [n_all] cells in sorted order
  DeviceBuffer<int> atom_ids_;             ///< [n_all] 0, 1, …, n_all − 1
  DeviceBuffer<int> atoms_by_cell_;        ///< [n_all] atom indices sorted by cell (stable)
  DeviceBuffer<int> cell_start_;           ///< [total_cells + 1]
  DeviceBuffer<int> stencil_;              ///< [n_stencil][3]
  DeviceBuffer<BoundingBox> bounds_;       ///< [1]
  DeviceBuffer<double> max_sq_;            ///< [1]
  DeviceBuffer<long long> total_pairs_;    ///< [1] the 64-bit sum of the counts
  DeviceBuffer<unsigned char> cub_temp_;   ///< CUB temporary storage
  std::vector<int> host_stencil_;
};

}  // namespace md
