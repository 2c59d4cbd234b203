// SPDX-License-Identifier: MIT
#include "potential/make_potential.hpp"

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "potential/ani/ani_potential.hpp"
#include "potential/deep/deep_potential.hpp"
#if MD_HAVE_CUDA
#include "potential/ani/ani_potential_cuda.hpp"
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

std::unique_ptr<Potential> make_ani_potential(AniModel model, const AniOptions& options,
                                              const std::vector<std::string>& type_names,
                                              Backend backend) {
  if (backend == Backend::kCuda) {
    if (const std::string reason = cuda_unavailable_reason(); !reason.empty()) {
      throw config_error(reason);
    }
#if MD_HAVE_CUDA
    spdlog::warn(
        "the CUDA ANI evaluator of this version has not yet been verified on a GPU "
        "(docs/cuda.md); use run.backend: cpu for results you rely on");
    return std::make_unique<AniPotentialCuda>(std::move(model), options, type_names);
#endif
  }
  return std::make_unique<AniPotential>(std::move(model), options, type_names);
}

std::unique_ptr<Potential> make_deep_potential(DeepModel model, const DeepPotentialOptions& options,
                                               const std::vector<std::string>& type_names,
                                               Backend backend) {
  if (backend == Backend::kCuda) {
    if (const std::string reason = cuda_unavailable_reason(); !reason.empty()) {
      throw config_error(reason);
    }
#if MD_HAVE_CUDA
    // Until the parity tests have run on a GPU (docs/cuda.md), say so in every run that uses it.
    spdlog::warn(
        "the CUDA Deep Potential of this version has not yet been verified on a GPU "
        "(docs/cuda.md); use run.backend: cpu for results you rely on");
    return std::make_unique<DeepPotentialCuda>(std::move(model), options, type_names);
#endif
  }
  return std::make_unique<DeepPotential>(std::move(model), options, type_names);
}

}  // namespace md
