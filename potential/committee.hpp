// SPDX-License-Identifier: MIT
/// \file
/// A committee of models of one system (DP-GEN's `pair_style deepmd m1 m2 m3 m4`): member 0
/// drives the dynamics — the committee IS member 0 for the Potential contract — and the engine
/// evaluates the others, on the same atoms and neighbour list, only on the steps where it measures
/// how much they disagree (core/model_deviation.hpp; engine/model_deviation.hpp).
///
/// Contract beyond potential/potential.hpp:
///  - cutoff() is the largest member cutoff, so one neighbour list (and one halo) serves every
///    member; each member filters the list by its own cutoff, as every potential does.
///  - compute()/compute_device() are member 0's, with its outputs (OVERWRITE).
///  - has_device_compute() only when every member has one; device_memory_bytes() is the sum.
///  - natural_distance() is member 0's.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "potential/potential.hpp"

namespace md {

class Committee final : public Potential {
 public:
  /// Evaluates every member on the same atoms and list, member m into outs[m] (the compute()
  /// contract): a kind's way of sharing work between members (make_deep_committee's shares the
  /// Deep Potential's environment matrix).
  using MembersEvaluator =
      std::function<void(const AtomsView&, const NeighborView&, const ComputeRequest&,
                         const std::vector<ForceOutput*>&)>;

  /// `members` (at least 2, all wanting the same neighbour-list kind; internal Error otherwise);
  /// `labels[k]` names member k in messages (its model file); `evaluate_all` shares work between
  /// members on the host (null: one member after the other).
  Committee(std::vector<std::unique_ptr<Potential>> members, std::vector<std::string> labels,
            MembersEvaluator evaluate_all = nullptr);

  std::string name() const override { return members_[0]->name(); }
  double cutoff() const override { return cutoff_; }
  NeighborKind neighbor_kind() const override { return members_[0]->neighbor_kind(); }
  void compute(const AtomsView& atoms, const NeighborView& neighbors, const ComputeRequest& request,
               ForceOutput& out) override {
    members_[0]->compute(atoms, neighbors, request, out);
  }
  bool has_device_compute() const override;
  void compute_device(const DeviceAtomsView& atoms, const DeviceNeighborView& neighbors,
                      const ComputeRequest& request, DeviceForceOutput& out) override {
    members_[0]->compute_device(atoms, neighbors, request, out);
  }
  std::size_t device_memory_bytes() const override;
  double natural_distance(int a, int b) const override {
    return members_[0]->natural_distance(a, b);
  }
  std::string natural_distance_basis() const override {
    return members_[0]->natural_distance_basis();
  }

  /// Every member on the same atoms and list: outs[m] receives member m's results (OVERWRITE;
  /// outs[0] is what compute() gives). On the host the kind's evaluator may share work.
  void compute_all(const AtomsView& atoms, const NeighborView& neighbors,
                   const ComputeRequest& request, const std::vector<ForceOutput*>& outs);
  /// compute_all on the device, member after member (compute_device's contract for each).
  void compute_all_device(const DeviceAtomsView& atoms, const DeviceNeighborView& neighbors,
                          const ComputeRequest& request,
                          const std::vector<DeviceForceOutput*>& outs);

  int size() const { return static_cast<int>(members_.size()); }
  Potential& member(int k) { return *members_[static_cast<std::size_t>(k)]; }
  const std::string& label(int k) const { return labels_[static_cast<std::size_t>(k)]; }

 private:
  std::vector<std::unique_ptr<Potential>> members_;
  std::vector<std::string> labels_;
  MembersEvaluator evaluate_all_;
  double cutoff_ = 0.0;
};

/// Refuses (md::Error, exit code 4) a member whose type map differs from member 0's, naming both
/// files and both lists: DP-GEN's models share one type map, and a model of other types (or the
/// same types in another order) is a mistake in the committee, not something to map around.
/// `type_maps[k]` is member k's, `labels[k]` its file.
void check_committee_type_maps(const std::vector<std::vector<std::string>>& type_maps,
                               const std::vector<std::string>& labels);

}  // namespace md
