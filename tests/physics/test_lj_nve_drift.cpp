// SPDX-License-Identifier: MIT
/// \file
/// NVE energy conservation of velocity Verlet on the LJ liquid of tests/data/lj/ (4,000 argon
/// atoms, ρ* = 0.8442, starting at T* = 1.44 from a perturbed fcc lattice that melts within a few
/// ps and settles near 99 K), run through the `mdrun` binary with the config
/// tests/data/lj/lj_cut_shift_yes.yaml (cutoff 2.5σ, energy shifted so that E is continuous at the
/// cutoff; with `shift no` every pair crossing r_c makes E_tot jump by 0.016ε, a random walk that
/// would hide integrator errors).
///
/// Test 1, 10,000 steps of 5 fs (50 ps ≈ 23 τ_LJ; 5 fs is 0.0023 τ, half the usual 0.005 τ),
/// TotEng every 10 steps from the thermo lines on stdout:
///  (a) the least-squares slope of TotEng(t) is at most 0.05 meV/atom/ns in magnitude;
///  (b) max_t |E(t) − E(0)| is at most 5 % of the standard deviation of the kinetic energy over the
///      second half of the run (the size of the physical energy exchange that the integrator must
///      resolve; ≈ 0.1 meV/atom here, so the bound is ≈ 0.005 meV/atom = 20 meV in total).
/// Test 2, the second-order check: the RMS of TotEng about its linear fit over the first 5 ps must
/// shrink by a factor in [3, 5] when dt is halved from 5 to 2.5 fs (velocity Verlet's energy error
/// is O(dt²), so the ideal ratio is 4).
///
/// Where the numbers come from: LAMMPS (29 Sep 2021, `fix nve`, same data file and parameters) on
/// three realisations (this start; the same with `newton off`, whose round-off gives a different
/// chaotic trajectory after a few ps; and the generator's seed 7) gives slopes of 0.002–0.004
/// meV/atom/ns, max |ΔE| / σ_KE = 0.008–0.011 and an RMS ratio of 3.9 (3.6–4.4 over windows of
/// 5–25 ps and for 10 vs 5 fs). The bounds leave a 10× margin on (a) and 5× on (b) for a correct
/// engine, and sit far below what an integrator bug produces: a wrong half-kick factor, a missing
/// second half-kick or a stale force makes the scheme first order or non-symplectic, so E_tot
/// drifts by orders of magnitude more (a) and (b), and the RMS ratio drops to ≈ 2 (test 2). The
/// project-wide bound for double precision (docs/conventions-and-reliability.md, B5 test 14) is
/// 1 meV/atom/ns; LJ with a shifted cutoff is far smoother than a DP water model, hence tighter.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "tests/support/mdrun_process.hpp"
#include "tests/support/run_log.hpp"

namespace fs = std::filesystem;

namespace {

constexpr double kMaxSlopeMeVPerAtomPerNs = 0.05;
constexpr double kMaxDeviationOverKeStd = 0.05;
constexpr double kMinRmsRatio = 3.0;
constexpr double kMaxRmsRatio = 5.0;

const fs::path kLjDir = fs::path(MD_TEST_DATA_DIR) / "lj";

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ThermoSeries {
  std::vector<double> step, pe, ke, etotal;
};

/// The columns this test uses, from mdrun's thermo block.
ThermoSeries parse_thermo(const std::string& text) {
  auto columns = md::test::parse_thermo(text);
  return ThermoSeries{columns["Step"], columns["PotEng"], columns["KinEng"], columns["TotEng"]};
}

/// Runs mdrun on the shift-yes LJ config with `steps` steps of `dt_fs`, thermo every `every`;
/// returns the thermo series and the wall time.
ThermoSeries run_nve(const std::string& tag, long steps, double dt_fs, int every,
                     double& wall_seconds) {
  md::test::ScratchDir tmp(tag);
  fs::copy_file(kLjDir / "lj_liquid.data", tmp.path() / "lj_liquid.data");
  YAML::Node cfg = YAML::LoadFile((kLjDir / "lj_cut_shift_yes.yaml").string());
  REQUIRE(cfg["potential"]["shift_energy"].as<bool>());
  cfg["run"]["steps"] = steps;
  cfg["run"]["dt_fs"] = dt_fs;
  cfg["thermo"]["every"] = every;
  cfg["output"]["write_final_data"] = false;
  YAML::Emitter emitter;
  emitter << cfg;
  std::ofstream(tmp.path() / "config.yaml") << emitter.c_str() << "\n";

  const std::string command = "cd '" + tmp.path().string() + "' && '" +
                              std::string(MD_MDRUN_PATH) +
                              "' --config config.yaml > run.log 2>&1";
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system(command.c_str());
  wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string log = read_text(tmp.path() / "run.log");
  INFO("command: " << command << "\noutput (tail):\n"
                   << log.substr(log.size() > 4000 ? log.size() - 4000 : 0));
  REQUIRE(status == 0);
  ThermoSeries series = parse_thermo(log);
  REQUIRE(series.etotal.size() == static_cast<std::size_t>(steps / every + 1));
  REQUIRE(series.step.front() == 0.0);
  REQUIRE(series.step.back() == static_cast<double>(steps));
  nlohmann::json summary;
  std::ifstream(tmp.path() / "summary.json") >> summary;
  std::printf("lj nve %s: %ld steps, %.1f s wall (%.3f ms/step), mdrun timesteps/s %.1f\n",
              tag.c_str(), steps, wall_seconds, 1e3 * wall_seconds / steps,
              summary.value("timesteps_per_s", 0.0));
  return series;
}

struct LinearFit {
  double slope = 0.0, intercept = 0.0, rms_residual = 0.0;
};

LinearFit fit(const std::vector<double>& t, const std::vector<double>& y, std::size_t n) {
  double mt = 0.0, my = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    mt += t[i];
    my += y[i];
  }
  mt /= n;
  my /= n;
  double stt = 0.0, sty = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    stt += (t[i] - mt) * (t[i] - mt);
    sty += (t[i] - mt) * (y[i] - my);
  }
  LinearFit f;
  f.slope = sty / stt;
  f.intercept = my - f.slope * mt;
  double ss = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double r = y[i] - (f.intercept + f.slope * t[i]);
    ss += r * r;
  }
  f.rms_residual = std::sqrt(ss / n);
  return f;
}

double standard_deviation(const std::vector<double>& x, std::size_t begin) {
  double mean = 0.0;
  for (std::size_t i = begin; i < x.size(); ++i) mean += x[i];
  mean /= (x.size() - begin);
  double ss = 0.0;
  for (std::size_t i = begin; i < x.size(); ++i) ss += (x[i] - mean) * (x[i] - mean);
  return std::sqrt(ss / (x.size() - begin));
}

std::vector<double> times_ps(const ThermoSeries& s, double dt_fs) {
  std::vector<double> t;
  for (double step : s.step) t.push_back(step * dt_fs * 1e-3);
  return t;
}

}  // namespace

TEST_CASE("LJ liquid NVE: TotEng drift and excursion over 10,000 steps of 5 fs",
          "[physics][nve][lj]") {
  constexpr long kSteps = 10000;
  constexpr double kDtFs = 5.0;
  double wall = 0.0;
  const ThermoSeries s = run_nve("drift", kSteps, kDtFs, 10, wall);
  const double n_atoms = 4000.0;
  const std::vector<double> t = times_ps(s, kDtFs);

  // The run must start from the golden state (same file, same potential as LAMMPS).
  nlohmann::json golden;
  std::ifstream(kLjDir / "golden" / "lj_cut_shift_yes.json") >> golden;
  REQUIRE(golden.at("natoms").get<double>() == n_atoms);
  CHECK(s.etotal.front() == Approx(golden.at("init").at("etotal").get<double>()).epsilon(1e-10));

  const LinearFit f = fit(t, s.etotal, s.etotal.size());
  const double slope_mev_atom_ns = f.slope / n_atoms * 1e3 /* meV */ * 1e3 /* per ns */;
  double max_dev = 0.0;
  for (double e : s.etotal) max_dev = std::max(max_dev, std::abs(e - s.etotal.front()));
  const double ke_std = standard_deviation(s.ke, s.ke.size() / 2);
  std::printf("lj nve drift: slope %.3g meV/atom/ns, max|E-E0| %.3g meV/atom, sigma_KE %.3g "
              "meV/atom, ratio %.3g, rms about fit %.3g meV/atom\n",
              slope_mev_atom_ns, max_dev / n_atoms * 1e3, ke_std / n_atoms * 1e3,
              max_dev / ke_std, f.rms_residual / n_atoms * 1e3);
  INFO("TotEng slope " << slope_mev_atom_ns << " meV/atom/ns; max |E(t)-E(0)| = " << max_dev
                       << " eV; sigma_KE (second half) = " << ke_std << " eV");
  REQUIRE(ke_std > 0.0);
  CHECK(std::abs(slope_mev_atom_ns) <= kMaxSlopeMeVPerAtomPerNs);
  CHECK(max_dev <= kMaxDeviationOverKeStd * ke_std);
}

TEST_CASE("LJ liquid NVE: TotEng fluctuation scales as dt^2 (5 fs vs 2.5 fs over 5 ps)",
          "[physics][nve][lj]") {
  constexpr double kWindowPs = 5.0;
  double wall = 0.0;
  const ThermoSeries coarse = run_nve("dt5", 1000, 5.0, 5, wall);    // 5 ps
  const ThermoSeries fine = run_nve("dt2.5", 2000, 2.5, 10, wall);   // 5 ps, same sampling times
  const LinearFit fc = fit(times_ps(coarse, 5.0), coarse.etotal, coarse.etotal.size());
  const LinearFit ff = fit(times_ps(fine, 2.5), fine.etotal, fine.etotal.size());
  REQUIRE(ff.rms_residual > 0.0);
  const double ratio = fc.rms_residual / ff.rms_residual;
  std::printf("lj nve dt scaling over %.0f ps: rms(5 fs) %.3g eV, rms(2.5 fs) %.3g eV, ratio %.3g\n",
              kWindowPs, fc.rms_residual, ff.rms_residual, ratio);
  INFO("RMS of TotEng about its fit: dt 5 fs " << fc.rms_residual << " eV, dt 2.5 fs "
                                               << ff.rms_residual << " eV, ratio " << ratio);
  CHECK(ratio >= kMinRmsRatio);
  CHECK(ratio <= kMaxRmsRatio);
}
