// SPDX-License-Identifier: MIT
#include "potential/make_potential.hpp"

#include "core/error.hpp"
#include "potential/deep/deep_potential.hpp"

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
  if (backend != Backend::kCpu) {
    throw config_error(
        "the Deep Potential runs on the CPU in this version (its CUDA backend is not built yet); "
        "set run.backend: cpu");
  }
  return std::make_unique<DeepPotential>(std::move(model), options, type_names);
}

}  // namespace md
