// SPDX-License-Identifier: MIT
/// \file
/// The backend switch: the only place that picks a CPU or CUDA implementation of a potential.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "device/backend.hpp"
#include "potential/ani/ani_model.hpp"
#include "potential/ani/ani_options.hpp"
#include "potential/deep/deep_model.hpp"
#include "potential/deep/deep_potential_options.hpp"
#include "potential/lennard_jones.hpp"
#include "potential/potential.hpp"

namespace md {

/// `lj/cut` for the run's types. Lennard-Jones is the engine's test and teaching potential and has
/// a CPU implementation only; asking for CUDA is a config Error saying so.
std::unique_ptr<Potential> make_lennard_jones(const LennardJonesSpec& spec,
                                              const std::vector<std::string>& type_names,
                                              Backend backend);

/// ANI for the run's types. The CPU evaluator only, for now; asking for CUDA is a config Error.
std::unique_ptr<Potential> make_ani_potential(AniModel model, const AniOptions& options,
                                              const std::vector<std::string>& type_names,
                                              Backend backend);
/// The Deep Potential (DeePMD-kit se_e2_a) for the run's types on `backend`.
std::unique_ptr<Potential> make_deep_potential(DeepModel model, const DeepPotentialOptions& options,
                                               const std::vector<std::string>& type_names,
                                               Backend backend);

/// A committee (potential/committee.hpp) of the Deep Potentials of `models` (the first drives the
/// dynamics), each with `options`. Their type maps must be equal (check_committee_type_maps); a
/// member's own error is prefixed with its place in potential.models and its file (`files[k]`).
std::unique_ptr<Potential> make_deep_committee(std::vector<DeepModel> models,
                                               const std::vector<std::string>& files,
                                               const DeepPotentialOptions& options,
                                               const std::vector<std::string>& type_names,
                                               Backend backend);

}  // namespace md
