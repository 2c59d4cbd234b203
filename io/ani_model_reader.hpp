// SPDX-License-Identifier: MIT
/// \file
/// Reads ANI models (ANI-1x, ANI-2x, …) from mdrun's HDF5 layout into md::AniModel.
///
/// The layout is docs/model-format.md §9 ("ANI models"), written by scripts/ani2h5.py from the
/// released NeuroChem files: root attributes `format` ("mdrun-ani"), `format_version` (1) and
/// `source`; `/elements`, `/self_energies`, the AEV constants under `/aev`, and one network per
/// element and ensemble member, `/members/<m>/<El>/layer_<l>/{weight [n_out][n_in], bias}`.
/// Everything is checked before it is used — names consecutive, every member holding every
/// element, widths chaining from the AEV length to one output, values finite, each dataset's
/// declared shape stored in the file before memory is allocated for it, and no dataset read twice
/// under two names (hard links: the storage read, added up, fits in the file); anything else is
/// refused with md::model_error (exit code 4) naming the file and the HDF5 object.
#pragma once

#include <string>

#include "potential/ani/ani_model.hpp"

namespace md {

/// Reads and validates the ANI model at `path`. Weights are read as double (HDF5 converts the
/// released float32) and transposed to DenseLayer's [n_in][n_out]. Throws md::Error with
/// ExitCode::kModel, naming the file and the offending object, when the file cannot be read or
/// is not a valid mdrun ANI model. HDF5's own error printing is switched off.
AniModel read_ani_model(const std::string& path);

/// Whether `path` is an HDF5 file whose root attribute `format` says "mdrun-ani" (what
/// `mdrun eval --model` uses to choose between ANI and DeePMD-kit models). Never throws: anything
/// unreadable is "no", and the chosen reader then says what is wrong.
bool is_ani_model_file(const std::string& path);

}  // namespace md
