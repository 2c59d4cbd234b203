// SPDX-License-Identifier: MIT
/// \file
/// Both barostats sample the right volume fluctuations: on the 108-atom LJ liquid at 120 K, the
/// isothermal compressibility from the fluctuations at P₀ = 400 bar,
///   β_fluct = ⟨δV²⟩ / (k_B·T·⟨V⟩),
/// must equal the one measured from the same barostat's mean volumes at 200 and 600 bar,
///   β_slope = −(⟨V⟩₆₀₀ − ⟨V⟩₂₀₀) / (⟨V⟩₄₀₀ · 400 bar),
/// within 4 combined standard errors (block averages; the variance's error from the scatter of
/// per-block variances). A barostat that damps the volume (Berendsen's) gives β_fluct ≪ β_slope;
/// one that heats it, ≫. Each run is 600 ps after 100 ps discarded, every·dt/τ_p = 0.025 for
/// c_rescale. 300 and 500 bar rather than wider: V(P) is strongly curved here (200/600 bar
/// chords differ by 2×). Measured over 4 ns per run (MD_NPT_STEPS=410000): c_rescale
/// β_fluct 2.99e-4 ± 1.3e-5 against β_slope 3.01e-4 ± 7.7e-6 /bar (0.1σ); mtk iso 2.90e-4 ± 5.5e-6
/// against 3.09e-4 ± 4.6e-6 (2.7σ, 6 % low). That is the estimate, not the barostat: the chord
/// exceeds the local slope by about (excess kurtosis of V)/6, 2–7 % here, and
/// scripts/check_npt_compressibility.py finds LAMMPS's fix npt iso 3.3 % low pooled over five
/// seeds, mdrun's mtk 0.3 % over three (ratios 0.93–1.04 seed to seed). LAMMPS's fix npt on the same liquid
/// (tests/data/lj/npt_reference.json, four 10-ns runs) gives the density both barostats are held
/// to in test_barostat_mtk.cpp and test_barostat_c_rescale.cpp.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/units.hpp"
#include "tests/support/block_average.hpp"
#include "tests/support/mdrun_process.hpp"
#include "tests/support/run_log.hpp"

namespace fs = std::filesystem;

namespace {

using md::test::block_error;
using md::test::mean;
using md::test::variance;

constexpr double kTemperatureK = 120.0;
constexpr long kDiscarded = 10000;  // the first 100 ps

/// Steps per run: 70,000 (700 ps of 10 fs) in CI; MD_NPT_STEPS sets a longer run (the figures in
/// docs/testing.md used 410,000).
long steps_per_run() {
  const char* value = std::getenv("MD_NPT_STEPS");
  return value != nullptr && *value != '\0' ? std::stol(value) : 70000;
}

/// Volumes (Å³, every 100 steps after kDiscarded) of the liquid under `barostat` (a flow map
/// without its pressure) at `pressure_bar`.
std::vector<double> volumes(const std::string& thermostat, const std::string& barostat,
                            double pressure_bar) {
  md::test::ScratchDir dir("npt_compressibility");
  fs::copy_file(fs::path(MD_TEST_DATA_DIR) / "lj" / "lj_liquid_108.data",
                dir.path() / "lj_liquid_108.data");
  dir.write("npt.yaml", R"(structure: {file: lj_liquid_108.data, type_map: [Ar]}
potential:
  type: lj/cut
  cutoff_A: 8.5125
  shift_energy: true
  pairs: [{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]
run: {steps: )" + std::to_string(steps_per_run()) + R"(, dt_fs: 10.0}
neighbor: {skin_A: 1.0}
velocity: {create: {temperature_K: 120, seed: 31}}
integrator: {type: npt, thermostat: )" + thermostat + ", barostat: {" + barostat +
                                   ", pressure_bar: " + std::to_string(pressure_bar) + R"(}}
thermo: {every: 100, columns: [step, vol]}
output: {write_final_data: false}
)");
  const auto result =
      md::test::run_process(md::test::mdrun_with("", "--config npt.yaml"), dir.path());
  INFO(md::test::tail_of(result.output));
  REQUIRE(result.exit_code == 0);
  const auto thermo = md::test::parse_thermo(result.output);
  std::vector<double> kept;
  for (std::size_t k = 0; k < thermo.at("Step").size(); ++k) {
    if (thermo.at("Step")[k] >= kDiscarded) kept.push_back(thermo.at("Volume")[k]);
  }
  return kept;
}

/// Standard error of the variance of x from the scatter of per-block variances.
double variance_error(const std::vector<double>& x, int blocks = 10) {
  const std::size_t length = x.size() / static_cast<std::size_t>(blocks);
  std::vector<double> per_block;
  for (int b = 0; b < blocks; ++b) {
    per_block.push_back(
        variance(std::vector<double>(x.begin() + b * length, x.begin() + (b + 1) * length)));
  }
  return std::sqrt(variance(per_block) / (blocks - 1.0));
}

}  // namespace

TEST_CASE("NPT: volume fluctuations give the compressibility of the volume's pressure "
          "dependence (mtk and c_rescale)",
          "[physics][npt][lj]") {
  struct Case {
    const char* name;
    const char* thermostat;
    const char* barostat;
  };
  const Case c = GENERATE(
      Case{"mtk", "{type: nose_hoover_chain, temperature_K: 120, tau_ps: 0.5}",
           "type: mtk, tau_ps: 2.0"},
      Case{"c_rescale", "{type: csvr, temperature_K: 120, tau_ps: 0.5, seed: 5}",
           "type: c_rescale, tau_ps: 2.0, compressibility_per_bar: 2.0e-4, seed: 6, every: 5"});
  INFO(c.name);
  const std::vector<double> low = volumes(c.thermostat, c.barostat, 300.0);
  const std::vector<double> mid = volumes(c.thermostat, c.barostat, 400.0);
  const std::vector<double> high = volumes(c.thermostat, c.barostat, 500.0);

  const double kt = md::units::kBoltzmann * kTemperatureK * md::units::kNktv2p;  // bar·Å³
  const double beta_fluct = variance(mid) / (kt * mean(mid));
  const double beta_fluct_error = variance_error(mid) / (kt * mean(mid));
  const double beta_slope = -(mean(high) - mean(low)) / (mean(mid) * 200.0);
  const double beta_slope_error =
      std::hypot(block_error(high), block_error(low)) / (mean(mid) * 200.0);
  const double combined = std::hypot(beta_fluct_error, beta_slope_error);
  std::printf("%s compressibility: fluctuations %.3g +- %.2g /bar, dV/dP %.3g +- %.2g /bar "
              "(%.1f sigma)\n",
              c.name, beta_fluct, beta_fluct_error, beta_slope, beta_slope_error,
              std::fabs(beta_fluct - beta_slope) / combined);
  CHECK(beta_slope > 0.0);
  CHECK(std::fabs(beta_fluct - beta_slope) <= 4.0 * combined);
  CHECK(combined <= 0.25 * beta_slope);  // the check has teeth: errors well below the value
}
