// SPDX-License-Identifier: MIT
#include "potential/make_potential.hpp"

#include "core/error.hpp"

namespace md {

std::unique_ptr<Potential> make_lennard_jones(const LennardJonesSpec& spec,
                                              const std::vector<std::string>& type_names,
                                              Backend backend) {
  if (backend != Backend::kCpu) {
    throw config_error("potential type lj/cut runs on the CPU only; set run.backend: cpu");
  }
  return std::make_unique<LennardJones>(spec, type_names);
}

}  // namespace md
