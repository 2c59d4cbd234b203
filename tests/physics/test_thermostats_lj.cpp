// SPDX-License-Identifier: MIT
/// \file
/// NVT correctness of the thermostats on a Lennard-Jones liquid, through the `mdrun` binary
/// (docs/conventions-and-reliability.md §B5 item 15, scaled down to run in seconds).
///
/// System: tests/data/lj/lj_liquid_108.data — 108 argon atoms (3³ fcc cells at ρ* = 0.8442, made
/// by scripts/make_lj_liquid.py --cells 3), lj/cut with the shifted 2.5σ cutoff of the LAMMPS
/// goldens, dt = 10 fs (0.0046 τ_LJ), skin 1 Å. Target 120 K (T* = 1.0, a liquid). 40,000 steps
/// (400 ps); the first 20 ps are discarded while the perturbed lattice melts; thermo every 10
/// steps gives 3,800 samples.
///
/// Why this size and length: the kinetic-energy distribution of the canonical ensemble is
/// Γ(dof/2, kT) for any N, so a small system tests it as well as a large one, and costs 2–3 s of
/// CPU per run. What sets the statistical error is the number of independent samples: the KE
/// autocorrelation time is 1–3 samples (100–300 fs; measured with these settings), so the 3,800
/// samples are ≈ 1,500 independent ones. Block averages (10 blocks of 38 ps, printed by the test)
/// give standard errors of 0.016–0.021 for Var(KE)/canonical and 0.2–0.36 K for ⟨T⟩. The bounds,
/// ⟨T⟩ within 2 % and Var(KE) within 10 % of canonical, are therefore ≥ 5 standard errors.
/// Measured (this build, these seeds): ⟨T⟩ − expected = −0.01 % (NHC), −0.18 % (CSVR), −0.45 %
/// (Langevin); Var(KE)/canonical = 0.999, 0.994, 0.980.
///
/// Degrees of freedom: Nosé–Hoover, CSVR and Berendsen conserve momentum and act on the 3N − 3
/// degrees of freedom of the kinetic temperature; Langevin's random forces do not conserve
/// momentum, so it thermalises all 3N: its expected kinetic temperature (computed with 3N − 3) is
/// T·3N/(3N − 3) (+0.9 % here) and its canonical Var(KE) = (3N/2)(kT)². (BAOAB's kinetic
/// temperature, sampled after the closing half kick, is itself biased by O(dt²): the −0.45 %.)
///
/// Also checked, from the `econserve` thermo column: the conserved quantity (E_pot + KE + the thermostat's
/// term) has a small drift (Nosé–Hoover: the `Conserved energy drift` line mdrun prints) and
/// wanders by only a few % of σ_KE (a wrong chain mass or a missing term makes it wander by σ_KE
/// or more: TotEng alone wanders by ≈ 3 σ_KE here).
///
/// Negative control: Berendsen (τ = 0.1 ps) keeps ⟨T⟩ right but suppresses the KE fluctuations to
/// ≈ 20 % of canonical (measured 0.197 ± 0.003), so it must fail the variance test — the test has
/// the power to see a non-canonical thermostat.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <regex>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "tests/support/mdrun_process.hpp"
#include "tests/support/run_log.hpp"

namespace fs = std::filesystem;

namespace {

constexpr double kTargetK = 120.0;
constexpr int kAtoms = 108;
constexpr long kSteps = 40000;
constexpr long kEquilibrationSteps = 2000;
constexpr double kMaxTemperatureError = 0.02;   // relative
constexpr double kMaxVarianceError = 0.10;      // relative to canonical
constexpr double kMaxNhcDriftMeVPerAtomNs = 0.5;

struct NvtRun {
  std::vector<double> step, temperature, kinetic;
  std::vector<double> conserved, conserved_step;  ///< the econserve thermo column
  double drift_mev_atom_ns = 0.0;                 ///< the line mdrun prints
};

NvtRun run_nvt(const std::string& tag, const std::string& thermostat) {
  md::test::ScratchDir dir("nvt_" + tag);
  fs::copy_file(fs::path(MD_TEST_DATA_DIR) / "lj" / "lj_liquid_108.data",
                dir.path() / "lj_liquid_108.data");
  dir.write("nvt.yaml", R"(structure: {file: lj_liquid_108.data, type_map: [Ar]}
potential:
  type: lj/cut
  cutoff_A: 8.5125
  shift_energy: true
  pairs: [{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]
run: {steps: )" + std::to_string(kSteps) + R"(, dt_fs: 10.0}
neighbor: {skin_A: 1.0}
integrator: {type: nvt, thermostat: )" + thermostat + R"(}
thermo: {every: 10, columns: [step, pe, ke, etotal, temp, econserve]}
output:
  write_final_data: false
)");
  const auto result =
      md::test::run_process(md::test::mdrun_with("", "--config nvt.yaml"), dir.path());
  INFO(md::test::tail_of(result.output));
  REQUIRE(result.exit_code == 0);
  const auto thermo = md::test::parse_thermo(result.output);
  NvtRun run;
  run.step = thermo.at("Step");
  run.temperature = thermo.at("Temp");
  run.kinetic = thermo.at("KinEng");
  REQUIRE(run.step.size() == static_cast<std::size_t>(kSteps / 10 + 1));
  std::smatch match;
  REQUIRE(std::regex_search(result.output, match,
                            std::regex("Conserved energy drift: ([-+0-9.eE]+)(?: ± [-+0-9.eE]+)? meV/atom/ns")));
  run.drift_mev_atom_ns = std::stod(match[1]);

  // The conserved energy of every thermo step: the econserve column (12 significant digits,
  // 1e-9 eV at these energies, far below the fluctuations measured).
  run.conserved = thermo.at("Econserve");
  run.conserved_step = run.step;
  return run;
}

struct Statistics {
  double mean_temperature = 0.0;
  double variance_ratio = 0.0;      ///< Var(KE) / canonical
  double temperature_error = 0.0;   ///< block-averaged standard error, K
  double variance_ratio_error = 0.0;
  double conserved_excursion = 0.0; ///< max |E_c(t) − E_c(t_0)| / σ_KE after equilibration
};

/// Statistics after equilibration; `dof` is the number of degrees of freedom the thermostat
/// thermalises.
Statistics analyse(const NvtRun& run, double dof) {
  std::vector<double> t, ke, ec;
  for (std::size_t k = 0; k < run.step.size(); ++k) {
    if (run.step[k] < kEquilibrationSteps) continue;
    t.push_back(run.temperature[k]);
    ke.push_back(run.kinetic[k]);
    ec.push_back(run.conserved[k]);
  }
  const auto mean = [](const std::vector<double>& x, std::size_t a, std::size_t b) {
    return std::accumulate(x.begin() + a, x.begin() + b, 0.0) / (b - a);
  };
  const auto variance = [&](const std::vector<double>& x, std::size_t a, std::size_t b) {
    const double m = mean(x, a, b);
    double s = 0.0;
    for (std::size_t k = a; k < b; ++k) s += (x[k] - m) * (x[k] - m);
    return s / (b - a);
  };
  const double kt = md::units::kBoltzmann * kTargetK;
  const double canonical = 0.5 * dof * kt * kt;
  Statistics s;
  s.mean_temperature = mean(t, 0, t.size());
  s.variance_ratio = variance(ke, 0, ke.size()) / canonical;
  // Ten blocks of 38 ps, much longer than any correlation time here.
  constexpr int kBlocks = 10;
  const std::size_t length = t.size() / kBlocks;
  std::vector<double> block_t, block_v;
  for (int b = 0; b < kBlocks; ++b) {
    block_t.push_back(mean(t, b * length, (b + 1) * length));
    block_v.push_back(variance(ke, b * length, (b + 1) * length) / canonical);
  }
  s.temperature_error = std::sqrt(variance(block_t, 0, kBlocks) / kBlocks);
  s.variance_ratio_error = std::sqrt(variance(block_v, 0, kBlocks) / kBlocks);
  const double sigma_ke = std::sqrt(variance(ke, 0, ke.size()));
  for (double e : ec) s.conserved_excursion = std::max(s.conserved_excursion, std::abs(e - ec[0]));
  s.conserved_excursion /= sigma_ke;
  return s;
}

/// The expectations every canonical thermostat must meet.
Statistics check_canonical(const std::string& name, const NvtRun& run, double dof) {
  const Statistics s = analyse(run, dof);
  const double expected_t = kTargetK * dof / (3.0 * kAtoms - 3.0);
  std::printf("%s: <T> = %.3f ± %.3f K (expected %.3f), Var(KE)/canonical = %.4f ± %.4f, "
              "conserved-energy excursion %.4f sigma_KE, drift %.4g meV/atom/ns\n",
              name.c_str(), s.mean_temperature, s.temperature_error, expected_t, s.variance_ratio,
              s.variance_ratio_error, s.conserved_excursion, run.drift_mev_atom_ns);
  CHECK(std::abs(s.mean_temperature / expected_t - 1.0) <= kMaxTemperatureError);
  CHECK(std::abs(s.variance_ratio - 1.0) <= kMaxVarianceError);
  return s;
}

}  // namespace

TEST_CASE("NVT Nose-Hoover chain on the LJ liquid: canonical T and KE fluctuations, conserved "
          "quantity",
          "[physics][nvt][lj]") {
  const NvtRun run = run_nvt("nhc", "{type: nose_hoover_chain, temperature_K: 120, tau_ps: 0.5}");
  const Statistics s = check_canonical("NHC", run, 3.0 * kAtoms - 3.0);
  // Measured: drift −0.016 meV/atom/ns, excursion 0.013 σ_KE.
  CHECK(std::abs(run.drift_mev_atom_ns) <= kMaxNhcDriftMeVPerAtomNs);
  CHECK(s.conserved_excursion <= 0.1);
}

TEST_CASE("NVT CSVR on the LJ liquid: canonical T and KE fluctuations", "[physics][nvt][lj]") {
  const NvtRun run = run_nvt("csvr", "{type: csvr, temperature_K: 120, tau_ps: 0.1, seed: 7}");
  const Statistics s = check_canonical("CSVR", run, 3.0 * kAtoms - 3.0);
  // The effective energy (minus the heat exchanged) is conserved like NHC's (measured 0.025).
  CHECK(s.conserved_excursion <= 0.1);
}

TEST_CASE("NVT Langevin (BAOAB) on the LJ liquid: canonical T and KE fluctuations",
          "[physics][nvt][lj]") {
  const NvtRun run =
      run_nvt("langevin", "{type: langevin, temperature_K: 120, damping_ps: 0.2, seed: 7}");
  const Statistics s = check_canonical("Langevin", run, 3.0 * kAtoms);
  // BAOAB's heat bookkeeping leaves a configurational-sampling error in the effective energy, so
  // it wanders more than the deterministic schemes (measured 0.05 over 200 ps).
  CHECK(s.conserved_excursion <= 0.3);
}

TEST_CASE("NVT Berendsen on the LJ liquid fails the canonical fluctuation test (negative control)",
          "[physics][nvt][lj]") {
  const NvtRun run = run_nvt("berendsen", "{type: berendsen, temperature_K: 120, tau_ps: 0.1}");
  const double dof = 3.0 * kAtoms - 3.0;
  const Statistics s = analyse(run, dof);
  std::printf("Berendsen: <T> = %.3f ± %.3f K, Var(KE)/canonical = %.4f ± %.4f\n",
              s.mean_temperature, s.temperature_error, s.variance_ratio, s.variance_ratio_error);
  CHECK(std::abs(s.mean_temperature / kTargetK - 1.0) <= kMaxTemperatureError);
  CHECK(s.variance_ratio < 1.0 - kMaxVarianceError);
}
