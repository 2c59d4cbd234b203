// SPDX-License-Identifier: MIT
/// \file
/// CUDA neighbour-list build (contract in neighbor_list_cuda.cuh): bounding box by a CUB
/// reduction, grid and stencil on the host (engine/cell_grid.hpp, as on the CPU), cell of each
/// atom, stable radix sort of atom indices by cell, cell start offsets, then one thread per local
/// atom counts its neighbours (for_each_neighbor), an exclusive scan gives the row offsets and a
/// second pass writes the rows.
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_reduce.cuh>
#include <cub/device/device_scan.cuh>
#include <algorithm>
#include <limits>

#include "engine/neighbor_list_cuda.cuh"

namespace md {
namespace {

constexpr unsigned int kThreads = 128;

/// Makes `buffer` hold `n` elements, growing the capacity with 1/8 headroom so that small
/// fluctuations of atom and pair counts do not reallocate.
template <class T>
void ensure(DeviceBuffer<T>& buffer, std::size_t n) {
  if (n > buffer.capacity()) buffer.reserve(n + n / 8);
  buffer.resize(n);
}

/// Bounds of atom i (transform of an index, for the CUB reduction).
struct AtomBounds {
  const double* positions;
  __host__ __device__ BoundingBox operator()(int i) const { return bounds_of(positions + 3 * i); }
};

struct MergeBounds {
  __host__ __device__ BoundingBox operator()(BoundingBox a, const BoundingBox& b) const {
    include(a, b);
    return a;
  }
};

/// Squared displacement of local atom i from its reference; NaN counts as 0, as the CPU's
/// std::max(worst, d²) ignores it.
struct AtomDisplacementSq {
  const double* positions;
  const double* reference;
  __host__ __device__ double operator()(int i) const {
    const double d_sq = distance_sq(positions + 3 * i, reference + 3 * i);
    return d_sq == d_sq ? d_sq : 0.0;
  }
};

/// A neighbour count as a 64-bit integer, so that the total of all rows cannot wrap.
struct WidenCount {
  __host__ __device__ long long operator()(int count) const { return count; }
};

struct MaxOp {
  __host__ __device__ double operator()(double a, double b) const { return a < b ? b : a; }
};

/// Cell of every atom, and the atom indices to sort along with it.
__global__ void cell_keys_kernel(CellGrid grid, const double* positions, int n_all,
                                 unsigned int* keys, int* ids) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n_all) return;
  keys[i] = static_cast<unsigned int>(cell_index(grid, positions + 3 * i));
  ids[i] = i;
}

/// cell_start[c] = first sorted position whose cell is ≥ c, for c in [0, total_cells]: position
/// k writes the cells between its predecessor's cell (exclusive) and its own (inclusive); k =
/// n_all closes the array. Every entry is written exactly once.
__global__ void cell_start_kernel(const unsigned int* sorted_keys, int n_all, int total_cells,
                                  int* cell_start) {
  const int k = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (k > n_all) return;
  const int previous = k == 0 ? -1 : static_cast<int>(sorted_keys[k - 1]);
  const int current = k == n_all ? total_cells : static_cast<int>(sorted_keys[k]);
  for (int c = previous + 1; c <= current; ++c) cell_start[c] = k;
}

struct CountVisit {
  int count = 0;
  __host__ __device__ void operator()(int) { ++count; }
};

struct WriteVisit {
  int* out;
  __host__ __device__ void operator()(int j) { *out++ = j; }
};

/// Pass 1: neighbours per local atom; counts[n_local] = 0 so that the exclusive scan of
/// n_local + 1 entries ends with the total.
__global__ void count_kernel(CellListView view, int* counts) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i > view.n_local) return;
  if (i == view.n_local) {
    counts[i] = 0;
    return;
  }
  CountVisit visit;
  for_each_neighbor(view, i, visit);
  counts[i] = visit.count;
}

/// Pass 2: each local atom writes its row at its offset, in the same order as pass 1.
__global__ void fill_kernel(CellListView view, const int* offsets, int* neighbors) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= view.n_local) return;
  WriteVisit visit{neighbors + offsets[i]};
  for_each_neighbor(view, i, visit);
}

/// Bits needed for keys in [0, total_cells).
int key_bits(int total_cells) {
  int bits = 1;
  while (bits < 31 && (1u << bits) < static_cast<unsigned int>(total_cells)) ++bits;
  return bits;
}

}  // namespace

DeviceNeighborList::DeviceNeighborList(NeighborKind kind, double cutoff, double skin,
                                       std::int64_t max_pairs)
    : kind_(kind),
      cutoff_(cutoff),
      skin_(skin),
      max_pairs_(std::min<std::int64_t>(max_pairs, kMaxNeighborPairs)) {
  if (!(cutoff > 0.0) || !(skin >= 0.0)) {
    throw internal_error("neighbour list needs cutoff > 0 and skin >= 0");
  }
}

void DeviceNeighborList::build(const double* d_positions, int n_local, int n_all,
                               cudaStream_t stream) {
  if (n_local < 0 || n_all < n_local) {
    throw internal_error("DeviceNeighborList::build needs 0 <= n_local <= n_all");
  }
  ++build_count_;
  n_local_ = n_local;
  n_pairs_ = 0;
  ensure(reference_, 3 * static_cast<std::size_t>(n_local));
  ensure(offsets_, static_cast<std::size_t>(n_local) + 1);
  if (n_local == 0) {
    offsets_.fill_zero(1, stream);
    return;
  }
  MD_CUDA_CHECK(cudaMemcpyAsync(reference_.data(), d_positions,
                                3 * static_cast<std::size_t>(n_local) * sizeof(double),
                                cudaMemcpyDeviceToDevice, stream));

  // Bounding box of all atoms (ghosts included): one reduction, 6 doubles to the host.
  const auto atom_index = thrust::counting_iterator<int>(0);
  const auto atom_bounds = thrust::make_transform_iterator(atom_index, AtomBounds{d_positions});
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const BoundingBox empty{{kInf, kInf, kInf}, {-kInf, -kInf, -kInf}};
  ensure(bounds_, 1);
  std::size_t temp_bytes = 0;
  MD_CUDA_CHECK(cub::DeviceReduce::Reduce(nullptr, temp_bytes, atom_bounds, bounds_.data(), n_all,
                                          MergeBounds{}, empty, stream));
  ensure(cub_temp_, temp_bytes);
  MD_CUDA_CHECK(cub::DeviceReduce::Reduce(cub_temp_.data(), temp_bytes, atom_bounds,
                                          bounds_.data(), n_all, MergeBounds{}, empty, stream));
  BoundingBox box;
  bounds_.download(&box, 1, stream);

  // Grid and stencil: the CPU's host functions.
  const double radius = list_cutoff();
  const CellGrid grid = make_cell_grid(box, radius, n_all);
  const int total_cells = grid.total_cells();
  make_stencil(grid, radius, host_stencil_);
  ensure(stencil_, host_stencil_.size());
  MD_CUDA_CHECK(cudaMemcpyAsync(stencil_.data(), host_stencil_.data(),
                                host_stencil_.size() * sizeof(int), cudaMemcpyHostToDevice,
                                stream));

  // Atoms sorted by cell; the sort is stable, so ascending index within a cell (the CPU order).
  const std::size_t n = static_cast<std::size_t>(n_all);
  ensure(cell_keys_, n);
  ensure(sorted_keys_, n);
  ensure(atom_ids_, n);
  ensure(atoms_by_cell_, n);
  ensure(cell_start_, static_cast<std::size_t>(total_cells) + 1);
  cell_keys_kernel<<<blocks_for(n, kThreads), kThreads, 0, stream>>>(
      grid, d_positions, n_all, cell_keys_.data(), atom_ids_.data());
  MD_CUDA_CHECK_LAUNCH(stream);
  const int end_bit = key_bits(total_cells);
  MD_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(nullptr, temp_bytes, cell_keys_.data(),
                                                sorted_keys_.data(), atom_ids_.data(),
                                                atoms_by_cell_.data(), n_all, 0, end_bit, stream));
  ensure(cub_temp_, temp_bytes);
  MD_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(cub_temp_.data(), temp_bytes, cell_keys_.data(),
                                                sorted_keys_.data(), atom_ids_.data(),
                                                atoms_by_cell_.data(), n_all, 0, end_bit, stream));
  cell_start_kernel<<<blocks_for(n + 1, kThreads), kThreads, 0, stream>>>(
      sorted_keys_.data(), n_all, total_cells, cell_start_.data());
  MD_CUDA_CHECK_LAUNCH(stream);

  const CellListView view = make_cell_list_view(
      grid, host_stencil_, stencil_.data(), cell_start_.data(), atoms_by_cell_.data(), d_positions,
      n_local, kind_ == NeighborKind::kHalf, radius);

  // Pass 1: counts. Their total is summed in 64 bits first (one integer to the host), so that a
  // list past the 32-bit offsets is refused with the limit named instead of wrapping; then the
  // counts are scanned into the offsets.
  const std::size_t rows = static_cast<std::size_t>(n_local) + 1;
  ensure(counts_, rows);
  count_kernel<<<blocks_for(rows, kThreads), kThreads, 0, stream>>>(view, counts_.data());
  MD_CUDA_CHECK_LAUNCH(stream);
  const auto wide_counts = thrust::make_transform_iterator(counts_.data(), WidenCount{});
  ensure(total_pairs_, 1);
  MD_CUDA_CHECK(cub::DeviceReduce::Sum(nullptr, temp_bytes, wide_counts, total_pairs_.data(),
                                       static_cast<int>(rows), stream));
  ensure(cub_temp_, temp_bytes);
  MD_CUDA_CHECK(cub::DeviceReduce::Sum(cub_temp_.data(), temp_bytes, wide_counts,
                                       total_pairs_.data(), static_cast<int>(rows), stream));
  long long total = 0;
  total_pairs_.download(&total, 1, stream);
  if (total > max_pairs_) throw neighbor_pairs_limit_error(total, n_local, max_pairs_);
  MD_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(nullptr, temp_bytes, counts_.data(),
                                              offsets_.data(), static_cast<int>(rows), stream));
  ensure(cub_temp_, temp_bytes);
  MD_CUDA_CHECK(cub::DeviceScan::ExclusiveSum(cub_temp_.data(), temp_bytes, counts_.data(),
                                              offsets_.data(), static_cast<int>(rows), stream));
  n_pairs_ = static_cast<std::size_t>(total);

  // Pass 2: the rows.
  ensure(neighbors_, n_pairs_);
  fill_kernel<<<blocks_for(static_cast<std::size_t>(n_local), kThreads), kThreads, 0, stream>>>(
      view, offsets_.data(), neighbors_.data());
  MD_CUDA_CHECK_LAUNCH(stream);
}

double DeviceNeighborList::max_displacement_sq(const double* d_positions, int n_local,
                                               cudaStream_t stream) {
  if (n_local < 0 || n_local > n_local_) {
    throw internal_error("DeviceNeighborList::max_displacement_sq: more atoms than at the build");
  }
  if (n_local == 0) return 0.0;
  const auto displacement = thrust::make_transform_iterator(
      thrust::counting_iterator<int>(0), AtomDisplacementSq{d_positions, reference_.data()});
  ensure(max_sq_, 1);
  std::size_t temp_bytes = 0;
  MD_CUDA_CHECK(cub::DeviceReduce::Reduce(nullptr, temp_bytes, displacement, max_sq_.data(),
                                          n_local, MaxOp{}, 0.0, stream));
  ensure(cub_temp_, temp_bytes);
  MD_CUDA_CHECK(cub::DeviceReduce::Reduce(cub_temp_.data(), temp_bytes, displacement,
                                          max_sq_.data(), n_local, MaxOp{}, 0.0, stream));
  double worst = 0.0;
  max_sq_.download(&worst, 1, stream);
  return worst;
}

std::size_t DeviceNeighborList::device_memory_bytes() const {
  return offsets_.capacity_bytes() + neighbors_.capacity_bytes() + reference_.capacity_bytes() +
         counts_.capacity_bytes() + cell_keys_.capacity_bytes() +
         sorted_keys_.capacity_bytes() + atom_ids_.capacity_bytes() +
         atoms_by_cell_.capacity_bytes() + cell_start_.capacity_bytes() +
         stencil_.capacity_bytes() + bounds_.capacity_bytes() + max_sq_.capacity_bytes() +
         total_pairs_.capacity_bytes() + cub_temp_.capacity_bytes();
}

DeviceNeighborList::HostLists DeviceNeighborList::download(cudaStream_t stream) const {
  HostLists lists;
  lists.offsets.resize(static_cast<std::size_t>(n_local_) + 1);
  lists.neighbors.resize(n_pairs_);
  offsets_.download(lists.offsets.data(), lists.offsets.size(), stream);
  neighbors_.download(lists.neighbors.data(), lists.neighbors.size(), stream);
  return lists;
}

}  // namespace md
