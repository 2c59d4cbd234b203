// SPDX-License-Identifier: MIT
/// \file
/// CPU implementation of the descriptor op (contract in descriptor.hpp) and its set-up tables.
///
/// gr is kept transposed, [4][ng], so that the per-pair work runs along the ng features: the
/// forward accumulation is four vectorised axpy loops, and the backward dot products use
/// Double8 partial sums (cpu_dispatch.hpp).
#include <algorithm>

#include "core/cpu_dispatch.hpp"
#include "potential/deep/descriptor.hpp"
#include "potential/deep/embedding_net.hpp"

// Double8 values are passed only to always-inlined helpers; see cpu_dispatch.hpp.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace md::deep {

void PaddingTable::add(int t_i, int t_j, int sel_tj, int n_kept, double* out) const {
  const std::size_t width = static_cast<std::size_t>(ng) * 4;
  const double* block = values.data() + block_offset[static_cast<std::size_t>(t_i) * n_types + t_j];
  if (uniform) {
    const double n_pad = static_cast<double>(sel_tj - n_kept);
    if (n_pad == 0.0) return;
    for (std::size_t k = 0; k < width; ++k) out[k] += n_pad * block[k];
  } else {
    const double* suffix = block + static_cast<std::size_t>(n_kept) * width;
    for (std::size_t k = 0; k < width; ++k) out[k] += suffix[k];
  }
}

bool statistics_uniform(const DeepModel& model) {
  const int n_types = model.n_types();
  const int n_nei = model.n_nei();
  for (int t_i = 0; t_i < n_types; ++t_i) {
    for (int t_j = 0; t_j < n_types; ++t_j) {
      const int first = model.sel_offset(t_j);
      const std::size_t base = (static_cast<std::size_t>(t_i) * n_nei + first) * 4;
      for (int k = 1; k < model.sel[t_j]; ++k) {
        const std::size_t at = base + static_cast<std::size_t>(k) * 4;
        for (int c = 0; c < 4; ++c) {
          if (model.davg[at + c] != model.davg[base + c] ||
              model.dstd[at + c] != model.dstd[base + c]) {
            return false;
          }
        }
      }
    }
  }
  return true;
}

PaddingTable build_padding_table(const DeepModel& model, bool explicit_slots,
                                 const EmbeddingAt& embed) {
  PaddingTable table;
  table.n_types = model.n_types();
  table.ng = model.embedding_width();
  table.uniform = !explicit_slots && statistics_uniform(model);
  const int n_types = table.n_types;
  const int n_nei = model.n_nei();
  const std::size_t width = static_cast<std::size_t>(table.ng) * 4;
  std::vector<double> g(static_cast<std::size_t>(table.ng));
  // G(s̃_pad) ⊗ R̃_pad of one padded slot of centre type t_i at `slot`, added to `out`.
  const auto add_slot = [&](int t_i, int t_j, int slot, double* out) {
    const std::size_t stat = (static_cast<std::size_t>(t_i) * n_nei + slot) * 4;
    double row[4];
    for (int c = 0; c < 4; ++c) row[c] = (0.0 - model.davg[stat + c]) / model.dstd[stat + c];
    const int net = model.embedding_index(t_i, t_j);
    if (embed) {
      embed(net, row[0], g.data());
    } else {
      embedding_net_single(model.embedding_nets[net], row[0], g.data(), nullptr);
    }
    for (int a = 0; a < table.ng; ++a) {
      for (int c = 0; c < 4; ++c) out[c * table.ng + a] += g[a] * row[c];
    }
  };
  table.block_offset.assign(static_cast<std::size_t>(n_types * n_types), 0);
  for (int t_i = 0; t_i < n_types; ++t_i) {
    for (int t_j = 0; t_j < n_types; ++t_j) {
      const std::size_t offset = table.values.size();
      table.block_offset[static_cast<std::size_t>(t_i) * n_types + t_j] = offset;
      const int first = model.sel_offset(t_j);
      const int sel = model.sel[t_j];
      if (table.uniform) {
        table.values.resize(offset + width, 0.0);
        if (sel > 0) add_slot(t_i, t_j, first, &table.values[offset]);
      } else {
        table.values.resize(offset + (static_cast<std::size_t>(sel) + 1) * width, 0.0);
        for (int m = sel - 1; m >= 0; --m) {
          double* entry = &table.values[offset + static_cast<std::size_t>(m) * width];
          const double* next = entry + width;
          std::copy(next, next + width, entry);
          add_slot(t_i, t_j, first + m, entry);
        }
      }
    }
  }
  return table;
}

namespace {

/// Independent partial sums per dot product: the width of Double8.
constexpr int kLanes = 8;

}  // namespace

MD_VECTOR_CLONES void descriptor_forward_cpu(const DescriptorArgs& args, const ChunkPairs& pairs,
                                             double* gr, double* descriptor) {
  const int ng = args.ng;
  const std::size_t gr_width = static_cast<std::size_t>(ng) * 4;
  std::fill(gr, gr + pairs.n_centers * gr_width, 0.0);
  for (const PairGroup& group : pairs.groups) {
    for (int p = 0; p < group.n_pairs; ++p) {
      double* __restrict acc = gr + group.center[p] * gr_width;
      const double* __restrict g = &group.g[static_cast<std::size_t>(p) * ng];
      const double* row = &group.env[4 * static_cast<std::size_t>(p)];
      for (int c = 0; c < 4; ++c) {
        const double r = row[c];
        double* __restrict out = acc + c * ng;
        for (int a = 0; a < ng; ++a) out[a] += g[a] * r;
      }
    }
  }
  descriptor_finish_cpu(args, pairs, gr, descriptor);
}

MD_VECTOR_CLONES void descriptor_finish_cpu(const DescriptorArgs& args, const ChunkPairs& pairs,
                                            double* gr, double* descriptor) {
  const int ng = args.ng;
  const int m2 = args.axis_neuron;
  const std::size_t gr_width = static_cast<std::size_t>(ng) * 4;
  const int n_centers = pairs.n_centers;
  const double inv_nnei = 1.0 / static_cast<double>(args.n_nei);
  for (int c = 0; c < n_centers; ++c) {
    double* acc = gr + c * gr_width;
    const int t_i = pairs.center_type[c];
    for (int t_j = 0; t_j < args.n_types; ++t_j) {
      args.padding->add(t_i, t_j, args.sel[t_j], pairs.n_kept[c * args.n_types + t_j], acc);
    }
    for (std::size_t k = 0; k < gr_width; ++k) acc[k] *= inv_nnei;
    double* d = descriptor + static_cast<std::size_t>(c) * ng * m2;
    for (int a = 0; a < ng; ++a) {
      for (int b = 0; b < m2; ++b) {
        d[a * m2 + b] = acc[a] * acc[b] + acc[ng + a] * acc[ng + b] +
                        acc[2 * ng + a] * acc[2 * ng + b] + acc[3 * ng + a] * acc[3 * ng + b];
      }
    }
  }
}

MD_VECTOR_CLONES void descriptor_grad_gr_cpu(const DescriptorArgs& args, const double* gr,
                                             const double* grad_descriptor, int n_centers,
                                             std::vector<double>& grad_gr) {
  const int ng = args.ng;
  const int m2 = args.axis_neuron;
  const std::size_t gr_width = static_cast<std::size_t>(ng) * 4;
  ensure_size(grad_gr, n_centers * gr_width);
  const double inv_nnei = 1.0 / static_cast<double>(args.n_nei);
  // B = A/nnei, A[k][a] = Σ_b g_D[a][b]·gr[k][b] + [a < M2] Σ_a' g_D[a'][a]·gr[k][a'].
  // First term: the four k at once (Double4 over k; gr's leading M2 columns transposed into
  // `leading` [M2][4]), so that no dot product ends in a horizontal sum. Second term: eight a at
  // once, each g_D row loaded once for the four k.
  std::vector<double> leading(4 * static_cast<std::size_t>(m2));
  const int m2_full = m2 - m2 % kLanes;
  for (int c = 0; c < n_centers; ++c) {
    const double* g_d = grad_descriptor + static_cast<std::size_t>(c) * ng * m2;
    const double* t = gr + c * gr_width;
    double* b_out = grad_gr.data() + c * gr_width;
    for (int b = 0; b < m2; ++b) {
      for (int k = 0; k < 4; ++k) leading[4 * b + k] = t[k * ng + b];
    }
    for (int a = 0; a < ng; ++a) {
      const double* row = g_d + a * m2;
      Double4 even = {}, odd = {};
      int b = 0;
      for (; b + 1 < m2; b += 2) {
        even += row[b] * load_lanes<Double4>(&leading[4 * b]);
        odd += row[b + 1] * load_lanes<Double4>(&leading[4 * b + 4]);
      }
      if (b < m2) even += row[b] * load_lanes<Double4>(&leading[4 * b]);
      const Double4 sum = even + odd;
      for (int k = 0; k < 4; ++k) b_out[k * ng + a] = sum[k];
    }
    for (int a = 0; a < m2_full; a += kLanes) {
      Double8 acc[4] = {};
      for (int a2 = 0; a2 < ng; ++a2) {
        const Double8 g = load8(g_d + a2 * m2 + a);
        for (int k = 0; k < 4; ++k) acc[k] += g * t[k * ng + a2];
      }
      for (int k = 0; k < 4; ++k) {
        for (int l = 0; l < kLanes; ++l) b_out[k * ng + a + l] += acc[k][l];
      }
    }
    for (int a = m2_full; a < m2; ++a) {
      for (int k = 0; k < 4; ++k) {
        double sum = 0.0;
        for (int a2 = 0; a2 < ng; ++a2) sum += g_d[a2 * m2 + a] * t[k * ng + a2];
        b_out[k * ng + a] += sum;
      }
    }
    for (std::size_t i = 0; i < gr_width; ++i) b_out[i] *= inv_nnei;
  }
}

MD_VECTOR_CLONES void descriptor_backward_cpu(const DescriptorArgs& args, const double* gr,
                                              const double* grad_descriptor, ChunkPairs& pairs,
                                              std::vector<double>& grad_gr) {
  descriptor_grad_gr_cpu(args, gr, grad_descriptor, pairs.n_centers, grad_gr);
  const int ng = args.ng;
  const std::size_t gr_width = static_cast<std::size_t>(ng) * 4;
  const int n_full = ng - ng % kLanes;
  for (PairGroup& group : pairs.groups) {
    ensure_size(group.grad_env, 4 * static_cast<std::size_t>(group.n_pairs));
    for (int p = 0; p < group.n_pairs; ++p) {
      const double* b = grad_gr.data() + group.center[p] * gr_width;
      const double* g = &group.g[static_cast<std::size_t>(p) * ng];
      const double* g_deriv = &group.g_deriv[static_cast<std::size_t>(p) * ng];
      // gb[k] = Σ_a B[k][a] G_a,  q[k] = Σ_a B[k][a] G'_a.
      Double8 gb0 = {}, gb1 = {}, gb2 = {}, gb3 = {}, q0 = {}, q1 = {}, q2 = {}, q3 = {};
      for (int a = 0; a < n_full; a += kLanes) {
        const Double8 ga = load8(g + a);
        const Double8 da = load8(g_deriv + a);
        const Double8 b0 = load8(b + a), b1 = load8(b + ng + a);
        const Double8 b2 = load8(b + 2 * ng + a), b3 = load8(b + 3 * ng + a);
        gb0 += b0 * ga;
        gb1 += b1 * ga;
        gb2 += b2 * ga;
        gb3 += b3 * ga;
        q0 += b0 * da;
        q1 += b1 * da;
        q2 += b2 * da;
        q3 += b3 * da;
      }
      double gbs[4] = {sum8(gb0), sum8(gb1), sum8(gb2), sum8(gb3)};
      double qs[4] = {sum8(q0), sum8(q1), sum8(q2), sum8(q3)};
      for (int a = n_full; a < ng; ++a) {
        for (int k = 0; k < 4; ++k) {
          gbs[k] += b[k * ng + a] * g[a];
          qs[k] += b[k * ng + a] * g_deriv[a];
        }
      }
      const double* row = &group.env[4 * static_cast<std::size_t>(p)];
      double* out = &group.grad_env[4 * static_cast<std::size_t>(p)];
      // ∂E/∂s̃ = Σ_k R̃_k·q_k joins the radial component.
      out[0] = gbs[0] + (row[0] * qs[0] + row[1] * qs[1] + row[2] * qs[2] + row[3] * qs[3]);
      out[1] = gbs[1];
      out[2] = gbs[2];
      out[3] = gbs[3];
    }
  }
}

}  // namespace md::deep
