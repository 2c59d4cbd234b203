// SPDX-License-Identifier: MIT
/// \file
/// Every potential kind the engine knows, described in one place: its config type (an alternative
/// of PotentialSpec), its `potential.type` name, whether it has a CUDA evaluator, the model files
/// it reads, and the lines it contributes to a checkpoint's physics fingerprint.
///
/// Adding a kind: add its config type to PotentialSpec. Every site that must handle it visits the
/// variant with one lambda per alternative (core/overloaded.hpp), so the compiler then lists them:
/// the functions of potential_spec.cpp, the config reader (io/run_config.cpp) and the factory that
/// builds it (apps/mdrun/run_setup.cpp). See docs/architecture.md, "Where new things go".
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "core/backend.hpp"
#include "potential/ani/ani_options.hpp"
#include "potential/deep/deep_potential_options.hpp"
#include "potential/lennard_jones.hpp"

namespace md {

/// The `potential` section of a run config: one alternative per kind.
using PotentialSpec = std::variant<LennardJonesSpec, DeepPotentialOptions, AniOptions>;

/// The `potential.type` name of the kind ("lj/cut", "deepmd", "ani").
std::string potential_type_name(const PotentialSpec& spec);

/// The names of all kinds, in the variant's order.
std::vector<std::string> potential_type_names();

/// A default-constructed spec of the kind named `type_name`; throws a config Error naming the
/// valid types otherwise.
PotentialSpec empty_potential_spec(const std::string& type_name);

/// Whether the kind has a CUDA evaluator (a Potential with has_device_compute()).
bool has_cuda_evaluator(const PotentialSpec& spec);

/// The files the potential reads at set-up (model files, every member of a committee), as resolved paths: inputs that an output
/// must never overwrite, and what a checkpoint hashes to recognise the model.
std::vector<std::string> model_files(const PotentialSpec& spec);

/// The model-deviation output of the potential (`potential.deviation` of a committee); `every` 0
/// for a single model and for kinds without committees.
ModelDeviationSettings model_deviation_settings(const PotentialSpec& spec);

/// The potential's physics-relevant settings as `potential.<key> = <value>` lines (doubles to 17
/// significant digits), part of the checkpoint fingerprint (io/checkpoint_file.hpp). Settings that
/// do not change the trajectory (the model's path, the sel-overflow policy, CUDA precision) are
/// left out: a restart may change them.
std::string potential_fingerprint(const PotentialSpec& spec);

/// The backend a run uses for `request`. `kAuto` is the fastest the kind has on this machine: CUDA
/// when it has a CUDA evaluator, CUDA is compiled in and a device is visible; the CPU otherwise.
/// Asking for CUDA with a kind that has no CUDA evaluator is a config Error saying so. This probes
/// the devices (device/backend.hpp), so it runs at set-up, not while the config is parsed.
Backend resolve_backend(BackendRequest request, const PotentialSpec& spec);

}  // namespace md
