// SPDX-License-Identifier: MIT
/// \file
/// Run-time options of the ANI potential that come from the run config (`potential: {type: ani,
/// model: ..., ensemble: ...}`), not from the model file.
#pragma once

#include <string>
#include <vector>

#include "core/precision.hpp"

namespace md {

struct AniOptions {
  std::string model_file;  ///< the ANI HDF5 model (docs/model-format.md §9), resolved path
  /// The members whose networks are averaged: indices into the file's members; empty = all.
  std::vector<int> ensemble;
  /// double, or mixed (float AEVs and networks, double accumulation of energies, forces and
  /// virials), on either backend.
  Precision precision = Precision::kDouble;
};

}  // namespace md
