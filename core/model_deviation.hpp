// SPDX-License-Identifier: MIT
/// \file
/// Model deviation (DP-GEN's active learning): several models of one system, the first driving the
/// dynamics, all evaluated every N steps on the same configuration, and how much they disagree
/// written as LAMMPS + DeePMD-kit's `model_devi.out`. This header holds the plain pieces every
/// layer shares: the settings (from `potential.deviation`), one row of the file, the per-atom and
/// per-component formulas (MD_HOST_DEVICE, written once), and the writer interface the io layer
/// implements. Definitions, with the DeePMD-kit source lines they follow:
/// tests/data/model_devi/README.md.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/portability.hpp"

namespace md {

/// `potential.deviation`: LAMMPS's `pair_style deepmd ... out_freq N out_file F [relative L]
/// [relative_v L] [atomic]`.
struct ModelDeviationSettings {
  std::int64_t every = 0;                ///< steps between rows (out_freq); 0: off
  std::string file = "model_devi.out";   ///< out_file (resolved relative to the config file)
  std::optional<double> relative;        ///< L, eV/Å: σ_i / (|⟨F_i⟩| + L)
  std::optional<double> relative_v;      ///< L, eV: σ_v,ab / (|⟨v_ab⟩| + L)
  bool atomic = false;                   ///< append every atom's σ_i, in id order
};

/// One row of model_devi.out. Virial columns are of the virial per atom (W / N, eV); force
/// columns of the per-atom force deviation (eV/Å), relative when asked.
struct ModelDeviationRecord {
  std::int64_t step = -1;
  double max_devi_v = 0.0, min_devi_v = 0.0, avg_devi_v = 0.0;
  double max_devi_f = 0.0, min_devi_f = 0.0, avg_devi_f = 0.0;
  std::vector<double> atom_devi_f;  ///< [N] in ascending id order (rank 0, when `atomic`)
};

/// Writes the rows (rank 0 only; io/model_deviation_writer.hpp).
class ModelDeviationWriter {
 public:
  virtual ~ModelDeviationWriter() = default;
  virtual void write(const ModelDeviationRecord& record) = 0;
};

namespace deviation {

/// The deviation of `n_models` values of `stride` components each (model m's at
/// values[m * model_stride + c]): sqrt( (1/M) Σ_m |x_m − ⟨x⟩|² ), the population standard
/// deviation of the vector (DeePMD-kit's compute_std); `mean` [stride] receives ⟨x⟩. With
/// `relative` ≥ 0 the result is divided by (|⟨x⟩| + relative) (compute_relative_std). The mean
/// is summed model by model and divided once, as DeePMD-kit does, so the two agree to rounding.
MD_HOST_DEVICE inline double spread(const double* values, int n_models, std::int64_t model_stride,
                                    int stride, double* mean, double relative) {
  for (int c = 0; c < stride; ++c) mean[c] = 0.0;
  for (int m = 0; m < n_models; ++m) {
    for (int c = 0; c < stride; ++c) mean[c] += values[m * model_stride + c];
  }
  for (int c = 0; c < stride; ++c) mean[c] /= n_models;
  double sum_sq = 0.0;
  for (int m = 0; m < n_models; ++m) {
    for (int c = 0; c < stride; ++c) {
      const double d = values[m * model_stride + c] - mean[c];
      sum_sq += d * d;
    }
  }
  double sigma = std::sqrt(sum_sq / n_models);
  if (relative >= 0.0) {
    double norm_sq = 0.0;
    for (int c = 0; c < stride; ++c) norm_sq += mean[c] * mean[c];
    sigma /= std::sqrt(norm_sq) + relative;
  }
  return sigma;
}

}  // namespace deviation
}  // namespace md
