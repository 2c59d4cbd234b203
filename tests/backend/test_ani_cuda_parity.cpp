// SPDX-License-Identifier: MIT
/// \file
/// The CUDA ANI evaluator (AniPotentialCuda) against the CPU evaluator (AniPotential, itself
/// checked against TorchANI in tests/regression/test_ani_torchani.cpp).
///
///  - The shipped ANI-2x member 0 on the perturbed 192-atom water box, on it replicated 2×2×2,
///    and on an open cluster of small molecules covering all seven elements: energy, forces
///    (folded and per image), virial, per-atom energies and virials, in double and mixed.
///  - A two-member ensemble (member 0 and a copy with perturbed weights, built in memory): the
///    sum over members on the device.
///  - compute_device against compute of the same object, across neighbour-list builds; one centre
///    per chunk and a small memory budget against one chunk.
///  - The element and ensemble errors are the CPU evaluator's.
///
/// Tolerances: double |Δ| ≤ 1e-10·max(1, |ref|) per value, as the Deep Potential's. Mixed:
/// |Δ| ≤ 1e-4 × the array's largest |ref|. The AEVs (≈ 100 radial and ≈ 1,000 angular float
/// terms per atom) and the 1,008-256-192-160-1 networks run in float (2⁻²⁴ ≈ 6e-8 per rounding);
/// the float AEV walk alone is within 5.2e-7 (forces) and 7.7e-7 (virial) of its double twin on
/// the CPU (tests/unit/test_ani_walk.cpp), so 1e-4 leaves room for the float networks on top
/// (to be calibrated on the first GPU run). The energy gets the same bound
/// relative to |E| (the sum of ~10⁵ eV of atomic energies whose float errors partly cancel).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "core/error.hpp"
#include "io/ani_model_reader.hpp"
#include "potential/ani/ani_potential.hpp"
#include "potential/ani/ani_potential_cuda.hpp"
#include "tests/support/ani_test_systems.hpp"
#include "tests/support/cuda_parity.hpp"

namespace {

using md::Precision;
using md::test::check_close;
using md::test::check_device_vs_host;
using md::test::check_results;
using md::test::DeepResult;
using md::test::device_compute;
using md::test::every_output;
using md::test::host_compute;
using md::test::PeriodicSystem;
using md::test::precision_name;
using md::test::RawResult;
using md::test::source_dir;
using md::test::Tolerance;
using md::test::water;

constexpr double kSkin = 1.0;  ///< neighbour-list skin beyond the radial cutoff, Å

Tolerance tol_for(Precision precision) {
  return precision == Precision::kDouble ? Tolerance{1e-10, 0.0} : Tolerance{0.0, 1e-4};
}
/// GPU against GPU, another chunking or entry point: only the order of the atomics and the GEMM
/// blocking differ in double; each float evaluation is its own within the mixed tolerance.
Tolerance gpu_vs_gpu_tolerance(Precision precision) {
  return precision == Precision::kDouble ? Tolerance{0.0, 1e-12} : Tolerance{0.0, 1e-4};
}

const md::AniModel& shipped_model() {
  static const md::AniModel model = md::read_ani_model(source_dir() + "/models/ani2x_member0.h5");
  return model;
}

md::AniOptions options(Precision precision) {
  md::AniOptions o;
  o.model_file = "ani2x_member0.h5";
  o.precision = precision;
  return o;
}

const std::vector<std::string>& kClusterTypes = md::test::kAniClusterTypes;

/// The seven-element molecule cluster (tests/support/ani_test_systems.hpp), open boundaries.
PeriodicSystem molecule_cluster(double cutoff) {
  const md::test::AniCluster c = md::test::ani_molecule_cluster();
  return md::test::make_periodic_system(c.positions, c.types, c.cell, {false, false, false},
                                        cutoff);
}

double list_cutoff() { return shipped_model().aev.radial_cutoff + kSkin; }

/// Member 0 and a second member: member 0's networks with every weight scaled by 1 + 1e-3·u,
/// u uniform in [−1, 1] (a different but comparable network).
md::AniModel two_member_model() {
  md::AniModel model = shipped_model();
  std::vector<md::DenseNet> second = model.members.front();
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  for (md::DenseNet& net : second) {
    for (auto& layer : net.layers) {
      for (double& w : layer.weight) w *= 1.0 + 1e-3 * u(rng);
    }
  }
  model.members.push_back(std::move(second));
  return model;
}

}  // namespace

TEST_CASE("ani cuda: water and the seven-element cluster match the CPU", "[backend][ani][cuda]") {
  const double cutoff = list_cutoff();
  const PeriodicSystem water_box = water(1, 0.1, 3, cutoff);
  const PeriodicSystem water_big = water(2, 0.1, 4, cutoff);
  const PeriodicSystem cluster = molecule_cluster(cutoff);
  for (Precision precision : {Precision::kDouble, Precision::kMixed}) {
    INFO(precision_name(precision));
    md::AniPotential cpu_water(shipped_model(), md::AniOptions{}, {"O", "H"});
    md::AniPotentialCuda gpu_water(shipped_model(), options(precision), {"O", "H"});
    CHECK(gpu_water.name() == (precision == Precision::kMixed ? "ani/mixed" : "ani"));
    for (const PeriodicSystem* sys : {&water_box, &water_big}) {
      INFO(sys->n_local << " water atoms");
      check_results(md::test::evaluate(gpu_water, *sys), md::test::evaluate(cpu_water, *sys),
                    tol_for(precision));
    }
    md::AniPotential cpu_cluster(shipped_model(), md::AniOptions{}, kClusterTypes);
    md::AniPotentialCuda gpu_cluster(shipped_model(), options(precision), kClusterTypes);
    INFO("cluster");
    check_results(md::test::evaluate(gpu_cluster, cluster),
                  md::test::evaluate(cpu_cluster, cluster), tol_for(precision));
  }
}

TEST_CASE("ani cuda: a two-member ensemble matches the CPU", "[backend][ani][cuda]") {
  const md::AniModel model = two_member_model();
  const PeriodicSystem sys = water(1, 0.1, 6, list_cutoff());
  md::AniPotential cpu(model, md::AniOptions{}, {"O", "H"});
  REQUIRE(cpu.members().size() == 2);
  const DeepResult reference = md::test::evaluate(cpu, sys);
  // The members differ: the ensemble is not member 0 alone.
  md::AniPotential member0(shipped_model(), md::AniOptions{}, {"O", "H"});
  REQUIRE(std::fabs(md::test::evaluate(member0, sys).energy - reference.energy) > 1e-3);
  for (Precision precision : {Precision::kDouble, Precision::kMixed}) {
    INFO(precision_name(precision));
    md::AniPotentialCuda gpu(model, options(precision), {"O", "H"});
    check_results(md::test::evaluate(gpu, sys), reference, tol_for(precision));
  }
}

TEST_CASE("ani cuda: compute_device equals compute, across builds and chunkings",
          "[backend][ani][cuda]") {
  const double cutoff = list_cutoff();
  const PeriodicSystem first = water(1, 0.1, 7, cutoff);
  const PeriodicSystem moved = [&] {
    PeriodicSystem sys = water(1, 0.1, 8, cutoff);
    sys.build_count = 2;
    return sys;
  }();
  const PeriodicSystem other = water(2, 0.05, 9, cutoff);  // another n_all
  for (Precision precision : {Precision::kDouble, Precision::kMixed}) {
    INFO(precision_name(precision));
    const Tolerance tol = gpu_vs_gpu_tolerance(precision);
    md::AniPotentialCuda gpu(shipped_model(), options(precision), {"O", "H"});
    for (const PeriodicSystem* sys : {&first, &moved, &other, &first}) {
      INFO(sys->n_local << " atoms, build " << sys->build_count);
      const RawResult device = device_compute(gpu, *sys, sys->types, every_output());
      check_device_vs_host(device, host_compute(gpu, *sys, every_output()), sys->n_local, tol);
    }
    md::ComputeRequest no_energy = every_output();
    no_energy.energy = false;
    CHECK(device_compute(gpu, first, first.types, no_energy).energy == 0.0);

    // One centre per chunk, and a budget of ~100 centres, against one chunk.
    const RawResult one_chunk = host_compute(gpu, other, every_output());
    for (std::size_t budget : {std::size_t{1}, std::size_t{100} * 80 * 1024}) {
      md::AniPotentialCuda chunked(shipped_model(), options(precision), {"O", "H"}, budget);
      INFO("budget " << budget << ": " << chunked.max_chunk_centers() << " centres per chunk");
      CHECK(chunked.max_chunk_centers() < other.n_local);
      check_device_vs_host(device_compute(chunked, other, other.types, every_output()), one_chunk,
                           other.n_local, tol);
    }
  }
}

TEST_CASE("ani cuda: element and ensemble errors are the CPU evaluator's", "[backend][ani][cuda]") {
  auto message = [](auto make) -> std::string {
    try {
      make();
    } catch (const md::Error& e) {
      return e.what();
    }
    return "no error";
  };
  md::AniOptions bad = options(Precision::kDouble);
  const std::vector<std::string> types = {"O", "H", "Xe"};
  const std::string cpu = message([&] { md::AniPotential p(shipped_model(), bad, types); });
  CHECK_THAT(cpu, Catch::Contains("no network for the element [Xe]"));
  CHECK(message([&] { md::AniPotentialCuda p(shipped_model(), bad, types); }) == cpu);
  bad.ensemble = {0, 1};
  const std::string cpu_ensemble = message([&] {
    md::AniPotential p(shipped_model(), bad, {"O", "H"});
  });
  CHECK_THAT(cpu_ensemble, Catch::Contains("member 1 does not exist"));
  CHECK(message([&] { md::AniPotentialCuda p(shipped_model(), bad, {"O", "H"}); }) == cpu_ensemble);
}
