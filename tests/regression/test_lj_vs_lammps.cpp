// SPDX-License-Identifier: MIT
/// \file
/// lj/cut against LAMMPS: the goldens in tests/data/lj/golden/ (written by
/// scripts/update_lj_goldens.sh from LAMMPS 29 Sep 2021, `units metal`, serial) replayed through
/// the `mdrun` binary on the same data file (tests/data/lj/lj_liquid.data: 4,000 argon atoms,
/// positions and velocities given, so both engines start from bit-identical state).
///
/// Goldens: the argon liquid with pair_modify shift no / yes, and an Ar/Kr mixture in a strongly
/// tilted (restricted-triclinic) cell, tests/data/lj/lj_mixture_triclinic.data, 1,320 atoms, three
/// explicit pair coefficients, 2 fs steps. Per golden:
///  - step 0, `mdrun eval`: energy, virial (9 components, eV) and per-id forces;
///  - step 0, `mdrun --nsteps 0`: the thermo values of the summary JSON (`final.pe`, `ke`,
///    `etotal`, `temp`, `press`, `vol`): press is the engine's own pressure, (2 KE + tr W)/(3V)
///    converted with nktv2p, so this also checks k_B, mvv2e, nktv2p and the 3N-3 degrees of freedom;
///  - the pressure tensor (pxx pyy pzz pxy pxz pyz of the summary, kinetic part included) where
///    the golden has it, per component within 1e-10 of the largest diagonal one;
///  - after 100 NVE steps (`mdrun`, steps from the config): per-id unwrapped positions
///    (x + ix·a + iy·b + iz·c from the final data file) and velocities, the step-100 thermo
///    values, and the forces of `mdrun eval` on the final data file against LAMMPS's step-100
///    forces.
///
/// Tolerances (why these numbers: docs/testing.md, "LAMMPS goldens"):
///  - energies, thermo values: |X − X_ref| ≤ 1e-10 |X_ref|;
///  - forces: per component, |F − F_ref| ≤ 1e-10 · max over all atoms and components |F_ref|;
///  - virial: per component, |W − W_ref| ≤ 1e-10 · max_a |W_ref_aa|;
///  - after 100 steps: |x − x_ref| ≤ 1e-8 Å and |v − v_ref| ≤ 1e-8 Å/ps per component; thermo
///    values 1e-10 relative; forces 1e-8 of the largest component.
/// LAMMPS against itself (newton on vs off, i.e. another summation order) differs by 1e-15 eV/Å in
/// step-0 forces and by 2e-14 Å / 1e-13 Å/ps after 100 steps (`lammps_self_divergence` in each
/// golden), so every tolerance sits 4–5 orders of magnitude above round-off, while a wrong constant
/// (e.g. CODATA instead of LAMMPS's mvv2e, a 1e-7 relative change) or one missed pair is far
/// outside it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "core/box.hpp"
#include "io/lammps_data.hpp"
#include "tests/support/mdrun_process.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kInitRelTol = 1e-10;       // step-0 energy, virial, forces, thermo
constexpr double kRunThermoRelTol = 1e-10;  // step-100 pe, ke, etotal, temp, press
constexpr double kRunPositionTol = 1e-8;    // Å
constexpr double kRunVelocityTol = 1e-8;    // Å/ps
constexpr double kRunForceRelTol = 1e-8;    // of the largest step-100 force component

const fs::path kLjDir = fs::path(MD_TEST_DATA_DIR) / "lj";

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json read_json(const fs::path& path) {
  std::ifstream in(path);
  if (!in) FAIL("cannot open " << path);
  return json::parse(in);
}

/// Runs `mdrun <args>` in `dir` with stdout+stderr to dir/<log>; fails the test on a non-zero exit.
void run_mdrun(const fs::path& dir, const std::string& args, const std::string& log) {
  const std::string command = "cd '" + dir.string() + "' && '" + std::string(MD_MDRUN_PATH) +
                              "' " + args + " > '" + log + "' 2>&1";
  const int status = std::system(command.c_str());
  INFO("command: " << command);
  INFO("output:\n" << read_text(dir / log));
  REQUIRE(status == 0);
}

struct Case {
  std::string name;  // the golden's stem: "lj_cut_shift_no", "lj_mixture_triclinic", ...
  json golden;
  fs::path dir;      // temporary directory holding config.yaml and the data file
};

/// The pairs of the config must be the golden's, in order (the golden numbers types 1..n, the
/// config names them through structure.type_map).
void check_pairs(const YAML::Node& cfg, const json& p) {
  if (!p.contains("pairs")) {  // one type: the golden gives epsilon and sigma directly
    REQUIRE(cfg["potential"]["pairs"].size() == 1);
    CHECK(cfg["potential"]["pairs"][0]["epsilon_eV"].as<double>() ==
          p.at("epsilon_eV").get<double>());
    CHECK(cfg["potential"]["pairs"][0]["sigma_A"].as<double>() == p.at("sigma_A").get<double>());
    return;
  }
  const json& pairs = p.at("pairs");
  const YAML::Node type_map = cfg["structure"]["type_map"];
  REQUIRE(cfg["potential"]["pairs"].size() == pairs.size());
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    const YAML::Node pair = cfg["potential"]["pairs"][k];
    for (int t = 0; t < 2; ++t) {
      const int file_type = pairs[k].at("types").at(t).get<int>();
      CHECK(pair["types"][t].as<std::string>() == type_map[file_type - 1].as<std::string>());
    }
    CHECK(pair["epsilon_eV"].as<double>() == pairs[k].at("epsilon_eV").get<double>());
    CHECK(pair["sigma_A"].as<double>() == pairs[k].at("sigma_A").get<double>());
  }
}

/// Loads the golden, copies the committed mdrun config and the data file into a fresh directory,
/// and checks that the config's physics is the golden's (the two are edited separately).
Case prepare(const std::string& name, const md::test::ScratchDir& tmp) {
  Case c{name, read_json(kLjDir / "golden" / (name + ".json")), tmp.path()};
  const std::string data_file = c.golden.at("data_file").get<std::string>();
  fs::copy_file(kLjDir / (name + ".yaml"), c.dir / "config.yaml");
  fs::copy_file(kLjDir / data_file, c.dir / data_file);

  const json& p = c.golden.at("parameters");
  const YAML::Node cfg = YAML::LoadFile((c.dir / "config.yaml").string());
  CHECK(cfg["structure"]["file"].as<std::string>() == c.golden.at("data_file").get<std::string>());
  CHECK(cfg["potential"]["type"].as<std::string>() == p.at("pair_style").get<std::string>());
  CHECK(cfg["potential"]["cutoff_A"].as<double>() == p.at("cutoff_A").get<double>());
  CHECK(cfg["potential"]["shift_energy"].as<bool>() == p.at("shift_energy").get<bool>());
  check_pairs(cfg, p);
  CHECK(cfg["run"]["dt_fs"].as<double>() == Approx(p.at("dt_ps").get<double>() * 1000.0));
  CHECK(cfg["run"]["steps"].as<long>() == p.at("steps").get<long>());
  CHECK(cfg["neighbor"]["skin_A"].as<double>() == p.at("skin_A").get<double>());
  CHECK_FALSE(cfg["velocity"]);  // velocities must come from the data file, as in LAMMPS
  return c;
}

/// Writes dir/<name> = dir/config.yaml with the structure file replaced (for eval on final.data).
void write_config_with_structure(const fs::path& dir, const std::string& name,
                                 const std::string& structure_file) {
  YAML::Node cfg = YAML::LoadFile((dir / "config.yaml").string());
  cfg["structure"]["file"] = structure_file;
  YAML::Emitter out;
  out << cfg;
  std::ofstream(dir / name) << out.c_str() << "\n";
}

double rel_err(double value, double ref) { return std::abs(value - ref) / std::abs(ref); }

/// Per-id rows of a golden array ("init_forces" or "run_atoms"): id -> values after the id.
std::map<long, std::vector<double>> rows_by_id(const json& rows) {
  std::map<long, std::vector<double>> out;
  for (const auto& row : rows) {
    std::vector<double> values;
    for (std::size_t k = 1; k < row.size(); ++k) values.push_back(row.at(k).get<double>());
    out[row.at(0).get<long>()] = std::move(values);
  }
  return out;
}

/// Compares `forces` ([n][3], ascending id 1..n) with golden rows (id, f[col0..col0+2]) using the
/// max-component-relative measure. Returns the largest |ΔF|.
double check_forces(const json& forces, const json& golden_rows, int col0, double rel_tol) {
  const auto ref = rows_by_id(golden_rows);
  REQUIRE(forces.size() == ref.size());
  double f_max = 0.0;
  for (const auto& [id, v] : ref) {
    for (int a = 0; a < 3; ++a) f_max = std::max(f_max, std::abs(v[col0 + a]));
  }
  REQUIRE(f_max > 0.0);
  double worst = 0.0;
  long worst_id = 0;
  for (const auto& [id, v] : ref) {
    const json& f = forces.at(id - 1);  // eval lists forces in ascending id; ids are 1..n
    for (int a = 0; a < 3; ++a) {
      const double d = std::abs(f.at(a).get<double>() - v[col0 + a]);
      if (d > worst) {
        worst = d;
        worst_id = id;
      }
    }
  }
  INFO("max |F - F_ref| = " << worst << " eV/A at atom id " << worst_id << "; max |F_ref| = "
                            << f_max << " eV/A; tolerance " << rel_tol * f_max);
  CHECK(worst <= rel_tol * f_max);
  return worst;
}

void check_thermo(const json& final_thermo, const json& ref, double rel_tol,
                  const std::vector<std::string>& keys) {
  for (const auto& key : keys) {
    const double value = final_thermo.at(key).get<double>();
    const double expected = ref.at(key).get<double>();
    INFO(key << ": mdrun " << value << ", LAMMPS " << expected << ", relative error "
             << rel_err(value, expected));
    CHECK(rel_err(value, expected) <= rel_tol);
  }
}

/// The summary's pressure tensor (pxx pyy pzz pxy pxz pyz, bar) against the golden's, per
/// component within rel_tol of the largest diagonal component; a no-op for goldens without one.
void check_pressure_tensor(const json& final_thermo, const json& ref, double rel_tol) {
  if (!ref.contains("pressure_tensor_bar")) return;
  static const std::array<const char*, 6> kKeys = {"pxx", "pyy", "pzz", "pxy", "pxz", "pyz"};
  const json& p_ref = ref.at("pressure_tensor_bar");
  double scale = 0.0;
  for (int k = 0; k < 3; ++k) scale = std::max(scale, std::abs(p_ref.at(k).get<double>()));
  for (int k = 0; k < 6; ++k) {
    const double value = final_thermo.at(kKeys[k]).get<double>();
    const double expected = p_ref.at(k).get<double>();
    INFO(kKeys[k] << ": mdrun " << value << " bar, LAMMPS " << expected << " bar");
    CHECK(std::abs(value - expected) <= rel_tol * scale);
  }
}

void check_step0(const std::string& name) {
  md::test::ScratchDir tmp(name + "_init");
  const Case c = prepare(name, tmp);
  const json& init = c.golden.at("init");
  const std::size_t natoms = c.golden.at("natoms").get<std::size_t>();

  // Energy, virial and forces from one potential evaluation.
  run_mdrun(c.dir, "eval --config config.yaml --json eval.json", "eval.log");
  const json ev = read_json(c.dir / "eval.json");
  REQUIRE(ev.at("natoms").get<std::size_t>() == natoms);
  {
    const double e = ev.at("energy").get<double>();
    const double e_ref = init.at("pe").get<double>();
    INFO("energy: mdrun " << e << " eV, LAMMPS " << e_ref << " eV");
    CHECK(std::abs(e - e_ref) <= kInitRelTol * std::abs(e_ref));
  }
  {
    // Golden order xx yy zz xy xz yz; eval's W[3a+b] = Σ F_a r_b.
    const json& w = ev.at("virial");
    REQUIRE(w.size() == 9);
    const json& w_ref = init.at("virial_eV");
    const std::array<int, 6> index = {0, 4, 8, 1, 2, 5};
    const std::array<int, 6> transposed = {0, 4, 8, 3, 6, 7};
    double scale = 0.0;
    for (int k = 0; k < 3; ++k) scale = std::max(scale, std::abs(w_ref.at(k).get<double>()));
    for (int k = 0; k < 6; ++k) {
      const double ref = w_ref.at(k).get<double>();
      INFO("virial component " << k << " (xx yy zz xy xz yz): mdrun " << w.at(index[k])
                               << ", LAMMPS " << ref << " eV");
      CHECK(std::abs(w.at(index[k]).get<double>() - ref) <= kInitRelTol * scale);
      CHECK(std::abs(w.at(transposed[k]).get<double>() - ref) <= kInitRelTol * scale);
    }
  }
  check_forces(ev.at("forces"), c.golden.at("init_forces"), 0, kInitRelTol);

  // The engine's own thermo at step 0 (pressure includes the kinetic part).
  run_mdrun(c.dir, "--config config.yaml --nsteps 0", "run0.log");
  const json summary = read_json(c.dir / "summary.json");
  CHECK(summary.at("atoms").get<std::size_t>() == natoms);
  const json& fin = summary.at("final");
  CHECK(fin.at("step").get<long>() == 0);
  check_thermo(fin, init, kInitRelTol, {"pe", "ke", "etotal", "temp", "press", "vol"});
  check_pressure_tensor(fin, init, kInitRelTol);
}

void check_run(const std::string& name) {
  md::test::ScratchDir tmp(name + "_run");
  const Case c = prepare(name, tmp);
  const json& run = c.golden.at("run");
  const long steps = c.golden.at("parameters").at("steps").get<long>();

  run_mdrun(c.dir, "--config config.yaml", "run.log");
  const json summary = read_json(c.dir / "summary.json");
  CHECK(summary.at("steps").get<long>() == steps);
  CHECK(summary.at("final").at("step").get<long>() == steps);
  check_thermo(summary.at("final"), run, kRunThermoRelTol,
               {"pe", "ke", "etotal", "temp", "press", "vol"});
  check_pressure_tensor(summary.at("final"), run, kRunThermoRelTol);

  // Positions (unwrapped with the image flags) and velocities from the final data file.
  const md::StructureData fin =
      md::read_lammps_data((c.dir / "final.data").string(), md::AtomStyle::kAtomic);
  const auto ref = rows_by_id(c.golden.at("run_atoms"));  // xu yu zu vx vy vz fx fy fz
  REQUIRE(fin.size() == ref.size());
  REQUIRE(fin.velocities.size() == 3 * fin.size());
  REQUIRE(fin.images.size() == 3 * fin.size());
  md::Box box;
  for (int d = 0; d < 3; ++d) box.lo[d] = fin.lo[d], box.hi[d] = fin.hi[d], box.tilt[d] = fin.tilt[d];
  if (c.golden.contains("box")) {  // the final data file keeps the golden's (fixed) cell
    for (int d = 0; d < 3; ++d) CHECK(box.tilt[d] == c.golden.at("box").at("tilt").at(d).get<double>());
  }
  double dx_max = 0.0, dv_max = 0.0;
  long dx_id = 0, dv_id = 0;
  for (std::size_t i = 0; i < fin.size(); ++i) {
    const auto it = ref.find(static_cast<long>(fin.ids[i]));
    REQUIRE(it != ref.end());
    double xu[3];
    box.unwrap(&fin.positions[3 * i], &fin.images[3 * i], xu);
    for (int a = 0; a < 3; ++a) {
      const double dx = std::abs(xu[a] - it->second[a]);
      const double dv = std::abs(fin.velocities[3 * i + a] - it->second[3 + a]);
      if (dx > dx_max) { dx_max = dx; dx_id = it->first; }
      if (dv > dv_max) { dv_max = dv; dv_id = it->first; }
    }
  }
  {
    INFO("max |x_unwrapped - x_ref| = " << dx_max << " A at atom id " << dx_id);
    CHECK(dx_max <= kRunPositionTol);
  }
  {
    INFO("max |v - v_ref| = " << dv_max << " A/ps at atom id " << dv_id);
    CHECK(dv_max <= kRunVelocityTol);
  }

  // Forces at step 100, evaluated on the written final state (also exercises the image flags and
  // the data-file round trip).
  write_config_with_structure(c.dir, "config_final.yaml", "final.data");
  run_mdrun(c.dir, "eval --config config_final.yaml --json eval_final.json", "eval_final.log");
  const json ev = read_json(c.dir / "eval_final.json");
  check_forces(ev.at("forces"), c.golden.at("run_atoms"), 6, kRunForceRelTol);
  {
    const double e = ev.at("energy").get<double>();
    const double e_ref = run.at("pe").get<double>();
    INFO("step-" << steps << " energy from eval on final.data: " << e << ", LAMMPS " << e_ref);
    CHECK(rel_err(e, e_ref) <= kRunThermoRelTol);
  }
}

}  // namespace

TEST_CASE("lj/cut vs LAMMPS, shift no: step-0 energy, virial, forces, thermo",
          "[regression][lj][lammps]") {
  check_step0("lj_cut_shift_no");
}

TEST_CASE("lj/cut vs LAMMPS, shift yes: step-0 energy, virial, forces, thermo",
          "[regression][lj][lammps]") {
  check_step0("lj_cut_shift_yes");
}

TEST_CASE("lj/cut vs LAMMPS, shift no: state after 100 NVE steps", "[regression][lj][lammps]") {
  check_run("lj_cut_shift_no");
}

TEST_CASE("lj/cut vs LAMMPS, shift yes: state after 100 NVE steps", "[regression][lj][lammps]") {
  check_run("lj_cut_shift_yes");
}

TEST_CASE("lj/cut vs LAMMPS, Ar/Kr mixture in a tilted cell: step-0 energy, virial, forces, "
          "pressure tensor",
          "[regression][lj][lammps][triclinic]") {
  check_step0("lj_mixture_triclinic");
}

TEST_CASE("lj/cut vs LAMMPS, Ar/Kr mixture in a tilted cell: state after 100 NVE steps",
          "[regression][lj][lammps][triclinic]") {
  check_run("lj_mixture_triclinic");
}
