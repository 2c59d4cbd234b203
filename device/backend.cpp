// SPDX-License-Identifier: MIT
#include "device/backend.hpp"

#include "core/error.hpp"

namespace md {

std::string cuda_unavailable_reason() {
  if (!cuda_compiled()) {
    return "the CUDA backend was requested but this build has no CUDA (configure with "
           "-DMD_ENABLE_CUDA=ON on a machine with nvcc), or set run.backend: cpu";
  }
  if (cuda_device_count() == 0) {
    return "the CUDA backend was requested but no CUDA device is visible to this process "
           "(check the driver and CUDA_VISIBLE_DEVICES), or set run.backend: cpu";
  }
  return "";
}

}  // namespace md
