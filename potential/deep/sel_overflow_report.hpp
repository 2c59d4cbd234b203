// SPDX-License-Identifier: MIT
/// \file
/// The one report of neighbours beyond the model's `sel`, for both evaluators. DeePMD-kit keeps the
/// nearest sel[t] neighbours of each type and silently drops the rest, which makes the energy
/// non-smooth; mdrun does the same but says so, per the run's policy (potential.sel_overflow):
/// warn once per neighbour-list build, or stop with md::unstable_error (exit code 5).
#pragma once

#include <cstdint>
#include <optional>

#include "potential/deep/deep_model.hpp"
#include "potential/deep/deep_potential_options.hpp"
#include "potential/deep/pair_groups.hpp"

namespace md::deep {

class SelOverflowReport {
 public:
  explicit SelOverflowReport(SelOverflowPolicy policy) : policy_(policy) {}

  /// Whether an overflow in the list of `build_count` would be reported now (false once a warning
  /// was logged for that build). The CUDA evaluator asks before recounting the worst centre.
  bool due(std::uint64_t build_count) const {
    return policy_ == SelOverflowPolicy::kError || last_warning_ != build_count;
  }

  /// Reports `overflow` if it has overflowing centres and is due: throws md::unstable_error
  /// (policy error) or logs a warning naming the worst centre and its per-type counts.
  void report(const DeepModel& model, const SelOverflow& overflow, std::uint64_t build_count);

  /// How many warnings have been logged (at most one per neighbour-list build).
  std::uint64_t warnings() const { return warnings_; }

 private:
  SelOverflowPolicy policy_;
  std::optional<std::uint64_t> last_warning_;  ///< build_count of the last warning
  std::uint64_t warnings_ = 0;
};

}  // namespace md::deep
