// SPDX-License-Identifier: MIT
/// \file
/// Unit tests of the Deep Potential ops on tiny hand-built inputs: the shared per-element and
/// per-pair math (activations, switch, env row), the batched nets against their one-row
/// reference paths, neighbour formatting (sel, slots, exclusions), and the sel-overflow policy.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "core/error.hpp"
#include "potential/nn/activation.hpp"
#include "potential/deep/embedding_net.hpp"
#include "potential/deep/env_mat.hpp"
#include "potential/nn/energy_net.hpp"
#include "potential/deep/format_nlist.hpp"
#include "tests/support/deep_test_util.hpp"

namespace {

using md::ActivationKind;

md::DenseLayer random_layer(std::mt19937& rng, int n_in, int n_out, ActivationKind kind, bool bias,
                            bool timestep, bool resnet) {
  std::normal_distribution<double> normal(0.0, 1.0 / std::sqrt(n_in + n_out));
  md::DenseLayer layer;
  layer.n_in = n_in;
  layer.n_out = n_out;
  for (int k = 0; k < n_in * n_out; ++k) layer.weight.push_back(normal(rng));
  if (bias) {
    for (int k = 0; k < n_out; ++k) layer.bias.push_back(normal(rng));
  }
  if (timestep) {
    for (int k = 0; k < n_out; ++k) layer.timestep.push_back(0.1 + 0.01 * normal(rng));
  }
  layer.activation.kind = kind;
  if (resnet && n_out == n_in) layer.residual = md::Residual::kIdentity;
  if (resnet && n_out == 2 * n_in) layer.residual = md::Residual::kDoubled;
  return layer;
}

/// Central difference of f at x.
template <class F>
double derivative(F f, double x, double h) {
  return (f(x + h) - f(x - h)) / (2 * h);
}

}  // namespace

TEST_CASE("deepmd ops: tanh_fast agrees with std::tanh to 4e-16", "[deepmd][unit]") {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> wide(-25.0, 25.0), narrow(-1e-3, 1e-3);
  double worst = 0.0;
  for (int k = 0; k < 200000; ++k) {
    const double x = (k % 2 == 0) ? wide(rng) : narrow(rng);
    worst = std::max(worst, std::fabs(md::nn::tanh_fast(x) - std::tanh(x)));
  }
  for (double x : {0.0, -0.0, 1e-300, 19.0, 20.0, 400.0, -400.0, 1e308, -1e308}) {
    worst = std::max(worst, std::fabs(md::nn::tanh_fast(x) - std::tanh(x)));
  }
  CHECK(worst < 4e-16);
  // exp_fast: relative error of a double rounding or two.
  for (double x : {-700.0, -20.5, -1.0, -1e-9, 0.0, 0.3, 1.0, 50.0, 700.0}) {
    CHECK(md::exp_fast(x) == Approx(std::exp(x)).epsilon(4e-16));
  }
}

TEST_CASE("deepmd ops: activation derivatives match finite differences", "[deepmd][unit]") {
  const ActivationKind kinds[] = {
      ActivationKind::kNone,  ActivationKind::kTanh,     ActivationKind::kRelu,
      ActivationKind::kRelu6, ActivationKind::kSoftplus, ActivationKind::kSigmoid,
      ActivationKind::kSilu,  ActivationKind::kGelu,     ActivationKind::kSilut,
      ActivationKind::kCelu};
  md::Activation act;
  act.alpha = 0.1;      // celu (ANI's)
  act.threshold = 2.0;  // silut: values on both sides of the switch point below
  const double sig = 1.0 / (1.0 + std::exp(-act.threshold));
  act.slope = sig + act.threshold * sig * (1.0 - sig);
  act.offset = act.threshold * sig;
  for (ActivationKind kind : kinds) {
    act.kind = kind;
    for (double x : {-3.7, -0.8, 0.3, 1.1, 2.5, 4.2, 7.5}) {
      double dy = 0.0;
      md::nn::activation(act, x, dy);
      const double fd = derivative(
          [&](double v) {
            double unused;
            return md::nn::activation(act, v, unused);
          },
          x, 1e-6);
      INFO("kind " << static_cast<int>(kind) << " at x = " << x);
      CHECK(dy == Approx(fd).margin(1e-8));
    }
  }
  // Definitions at a few points (DeePMD-kit's formulas).
  double dy;
  act.kind = ActivationKind::kGelu;
  const double x = 0.7;
  CHECK(md::nn::activation(act, x, dy) ==
        Approx(0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)))));
  act.kind = ActivationKind::kSilut;
  CHECK(md::nn::activation(act, 1.0, dy) == Approx(1.0 / (1.0 + std::exp(-1.0))));
  CHECK(md::nn::activation(act, 3.0, dy) == Approx(std::tanh(act.slope * 1.0) + act.offset));
  act.kind = ActivationKind::kSoftplus;
  CHECK(md::nn::activation(act, 800.0, dy) == Approx(800.0));  // no overflow
  act.kind = ActivationKind::kRelu6;
  CHECK(md::nn::activation(act, 9.0, dy) == 6.0);
  act.kind = ActivationKind::kCelu;  // torch.nn.CELU(0.1)
  CHECK(md::nn::activation(act, 0.4, dy) == 0.4);
  CHECK(md::nn::activation(act, -0.05, dy) == Approx(0.1 * (std::exp(-0.5) - 1.0)).epsilon(1e-15));
  CHECK(dy == Approx(std::exp(-0.5)).epsilon(1e-15));
}

TEST_CASE("deepmd ops: switch and env row values and derivatives", "[deepmd][unit]") {
  const double rs = 0.5, rc = 6.0;
  double dsw = -1.0;
  CHECK(md::deep::smooth_switch(0.3, rs, rc, dsw) == 1.0);
  CHECK(dsw == 0.0);
  CHECK(md::deep::smooth_switch(rc, rs, rc, dsw) == 0.0);
  CHECK(dsw == 0.0);
  CHECK(md::deep::smooth_switch(0.5 * (rs + rc), rs, rc, dsw) == Approx(0.5));
  for (double r : {0.6, 2.0, 3.3, 5.9}) {
    md::deep::smooth_switch(r, rs, rc, dsw);
    const double fd = derivative(
        [&](double v) {
          double unused;
          return md::deep::smooth_switch(v, rs, rc, unused);
        },
        r, 1e-6);
    CHECK(dsw == Approx(fd).margin(1e-8));
  }
  // The row and its derivative, with and without protection.
  for (double protection : {0.0, 0.05}) {
    const double d[3] = {1.3, -0.4, 2.2};
    double row[4], deriv[12];
    md::deep::env_mat_row(d, 1.0, 5.0, protection, row, deriv);
    const double r = std::sqrt(1.3 * 1.3 + 0.4 * 0.4 + 2.2 * 2.2);
    double unused;
    const double sw = md::deep::smooth_switch(r, 1.0, 5.0, unused);
    CHECK(row[0] == Approx(sw / (r + protection)));
    CHECK(row[3] == Approx(sw * 2.2 / ((r + protection) * (r + protection))));
    for (int b = 0; b < 3; ++b) {
      double plus[3] = {d[0], d[1], d[2]}, minus[3] = {d[0], d[1], d[2]};
      plus[b] += 1e-6;
      minus[b] -= 1e-6;
      double row_p[4], row_m[4], scratch[12];
      md::deep::env_mat_row(plus, 1.0, 5.0, protection, row_p, scratch);
      md::deep::env_mat_row(minus, 1.0, 5.0, protection, row_m, scratch);
      for (int c = 0; c < 4; ++c) {
        CHECK(deriv[3 * c + b] == Approx((row_p[c] - row_m[c]) / 2e-6).margin(1e-8));
      }
    }
  }
}

TEST_CASE("deepmd ops: the batched embedding net equals the one-row reference", "[deepmd][unit]") {
  std::mt19937 rng(5);
  // 1→2 (doubling residual on the first layer, as in DeePMD-kit's TF twin), 2→4 doubling with
  // timestep, 4→4 identity, 4→8 doubling without bias: every residual form.
  md::DenseNet net;
  net.layers.push_back(random_layer(rng, 1, 2, ActivationKind::kTanh, true, false, true));
  net.layers.push_back(random_layer(rng, 2, 4, ActivationKind::kTanh, true, true, true));
  net.layers.push_back(random_layer(rng, 4, 4, ActivationKind::kGelu, true, false, true));
  net.layers.push_back(random_layer(rng, 4, 8, ActivationKind::kTanh, false, false, true));
  md::deep::PairGroup group;
  const int n = md::deep::kEmbeddingBlockRows + 37;  // more than one block
  std::uniform_real_distribution<double> s_dist(-2.0, 8.0);
  group.n_pairs = n;
  group.env.resize(4 * n);
  for (int p = 0; p < n; ++p) group.env[4 * p] = s_dist(rng);
  md::deep::EmbeddingWorkspace ws;
  md::deep::embedding_net_cpu(net, group, ws);
  for (int p = 0; p < n; p += 17) {
    double g[8], dg[8];
    md::deep::embedding_net_single(net, group.env[4 * p], g, dg);
    for (int a = 0; a < 8; ++a) {
      CHECK(group.g[8 * p + a] == Approx(g[a]).margin(1e-14));
      CHECK(group.g_deriv[8 * p + a] == Approx(dg[a]).margin(1e-13));
      const double fd = derivative(
          [&](double s) {
            double out[8];
            md::deep::embedding_net_single(net, s, out, nullptr);
            return out[a];
          },
          group.env[4 * p], 1e-6);
      CHECK(dg[a] == Approx(fd).margin(1e-8));
    }
  }
}

TEST_CASE("deepmd ops: the fitting net gradient matches finite differences", "[deepmd][unit]") {
  std::mt19937 rng(6);
  md::DenseNet net;
  net.layers.push_back(random_layer(rng, 6, 5, ActivationKind::kTanh, true, false, true));
  net.layers.push_back(random_layer(rng, 5, 5, ActivationKind::kTanh, true, true, true));
  // Every bias/timestep combination (energy_net_cpu instantiates one loop per combination).
  net.layers.push_back(random_layer(rng, 5, 5, ActivationKind::kTanh, false, true, true));
  net.layers.push_back(random_layer(rng, 5, 5, ActivationKind::kTanh, false, false, false));
  net.layers.push_back(random_layer(rng, 5, 10, ActivationKind::kSilu, true, false, true));
  net.layers.push_back(random_layer(rng, 10, 1, ActivationKind::kNone, true, false, false));
  const int rows = 7;
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> input(rows * 6), energy(rows), grad(rows * 6);
  for (double& x : input) x = normal(rng);
  md::nn::EnergyNetWorkspace ws;
  md::nn::energy_net_cpu(net, rows, input.data(), energy.data(), grad.data(), ws);
  for (int r = 0; r < rows; ++r) {
    CHECK(energy[r] == Approx(md::nn::energy_net_single(net, &input[6 * r])).margin(1e-14));
    for (int k = 0; k < 6; ++k) {
      std::vector<double> x(input.begin() + 6 * r, input.begin() + 6 * r + 6);
      const double fd = derivative(
          [&](double v) {
            x[k] = v;
            return md::nn::energy_net_single(net, x.data());
          },
          input[6 * r + k], 1e-6);
      CHECK(grad[6 * r + k] == Approx(fd).margin(1e-8));
    }
  }
}

TEST_CASE("deepmd ops: format_nlist keeps the nearest sel per type, in slot order",
          "[deepmd][unit]") {
  // Centre 0 (type 0) at the origin; neighbours at the given distances (rcut = 4 Å):
  //   j:    1    2    3    4    5    6    7    8    9
  //   r:  2.0  1.0  3.0  1.5  2.5  4.0  4.0  0.5  4.5
  //   t:    0    0    0    1    1    1    1    1    1
  // Atoms 6 and 7 sit exactly at rcut (within rcut, as in DeePMD-kit), atom 9 is beyond it,
  // and the list also holds the centre itself (skipped).
  const std::vector<double> x = {0, 0,   0, 2.0, 0, 0,   1.0, 0, 0,    3.0, 0, 0,   0, 1.5,  0,
                                 0, 2.5, 0, 0,   0, 4.0, 0,   0, -4.0, 0,   0, 0.5, 0, -4.5, 0};
  const std::vector<int> types = {0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
  const std::vector<int> offsets = {0, 10};
  const std::vector<int> neighbors = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  const int sel[2] = {2, 3};
  const std::vector<char> no_pairs(4, 0);
  md::deep::FormatNlistArgs args;
  args.positions = x.data();
  args.model_types = types.data();
  args.offsets = offsets.data();
  args.neighbors = neighbors.data();
  args.center_begin = 0;
  args.n_centers = 1;
  args.n_types = 2;
  args.sel = sel;
  args.rcut = 4.0;
  args.pair_exclude = no_pairs.data();
  args.descriptor_exclude = no_pairs.data();
  args.type_one_side = true;
  md::deep::FormatNlistWorkspace ws;
  md::deep::ChunkPairs out;

  md::deep::format_nlist_cpu(args, ws, out);
  // Type 0: 3 candidates, sel 2: keeps 2 (r 1.0) and 1 (r 2.0) in slots 0, 1.
  REQUIRE(out.groups[0].n_pairs == 2);
  CHECK(out.groups[0].neighbor[0] == 2);
  CHECK(out.groups[0].neighbor[1] == 1);
  CHECK(out.groups[0].slot[1] == 1);
  CHECK(out.groups[0].diff[3] == 2.0);
  // Type 1: 8 (0.5), 4 (1.5), 5 (2.5), 6 and 7 (4.0 = rcut, kept); sel 3 keeps 8, 4, 5.
  REQUIRE(out.groups[1].n_pairs == 3);
  CHECK(out.groups[1].neighbor[0] == 8);
  CHECK(out.groups[1].neighbor[1] == 4);
  CHECK(out.groups[1].neighbor[2] == 5);
  CHECK(out.groups[1].slot[0] == 2);
  CHECK(out.n_kept[0] == 2);
  CHECK(out.n_kept[1] == 3);
  CHECK(out.overflow.n_atoms == 1);
  CHECK(out.overflow.worst_excess == 2);  // type 1: 5 within rcut (two exactly at it), sel 3
  CHECK(out.overflow.worst_counts == std::vector<int>{3, 5});

  // Descriptor exclusion of (0, 1): type-1 neighbours still occupy slots but emit no pairs.
  const std::vector<char> exclude_01 = {0, 1, 1, 0};
  args.descriptor_exclude = exclude_01.data();
  md::deep::format_nlist_cpu(args, ws, out);
  CHECK(out.groups[1].n_pairs == 0);
  CHECK(out.n_kept[1] == 3);
  // Model pair exclusion of (0, 1): type-1 neighbours are removed: no slots, no overflow.
  args.descriptor_exclude = no_pairs.data();
  args.pair_exclude = exclude_01.data();
  md::deep::format_nlist_cpu(args, ws, out);
  CHECK(out.groups[1].n_pairs == 0);
  CHECK(out.n_kept[1] == 0);
  CHECK(out.overflow.n_atoms == 1);  // type 0 still overflows (3 > 2)
  CHECK(out.overflow.worst_excess == 1);
  // Two-side nets: the group index is t_i + T·t_j.
  args.pair_exclude = no_pairs.data();
  args.type_one_side = false;
  md::deep::format_nlist_cpu(args, ws, out);
  CHECK(out.groups[0].n_pairs == 2);
  CHECK(out.groups[2].n_pairs == 3);
}

namespace {

/// The model with sel reduced to `sel` (statistics cut to the new slots; uniform per block).
md::DeepModel with_sel(md::DeepModel m, const std::vector<int>& sel) {
  const int n_types = m.n_types();
  const int old_nnei = m.n_nei();
  std::vector<int> old_offset(n_types, 0);
  for (int t = 1; t < n_types; ++t) old_offset[t] = old_offset[t - 1] + m.sel[t - 1];
  std::vector<double> davg, dstd;
  for (int t_i = 0; t_i < n_types; ++t_i) {
    for (int t_j = 0; t_j < n_types; ++t_j) {
      for (int k = 0; k < sel[t_j]; ++k) {
        const std::size_t at = (static_cast<std::size_t>(t_i) * old_nnei + old_offset[t_j]) * 4;
        davg.insert(davg.end(), m.davg.begin() + at, m.davg.begin() + at + 4);
        dstd.insert(dstd.end(), m.dstd.begin() + at, m.dstd.begin() + at + 4);
      }
    }
  }
  m.sel = sel;
  m.davg = davg;
  m.dstd = dstd;
  return m;
}

}  // namespace

TEST_CASE("deepmd ops: the sel-overflow policy warns once per build or stops the run",
          "[deepmd][unit]") {
  const md::DeepModel model =
      with_sel(md::read_deepmd_model(md::test::deep_fixture_model()), {4, 8});
  md::test::LammpsData water = md::test::water_box();
  auto sys = md::test::make_periodic_system(
      water.positions, water.types,
      md::test::orthorhombic_cell(water.box[0], water.box[1], water.box[2]), {true, true, true},
      model.rcut + 1.0);

  md::DeepPotentialOptions stop;
  stop.sel_overflow = md::SelOverflowPolicy::kError;
  md::DeepPotential strict(model, stop, {"O", "H"});
  try {
    md::test::evaluate(strict, sys);
    FAIL("no error");
  } catch (const md::Error& e) {
    CHECK(e.code() == md::ExitCode::kUnstable);
    CHECK_THAT(e.what(), Catch::Contains("sel") && Catch::Contains("local atom") &&
                             Catch::Contains("192 local atom(s)"));
  }

  md::DeepPotential lenient(model, md::DeepPotentialOptions{}, {"O", "H"});
  const auto first = md::test::evaluate(lenient, sys);
  CHECK(std::isfinite(first.energy));
  CHECK(lenient.sel_overflow_warnings() == 1);
  md::test::evaluate(lenient, sys);  // same neighbour-list build: no second warning
  CHECK(lenient.sel_overflow_warnings() == 1);
  sys.build_count = 2;  // a rebuild
  md::test::evaluate(lenient, sys);
  CHECK(lenient.sel_overflow_warnings() == 2);
}

TEST_CASE("deepmd ops: forces are written for every atom, ghosts included", "[deepmd][unit]") {
  // A 13 Å periodic box with the fixture's 6 atoms: forces on ghost images are not zero, and
  // folding them reproduces the per-owner sum; energies of ghost rows are zero.
  const md::DeepModel model = md::read_deepmd_model(md::test::deep_fixture_model());
  md::DeepPotential pot(model, md::DeepPotentialOptions{}, {"O", "H"});
  const std::vector<double> coord = {12.83, 2.56, 2.18, 12.09, 2.87, 2.74, 0.25, 3.32, 1.68,
                                     3.36,  3.00, 1.81, 3.51,  2.51, 2.60, 4.27, 3.22, 1.56};
  const auto sys = md::test::make_periodic_system(coord, {0, 1, 1, 0, 1, 1},
                                                  md::test::orthorhombic_cell(13, 13, 13),
                                                  {true, true, true}, model.rcut + 1.0);
  REQUIRE(sys.n_all > sys.n_local);
  std::vector<double> forces(3 * sys.n_all, 7.0), energies(sys.n_all, 7.0);
  md::ForceOutput out;
  out.forces = md::Span<double>(forces.data(), forces.size());
  out.atom_energies = md::Span<double>(energies.data(), energies.size());
  md::ComputeRequest request;
  request.atom_energy = true;
  pot.compute(sys.atoms(), sys.neighbor_view(), request, out);
  double ghost_force = 0.0;
  for (int k = 3 * sys.n_local; k < 3 * sys.n_all; ++k) ghost_force += std::fabs(forces[k]);
  CHECK(ghost_force > 0.0);
  for (int k = sys.n_local; k < sys.n_all; ++k) CHECK(energies[k] == 0.0);
  // Net force of the whole (periodic) system is zero.
  for (int a = 0; a < 3; ++a) {
    double sum = 0.0;
    for (int k = 0; k < sys.n_all; ++k) sum += forces[3 * k + a];
    CHECK(sum == Approx(0.0).margin(1e-12));
  }
}
