// SPDX-License-Identifier: MIT
/// \file
/// The CPU ops that the compressed step is made of, each against a plain reference written here:
///  - tabulated_embedding forward and backward (register-blocked, vectorised in lanes of 8 and 4
///    with a scalar tail) against one scalar loop per pair over embedding_table_math.hpp, for
///    widths that exercise every lane path;
///  - the fitting fold (fitting_fold.hpp): the folded net gives the unfolded net's energy on a
///    descriptor with a symmetric leading block, and its gradient is the mirrored-pair sum.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "potential/deep/fitting_fold.hpp"
#include "potential/deep/tabulated_embedding.hpp"
#include "potential/nn/energy_net.hpp"

namespace {

/// A table with random coefficients on [−1, 3): fine stride 0.25 up to 1, coarse 0.5 beyond.
md::deep::EmbeddingTable random_table(std::mt19937& rng, int ng) {
  std::uniform_real_distribution<double> coefficient(-1.0, 1.0);
  md::deep::EmbeddingTable table;
  md::deep::TableGeometry& g = table.geometry;
  g.lower = -1.0;
  g.upper = 1.0;
  g.max = 3.0;
  g.stride0 = 0.25;
  g.stride1 = 0.5;
  g.n_fine = 8;
  g.n_intervals = 12;
  table.ng = ng;
  table.coeff.resize(static_cast<std::size_t>(g.n_intervals) * 6 * ng);
  for (double& c : table.coeff) c = coefficient(rng);
  return table;
}

/// Three centres' pairs in two groups, centre-major, every x inside the tables; centre 1 has no
/// pair in group 0.
md::deep::ChunkPairs random_pairs(std::mt19937& rng) {
  std::uniform_real_distribution<double> x(-1.0, 2.99), component(-0.5, 0.5);
  md::deep::ChunkPairs pairs;
  pairs.n_centers = 3;
  pairs.groups.resize(2);
  const int counts[2][3] = {{4, 0, 7}, {3, 5, 2}};
  for (int e = 0; e < 2; ++e) {
    md::deep::PairGroup& group = pairs.groups[e];
    for (int c = 0; c < 3; ++c) {
      for (int k = 0; k < counts[e][c]; ++k) {
        const double d[3] = {1.0, 0.0, 0.0};
        group.push(c, 0, 0, d);
        group.env.push_back(x(rng));
        for (int m = 0; m < 3; ++m) group.env.push_back(component(rng));
      }
    }
  }
  return pairs;
}

}  // namespace

TEST_CASE("deepmd ops: the fused tabulated embedding equals per-pair scalar loops",
          "[deepmd][unit]") {
  std::mt19937 rng(14);
  for (const int ng : {3, 8, 13, 21}) {  // scalar; one lane of 8; 8+4+1; 16+4+1
    CAPTURE(ng);
    md::deep::EmbeddingTables tables;
    tables.nets = {random_table(rng, ng), random_table(rng, ng)};
    md::deep::ChunkPairs pairs = random_pairs(rng);
    const std::size_t width = 4 * static_cast<std::size_t>(ng);

    // Reference: gr[c][k][a] = Σ_p G_a(x_p)·R̃_pk, and the backward's two dot products.
    std::vector<double> gr_ref(3 * width, 0.0);
    std::vector<double> grad_gr(3 * width);
    std::uniform_real_distribution<double> b_value(-1.0, 1.0);
    for (double& b : grad_gr) b = b_value(rng);
    std::vector<std::vector<double>> grad_env_ref(2);
    for (int e = 0; e < 2; ++e) {
      const md::deep::PairGroup& group = pairs.groups[e];
      for (int p = 0; p < group.n_pairs; ++p) {
        const double* row = &group.env[4 * p];
        int interval = 0;
        double t = 0.0;
        REQUIRE(md::deep::table_locate(tables.nets[e].geometry, row[0], interval, t));
        const double* c = &tables.nets[e].coeff[static_cast<std::size_t>(interval) * 6 * ng];
        const double* b = &grad_gr[group.center[p] * width];
        double gb[4] = {0, 0, 0, 0}, q[4] = {0, 0, 0, 0};
        for (int a = 0; a < ng; ++a) {
          double value = 0.0, slope = 0.0;
          md::deep::table_value_slope(c, ng, a, t, value, slope);
          for (int k = 0; k < 4; ++k) {
            gr_ref[group.center[p] * width + k * ng + a] += value * row[k];
            gb[k] += b[k * ng + a] * value;
            q[k] += b[k * ng + a] * slope;
          }
        }
        grad_env_ref[e].push_back(gb[0] + row[0] * q[0] + row[1] * q[1] + row[2] * q[2] +
                                  row[3] * q[3]);
        for (int k = 1; k < 4; ++k) grad_env_ref[e].push_back(gb[k]);
      }
    }

    std::vector<double> gr(3 * width, -7.0);  // overwritten
    md::deep::TableLookups lookups;
    const md::deep::TableMiss miss =
        md::deep::tabulated_embedding_forward_cpu(tables, pairs, ng, gr.data(), lookups);
    REQUIRE(miss.count == 0);
    for (std::size_t i = 0; i < gr.size(); ++i) {
      CHECK(gr[i] == Approx(gr_ref[i]).margin(1e-13));
    }
    md::deep::tabulated_embedding_backward_cpu(tables, lookups, grad_gr.data(), ng, pairs);
    for (int e = 0; e < 2; ++e) {
      for (std::size_t i = 0; i < grad_env_ref[e].size(); ++i) {
        CHECK(pairs.groups[e].grad_env[i] == Approx(grad_env_ref[e][i]).margin(1e-12));
      }
    }

    // A pair beyond the table is reported (the first one seen, and how many).
    pairs.groups[1].env[4 * 2] = 3.5;
    pairs.groups[1].env[4 * 4] = 9.0;
    const md::deep::TableMiss out =
        md::deep::tabulated_embedding_forward_cpu(tables, pairs, ng, gr.data(), lookups);
    CHECK(out.count == 2);
    CHECK(out.group == 1);
    CHECK(out.pair == 2);
    CHECK(out.x == 3.5);
  }
}

TEST_CASE("deepmd ops: the folded fitting net is the same function of the descriptor",
          "[deepmd][unit]") {
  std::mt19937 rng(15);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (const auto& [ng, m2] : {std::pair{6, 4}, std::pair{5, 5}, std::pair{9, 3}}) {
    CAPTURE(ng, m2);
    const int dim_d = ng * m2;
    const int n_extra = 2;  // fparam-like inputs after the descriptor, not folded
    md::DenseNet net;
    md::DenseLayer first;
    first.n_in = dim_d + n_extra;
    first.n_out = 7;
    for (int k = 0; k < first.n_in * first.n_out; ++k) first.weight.push_back(0.3 * normal(rng));
    for (int k = 0; k < first.n_out; ++k) first.bias.push_back(normal(rng));
    first.activation.kind = md::ActivationKind::kTanh;
    md::DenseLayer last;
    last.n_in = 7;
    last.n_out = 1;
    for (int k = 0; k < 7; ++k) last.weight.push_back(normal(rng));
    last.activation.kind = md::ActivationKind::kNone;
    net.layers = {first, last};

    const md::deep::FittingFold fold = md::deep::make_fitting_fold(ng, m2);
    CHECK(fold.folded_dim() == dim_d - m2 * (m2 - 1) / 2);
    const md::DenseNet folded = md::deep::fold_fitting_net(net, fold);
    REQUIRE(folded.n_in() == fold.folded_dim() + n_extra);

    // Descriptors D[a][b] = Σ_k T[k][a]·T[k][b], symmetric in the leading m2 × m2 block.
    const int rows = 3;
    std::vector<double> input(rows * (dim_d + n_extra)), folded_input(rows * folded.n_in());
    for (int r = 0; r < rows; ++r) {
      std::vector<double> t(4 * ng);
      for (double& v : t) v = normal(rng);
      double* d = &input[r * (dim_d + n_extra)];
      for (int a = 0; a < ng; ++a) {
        for (int b = 0; b < m2; ++b) {
          d[a * m2 + b] = 0.0;
          for (int k = 0; k < 4; ++k) d[a * m2 + b] += t[k * ng + a] * t[k * ng + b];
        }
      }
      d[dim_d] = normal(rng);
      d[dim_d + 1] = normal(rng);
      double* x = &folded_input[r * folded.n_in()];
      md::deep::fitting_fold_gather(fold, d, x);
      x[fold.folded_dim()] = d[dim_d];
      x[fold.folded_dim() + 1] = d[dim_d + 1];
    }
    std::vector<double> energy(rows), grad(input.size()), folded_energy(rows),
        folded_grad(folded_input.size());
    md::nn::EnergyNetWorkspace ws;
    md::nn::energy_net_cpu(net, rows, input.data(), energy.data(), grad.data(), ws);
    md::nn::energy_net_cpu(folded, rows, folded_input.data(), folded_energy.data(),
                           folded_grad.data(), ws);
    for (int r = 0; r < rows; ++r) {
      CHECK(folded_energy[r] == Approx(energy[r]).margin(1e-13));
      // Unfolded: ∂E/∂D[a][b] and ∂E/∂D[b][a] separately; folded: their sum on the kept entry,
      // 0 on the dropped one.
      std::vector<double> scattered(dim_d, -7.0);
      md::deep::fitting_fold_scatter(fold, &folded_grad[r * folded.n_in()], scattered.data());
      const double* g = &grad[r * (dim_d + n_extra)];
      for (int a = 0; a < ng; ++a) {
        for (int b = 0; b < m2; ++b) {
          CAPTURE(a, b);
          double expected = g[a * m2 + b];
          if (a < m2 && b < a) expected = 0.0;
          if (a < m2 && b > a) expected += g[b * m2 + a];
          CHECK(scattered[a * m2 + b] == Approx(expected).margin(1e-13));
        }
      }
      for (int e = 0; e < n_extra; ++e) {
        CHECK(folded_grad[r * folded.n_in() + fold.folded_dim() + e] ==
              Approx(g[dim_d + e]).margin(1e-13));
      }
    }
  }
}
