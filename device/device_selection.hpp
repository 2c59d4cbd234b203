// SPDX-License-Identifier: MIT
/// \file
/// One GPU per rank, and how much of it a run uses.
///
/// Ranks choose their device by node-local rank (Communicator::node_local_rank()): rank k of a
/// node takes device k mod (devices visible on that node). With as many ranks per node as GPUs
/// that is one rank per GPU, whatever the launcher's rank placement; with more ranks than GPUs
/// the ranks share devices round-robin (the caller warns). Selection by CUDA_VISIBLE_DEVICES per
/// rank (a launcher wrapper) also works: each rank then sees one device and takes device 0.
///
/// This header needs no CUDA headers; the CUDA and CPU-only builds implement it in
/// backend_cuda.cu and backend_nocuda.cpp.
#pragma once

#include <cstddef>
#include <string>

namespace md {

/// The CUDA device a rank runs on.
struct DeviceInfo {
  int ordinal = 0;                       ///< CUDA device index, as cudaSetDevice takes it
  std::string name;                      ///< e.g. "NVIDIA H100 80GB HBM3"
  std::size_t total_memory_bytes = 0;    ///< the device's global memory
};

/// The device for node-local rank `node_local_rank` among `device_count` visible devices:
/// node_local_rank mod device_count. Throws a config Error when device_count < 1 (no device
/// visible) and an internal Error for a negative rank.
int device_for_local_rank(int node_local_rank, int device_count);

/// Makes device_for_local_rank(node_local_rank, cuda_device_count()) the current CUDA device of
/// this process (cudaSetDevice) and describes it. Call it before anything allocates on a device.
/// Throws a config Error when no device is visible or this build has no CUDA (the messages of the
/// backend switch, potential/make_potential.cpp).
DeviceInfo select_cuda_device(int node_local_rank);

/// Bytes in use on the current CUDA device (cudaMemGetInfo: total − free). It counts everything
/// on the device, not only this process's buffers: the CUDA context, library workspaces (cuBLAS)
/// and other processes sharing the GPU. 0 without CUDA or without a device.
std::size_t cuda_device_memory_used_bytes();

}  // namespace md
