// SPDX-License-Identifier: MIT
/// \file
/// model_devi.out as LAMMPS + DeePMD-kit's `pair_style deepmd ... out_file` writes it, so DP-GEN
/// and its users' scripts read mdrun's file unchanged (pair_deepmd.cpp 546-583, 880-888 of the
/// plugin; tests/data/model_devi/README.md):
///
///   #       step         max_devi_v         min_devi_v         avg_devi_v         max_devi_f ...
///              0       5.343480e-01       5.050304e-03       3.053358e-01       5.936436e-01 ...
///
/// header `#`, `step` right-aligned in 11 columns, each label in 19 (`atm_devi_f(N)` after the
/// six when atomic); rows: the step in 12 columns, then each value as " %18.6e". Every row is
/// flushed when written (a crashed run keeps what it measured).
#pragma once

#include <cstdint>
#include <string>

#include "core/model_deviation.hpp"

namespace md {

/// The header line (with its newline).
std::string format_model_deviation_header(bool atomic);
/// One row (with its newline): the six columns, then atom_devi_f when it is not empty.
std::string format_model_deviation_row(const ModelDeviationRecord& record);

class ModelDeviationFileWriter final : public ModelDeviationWriter {
 public:
  /// Opens `path` (rank 0 only). `append_after_step` ≥ 0 continues the file of the run a
  /// checkpoint came from: rows of later steps (written after that checkpoint, before the run
  /// ended) are dropped, so the continuation neither repeats nor loses a row. −1 starts a fresh
  /// file, keeping an existing one under a backup name (io/output_path.hpp). Throws md::Error
  /// (kIo) when the file cannot be created, or when a continued file is not a model_devi.out of
  /// the same columns.
  ModelDeviationFileWriter(std::string path, bool atomic, std::int64_t append_after_step);
  void write(const ModelDeviationRecord& record) override;

 private:
  std::string path_;
};

}  // namespace md
