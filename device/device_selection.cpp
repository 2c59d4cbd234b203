// SPDX-License-Identifier: MIT
/// \file The arithmetic of device selection, shared by the CUDA and CPU-only builds.
#include "device/device_selection.hpp"

#include <string>

#include "core/error.hpp"
#include "device/backend.hpp"

namespace md {

int device_for_local_rank(int node_local_rank, int device_count) {
  if (device_count < 1) {
    const std::string reason = cuda_unavailable_reason();
    throw config_error(!reason.empty() ? reason : "no CUDA device to choose from");
  }
  if (node_local_rank < 0) {
    throw internal_error("device_for_local_rank: negative node-local rank " +
                         std::to_string(node_local_rank));
  }
  return node_local_rank % device_count;
}

}  // namespace md
