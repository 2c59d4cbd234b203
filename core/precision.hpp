// SPDX-License-Identifier: MIT
/// \file
/// The arithmetic of a network potential's evaluator (`potential.precision`).
#pragma once

namespace md {

enum class Precision {
  kDouble,  ///< everything in double: the reference, and the CPU evaluators' only mode
  /// float networks and per-pair/per-triplet features (weights cast at load); energies, forces
  /// and virials accumulated in double (DeePMD-kit's and TorchANI's float32 schemes)
  kMixed,
};

}  // namespace md
