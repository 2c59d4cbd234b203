// SPDX-License-Identifier: MIT
/// \file
/// make_cuda_step_backend in a build without CUDA (CMake compiles this file instead of
/// step_backend_cuda.cu): the CUDA backend cannot run, and says why.
#include "core/error.hpp"
#include "device/backend.hpp"
#include "engine/step_backend.hpp"

namespace md {

std::unique_ptr<StepBackend> make_cuda_step_backend(NeighborKind, double, double,
                                                    const std::vector<double>&) {
  throw config_error(cuda_unavailable_reason());
}

}  // namespace md
