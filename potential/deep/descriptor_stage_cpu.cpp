// SPDX-License-Identifier: MIT
#include "potential/deep/descriptor_stage_cpu.hpp"

#include <cmath>

#include "core/error.hpp"
#include "potential/deep/descriptor.hpp"
#include "potential/deep/embedding_net.hpp"
#include "potential/deep/env_mat.hpp"
#include "potential/deep/tabulated_embedding.hpp"

namespace md::deep {
namespace {

/// What both se_e2_a stages share: the environment rows, gr kept for the backward pass, and the
/// descriptor's arguments.
class SeAStageBase : public DescriptorStageCpu {
 protected:
  explicit SeAStageBase(const PreparedDeepModel& prepared) : prepared_(prepared) {}

  void environment(ChunkPairs& pairs) override {
    const EnvMatArgs env = env_args(pairs);
    for (PairGroup& group : pairs.groups) {
      if (group.n_pairs > 0) env_mat_cpu(env, group);
    }
  }

  /// R̃ of every pair with this model's statistics (forward's first step).
  void normalize(ChunkPairs& pairs) const {
    const EnvMatArgs env = env_args(pairs);
    for (PairGroup& group : pairs.groups) {
      if (group.n_pairs > 0) env_normalize_cpu(env, group);
    }
  }

  EnvMatArgs env_args(const ChunkPairs& pairs) const {
    const DeepModel& model = prepared_.model;
    EnvMatArgs env;
    env.rcut_smth = model.rcut_smth;
    env.rcut = model.rcut;
    env.protection = model.env_protection;
    env.n_nei = model.n_nei();
    env.davg = model.davg.data();
    env.dstd = model.dstd.data();
    env.center_type = pairs.center_type.data();
    return env;
  }

  /// Sizes gr_ for a chunk of `n_centers`.
  void size_workspace(int n_centers) {
    ensure_size(gr_, static_cast<std::size_t>(n_centers) * prepared_.model.embedding_width() * 4);
  }

  DescriptorArgs args() const {
    const DeepModel& model = prepared_.model;
    DescriptorArgs desc;
    desc.n_types = model.n_types();
    desc.ng = model.embedding_width();
    desc.axis_neuron = model.axis_neuron;
    desc.n_nei = model.n_nei();
    desc.sel = model.sel.data();
    desc.padding = &prepared_.padding;
    return desc;
  }

  const PreparedDeepModel& prepared_;
  // Workspaces (grow-only).
  std::vector<double> gr_;       ///< [chunk][4][ng], kept from forward for backward
  std::vector<double> grad_gr_;  ///< [chunk][4][ng]
};

/// se_e2_a with its embedding nets: env_mat → embedding_net per group → descriptor.
class SeADescriptorStageCpu final : public SeAStageBase {
 public:
  explicit SeADescriptorStageCpu(const PreparedDeepModel& prepared) : SeAStageBase(prepared) {}
  /// Few enough that the chunk's G and dG/ds̃ (2·ng doubles per pair) stay cache-resident,
  /// enough for efficient fitting GEMMs; 32–256 measured the same (docs/performance.md).
  int chunk_centers() const override { return 64; }

  void forward(ChunkPairs& pairs, int n_centers, double* descriptor) override {
    normalize(pairs);
    size_workspace(n_centers);
    const DeepModel& model = prepared_.model;
    for (int e = 0; e < model.n_embedding_nets(); ++e) {
      PairGroup& group = pairs.groups[e];
      if (group.n_pairs > 0) embedding_net_cpu(model.embedding_nets[e], group, embedding_ws_);
    }
    descriptor_forward_cpu(args(), pairs, gr_.data(), descriptor);
  }

  void backward(const double* grad_descriptor, ChunkPairs& pairs) override {
    descriptor_backward_cpu(args(), gr_.data(), grad_descriptor, pairs, grad_gr_);
  }

 private:
  EmbeddingWorkspace embedding_ws_;
};

/// se_e2_a compressed: env_mat → tabulated embedding fused with the pair sums → descriptor finish.
class TabulatedSeADescriptorStageCpu final : public SeAStageBase {
 public:
  explicit TabulatedSeADescriptorStageCpu(const PreparedDeepModel& prepared)
      : SeAStageBase(prepared) {}

  /// No G is stored, so the chunk can be large: fitting GEMMs of a few hundred rows run near
  /// the core's peak (1,024 centres: ≈ 4 % faster per step than 64, docs/performance.md); the
  /// chunk's pairs take about 0.2 kB each.
  int chunk_centers() const override { return 1024; }

  void forward(ChunkPairs& pairs, int n_centers, double* descriptor) override {
    normalize(pairs);
    size_workspace(n_centers);
    const TableMiss miss = tabulated_embedding_forward_cpu(
        *prepared_.tables, pairs, prepared_.model.embedding_width(), gr_.data(), lookups_);
    if (miss.count > 0) report(pairs, miss);
    descriptor_finish_cpu(args(), pairs, gr_.data(), descriptor);
  }

  void backward(const double* grad_descriptor, ChunkPairs& pairs) override {
    descriptor_grad_gr_cpu(args(), gr_.data(), grad_descriptor, pairs.n_centers, grad_gr_);
    tabulated_embedding_backward_cpu(*prepared_.tables, lookups_, grad_gr_.data(),
                                     prepared_.model.embedding_width(), pairs);
  }

 private:
  TableLookups lookups_;  ///< the forward pass's, for the backward pass

  /// Stops the run: a pair closer than the tables cover would be evaluated with a wrong G.
  [[noreturn]] void report(const ChunkPairs& pairs, const TableMiss& miss) const {
    const PairGroup& group = pairs.groups[miss.group];
    const auto p = static_cast<std::size_t>(miss.pair);
    const double* d = &group.diff[3 * p];
    const int c = group.center[p];
    throw unstable_error(table_miss_message(
        prepared_.model, *prepared_.tables, pairs.center_begin + c, pairs.center_type[c],
        group.neighbor[p], std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]), miss.count));
  }
};

}  // namespace

std::unique_ptr<DescriptorStageCpu> make_descriptor_stage_cpu(const PreparedDeepModel& prepared) {
  if (prepared.tables) return std::make_unique<TabulatedSeADescriptorStageCpu>(prepared);
  return std::make_unique<SeADescriptorStageCpu>(prepared);
}

}  // namespace md::deep
