// SPDX-License-Identifier: MIT
/// \file
/// CPU implementation of tabulated_embedding (contract in tabulated_embedding.hpp). Per pair, the
/// loops run along the ng outputs over the coefficient-major table rows, so they vectorise
/// (MD_VECTOR_CLONES); the backward's two dot products keep eight partial sums (Double8).
#include <algorithm>

#include "core/cpu_dispatch.hpp"
#include "core/format.hpp"
#include "potential/deep/tabulated_embedding.hpp"

// Double8 values are passed only to always-inlined helpers; see cpu_dispatch.hpp.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace md::deep {
namespace {

constexpr int kLanes = 8;

/// gr_c[k][a] += G_a(t)·row[k] for a < ng, from one interval's coefficients `c` ([6][ng]).
MD_VECTOR_CLONES void accumulate_pair(const double* __restrict c, int ng, double t,
                                      const double* row, double* __restrict acc) {
  const double r0 = row[0], r1 = row[1], r2 = row[2], r3 = row[3];
  double* __restrict out0 = acc;
  double* __restrict out1 = acc + ng;
  double* __restrict out2 = acc + 2 * ng;
  double* __restrict out3 = acc + 3 * ng;
  for (int a = 0; a < ng; ++a) {
    const double value =
        c[a] + (c[ng + a] +
                (c[2 * ng + a] + (c[3 * ng + a] + (c[4 * ng + a] + c[5 * ng + a] * t) * t) * t) *
                    t) *
                   t;
    out0[a] += value * r0;
    out1[a] += value * r1;
    out2[a] += value * r2;
    out3[a] += value * r3;
  }
}

/// ∂E/∂R̃ of one pair (see the file comment) into out[4].
MD_VECTOR_CLONES void pair_gradient(const double* __restrict c, int ng, double t,
                                    const double* row, const double* __restrict b,
                                    double* out) {
  const int n_full = ng - ng % kLanes;
  Double8 gb0 = {}, gb1 = {}, gb2 = {}, gb3 = {}, q0 = {}, q1 = {}, q2 = {}, q3 = {};
  const Double8 tv = {t, t, t, t, t, t, t, t};
  for (int a = 0; a < n_full; a += kLanes) {
    const Double8 c0 = load8(c + a), c1 = load8(c + ng + a), c2 = load8(c + 2 * ng + a);
    const Double8 c3 = load8(c + 3 * ng + a), c4 = load8(c + 4 * ng + a);
    const Double8 c5 = load8(c + 5 * ng + a);
    const Double8 value = c0 + (c1 + (c2 + (c3 + (c4 + c5 * tv) * tv) * tv) * tv) * tv;
    const Double8 slope = c1 + (2.0 * c2 + (3.0 * c3 + (4.0 * c4 + 5.0 * c5 * tv) * tv) * tv) * tv;
    const Double8 b0 = load8(b + a), b1 = load8(b + ng + a);
    const Double8 b2 = load8(b + 2 * ng + a), b3 = load8(b + 3 * ng + a);
    gb0 += b0 * value;
    gb1 += b1 * value;
    gb2 += b2 * value;
    gb3 += b3 * value;
    q0 += b0 * slope;
    q1 += b1 * slope;
    q2 += b2 * slope;
    q3 += b3 * slope;
  }
  double gbs[4] = {sum8(gb0), sum8(gb1), sum8(gb2), sum8(gb3)};
  double qs[4] = {sum8(q0), sum8(q1), sum8(q2), sum8(q3)};
  for (int a = n_full; a < ng; ++a) {
    double value = 0.0, slope = 0.0;
    table_value_slope(c, ng, a, t, value, slope);
    for (int k = 0; k < 4; ++k) {
      gbs[k] += b[k * ng + a] * value;
      qs[k] += b[k * ng + a] * slope;
    }
  }
  out[0] = gbs[0] + (row[0] * qs[0] + row[1] * qs[1] + row[2] * qs[2] + row[3] * qs[3]);
  out[1] = gbs[1];
  out[2] = gbs[2];
  out[3] = gbs[3];
}

}  // namespace

std::string table_miss_message(const DeepModel& model, const EmbeddingTables& tables,
                               int local_center, int center_type, int neighbor, double distance,
                               long long count) {
  std::string text = "deepmd (compressed): local atom " + std::to_string(local_center) +
                     " (type " + model.type_map[center_type] + ") has a neighbour (atom index " +
                     std::to_string(neighbor) + ") at " + format_number(distance) +
                     " Å, closer than the compressed model's tables cover (pairs down to " +
                     format_number(tables.min_covered_distance) +
                     " Å, from compress_min_neighbor_distance_A = " +
                     format_number(tables.settings.min_neighbor_distance) +
                     " Å and compress_extrapolate = " + format_number(tables.settings.extrapolate) +
                     ")";
  if (count > 1) text += "; " + std::to_string(count) + " such pairs";
  return text + ". The atoms overlap: check the structure, or run with potential.compress: false";
}

TableMiss tabulated_embedding_forward_cpu(const EmbeddingTables& tables, const ChunkPairs& pairs,
                                          int ng, double* gr) {
  const std::size_t gr_width = static_cast<std::size_t>(ng) * 4;
  std::fill(gr, gr + pairs.n_centers * gr_width, 0.0);
  TableMiss miss;
  for (int e = 0; e < static_cast<int>(pairs.groups.size()); ++e) {
    const PairGroup& group = pairs.groups[e];
    if (group.n_pairs == 0) continue;
    const EmbeddingTable& table = tables.nets[e];
    for (int p = 0; p < group.n_pairs; ++p) {
      const double* row = &group.env[4 * static_cast<std::size_t>(p)];
      int interval = 0;
      double t = 0.0;
      if (table.empty() || !table_locate(table.geometry, row[0], interval, t)) {
        miss.merge(TableMiss{1, e, p, row[0]});
        continue;
      }
      accumulate_pair(&table.coeff[static_cast<std::size_t>(interval) * 6 * ng], ng, t, row,
                      gr + group.center[p] * gr_width);
    }
  }
  return miss;
}

void tabulated_embedding_backward_cpu(const EmbeddingTables& tables, const double* grad_gr,
                                      int ng, ChunkPairs& pairs) {
  const std::size_t gr_width = static_cast<std::size_t>(ng) * 4;
  for (int e = 0; e < static_cast<int>(pairs.groups.size()); ++e) {
    PairGroup& group = pairs.groups[e];
    ensure_size(group.grad_env, 4 * static_cast<std::size_t>(group.n_pairs));
    const EmbeddingTable& table = tables.nets[e];
    for (int p = 0; p < group.n_pairs; ++p) {
      const double* row = &group.env[4 * static_cast<std::size_t>(p)];
      double* out = &group.grad_env[4 * static_cast<std::size_t>(p)];
      int interval = 0;
      double t = 0.0;
      if (table.empty() || !table_locate(table.geometry, row[0], interval, t)) {
        std::fill(out, out + 4, 0.0);  // reported by the forward pass
        continue;
      }
      pair_gradient(&table.coeff[static_cast<std::size_t>(interval) * 6 * ng], ng, t, row,
                    grad_gr + group.center[p] * gr_width, out);
    }
  }
}

}  // namespace md::deep
