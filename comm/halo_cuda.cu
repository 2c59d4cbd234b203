// SPDX-License-Identifier: MIT
/// \file
/// The device halo (contract in halo_cuda.cuh): pack and accumulate kernels over the export
/// lists, pinned host staging around Communicator::exchange_bytes, device-to-device self-swaps.
#include <algorithm>

#include "comm/halo_cuda.cuh"
#include "core/error.hpp"

namespace md {
namespace {

constexpr unsigned int kThreads = 128;

/// The periodic shift of a swap, by value (kernel parameter).
struct HaloShift {
  double v[3];
};

/// out row k = values row exports[k] (+ shift), k in [0, count).
__global__ void pack_kernel(const double* values, const int* exports, int count, int components,
                            HaloShift shift, bool use_shift, double* out) {
  const int k = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (k >= count) return;
  const std::size_t i = static_cast<std::size_t>(exports[k]);
  halo_pack_row(values + i * components, components, use_shift ? shift.v : nullptr,
                out + static_cast<std::size_t>(k) * components);
}

/// values row exports[k] += received row k, k in [0, count). The exports of one swap are
/// distinct, so no two threads write the same row.
__global__ void accumulate_kernel(const double* received, const int* exports, int count,
                                  int components, double* values) {
  const int k = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (k >= count) return;
  const std::size_t i = static_cast<std::size_t>(exports[k]);
  halo_accumulate_row(received + static_cast<std::size_t>(k) * components, components,
                      values + i * components);
}

/// Makes `buffer` hold `n` elements, growing with 1/8 headroom. Growing frees the old memory
/// (contents not kept), so it first waits until no work queued on `stream` can still use it.
template <class T>
void ensure(DeviceBuffer<T>& buffer, std::size_t n, cudaStream_t stream) {
  if (n > buffer.capacity()) {
    MD_CUDA_CHECK(cudaStreamSynchronize(stream));
    buffer.reserve(n + n / 8);
  }
  buffer.resize(n);
}

std::size_t row_bytes(int rows, int components) {
  return static_cast<std::size_t>(rows) * static_cast<std::size_t>(components) * sizeof(double);
}

}  // namespace

void PinnedHostBuffer::reserve(std::size_t n, cudaStream_t stream) {
  if (n <= capacity_) return;
  MD_CUDA_CHECK(cudaStreamSynchronize(stream));
  release();
  const std::size_t capacity = n + n / 8;
  void* p = nullptr;
  MD_CUDA_CHECK(cudaMallocHost(&p, capacity * sizeof(double)));
  data_ = static_cast<double*>(p);
  capacity_ = capacity;
}

void PinnedHostBuffer::release() {
  if (data_ != nullptr) cudaFreeHost(data_);
  data_ = nullptr;
  capacity_ = 0;
}

void DeviceHalo::update_shifts(const Halo& halo) {
  if (halo.n_swaps() != swaps_.size()) {
    throw internal_error("DeviceHalo::update_shifts: the plan has changed; call set_plan");
  }
  for (std::size_t k = 0; k < swaps_.size(); ++k) {
    const Halo::SwapView view = halo.swap_view(k);
    for (int c = 0; c < 3; ++c) swaps_[k].shift[c] = view.shift[c];
  }
}

void DeviceHalo::set_plan(const Halo& halo, cudaStream_t stream) {
  n_local_ = halo.n_local();
  n_ghost_ = halo.n_ghost();
  swaps_.clear();
  host_exports_.clear();
  max_export_rows_ = 0;
  max_rows_ = 0;
  for (std::size_t k = 0; k < halo.n_swaps(); ++k) {
    const Halo::SwapView view = halo.swap_view(k);
    Swap swap;
    swap.dest = view.dest;
    swap.source = view.source;
    swap.export_offset = host_exports_.size();
    swap.export_count = static_cast<int>(view.exports.size());
    for (int c = 0; c < 3; ++c) swap.shift[c] = view.shift[c];
    swap.import_first = view.import_first;
    swap.import_count = view.import_count;
    host_exports_.insert(host_exports_.end(), view.exports.begin(), view.exports.end());
    max_export_rows_ = std::max(max_export_rows_, swap.export_count);
    max_rows_ = std::max({max_rows_, swap.export_count, swap.import_count});
    swaps_.push_back(swap);
  }
  ensure(exports_, host_exports_.size(), stream);
  if (!host_exports_.empty()) {
    MD_CUDA_CHECK(cudaMemcpyAsync(exports_.data(), host_exports_.data(),
                                  host_exports_.size() * sizeof(int), cudaMemcpyHostToDevice,
                                  stream));
  }
}

void DeviceHalo::reserve_staging(int components, cudaStream_t stream) {
  const std::size_t c = static_cast<std::size_t>(components);
  ensure(rows_, static_cast<std::size_t>(max_export_rows_) * c, stream);
  host_send_.reserve(static_cast<std::size_t>(max_rows_) * c, stream);
  host_recv_.reserve(static_cast<std::size_t>(max_rows_) * c, stream);
}

void DeviceHalo::forward_impl(const Communicator& comm, double* d_values, int components,
                              bool shift, cudaStream_t stream) {
  reserve_staging(components, stream);
  const int rank = comm.rank();
  for (const Swap& swap : swaps_) {
    double* ghost_rows = d_values + static_cast<std::size_t>(swap.import_first) * components;
    const int* exports = exports_.data() + swap.export_offset;
    HaloShift swap_shift{{swap.shift[0], swap.shift[1], swap.shift[2]}};
    if (is_self_swap(swap, rank)) {
      // Exports lie below import_first: the kernel reads and writes disjoint rows.
      if (swap.export_count > 0) {
        pack_kernel<<<blocks_for(swap.export_count, kThreads), kThreads, 0, stream>>>(
            d_values, exports, swap.export_count, components, swap_shift, shift, ghost_rows);
        MD_CUDA_CHECK_LAUNCH(stream);
      }
      continue;
    }
    const std::size_t send_bytes = row_bytes(swap.export_count, components);
    const std::size_t recv_bytes = row_bytes(swap.import_count, components);
    if (swap.export_count > 0) {
      pack_kernel<<<blocks_for(swap.export_count, kThreads), kThreads, 0, stream>>>(
          d_values, exports, swap.export_count, components, swap_shift, shift, rows_.data());
      MD_CUDA_CHECK_LAUNCH(stream);
      MD_CUDA_CHECK(cudaMemcpyAsync(host_send_.data(), rows_.data(), send_bytes,
                                    cudaMemcpyDeviceToHost, stream));
    }
    // The packed rows must be on the host, and the previous swap's upload from host_recv_ done.
    MD_CUDA_CHECK(cudaStreamSynchronize(stream));
    comm.exchange_bytes(swap.dest, host_send_.data(), send_bytes, swap.source, host_recv_.data(),
                        recv_bytes);
    if (swap.import_count > 0) {
      MD_CUDA_CHECK(cudaMemcpyAsync(ghost_rows, host_recv_.data(), recv_bytes,
                                    cudaMemcpyHostToDevice, stream));
    }
  }
}

void DeviceHalo::forward_positions(const Communicator& comm, double* d_positions,
                                   cudaStream_t stream) {
  forward_impl(comm, d_positions, 3, true, stream);
}

void DeviceHalo::forward(const Communicator& comm, double* d_values, int components,
                         cudaStream_t stream) {
  forward_impl(comm, d_values, components, false, stream);
}

void DeviceHalo::reverse_sum(const Communicator& comm, double* d_values, int components,
                             cudaStream_t stream) {
  reserve_staging(components, stream);
  const int rank = comm.rank();
  for (auto it = swaps_.rbegin(); it != swaps_.rend(); ++it) {
    const Swap& swap = *it;
    double* ghost_rows = d_values + static_cast<std::size_t>(swap.import_first) * components;
    const int* exports = exports_.data() + swap.export_offset;
    if (is_self_swap(swap, rank)) {
      // Ghost row k belongs to export k; exports lie below import_first (disjoint rows).
      if (swap.export_count > 0) {
        accumulate_kernel<<<blocks_for(swap.export_count, kThreads), kThreads, 0, stream>>>(
            ghost_rows, exports, swap.export_count, components, d_values);
        MD_CUDA_CHECK_LAUNCH(stream);
      }
      continue;
    }
    // The ghosts go back the way they came: to `source`, from `dest` (as on the host).
    const std::size_t send_bytes = row_bytes(swap.import_count, components);
    const std::size_t recv_bytes = row_bytes(swap.export_count, components);
    if (swap.import_count > 0) {
      MD_CUDA_CHECK(cudaMemcpyAsync(host_send_.data(), ghost_rows, send_bytes,
                                    cudaMemcpyDeviceToHost, stream));
    }
    // The ghost rows must be on the host, and the previous swap's upload from host_recv_ done.
    MD_CUDA_CHECK(cudaStreamSynchronize(stream));
    comm.exchange_bytes(swap.source, host_send_.data(), send_bytes, swap.dest, host_recv_.data(),
                        recv_bytes);
    if (swap.export_count > 0) {
      MD_CUDA_CHECK(cudaMemcpyAsync(rows_.data(), host_recv_.data(), recv_bytes,
                                    cudaMemcpyHostToDevice, stream));
      accumulate_kernel<<<blocks_for(swap.export_count, kThreads), kThreads, 0, stream>>>(
          rows_.data(), exports, swap.export_count, components, d_values);
      MD_CUDA_CHECK_LAUNCH(stream);
    }
  }
}

}  // namespace md
