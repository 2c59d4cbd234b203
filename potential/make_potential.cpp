// SPDX-License-Identifier: MIT
#include "potential/make_potential.hpp"

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "potential/ani/ani_potential.hpp"
#include "potential/committee.hpp"
#include "potential/deep/deep_potential.hpp"
// Declarations only (plain C++); the CUDA evaluators are constructed only when MD_HAVE_CUDA.
#include "potential/ani/ani_potential_cuda.hpp"
#include "potential/deep/deep_potential_cuda.hpp"

namespace md {

std::unique_ptr<Potential> make_lennard_jones(const LennardJonesSpec& spec,
                                              const std::vector<std::string>& type_names,
                                              Backend backend) {
  if (backend != Backend::kCpu) {
    throw config_error("potential type lj/cut runs on the CPU only; set run.backend: cpu");
  }
  return std::make_unique<LennardJones>(spec, type_names);
}

namespace {

/// The backend switch of a network potential: its CUDA evaluator `Cuda` (refused, with the
/// reason, when CUDA is unavailable) or its CPU evaluator `Cpu`, from the same arguments.
template <class Cpu, class Cuda, class Model, class Options>
std::unique_ptr<Potential> make_network_potential(const char* what, Model model,
                                                  const Options& options,
                                                  const std::vector<std::string>& type_names,
                                                  Backend backend) {
  if (backend == Backend::kCuda) {
    if (const std::string reason = cuda_unavailable_reason(); !reason.empty()) {
      throw config_error(reason);
    }
#if MD_HAVE_CUDA
    // Until the parity tests have run on a GPU (docs/cuda.md), say so in every run that uses it.
    spdlog::warn(
        "the CUDA {} of this version has not yet been verified on a GPU (docs/cuda.md); use "
        "run.backend: cpu for results you rely on",
        what);
    return std::make_unique<Cuda>(std::move(model), options, type_names);
#endif
  }
  return std::make_unique<Cpu>(std::move(model), options, type_names);
}

}  // namespace

std::unique_ptr<Potential> make_ani_potential(AniModel model, const AniOptions& options,
                                              const std::vector<std::string>& type_names,
                                              Backend backend) {
  return make_network_potential<AniPotential, AniPotentialCuda>("ANI evaluator", std::move(model),
                                                                options, type_names, backend);
}

std::unique_ptr<Potential> make_deep_potential(DeepModel model, const DeepPotentialOptions& options,
                                               const std::vector<std::string>& type_names,
                                               Backend backend) {
  return make_network_potential<DeepPotential, DeepPotentialCuda>(
      "Deep Potential", std::move(model), options, type_names, backend);
}

std::unique_ptr<Potential> make_deep_committee(std::vector<DeepModel> models,
                                               const std::vector<std::string>& files,
                                               const DeepPotentialOptions& options,
                                               const std::vector<std::string>& type_names,
                                               Backend backend) {
  std::vector<std::vector<std::string>> type_maps;
  for (const DeepModel& model : models) type_maps.push_back(model.type_map);
  check_committee_type_maps(type_maps, files);
  std::vector<std::unique_ptr<Potential>> members;
  for (std::size_t k = 0; k < models.size(); ++k) {
    try {
      members.push_back(make_deep_potential(std::move(models[k]), options, type_names, backend));
    } catch (const Error& e) {
      throw Error(e.code(),
                  "potential.models[" + std::to_string(k) + "] '" + files[k] + "': " + e.what(),
                  e.collective());
    }
  }
  if (backend != Backend::kCpu) return std::make_unique<Committee>(std::move(members), files);
  // On the CPU, members that format their neighbours and compute their environment matrix alike
  // (DP-GEN's: one training set, one descriptor) are evaluated together, sharing both.
  std::vector<std::vector<DeepPotential*>> groups;
  std::vector<std::vector<std::size_t>> group_members;
  for (std::size_t k = 0; k < members.size(); ++k) {
    auto* deep = dynamic_cast<DeepPotential*>(members[k].get());
    if (deep == nullptr) throw internal_error("make_deep_committee: a CPU member is not deepmd");
    std::size_t g = 0;
    while (g < groups.size() && !groups[g][0]->shares_environment_with(*deep)) ++g;
    if (g == groups.size()) {
      groups.emplace_back();
      group_members.emplace_back();
    }
    groups[g].push_back(deep);
    group_members[g].push_back(k);
  }
  spdlog::info("model deviation: {} models in {} group(s) sharing one environment matrix each",
               members.size(), groups.size());
  auto evaluate_all = [groups, group_members](const AtomsView& atoms,
                                              const NeighborView& neighbors,
                                              const ComputeRequest& request,
                                              const std::vector<ForceOutput*>& outs) {
    std::vector<ForceOutput*> group_outs;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      group_outs.clear();
      for (std::size_t k : group_members[g]) group_outs.push_back(outs[k]);
      DeepPotential::compute_together(groups[g], atoms, neighbors, request, group_outs);
    }
  };
  return std::make_unique<Committee>(std::move(members), files, std::move(evaluate_all));
}

}  // namespace md
