// SPDX-License-Identifier: MIT
/// \file
/// The run's atom types (indices into the config's type_map) translated to the model's type
/// indices, once per evaluation, by both the CPU and the CUDA Deep Potential.
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "potential/deep/pair_groups.hpp"
#include "potential/potential.hpp"

namespace md::deep {

/// Fills `model_types` ([n_all], grow-only) with run_to_model[types[k]] for k < n_all (`types`
/// holds at least n_all run types, host memory). A run type outside the table is an engine bug
/// (the config reader and the potential's constructor check names).
inline void map_run_types(Span<const int> types, int n_all, const std::vector<int>& run_to_model,
                          std::vector<int>& model_types) {
  ensure_size(model_types, static_cast<std::size_t>(n_all));
  const int n_run_types = static_cast<int>(run_to_model.size());
  for (int k = 0; k < n_all; ++k) {
    const int t = types[k];
    if (t < 0 || t >= n_run_types) {
      throw internal_error("deepmd: atom " + std::to_string(k) + " has type " + std::to_string(t) +
                           " outside the run's " + std::to_string(n_run_types) + " types");
    }
    model_types[k] = run_to_model[t];
  }
}

/// The same for the types of a host AtomsView.
inline void map_run_types(const AtomsView& atoms, const std::vector<int>& run_to_model,
                          std::vector<int>& model_types) {
  map_run_types(atoms.types, atoms.n_all, run_to_model, model_types);
}

}  // namespace md::deep
