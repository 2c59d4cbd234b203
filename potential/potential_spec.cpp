// SPDX-License-Identifier: MIT
#include "potential/potential_spec.hpp"

#include <cstdio>
#include <sstream>
#include <utility>

#include "core/error.hpp"
#include "core/overloaded.hpp"
#include "device/backend.hpp"

namespace md {
namespace {

/// Doubles in fingerprints: 17 significant digits, so that any change of value changes the text.
std::string exact_number(double x) {
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

template <std::size_t... Index>
std::vector<PotentialSpec> every_kind(std::index_sequence<Index...>) {
  return {PotentialSpec(std::in_place_index<Index>)...};
}

/// One default-constructed spec of each kind, in the variant's order.
std::vector<PotentialSpec> every_kind() {
  return every_kind(std::make_index_sequence<std::variant_size_v<PotentialSpec>>{});
}

}  // namespace

std::string potential_type_name(const PotentialSpec& spec) {
  return std::visit(overloaded{[](const LennardJonesSpec&) { return "lj/cut"; },
                               [](const DeepPotentialOptions&) { return "deepmd"; },
                               [](const AniOptions&) { return "ani"; }},
                    spec);
}

std::vector<std::string> potential_type_names() {
  std::vector<std::string> names;
  for (const PotentialSpec& kind : every_kind()) names.push_back(potential_type_name(kind));
  return names;
}

PotentialSpec empty_potential_spec(const std::string& type_name) {
  std::string valid;
  for (const PotentialSpec& kind : every_kind()) {
    if (potential_type_name(kind) == type_name) return kind;
    valid += (valid.empty() ? "" : ", ") + potential_type_name(kind);
  }
  throw config_error("unknown potential type '" + type_name + "': expected one of " + valid);
}

bool has_cuda_evaluator(const PotentialSpec& spec) {
  return std::visit(overloaded{[](const LennardJonesSpec&) { return false; },
                               [](const DeepPotentialOptions&) { return true; },
                               [](const AniOptions&) { return true; }},
                    spec);
}

std::vector<std::string> model_files(const PotentialSpec& spec) {
  return std::visit(
      overloaded{[](const LennardJonesSpec&) { return std::vector<std::string>{}; },
                 [](const DeepPotentialOptions& deep) {
                   std::vector<std::string> files{deep.model_file};
                   files.insert(files.end(), deep.deviation_models.begin(),
                                deep.deviation_models.end());
                   return files;
                 },
                 [](const AniOptions& ani) { return std::vector{ani.model_file}; }},
      spec);
}

ModelDeviationSettings model_deviation_settings(const PotentialSpec& spec) {
  return std::visit(overloaded{[](const LennardJonesSpec&) { return ModelDeviationSettings{}; },
                               [](const DeepPotentialOptions& deep) { return deep.deviation; },
                               [](const AniOptions&) { return ModelDeviationSettings{}; }},
                    spec);
}

std::string potential_fingerprint(const PotentialSpec& spec) {
  std::ostringstream out;
  out << "potential.type = " << potential_type_name(spec) << '\n';
  std::visit(overloaded{[&](const LennardJonesSpec& lj) {
                          out << "potential.cutoff_A = " << exact_number(lj.cutoff) << '\n';
                          out << "potential.shift_energy = "
                              << (lj.shift_energy ? "true" : "false") << '\n';
                          for (const auto& pair : lj.pairs) {
                            out << "potential.pair." << pair.type_a << '-' << pair.type_b
                                << " = epsilon_eV " << exact_number(pair.epsilon) << ", sigma_A "
                                << exact_number(pair.sigma) << ", cutoff_A "
                                << exact_number(pair.cutoff) << '\n';
                          }
                        },
                        [&](const DeepPotentialOptions& deep) {
                          out << "potential.fparam =";
                          for (double x : deep.fparam) out << ' ' << exact_number(x);
                          out << "\npotential.aparam =";
                          for (double x : deep.aparam) out << ' ' << exact_number(x);
                          out << '\n';
                          // Compression changes the forces (at the tables' accuracy); absent
                          // when off, so that existing checkpoints keep their fingerprint.
                          const DeepCompression& c = deep.compress;
                          if (c.enabled) {
                            out << "potential.compress = min_neighbor_distance_A "
                                << exact_number(c.min_neighbor_distance) << ", extrapolate "
                                << exact_number(c.extrapolate) << ", step "
                                << exact_number(c.step) << '\n';
                          }
                        },
                        [&](const AniOptions& ani) {
                          out << "potential.ensemble =";
                          if (ani.ensemble.empty()) out << " all";
                          for (int m : ani.ensemble) out << ' ' << m;
                          out << '\n';
                        }},
             spec);
  return out.str();
}

Backend resolve_backend(BackendRequest request, const PotentialSpec& spec) {
  switch (request) {
    case BackendRequest::kCpu:
      return Backend::kCpu;
    case BackendRequest::kCuda:
      if (!has_cuda_evaluator(spec)) {
        throw config_error("potential type " + potential_type_name(spec) +
                           " runs on the CPU only; set run.backend: cpu");
      }
      return Backend::kCuda;
    case BackendRequest::kAuto:
      return has_cuda_evaluator(spec) && cuda_compiled() && cuda_device_count() > 0
                 ? Backend::kCuda
                 : Backend::kCpu;
  }
  throw internal_error("unknown backend request");
}

}  // namespace md
