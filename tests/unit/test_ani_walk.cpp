// SPDX-License-Identifier: MIT
/// \file
/// The per-centre AEV walk that each CUDA thread runs (potential/ani/aev_walk.hpp), run here on
/// the CPU: in double it must reproduce the CPU launcher (aev_cpu.hpp) — AEVs, forces, virial
/// and per-atom virials — to rounding; in float (the CUDA `mixed` precision) its AEVs and forces
/// must stay within the bounds stated below of the double ones. This is how the GPU's math is
/// exercised in CI, where no GPU runs it.
///
/// Model: the shipped ANI-2x member 0. Systems: the 192-atom water box (coordinates moved by up
/// to ±0.1 Å, periodic) and an open cluster with all seven elements.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "io/ani_model_reader.hpp"
#include "potential/ani/aev_cpu.hpp"
#include "potential/ani/aev_walk.hpp"
#include "potential/ani/prepared_ani_model.hpp"
#include "tests/support/ani_test_systems.hpp"
#include "tests/support/deep_test_util.hpp"

namespace {

using md::ani::AevWalkArgs;

struct System {
  md::test::PeriodicSystem atoms;
  std::vector<int> elements;  ///< [n_all] model element of each atom
};

const md::AniModel& shipped_model() {
  static const md::AniModel model =
      md::read_ani_model(std::string(MD_SOURCE_DIR) + "/models/ani2x_member0.h5");
  return model;
}

System make_system(bool water) {
  const md::AniModel& model = shipped_model();
  std::vector<double> positions;
  std::vector<int> types;
  std::vector<std::string> names;
  std::array<double, 9> cell{};
  if (water) {
    const md::test::LammpsData data = md::test::water_box();
    positions = data.positions;
    types = data.types;
    md::test::perturb(positions, 0.1, 7);
    cell = md::test::orthorhombic_cell(data.box[0], data.box[1], data.box[2]);
    names = {"O", "H"};
  } else {
    const md::test::AniCluster c = md::test::ani_molecule_cluster();
    positions = c.positions;
    types = c.types;
    cell = c.cell;
    names = md::test::kAniClusterTypes;
  }
  const double cutoff = model.aev.radial_cutoff + 1.0;  // with a skin, as in a run
  System s{md::test::make_periodic_system(positions, types, cell, {water, water, water}, cutoff),
           {}};
  const md::ani::PreparedAniModel prepared =
      md::ani::prepare_ani_model(model, md::AniOptions{}, names);
  for (int t : s.atoms.types) s.elements.push_back(prepared.element_of_type[t]);
  return s;
}

/// The launch arguments (AevWalkArgs<Real> or the CPU's AevArgs) for all local centres of `s`.
template <class Args, class Constants>
Args args_for(const System& s, const Constants& constants) {
  Args a;
  a.view = constants.view;
  a.positions = s.atoms.positions.data();
  a.elements = s.elements.data();
  a.offsets = s.atoms.offsets.data();
  a.neighbors = s.atoms.neighbors.data();
  a.center_begin = 0;
  a.n_centers = s.atoms.n_local;
  return a;
}

/// AEVs of all local centres by the walk, [n_local][aev_length].
template <class Real>
std::vector<Real> walk_aevs(const AevWalkArgs<Real>& a) {
  std::vector<Real> aev(static_cast<std::size_t>(a.n_centers) * a.view.aev_length);
  for (int c = 0; c < a.n_centers; ++c) {
    md::ani::aev_center_forward(a, c, aev.data() + static_cast<std::size_t>(c) * a.view.aev_length);
  }
  return aev;
}

struct Backward {
  std::vector<double> forces, virial, atom_virial;
};

/// A fixed ∂E/∂AEV with entries of both signs, O(0.1).
std::vector<double> some_gradient(std::size_t n) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> u(-0.1, 0.1);
  std::vector<double> g(n);
  for (double& x : g) x = u(rng);
  return g;
}

double max_abs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

template <class A, class B>
double max_abs_diff(const std::vector<A>& a, const std::vector<B>& b) {
  REQUIRE(a.size() == b.size());
  double m = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    m = std::max(m, std::abs(static_cast<double>(a[k]) - static_cast<double>(b[k])));
  }
  return m;
}

/// Runs the walk's backward pass over all centres on the CPU (plain adds for the atomics).
template <class Real>
Backward run_walk_backward(const System& s, const AevWalkArgs<Real>& a,
                           const std::vector<Real>& grad) {
  const auto n_all = static_cast<std::size_t>(s.atoms.n_all);
  Backward b{std::vector<double>(3 * n_all, 0.0), std::vector<double>(9, 0.0),
             std::vector<double>(9 * n_all, 0.0)};
  const int length = a.view.aev_length;
  for (int c = 0; c < a.n_centers; ++c) {
    md::ani::aev_center_backward(a, c, grad.data() + static_cast<std::size_t>(c) * length,
                                 b.forces.data(), b.virial.data(), b.atom_virial.data(),
                                 [](double* address, double value) { *address += value; });
  }
  return b;
}

}  // namespace

TEST_CASE("ani walk: in double it equals the CPU launcher", "[ani][unit]") {
  const bool water = GENERATE(true, false);
  INFO((water ? "periodic water" : "molecule cluster"));
  const System s = make_system(water);
  const auto constants = md::ani::make_aev_constants<double>(shipped_model());
  const auto walk = args_for<AevWalkArgs<double>>(s, constants);
  const auto cpu = args_for<md::ani::AevArgs<double>>(s, constants);
  const int length = constants.view.aev_length;
  const auto n_local = static_cast<std::size_t>(s.atoms.n_local);
  const auto n_all = static_cast<std::size_t>(s.atoms.n_all);

  md::ani::AevWorkspace<double> ws;
  std::vector<double> aev_cpu(n_local * length);
  md::ani::aev_forward_cpu(cpu, ws, aev_cpu.data());
  const std::vector<double> aev_walk = walk_aevs(walk);
  REQUIRE(max_abs(aev_cpu) > 0.1);  // the systems have neighbours in every block kind
  CHECK(max_abs_diff(aev_walk, aev_cpu) <= 1e-12 * max_abs(aev_cpu));

  const std::vector<double> grad = some_gradient(n_local * length);
  std::vector<double> forces(3 * n_all, 0.0), virial(9, 0.0), atom_virial(9 * n_all, 0.0);
  md::ani::aev_backward_cpu(cpu, ws, grad.data(), forces.data(), virial.data(), atom_virial.data());
  const Backward b = run_walk_backward(s, walk, grad);
  REQUIRE(max_abs(forces) > 1e-3);
  CHECK(max_abs_diff(b.forces, forces) <= 1e-12 * max_abs(forces));
  CHECK(max_abs_diff(b.virial, virial) <= 1e-12 * max_abs(virial));
  CHECK(max_abs_diff(b.atom_virial, atom_virial) <= 1e-12 * max_abs(atom_virial));
}

TEST_CASE("ani walk: in float (CUDA mixed) it stays close to double", "[ani][unit]") {
  const bool water = GENERATE(true, false);
  INFO((water ? "periodic water" : "molecule cluster"));
  const System s = make_system(water);
  const auto constants_d = md::ani::make_aev_constants<double>(shipped_model());
  const auto constants_f = md::ani::make_aev_constants<float>(shipped_model());
  const auto walk_d = args_for<AevWalkArgs<double>>(s, constants_d);
  const auto walk_f = args_for<AevWalkArgs<float>>(s, constants_f);
  const auto n = static_cast<std::size_t>(s.atoms.n_local) * constants_d.view.aev_length;

  // AEV terms are sums of up to ~100 positive float terms of size ≤ 1 (2⁻²⁴ ≈ 6e-8 each):
  // 1e-5 of the largest term bounds their rounding with a margin of ~10.
  const std::vector<double> aev_d = walk_aevs(walk_d);
  const std::vector<float> aev_f = walk_aevs(walk_f);
  const double aev_error = max_abs_diff(aev_f, aev_d) / max_abs(aev_d);
  WARN("float AEV: max |Δ| / max |AEV| = " << aev_error);
  CHECK(aev_error <= 1e-5);
  CHECK(aev_error > 0.0);  // the float path really computes in float

  const std::vector<double> grad_d = some_gradient(n);
  const std::vector<float> grad_f(grad_d.begin(), grad_d.end());
  const Backward bd = run_walk_backward(s, walk_d, grad_d);
  const Backward bf = run_walk_backward(s, walk_f, grad_f);
  const double force_error = max_abs_diff(bf.forces, bd.forces) / max_abs(bd.forces);
  const double virial_error = max_abs_diff(bf.virial, bd.virial) / max_abs(bd.virial);
  WARN("float AEV backward: forces " << force_error << ", virial " << virial_error
                                     << " (max |Δ| / max |ref|)");
  CHECK(force_error <= 1e-5);
  CHECK(virial_error <= 1e-5);
}

TEST_CASE("ani walk: the CPU launcher in float (CPU mixed) stays as close to double",
          "[ani][unit]") {
  const bool water = GENERATE(true, false);
  INFO((water ? "periodic water" : "molecule cluster"));
  const System s = make_system(water);
  const auto constants_d = md::ani::make_aev_constants<double>(shipped_model());
  const auto constants_f = md::ani::make_aev_constants<float>(shipped_model());
  const auto walk_d = args_for<AevWalkArgs<double>>(s, constants_d);
  const auto cpu_f = args_for<md::ani::AevArgs<float>>(s, constants_f);
  const auto n_all = static_cast<std::size_t>(s.atoms.n_all);
  const auto n = static_cast<std::size_t>(s.atoms.n_local) * constants_d.view.aev_length;

  // The bounds of the float walk above: the launcher groups and pads its sums differently but
  // rounds as much.
  md::ani::AevWorkspace<float> ws;
  std::vector<float> aev_f(n);
  md::ani::aev_forward_cpu(cpu_f, ws, aev_f.data());
  const std::vector<double> aev_d = walk_aevs(walk_d);
  const double aev_error = max_abs_diff(aev_f, aev_d) / max_abs(aev_d);
  CHECK(aev_error <= 1e-5);
  CHECK(aev_error > 0.0);

  const std::vector<double> grad_d = some_gradient(n);
  const std::vector<float> grad_f(grad_d.begin(), grad_d.end());
  std::vector<double> forces(3 * n_all, 0.0), virial(9, 0.0), atom_virial(9 * n_all, 0.0);
  md::ani::aev_backward_cpu(cpu_f, ws, grad_f.data(), forces.data(), virial.data(),
                            atom_virial.data());
  const Backward bd = run_walk_backward(s, walk_d, grad_d);
  CHECK(max_abs_diff(forces, bd.forces) <= 1e-5 * max_abs(bd.forces));
  CHECK(max_abs_diff(virial, bd.virial) <= 1e-5 * max_abs(bd.virial));
  CHECK(max_abs_diff(atom_virial, bd.atom_virial) <= 1e-5 * max_abs(bd.atom_virial));
}
