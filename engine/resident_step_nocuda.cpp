// SPDX-License-Identifier: MIT
/// \file
/// make_resident_step in a build without CUDA (CMake compiles this file instead of
/// resident_step_cuda.cu): the CUDA backend cannot run, and says why.
#include "core/error.hpp"
#include "device/backend.hpp"
#include "engine/resident_step.hpp"

namespace md {

std::unique_ptr<ResidentStep> make_resident_step(NeighborKind, double, double,
                                                 const std::vector<double>&) {
  throw config_error(cuda_unavailable_reason());
}

}  // namespace md
