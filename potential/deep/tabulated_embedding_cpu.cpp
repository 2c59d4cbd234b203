// SPDX-License-Identifier: MIT
/// \file
/// CPU implementation of tabulated_embedding (contract in tabulated_embedding.hpp).
///
/// Forward: one centre at a time, eight outputs at a time, the four sums gr_c[k][a..a+8) stay in
/// registers over all of the centre's pairs and are stored once. (Adding every pair straight into
/// gr, 400 loads and stores per pair, made the pass store-bound: about twice as slow.) The
/// per-output arithmetic, and the order in which pairs are added, are those of
/// embedding_table_math.hpp's scalar Horner form, so the result does not depend on the lane width.
/// Backward: per pair, the two dot products over the ng outputs keep their partial sums in
/// vectors. Both run along the coefficient-major table rows (vector loads) and are compiled per
/// x86-64 level (MD_VECTOR_CLONES); a width that is not a multiple of eight ends with a
/// four-lane and then a scalar step.
// Double8 values are passed only to always-inlined helpers (here and in
// embedding_table_math.hpp's templates); see cpu_dispatch.hpp.
#pragma GCC diagnostic ignored "-Wpsabi"

#include <algorithm>

#include "core/cpu_dispatch.hpp"
#include "core/format.hpp"
#include "potential/deep/tabulated_embedding.hpp"

namespace md::deep {
namespace {

/// The six coefficient rows of outputs [a, a + lanes of V) of one interval (`c` at output a).
template <class V>
struct CoefficientLanes {
  V c0, c1, c2, c3, c4, c5;
  [[gnu::always_inline]] CoefficientLanes(const double* c, int ng)
      : c0(load_lanes<V>(c)), c1(load_lanes<V>(c + ng)), c2(load_lanes<V>(c + 2 * ng)),
        c3(load_lanes<V>(c + 3 * ng)), c4(load_lanes<V>(c + 4 * ng)),
        c5(load_lanes<V>(c + 5 * ng)) {}
};

/// acc[k][a..a + kTiles·lanes) += Σ_i G(x_i)·R̃_ik over one centre's `n` pairs (lookups `look`,
/// rows `env` [n][4]); `acc` is that centre's gr [4][ng]. The 4·kTiles sums stay in registers.
template <class V, int kTiles>
[[gnu::always_inline]] inline void accumulate_lanes(const double* coeff, int ng, int a,
                                                    const PairLookup* look, const double* env,
                                                    int n, double* acc) {
  constexpr int kWidth = sizeof(V) / sizeof(double);
  const std::size_t stride = 6 * static_cast<std::size_t>(ng);
  V sum[kTiles][4];
  for (int u = 0; u < kTiles; ++u) {
    for (int k = 0; k < 4; ++k) sum[u][k] = load_lanes<V>(acc + k * ng + a + u * kWidth);
  }
  for (int i = 0; i < n; ++i) {
    const double* block = coeff + look[i].interval * stride + a;
    const double* row = env + 4 * static_cast<std::size_t>(i);
    for (int u = 0; u < kTiles; ++u) {
      const CoefficientLanes<V> c(block + u * kWidth, ng);
      const V value = quintic_value(c.c0, c.c1, c.c2, c.c3, c.c4, c.c5, look[i].offset);
      for (int k = 0; k < 4; ++k) sum[u][k] += value * row[k];
    }
  }
  for (int u = 0; u < kTiles; ++u) {
    for (int k = 0; k < 4; ++k) store_lanes(acc + k * ng + a + u * kWidth, sum[u][k]);
  }
}

/// All ng outputs of one centre's pairs (see accumulate_lanes).
MD_VECTOR_CLONES void accumulate_center(const double* coeff, int ng, const PairLookup* look,
                                        const double* env, int n, double* acc) {
  int a = 0;
  for (; a + 16 <= ng; a += 16) accumulate_lanes<Double8, 2>(coeff, ng, a, look, env, n, acc);
  for (; a + 8 <= ng; a += 8) accumulate_lanes<Double8, 1>(coeff, ng, a, look, env, n, acc);
  for (; a + 4 <= ng; a += 4) accumulate_lanes<Double4, 1>(coeff, ng, a, look, env, n, acc);
  for (; a < ng; ++a) accumulate_lanes<double, 1>(coeff, ng, a, look, env, n, acc);
}

/// Partial sums of one pair's backward over outputs [a, a + lanes): gb[k] += B[k]·G,
/// q[k] += B[k]·G'.
template <class V>
[[gnu::always_inline]] inline void gradient_lanes(const double* c, int ng, int a, double t,
                                                  const double* b, V gb[4], V q[4]) {
  const CoefficientLanes<V> cl(c + a, ng);
  V value, slope;
  quintic_value_slope(cl.c0, cl.c1, cl.c2, cl.c3, cl.c4, cl.c5, t, value, slope);
  for (int k = 0; k < 4; ++k) {
    const V bk = load_lanes<V>(b + k * ng + a);
    gb[k] += bk * value;
    q[k] += bk * slope;
  }
}

/// ∂E/∂R̃ of one pair (see the file comment of tabulated_embedding.hpp) into out[4]: c is the
/// pair's interval's coefficients, t its offset, b its centre's B [4][ng].
MD_VECTOR_CLONES void pair_gradient(const double* __restrict c, int ng, double t,
                                    const double* row, const double* __restrict b,
                                    double* out, const double* next) {
  Double8 gb8[4] = {}, q8[4] = {};
  int a = 0;
  for (; a + 8 <= ng; a += 8) {
    for (int j = 0; j < 6; ++j) __builtin_prefetch(next + j * ng + a);
    gradient_lanes<Double8>(c, ng, a, t, b, gb8, q8);
  }
  Double4 gb4[4] = {}, q4[4] = {};
  for (; a + 4 <= ng; a += 4) gradient_lanes<Double4>(c, ng, a, t, b, gb4, q4);
  double gb1[4] = {}, q1[4] = {};
  for (; a < ng; ++a) gradient_lanes<double>(c, ng, a, t, b, gb1, q1);
  double gbs[4], qs[4];
  for (int k = 0; k < 4; ++k) {
    gbs[k] = sum8(gb8[k]) + sum4(gb4[k]) + gb1[k];
    qs[k] = sum8(q8[k]) + sum4(q4[k]) + q1[k];
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
                                          int ng, double* gr, TableLookups& lookups) {
  const std::size_t gr_width = static_cast<std::size_t>(ng) * 4;
  std::fill(gr, gr + pairs.n_centers * gr_width, 0.0);
  const int n_groups = static_cast<int>(pairs.groups.size());
  if (static_cast<int>(lookups.groups.size()) < n_groups) lookups.groups.resize(n_groups);
  // Locate every pair first: a pair outside its table stops the run, so nothing is summed then.
  TableMiss miss;
  for (int e = 0; e < n_groups; ++e) {
    const PairGroup& group = pairs.groups[e];
    std::vector<PairLookup>& look = lookups.groups[e];
    ensure_size(look, static_cast<std::size_t>(group.n_pairs));
    const EmbeddingTable& table = tables.nets[e];
    for (int p = 0; p < group.n_pairs; ++p) {
      const double x = group.env[4 * static_cast<std::size_t>(p)];
      if (table.empty() || !table_locate(table.geometry, x, look[p].interval, look[p].offset)) {
        miss.merge(TableMiss{1, e, p, x});
      }
    }
  }
  if (miss.count > 0) return miss;
  for (int e = 0; e < n_groups; ++e) {
    const PairGroup& group = pairs.groups[e];
    const PairLookup* look = lookups.groups[e].data();
    const double* coeff = tables.nets[e].coeff.data();
    // The pairs are centre-major: one run of pairs per centre.
    for (int begin = 0, end = 0; begin < group.n_pairs; begin = end) {
      const int c = group.center[begin];
      while (end < group.n_pairs && group.center[end] == c) ++end;
      accumulate_center(coeff, ng, look + begin, &group.env[4 * static_cast<std::size_t>(begin)],
                        end - begin, gr + c * gr_width);
    }
  }
  return miss;
}

void tabulated_embedding_backward_cpu(const EmbeddingTables& tables, const TableLookups& lookups,
                                      const double* grad_gr, int ng, ChunkPairs& pairs) {
  const std::size_t gr_width = static_cast<std::size_t>(ng) * 4;
  for (int e = 0; e < static_cast<int>(pairs.groups.size()); ++e) {
    PairGroup& group = pairs.groups[e];
    ensure_size(group.grad_env, 4 * static_cast<std::size_t>(group.n_pairs));
    const PairLookup* look = lookups.groups[e].data();
    const double* coeff = tables.nets[e].coeff.data();
    const std::size_t stride = 6 * static_cast<std::size_t>(ng);
    for (int p = 0; p < group.n_pairs; ++p) {
      pair_gradient(coeff + look[p].interval * stride, ng, look[p].offset,
                    &group.env[4 * static_cast<std::size_t>(p)],
                    grad_gr + group.center[p] * gr_width,
                    &group.grad_env[4 * static_cast<std::size_t>(p)],
                    coeff + look[p + 1 < group.n_pairs ? p + 1 : p].interval * stride);
    }
  }
}

}  // namespace md::deep
