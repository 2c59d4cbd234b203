// SPDX-License-Identifier: MIT
/// \file
/// The thermostats' host-side scalar logic (engine/thermostat_*.hpp) and the Langevin integrator's
/// keyed noise, on their own, without forces: CSVR's stationary kinetic-energy distribution is the
/// canonical Γ(dof/2, kT) and its heat bookkeeping is exact; the Nosé–Hoover chain conserves
/// KE + chain energy when it alone acts on the kinetic energy; Berendsen follows its formula;
/// every thermostat continues bit for bit after save/restore; Langevin noise does not depend on
/// the storage order of the atoms. The statistical tolerances are 4-5 standard errors of the
/// estimates (given with each check), so the tests are deterministic in practice and still fail
/// on a wrong factor of 2 or a wrong degree-of-freedom count.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <numeric>
#include <vector>

#include "comm/communicator.hpp"
#include "core/units.hpp"
#include "engine/conserved_energy.hpp"
#include "engine/integrator.hpp"
#include "engine/integrator_langevin.hpp"
#include "engine/thermostat.hpp"
#include "engine/thermostat_berendsen.hpp"
#include "engine/thermostat_csvr.hpp"
#include "engine/thermostat_nose_hoover.hpp"

namespace {

constexpr double kT0 = 300.0;
const double kKt = md::units::kBoltzmann * kT0;

struct Moments {
  double mean = 0.0;
  double variance = 0.0;
};

Moments moments(const std::vector<double>& x) {
  Moments m;
  m.mean = std::accumulate(x.begin(), x.end(), 0.0) / x.size();
  for (double v : x) m.variance += (v - m.mean) * (v - m.mean);
  m.variance /= x.size();
  return m;
}

}  // namespace

TEST_CASE("keyed chi-square deviates have mean n and variance 2n", "[unit][thermostat]") {
  // 40,000 draws: standard error of the mean sqrt(2n/N) = 0.007·sqrt(n), of the variance ≈ 1.4 %
  // (χ² has excess kurtosis 12/n); tolerances are 5 standard errors.
  for (double n : {1.0, 5.5, 100.0}) {
    std::vector<double> x;
    for (std::uint64_t stream = 0; stream < 40000; ++stream) {
      x.push_back(md::keyed_sum_of_squared_normals(n, 12345, stream));
    }
    const Moments m = moments(x);
    CAPTURE(n, m.mean, m.variance);
    CHECK(m.mean == Approx(n).margin(5 * std::sqrt(2 * n / 40000.0)));
    CHECK(m.variance == Approx(2 * n).epsilon(5 * std::sqrt((2.0 + 12.0 / n) / 40000.0) + 0.01));
  }
}

TEST_CASE("CSVR samples the canonical kinetic-energy distribution and books its heat exactly",
          "[unit][thermostat]") {
  // The thermostat alone acting on K (K ← λ²K at every half step) must leave K distributed as
  // Γ(dof/2, kT): mean dof·kT/2, variance dof·(kT)²/2. dt/2 = τ/2 gives c = 0.61, so successive
  // samples are nearly independent; 100,000 half steps give standard errors of ≈ 0.1 % (mean) and
  // ≈ 0.6 % (variance) for dof = 30.
  const double dof = 30.0;
  md::CsvrThermostat csvr(kT0, 0.1, dof, 0.1, 2024);
  double k = 0.5 * dof * kKt * 3.0;  // start far from equilibrium
  const double k_start = k;
  std::vector<double> samples;
  for (std::int64_t step = 0; step < 50000; ++step) {
    for (int half = 0; half < 2; ++half) {
      const double lambda = csvr.half_step(k, step, half);
      k *= lambda * lambda;
      if (step >= 100) samples.push_back(k);
    }
  }
  const Moments m = moments(samples);
  CHECK(m.mean == Approx(0.5 * dof * kKt).epsilon(0.005));
  CHECK(m.variance == Approx(0.5 * dof * kKt * kKt).epsilon(0.03));
  // Heat bookkeeping: K + (−heat) is what K was at the start, up to rounding.
  CHECK(k + csvr.conserved_energy_contribution() == Approx(k_start).epsilon(1e-12));
}

TEST_CASE("Nose-Hoover chain alone conserves kinetic plus chain energy", "[unit][thermostat]") {
  // With no forces, the chain and K form a closed system whose energy K + Σ½Qv² + dof·kT·ξ₁ +
  // kT·Σξ_k the symmetric MTK splitting conserves up to a bounded O(dt²) error. Starting at twice
  // the target temperature (a large oscillation), over 20 ps with τ = 0.1 ps: the largest relative
  // excursion is 4.7e-6 at dt = 1 fs and 1.9e-5 at 2 fs (measured), i.e. second order. A wrong
  // chain mass, a missing ξ term or a wrong force sign makes it O(1) and breaks the dt² scaling.
  const double dof = 99.0;
  const auto excursion = [&](double dt) {
    md::NoseHooverChain nhc(3, kT0, 0.1, dof, dt);
    double k = 0.5 * dof * kKt * 2.0;
    const double h0 = k + nhc.conserved_energy_contribution();
    double worst = 0.0;
    const auto n_steps = static_cast<std::int64_t>(std::lround(20.0 / dt));
    for (std::int64_t step = 0; step < n_steps; ++step) {
      for (int half = 0; half < 2; ++half) {
        const double lambda = nhc.half_step(k, step, half);
        k *= lambda * lambda;
      }
      worst = std::max(worst, std::abs(k + nhc.conserved_energy_contribution() - h0) / h0);
    }
    return worst;
  };
  const double fine = excursion(0.001), coarse = excursion(0.002);
  CAPTURE(fine, coarse);
  CHECK(fine < 1e-5);
  CHECK(coarse / fine > 3.5);
  CHECK(coarse / fine < 4.5);
}

TEST_CASE("Berendsen scales by sqrt(1 + dt/(2 tau) (T0/T - 1)) per half step",
          "[unit][thermostat]") {
  const double dof = 60.0, dt = 0.002, tau = 0.1;
  md::BerendsenThermostat berendsen(kT0, tau, dof, dt);
  const double t = 450.0;
  const double k = 0.5 * dof * md::units::kBoltzmann * t;
  const double lambda = berendsen.half_step(k, 0, 0);
  CHECK(lambda * lambda == Approx(1.0 + 0.5 * dt / tau * (kT0 / t - 1.0)).epsilon(1e-14));
  CHECK(berendsen.conserved_energy_contribution() == Approx(-(lambda * lambda - 1.0) * k));
}

TEST_CASE("thermostats continue identically after save and restore", "[unit][thermostat]") {
  md::ThermostatSettings settings;
  settings.temperature_K = kT0;
  settings.tau_ps = 0.05;
  settings.seed = 99;
  for (md::ThermostatType type : {md::ThermostatType::kNoseHooverChain, md::ThermostatType::kCsvr,
                                  md::ThermostatType::kBerendsen}) {
    settings.type = type;
    auto a = md::make_thermostat(settings, 45.0, 0.002);
    double k = 0.7;
    std::int64_t step = 0;
    for (; step < 100; ++step) k *= std::pow(a->half_step(k, step, 0) * a->half_step(k, step, 1), 2);
    auto b = md::make_thermostat(settings, 45.0, 0.002);
    b->restore(a->save());
    for (; step < 150; ++step) {
      for (int half = 0; half < 2; ++half) {
        const double la = a->half_step(k, step, half);
        const double lb = b->half_step(k, step, half);
        REQUIRE(la == lb);  // bitwise
        k *= la * la;
      }
    }
    CHECK(a->conserved_energy_contribution() == b->conserved_energy_contribution());
  }
}

TEST_CASE("Langevin noise is keyed by atom id, not by storage order", "[unit][thermostat]") {
  const md::Communicator comm = md::Communicator::world();
  if (comm.size() != 1) return;  // a single-rank check of the keying
  md::ThermostatSettings settings;
  settings.type = md::ThermostatType::kLangevin;
  settings.temperature_K = kT0;
  settings.damping_ps = 0.1;
  settings.seed = 5;
  const auto make_state = [](const std::vector<std::int64_t>& ids) {
    md::ParticleState s;
    s.n_local = static_cast<int>(ids.size());
    s.ids = ids;
    s.types.assign(ids.size(), 0);
    s.type_names = {"Ar"};
    s.type_masses = {39.948};
    for (std::int64_t id : ids) {
      for (int c = 0; c < 3; ++c) {
        s.positions.push_back(0.1 * id + c);
        s.velocities.push_back(0.01 * id - 0.02 * c);
        s.forces.push_back(0.001 * id * (c + 1));
      }
    }
    return s;
  };
  md::ParticleState forward = make_state({1, 2, 3, 4, 5, 6});
  md::ParticleState backward = make_state({6, 5, 4, 3, 2, 1});
  md::LangevinIntegrator a(0.002, settings), b(0.002, settings);
  md::HostAtomKernels forward_atoms(forward), backward_atoms(backward);
  // Langevin neither reads the box or virial nor changes the box.
  struct NoBoxChange final : md::BoxControl {
    void change_box(const md::Box&) override { FAIL("Langevin changed the box"); }
  } no_box_change;
  const md::Box box;
  const std::array<double, 9> virial{};
  for (std::int64_t step = 0; step < 3; ++step) {
    md::StepContext forward_step{forward_atoms, comm, box, virial, -1, step, no_box_change};
    md::StepContext backward_step{backward_atoms, comm, box, virial, -1, step, no_box_change};
    a.first_half(forward_step);
    b.first_half(backward_step);
    a.second_half(forward_step);
    b.second_half(backward_step);
  }
  for (int i = 0; i < 6; ++i) {
    const int j = 5 - i;
    for (int c = 0; c < 3; ++c) {
      CHECK(forward.velocities[3 * i + c] == backward.velocities[3 * j + c]);
      CHECK(forward.positions[3 * i + c] == backward.positions[3 * j + c]);
    }
  }
  CHECK(a.conserved_energy_contribution(comm, box) ==
        Approx(b.conserved_energy_contribution(comm, box)).epsilon(1e-14));
}

TEST_CASE("conserved-energy drift is the least-squares slope in meV/atom/ns", "[unit][thermostat]") {
  md::ConservedEnergyLog log;
  CHECK_FALSE(log.drift(10));
  // E = -100 eV + 2e-3 eV/ps · t, plus an alternating ±1e-4 that the fit must average out.
  for (int k = 0; k <= 100; ++k) log.add(10 * k, 0.01 * k, -100.0 + 2e-3 * 0.01 * k + (k % 2 ? 1e-4 : -1e-4));
  const auto drift = log.drift(10);
  REQUIRE(drift);
  // 2e-3 eV/ps = 2 meV/ps = 2000 meV/ns, over 10 atoms: 200 meV/atom/ns (the ±1e-4 pattern adds
  // a small slope of its own, below 0.1 %).
  CHECK(drift->slope == Approx(200.0).epsilon(1e-3));
  CHECK(drift->span_ps == Approx(1.0));
  // The residuals are the ±1e-4 eV pattern: σ_slope = sqrt(Σr²/(n−2)/Σ(t−t̄)²) ≈ 1e-4 ·
  // sqrt(101/99/8.585) eV/ps ≈ 3.5e-5 eV/ps = 3.5 meV/atom/ns for 10 atoms.
  REQUIRE(drift->standard_error);
  CHECK(*drift->standard_error == Approx(3.45).epsilon(0.02));
  const std::string line = log.report(10, "NVE");
  CHECK_THAT(line, Catch::Matchers::Contains("Conserved energy drift: 200") &&
                       Catch::Matchers::Contains("± 3.4") &&
                       Catch::Matchers::Contains("over 1 ps") &&
                       Catch::Matchers::Contains("too short to measure drift"));
}

TEST_CASE("conserved-energy drift: a long fit says when the slope is within its noise",
          "[unit][thermostat]") {
  md::ConservedEnergyLog log;
  // 20 ps of pure ±1 meV noise (no trend): the fit's slope is tiny and within 2σ of zero.
  for (int k = 0; k <= 200; ++k) log.add(100 * k, 0.1 * k, -100.0 + (k % 2 ? 1e-3 : -1e-3));
  const std::string line = log.report(1, "NVE");
  CHECK_THAT(line, Catch::Matchers::Contains("not distinguishable from zero"));
  CHECK_THAT(line, !Catch::Matchers::Contains("too short"));
  // A clear trend over 20 ps is reported without either note.
  md::ConservedEnergyLog trend;
  for (int k = 0; k <= 200; ++k) trend.add(100 * k, 0.1 * k, -100.0 + 1e-3 * 0.1 * k);
  const std::string clear = trend.report(1, "NVE");
  CHECK_THAT(clear, !Catch::Matchers::Contains("not distinguishable") &&
                        !Catch::Matchers::Contains("too short"));
}
