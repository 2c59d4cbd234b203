// SPDX-License-Identifier: MIT
/// \file
/// Device memory, streams and CUDA error checking for the CUDA backend.
///
/// Include this header only from .cu files (or sources compiled only when CUDA is built): it
/// needs the CUDA runtime headers, and the rest of the engine must not know whether CUDA exists
/// (architecture §3.7: no `#ifdef CUDA` outside device/ and the backend switch).
///
/// Design rules, each from a lesson of the model codebases (architecture §1):
///  - Transfers are explicit (`upload`, `download`); there is no managed memory and no implicit
///    host↔device synchronisation (HOOMD's `ArrayHandle` is the counter-example).
///  - Buffers only grow (`reserve`/`resize` reallocate only beyond the capacity), so a steady-state
///    MD step allocates nothing and `capacity_bytes()` says what a buffer holds on the device.
///  - Every runtime call goes through MD_CUDA_CHECK, which turns a failure into md::Error: an
///    allocation failure is ExitCode::kOutOfMemory naming the requested size, anything else is
///    ExitCode::kInternal naming the call, file and line.
///  - Kernel launches are followed by MD_CUDA_CHECK_LAUNCH(stream), which reports launch errors
///    and synchronises the stream (so a failing kernel is named where it fails) only in Debug
///    builds (NDEBUG undefined) or when the environment sets MD_SYNC_KERNELS=1. DeePMD-kit syncs
///    after every kernel always; we do not pay that in production.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <utility>

#include "core/error.hpp"

namespace md {

/// True when kernels are synchronised after launch: Debug builds, or MD_SYNC_KERNELS=1.
inline bool sync_kernels() {
#ifdef NDEBUG
  static const bool enabled = [] {
    const char* value = std::getenv("MD_SYNC_KERNELS");
    return value != nullptr && std::strcmp(value, "1") == 0;
  }();
  return enabled;
#else
  return true;
#endif
}

/// Throws md::Error unless `status` is cudaSuccess. `expr`, `file`, `line` locate the call.
inline void cuda_check(cudaError_t status, const char* expr, const char* file, int line) {
  if (status == cudaSuccess) return;
  cudaGetLastError();  // clear a non-sticky error so later calls do not report it again
  std::ostringstream msg;
  msg << "CUDA error " << cudaGetErrorName(status) << " (" << cudaGetErrorString(status) << ") in "
      << expr << " at " << file << ":" << line;
  if (status == cudaErrorMemoryAllocation) throw Error(ExitCode::kOutOfMemory, msg.str());
  throw internal_error(msg.str());
}

/// Checks a CUDA runtime call: `MD_CUDA_CHECK(cudaMemsetAsync(...));`.
#define MD_CUDA_CHECK(expr) ::md::cuda_check((expr), #expr, __FILE__, __LINE__)

/// Checks the last kernel launch on `stream`; synchronises first when sync_kernels() is on.
inline void cuda_check_launch(cudaStream_t stream, const char* file, int line) {
  cuda_check(cudaGetLastError(), "kernel launch", file, line);
  if (sync_kernels()) cuda_check(cudaStreamSynchronize(stream), "kernel execution", file, line);
}

/// Place after every kernel launch: `kernel<<<grid, block, 0, stream>>>(...);
/// MD_CUDA_CHECK_LAUNCH(stream);`.
#define MD_CUDA_CHECK_LAUNCH(stream) ::md::cuda_check_launch((stream), __FILE__, __LINE__)

/// Blocks of `threads` threads needed to cover `n` work items (at least one block).
inline unsigned int blocks_for(std::size_t n, unsigned int threads) {
  const std::size_t blocks = (n + threads - 1) / threads;
  return static_cast<unsigned int>(blocks > 0 ? blocks : 1);
}

/// A CUDA stream that the owner creates and destroys (non-blocking with respect to the legacy
/// default stream).
class CudaStream {
 public:
  CudaStream() { MD_CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking)); }
  ~CudaStream() {
    if (stream_ != nullptr) cudaStreamDestroy(stream_);
  }
  CudaStream(const CudaStream&) = delete;
  CudaStream& operator=(const CudaStream&) = delete;

  cudaStream_t get() const { return stream_; }
  /// Waits until all work queued on the stream has finished.
  void synchronize() const { MD_CUDA_CHECK(cudaStreamSynchronize(stream_)); }

 private:
  cudaStream_t stream_ = nullptr;
};

/// A typed device array (cudaMalloc'd) that only grows.
///
/// `size()` is the number of elements in use, `capacity()` the number allocated. Growing beyond
/// the capacity reallocates and DISCARDS the contents (the users refill their buffers every
/// evaluation; copying would hide a cost). Elements are uninitialised unless written.
template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t n) { resize(n); }
  ~DeviceBuffer() { release(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept { swap(other); }
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    if (this != &other) {
      release();
      swap(other);
    }
    return *this;
  }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  /// Device bytes held (the capacity, not the size).
  std::size_t capacity_bytes() const { return capacity_ * sizeof(T); }

  /// Makes the capacity at least `n` elements (reallocating, contents discarded, when it grows).
  /// Throws md::Error with ExitCode::kOutOfMemory naming the request when the device is full.
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    release();
    void* p = nullptr;
    const cudaError_t status = cudaMalloc(&p, n * sizeof(T));
    if (status != cudaSuccess) {
      cudaGetLastError();
      std::size_t free_bytes = 0, total_bytes = 0;
      cudaMemGetInfo(&free_bytes, &total_bytes);
      cudaGetLastError();
      std::ostringstream msg;
      msg << "out of GPU memory: cudaMalloc of " << n * sizeof(T) << " bytes ("
          << static_cast<double>(n * sizeof(T)) / (1024.0 * 1024.0) << " MiB) failed with "
          << cudaGetErrorName(status) << "; the device has " << free_bytes / (1024 * 1024)
          << " MiB free of " << total_bytes / (1024 * 1024) << " MiB";
      throw Error(
          status == cudaErrorMemoryAllocation ? ExitCode::kOutOfMemory : ExitCode::kInternal,
          msg.str());
    }
    data_ = static_cast<T*>(p);
    capacity_ = n;
  }
  /// Sets the size to `n`, growing the capacity if needed (see reserve()).
  void resize(std::size_t n) {
    reserve(n);
    size_ = n;
  }

  /// Copies `n` host elements into the buffer (resized to n) on `stream`. The host array may be
  /// reused as soon as this returns (pageable memory is staged by the runtime).
  void upload(const T* host, std::size_t n, cudaStream_t stream) {
    resize(n);
    if (n > 0) {
      MD_CUDA_CHECK(cudaMemcpyAsync(data_, host, n * sizeof(T), cudaMemcpyHostToDevice, stream));
    }
  }
  /// Copies the first `n` elements to `host` and waits for the copy (and all earlier work on
  /// `stream`) to finish.
  void download(T* host, std::size_t n, cudaStream_t stream) const {
    if (n > 0) {
      MD_CUDA_CHECK(cudaMemcpyAsync(host, data_, n * sizeof(T), cudaMemcpyDeviceToHost, stream));
    }
    MD_CUDA_CHECK(cudaStreamSynchronize(stream));
  }
  /// Sets the first `n` elements to all-zero bytes on `stream` (0 / 0.0 for numbers).
  void fill_zero(std::size_t n, cudaStream_t stream) {
    if (n > 0) MD_CUDA_CHECK(cudaMemsetAsync(data_, 0, n * sizeof(T), stream));
  }

 private:
  void release() {
    if (data_ != nullptr) cudaFree(data_);
    data_ = nullptr;
    size_ = 0;
    capacity_ = 0;
  }
  void swap(DeviceBuffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace md
