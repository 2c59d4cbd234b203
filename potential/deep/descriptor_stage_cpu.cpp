// SPDX-License-Identifier: MIT
#include "potential/deep/descriptor_stage_cpu.hpp"

#include "potential/deep/descriptor.hpp"
#include "potential/deep/embedding_net.hpp"
#include "potential/deep/env_mat.hpp"

namespace md::deep {
namespace {

/// se_e2_a: env_mat → embedding_net per pair group → descriptor (forward); descriptor backward.
class SeADescriptorStageCpu final : public DescriptorStageCpu {
 public:
  explicit SeADescriptorStageCpu(const PreparedDeepModel& prepared) : prepared_(prepared) {}

  void forward(ChunkPairs& pairs, int n_centers, double* descriptor) override {
    const DeepModel& model = prepared_.model;
    EnvMatArgs env;
    env.rcut_smth = model.rcut_smth;
    env.rcut = model.rcut;
    env.protection = model.env_protection;
    env.n_nei = model.n_nei();
    env.davg = model.davg.data();
    env.dstd = model.dstd.data();
    env.center_type = pairs.center_type.data();
    for (int e = 0; e < model.n_embedding_nets(); ++e) {
      PairGroup& group = pairs.groups[e];
      if (group.n_pairs == 0) continue;
      env_mat_cpu(env, group);
      embedding_net_cpu(model.embedding_nets[e], group, embedding_ws_);
    }
    ensure_size(gr_, static_cast<std::size_t>(n_centers) * model.embedding_width() * 4);
    descriptor_forward_cpu(args(), pairs, gr_.data(), descriptor);
  }

  void backward(const double* grad_descriptor, ChunkPairs& pairs) override {
    descriptor_backward_cpu(args(), gr_.data(), grad_descriptor, pairs, grad_gr_);
  }

 private:
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
  EmbeddingWorkspace embedding_ws_;
  std::vector<double> gr_;       ///< [chunk][4][ng], kept from forward for backward
  std::vector<double> grad_gr_;  ///< [chunk][4][ng]
};

}  // namespace

std::unique_ptr<DescriptorStageCpu> make_descriptor_stage_cpu(const PreparedDeepModel& prepared) {
  return std::make_unique<SeADescriptorStageCpu>(prepared);
}

}  // namespace md::deep
