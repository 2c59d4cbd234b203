// SPDX-License-Identifier: MIT
/// \file
/// DevicePlanKey: when a CUDA evaluator must re-upload its per-build plan (types, rows per
/// network).
#pragma once

#include <cstdint>
#include <optional>
#include <tuple>

namespace md {

/// Which neighbour-list build the per-build plan on the device belongs to. Types change only at
/// a rebuild, so compute_device() maps, plans and uploads them once per (build_count, n_local,
/// n_all); a host entry point that overwrote the device plan calls invalidate().
class DevicePlanKey {
 public:
  /// True (and remembers the build) when the plan must be uploaded for this build.
  bool needs_upload(std::uint64_t build_count, int n_local, int n_all) {
    const std::tuple<std::uint64_t, int, int> key{build_count, n_local, n_all};
    if (key_ == key) return false;
    key_ = key;
    return true;
  }
  void invalidate() { key_.reset(); }

 private:
  std::optional<std::tuple<std::uint64_t, int, int>> key_;
};

}  // namespace md
