// SPDX-License-Identifier: MIT
/// \file
/// Run-time options of the Deep Potential that come from the run config (not from the model file).
#pragma once

#include <string>
#include <vector>

#include "core/model_deviation.hpp"
#include "core/precision.hpp"

namespace md {

/// What to do when an atom has more neighbours of a type within rcut than the model's `sel`
/// (DeePMD-kit keeps the nearest and silently drops the rest; energy is then not conserved).
enum class SelOverflowPolicy {
  kWarn,   ///< log once per neighbour-list rebuild, naming the worst atom and the counts
  kError,  ///< stop the run (exit code 5)
};

/// Tabulation of the embedding nets at load (`potential.compress`; potential/deep/embedding_table.hpp):
/// DeePMD-kit's `dp compress`, with its options and defaults.
struct DeepCompression {
  bool enabled = false;
  /// r_min, Å, the closest pair the fine table reaches; 0: the model's min_nbor_dist.
  double min_neighbor_distance = 0.0;
  double extrapolate = 5.0;  ///< the coarse table ends at extrapolate × the fine table's end
  double step = 0.01;        ///< fine stride in x; the coarse stride is 10 × step
};

struct DeepPotentialOptions {
  std::string model_file;  ///< path of the `.dp` model (resolved relative to the config file)
  /// `potential.models[1..]`: further models of the same system, evaluated only to measure the
  /// model deviation (`model_file` is models[0] and drives the dynamics). Empty: one model.
  std::vector<std::string> deviation_models;
  /// `potential.deviation` (needs deviation_models; `every` 0: no deviation output).
  ModelDeviationSettings deviation;
  SelOverflowPolicy sel_overflow = SelOverflowPolicy::kWarn;
  std::vector<double> fparam;  ///< frame parameters, required when the model has numb_fparam > 0
  /// Atom parameters, one set applied to every atom; required when the model has
  /// numb_aparam > 0 (the config gives a single list, not one per atom).
  std::vector<double> aparam;
  /// CUDA backend only: the CPU evaluator is always double (the reference). Mixed: float
  /// networks, environment matrix and descriptor; energies, forces and virials in double.
  Precision precision = Precision::kDouble;
  DeepCompression compress;
};

}  // namespace md
