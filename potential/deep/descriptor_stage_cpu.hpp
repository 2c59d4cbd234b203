// SPDX-License-Identifier: MIT
/// \file
/// The descriptor seam of the CPU Deep Potential. Between format_nlist (a chunk's neighbours in
/// their slots) and the fitting net, a descriptor form turns pairs into each centre's descriptor,
/// and on the way back turns ∂E/∂D into ∂E/∂R̃ per pair (group.grad_env), which
/// prod_force_virial makes into forces and virials. DeepPotential calls only this interface;
/// make_descriptor_stage_cpu is the one place that picks the form.
///
/// Adding a form (another descriptor, or the tabulated embedding of a compressed model): its ops
/// as a CPU/CUDA pair (`<op>.hpp`, `<op>_cpu.cpp`, `<op>_cuda.cu`), a stage class here that
/// chains them, and its case in make_descriptor_stage_cpu (and in the CUDA engine's
/// descriptor_forward / descriptor_backward, deep_potential_cuda.cu).
#pragma once

#include <memory>

#include "potential/deep/pair_groups.hpp"
#include "potential/deep/prepared_model.hpp"

namespace md::deep {

class DescriptorStageCpu {
 public:
  virtual ~DescriptorStageCpu() = default;
  /// Local centres per chunk that suit this form: DeepPotential evaluates the centres chunk by
  /// chunk (descriptor, fitting net, backward), so the chunk is also the row count of the
  /// fitting GEMMs (per fitting net).
  virtual int chunk_centers() const = 0;
  /// The raw environment rows of every pair of the chunk and their derivatives (env_mat_cpu:
  /// group.env_raw, group.env_deriv). They depend on the descriptor's settings (rcut,
  /// rcut_smth, env_protection), not on the model's statistics, so models that share the
  /// settings and the formatted list share them: DeepPotential::compute_together runs this once
  /// for all.
  virtual void environment(ChunkPairs& pairs) = 0;
  /// Descriptors of the chunk's `n_centers` centres from pairs whose environment() is done
  /// (normalised here with this model's davg/dstd): OVERWRITES `descriptor`
  /// [n_centers][descriptor_dim] (dimensionless) and keeps what backward() needs (in the stage
  /// and in the pairs' per-model arrays env, g, g_deriv).
  virtual void forward(ChunkPairs& pairs, int n_centers, double* descriptor) = 0;
  /// From `grad_descriptor` [n_centers][descriptor_dim] = ∂E/∂D (eV), of the chunk last passed
  /// to forward(): OVERWRITES group.grad_env [n_pairs][4] (eV) of every group of `pairs`.
  virtual void backward(const double* grad_descriptor, ChunkPairs& pairs) = 0;
};

/// The stage of `prepared`'s descriptor (se_e2_a with its embedding nets). `prepared` must
/// outlive it; its padding table is read at every call (use_explicit_statistics may change it).
std::unique_ptr<DescriptorStageCpu> make_descriptor_stage_cpu(const PreparedDeepModel& prepared);

}  // namespace md::deep
