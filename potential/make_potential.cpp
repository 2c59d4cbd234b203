// SPDX-License-Identifier: MIT
#include "potential/make_potential.hpp"

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "potential/deep/deep_potential.hpp"
#if MD_HAVE_CUDA
#include "potential/deep/deep_potential_cuda.hpp"
#endif

namespace md {

std::unique_ptr<Potential> make_lennard_jones(const LennardJonesSpec& spec,
                                              const std::vector<std::string>& type_names,
                                              Backend backend) {
  if (backend != Backend::kCpu) {
    throw config_error("potential type lj/cut runs on the CPU only; set run.backend: cpu");
  }
  return std::make_unique<LennardJones>(spec, type_names);
}

std::unique_ptr<Potential> make_deep_potential(DeepModel model, const DeepPotentialOptions& options,
                                               const std::vector<std::string>& type_names,
                                               Backend backend) {
  if (backend == Backend::kCuda) {
#if MD_HAVE_CUDA
    if (cuda_device_count() == 0) {
      throw config_error(
          "the CUDA backend was requested but no CUDA device is visible to this process "
          "(check the driver and CUDA_VISIBLE_DEVICES), or set run.backend: cpu");
    }
    // Until the parity tests have run on a GPU (docs/cuda.md), say so in every run that uses it.
    spdlog::warn(
        "the CUDA Deep Potential of this version has not yet been verified on a GPU "
        "(docs/cuda.md); use run.backend: cpu for results you rely on");
    return std::make_unique<DeepPotentialCuda>(std::move(model), options, type_names);
#else
    throw config_error(
        "the CUDA backend was requested but this build has no CUDA (configure with "
        "-DMD_ENABLE_CUDA=ON on a machine with nvcc), or set run.backend: cpu");
#endif
  }
  return std::make_unique<DeepPotential>(std::move(model), options, type_names);
}

}  // namespace md
