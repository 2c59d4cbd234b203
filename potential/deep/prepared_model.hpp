// SPDX-License-Identifier: MIT
/// \file
/// A Deep Potential model made ready for one run, once, for both evaluators (DeepPotential on the
/// CPU, DeepPotentialCuda on the GPU): the model checked for consistency, the run's types mapped
/// onto the model's, the run's frame and atom parameters folded into the fitting net's extra
/// inputs, and the constants derived from the model (vacuum energies, the padded-slot table).
/// Whatever the evaluator, the checks, the error messages and these numbers are the same.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "potential/deep/deep_model.hpp"
#include "potential/deep/deep_potential_options.hpp"
#include "potential/deep/descriptor.hpp"
#include "potential/deep/embedding_table.hpp"

namespace md::deep {

struct PreparedDeepModel {
  DeepModel model;
  std::vector<int> run_to_model;  ///< [run types] model type index
  /// The fitting net's inputs after the descriptor: normalised fparam, aparam (unless a mask)
  /// and the case embedding; the same for every atom.
  std::vector<double> fitting_extra;
  /// [T] the fitting net's output at a zero descriptor (with fitting_extra), subtracted from
  /// each atomic energy of types with remove_vacuum; 0 for the others.
  std::vector<double> vacuum_energy;
  /// The padded slots' contribution to the descriptor (descriptor.hpp), in the constant-per-block
  /// form whenever the statistics allow it.
  PaddingTable padding;
  /// Assign slots in DeePMD-kit's sorted order even without overflow (needed when the padding
  /// table is per slot: then which slot a neighbour takes matters).
  bool sort_always = false;
  /// The tabulated embedding nets when the model runs compressed (options.compress.enabled);
  /// null otherwise. The padding table then holds the tables' G, as `dp compress`'s model does.
  std::shared_ptr<const EmbeddingTables> tables;

  /// Switches to the per-slot padding table and sorted slots even for uniform statistics (the
  /// general path; tests check one path against the other).
  void use_explicit_statistics();
};

/// Checks `model` (shapes consistent: md::model_error), maps `run_type_names` onto its type_map
/// (a name not in it: md::model_error listing the model's types), checks fparam/aparam against
/// numb_fparam/numb_aparam (md::config_error; a model's default fparam is used when none is
/// given) and derives the constants above; with options.compress.enabled, also the tables
/// (build_embedding_tables: config Errors for unusable settings).
PreparedDeepModel prepare_deep_model(DeepModel model, const DeepPotentialOptions& options,
                                     const std::vector<std::string>& run_type_names);

}  // namespace md::deep
