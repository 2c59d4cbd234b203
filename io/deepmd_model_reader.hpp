// SPDX-License-Identifier: MIT
/// \file
/// Reads DeePMD-kit native `.dp` models (HDF5) into md::DeepModel.
///
/// A `.dp` file is what `dp convert-backend model.pth model.dp` writes (DeePMD-kit ≥ 3.0): one
/// HDF5 file whose root attribute `json` holds the whole model dict, and whose root datasets
/// `/variable_NNNN` hold the arrays that the dict references by path from its `@variables`
/// objects (shared/docs/deepmd-se_e2_a.md §2). Only what the engine evaluates is accepted: a
/// `standard` model with an `se_e2_a` (alias `se_a`) descriptor and an `ener` fitting, not
/// compressed. Everything else, and every inconsistency (unknown newer `@version`, missing
/// dataset, shape that disagrees with the JSON dimensions), is refused with md::model_error
/// (exit code 4) naming the file and the JSON path or dataset. docs/model-format.md lists the
/// accepted keys.
#pragma once

#include <string>

#include "potential/deep/deep_model.hpp"

namespace md {

/// Reads and validates the model at `path`. Throws md::Error with ExitCode::kModel (naming the
/// file and the offending JSON path / dataset) when the file cannot be read or is not a
/// supported se_e2_a energy model. HDF5's own error printing is switched off.
DeepModel read_deepmd_model(const std::string& path);

}  // namespace md
