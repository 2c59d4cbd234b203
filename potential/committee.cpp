// SPDX-License-Identifier: MIT
#include "potential/committee.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace md {

Committee::Committee(std::vector<std::unique_ptr<Potential>> members,
                     std::vector<std::string> labels, MembersEvaluator evaluate_all)
    : members_(std::move(members)),
      labels_(std::move(labels)),
      evaluate_all_(std::move(evaluate_all)) {
  if (members_.size() < 2 || labels_.size() != members_.size()) {
    throw internal_error("a committee needs at least two members, each with a label");
  }
  for (const auto& member : members_) {
    if (member->neighbor_kind() != members_[0]->neighbor_kind()) {
      throw internal_error("committee members want different neighbour-list kinds");
    }
    cutoff_ = std::max(cutoff_, member->cutoff());
  }
}

void Committee::compute_all(const AtomsView& atoms, const NeighborView& neighbors,
                            const ComputeRequest& request, const std::vector<ForceOutput*>& outs) {
  if (outs.size() != members_.size()) throw internal_error("compute_all: one output per member");
  if (evaluate_all_) {
    evaluate_all_(atoms, neighbors, request, outs);
    return;
  }
  for (std::size_t m = 0; m < members_.size(); ++m) {
    members_[m]->compute(atoms, neighbors, request, *outs[m]);
  }
}

void Committee::compute_all_device(const DeviceAtomsView& atoms,
                                   const DeviceNeighborView& neighbors,
                                   const ComputeRequest& request,
                                   const std::vector<DeviceForceOutput*>& outs) {
  if (outs.size() != members_.size()) throw internal_error("compute_all: one output per member");
  for (std::size_t m = 0; m < members_.size(); ++m) {
    members_[m]->compute_device(atoms, neighbors, request, *outs[m]);
  }
}

bool Committee::has_device_compute() const {
  return std::all_of(members_.begin(), members_.end(),
                     [](const auto& member) { return member->has_device_compute(); });
}

std::size_t Committee::device_memory_bytes() const {
  std::size_t bytes = 0;
  for (const auto& member : members_) bytes += member->device_memory_bytes();
  return bytes;
}

namespace {
std::string list(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t k = 0; k < names.size(); ++k) out += (k ? ", " : "") + names[k];
  return out + "]";
}
}  // namespace

void check_committee_type_maps(const std::vector<std::vector<std::string>>& type_maps,
                               const std::vector<std::string>& labels) {
  for (std::size_t k = 1; k < type_maps.size(); ++k) {
    if (type_maps[k] == type_maps[0]) continue;
    throw model_error("potential.models[" + std::to_string(k) + "] '" + labels[k] +
                      "' has the type map " + list(type_maps[k]) + " but potential.models[0] '" +
                      labels[0] + "' has " + list(type_maps[0]) +
                      ": the models of a deviation committee must share one type map (same "
                      "types in the same order)");
  }
}

}  // namespace md
