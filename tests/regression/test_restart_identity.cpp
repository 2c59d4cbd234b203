// SPDX-License-Identifier: MIT
/// \file
/// Checkpoint and restart (docs/checkpoints.md; conventions doc §B5 items 18–21), through the
/// `mdrun` binary on the 108-atom LJ liquid (tests/data/lj/lj_liquid_108.data, dt 10 fs):
///
///  - bit-identical continuation: 200 steps straight vs 100 steps + `--cpi` + 100 steps, for NVE
///    and each thermostat, and MTK NPT with triclinic coupling in a tilted cell. Positions and
///    velocities (the final data file, written with
///    round-trip precision), the H5MD trajectory (positions, velocities, forces, steps, times,
///    observables), the dump file and the thermo rows must be equal bit for bit, and the appended
///    H5MD steps strictly increasing;
///  - fault injection: the process is killed (SIGKILL) in the middle of its third checkpoint write
///    (MD_TEST_KILL_DURING_CHECKPOINT=3); the previous checkpoint loads, the trajectories are cut
///    back to it, and the continuation is again identical to the straight run;
///  - a corrupted checkpoint (one flipped bit) is refused and the run falls back to `_prev`;
///  - a restart with different physics settings is refused with exit code 2.
///
/// Ranks: every mdrun is started behind the launcher in the environment variable MD_MPIEXEC when
/// it is set (e.g. "mpiexec --oversubscribe --allow-run-as-root -n 4"), so the same tests check
/// the N-rank restart; CTest runs them on one rank. With a launcher, an extra case continues a
/// 1-rank checkpoint on N ranks (redistributed by position, so not bitwise): positions must agree
/// with the straight N-rank run to 1e-9 Å after 100 steps (§B5 item 19).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "io/hdf5_handle.hpp"
#include "tests/support/mdrun_process.hpp"
#include "tests/support/run_log.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

const char* const kBaseConfig = R"(structure: {file: lj_liquid_108.data, type_map: [Ar]}
potential:
  type: lj/cut
  cutoff_A: 8.5125
  shift_energy: true
  pairs: [{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]
run: {steps: 200, dt_fs: 10.0}
neighbor: {skin_A: 1.0}
thermo: {every: 20}
checkpoint: {file: state.h5, every_steps: 50}
output:
  final_data_file: final.data
  trajectory:
    - {format: h5md, file: traj.h5, every: 20, fields: [velocity, force]}
    - {format: dump, file: traj.dump, every: 20, fields: [velocity, image]}
)";

const char* const kNve = "integrator: {type: nve}\n";
const char* const kNoseHoover =
    "integrator: {type: nvt, thermostat: {type: nose_hoover_chain, temperature_K: 120, "
    "tau_ps: 0.2}}\n";
const char* const kCsvr =
    "integrator: {type: nvt, thermostat: {type: csvr, temperature_K: 120, tau_ps: 0.1, "
    "seed: 3}}\n";
// A move every 10 steps: one on the restart step itself (100), whose virial the restarted run
// must recompute exactly.
const char* const kNptCRescale =
    "integrator: {type: npt, thermostat: {type: csvr, temperature_K: 120, tau_ps: 0.1, "
    "seed: 3}, barostat: {type: c_rescale, pressure_bar: 300, tau_ps: 0.5, "
    "compressibility_per_bar: 2.0e-4, seed: 4, every: 10}}\n";
const char* const kNptMtk =
    "integrator: {type: npt, thermostat: {type: nose_hoover_chain, temperature_K: 120, tau_ps: "
    "0.1}, barostat: {type: mtk, pressure_bar: 300, tau_ps: 1.0}}\n";
const char* const kNptMtkTri =
    "integrator: {type: npt, thermostat: {type: nose_hoover_chain, temperature_K: 120, tau_ps: "
    "0.1}, barostat: {type: mtk, pressure_bar: 300, tau_ps: 1.0, coupling: triclinic}}\n";
const char* const kLangevin =
    "integrator: {type: nvt, thermostat: {type: langevin, temperature_K: 120, damping_ps: 0.2, "
    "seed: 3}}\n";
const char* const kBerendsen =
    "integrator: {type: nvt, thermostat: {type: berendsen, temperature_K: 120, tau_ps: 0.1}}\n";

/// A run directory with the data file and `config.yaml`.
/// `data_file` (of tests/data/lj) is copied in as the config's lj_liquid_108.data.
struct RunDir {
  explicit RunDir(const std::string& tag, const std::string& integrator,
                  const std::string& data_file = "lj_liquid_108.data")
      : dir(tag) {
    fs::copy_file(fs::path(MD_TEST_DATA_DIR) / "lj" / data_file,
                  dir.path() / "lj_liquid_108.data");
    dir.write("config.yaml", std::string(integrator) + kBaseConfig);
  }
  md::test::ProcessResult mdrun(const std::string& arguments, const std::string& environment = "",
                                bool use_launcher = true) const {
    const std::string launcher = use_launcher ? md::test::launcher_from_environment() : "";
    return md::test::run_process(
        md::test::mdrun_with(launcher, "--config config.yaml " + arguments, environment),
        dir.path());
  }
  std::string file(const std::string& name) const {
    return md::test::read_text_file(dir / name);
  }
  md::test::ScratchDir dir;
};

void require_ok(const md::test::ProcessResult& r) {
  INFO(md::test::tail_of(r.output));
  REQUIRE(r.exit_code == 0);
}

/// The thermo rows of a log as text lines keyed by step (the CPU column is not printed).
std::vector<std::string> thermo_lines_from(const std::string& log, long first_step) {
  std::vector<std::string> out;
  std::istringstream in(log);
  bool in_block = false;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string first;
    words >> first;
    if (first == "Step") in_block = true;
    if (first == "Loop") in_block = false;
    if (!in_block || first.empty() || first.find_first_not_of("0123456789") != std::string::npos) {
      continue;  // headers and log messages between the rows
    }
    if (std::stol(first) >= first_step) out.push_back(line);
  }
  return out;
}

template <class T>
std::vector<T> dataset(const std::string& file, const std::string& name) {
  md::hdf5::quiet_errors();
  md::hdf5::Handle f(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  REQUIRE(f.valid());
  return md::hdf5::read_dataset<T>(f.get(), name);
}

/// Everything the two runs wrote must be equal bit for bit.
void require_identical_outputs(const RunDir& straight, const RunDir& restarted) {
  CHECK(straight.file("final.data") == restarted.file("final.data"));
  CHECK(straight.file("traj.dump") == restarted.file("traj.dump"));
  const std::string a = straight.dir / "traj.h5", b = restarted.dir / "traj.h5";
  for (const char* name :
       {"particles/all/position/value", "particles/all/velocity/value",
        "particles/all/force/value", "particles/all/position/time",
        "observables/conserved_energy/value", "observables/potential_energy/value",
        "observables/temperature/value", "observables/potential_energy/time",
        "particles/all/box/edges/value"}) {
    CAPTURE(name);
    CHECK(dataset<double>(a, name) == dataset<double>(b, name));
  }
  for (const char* name : {"particles/all/position/step", "observables/potential_energy/step"}) {
    const auto steps = dataset<std::int64_t>(b, name);
    CHECK(steps == dataset<std::int64_t>(a, name));
    CHECK(std::adjacent_find(steps.begin(), steps.end(), std::greater_equal<>()) == steps.end());
  }
  CHECK(dataset<int>(a, "particles/all/image/value") == dataset<int>(b, "particles/all/image/value"));
}

void check_bitwise_restart(const std::string& tag, const char* integrator,
                           const std::string& data_file = "lj_liquid_108.data") {
  RunDir straight(tag + "_straight", integrator, data_file);
  const auto full = straight.mdrun("");
  require_ok(full);
  RunDir split(tag + "_split", integrator, data_file);
  const auto first = split.mdrun("--nsteps 100");
  require_ok(first);
  CHECK_FALSE(fs::exists(split.dir / "final.data.tmp"));
  const auto second = split.mdrun("--cpi state.h5");
  require_ok(second);
  CHECK_THAT(second.output, Contains("continuing from checkpoint state.h5 at step 100"));
  require_identical_outputs(straight, split);
  // The continued thermo lines are those of the straight run (the log starts at the restart step).
  CHECK(thermo_lines_from(second.output, 100) == thermo_lines_from(full.output, 100));
}

}  // namespace

TEST_CASE("restart is bit-identical: NVE", "[regression][restart]") {
  check_bitwise_restart("nve", kNve);
}
TEST_CASE("restart is bit-identical: Nose-Hoover chain", "[regression][restart]") {
  check_bitwise_restart("nhc", kNoseHoover);
}
TEST_CASE("restart is bit-identical: CSVR", "[regression][restart]") {
  check_bitwise_restart("csvr", kCsvr);
}
TEST_CASE("restart is bit-identical: NPT (CSVR + c_rescale)", "[regression][restart]") {
  check_bitwise_restart("npt_c_rescale", kNptCRescale);
}
TEST_CASE("restart is bit-identical: NPT (mtk)", "[regression][restart]") {
  check_bitwise_restart("npt_mtk", kNptMtk);
}
TEST_CASE("restart is bit-identical: NPT (mtk, triclinic coupling) in a tilted cell",
          "[regression][restart][triclinic]") {
  check_bitwise_restart("npt_mtk_tilted", kNptMtkTri, "lj_liquid_108_tilted.data");
}
TEST_CASE("restart is bit-identical: Langevin", "[regression][restart]") {
  check_bitwise_restart("langevin", kLangevin);
}
TEST_CASE("restart is bit-identical: Berendsen", "[regression][restart]") {
  check_bitwise_restart("berendsen", kBerendsen);
}

TEST_CASE("a run killed while writing a checkpoint continues from the previous one",
          "[regression][restart]") {
  RunDir straight("kill_straight", kLangevin);
  require_ok(straight.mdrun(""));
  RunDir killed("kill", kLangevin);
  // Checkpoints at steps 50 and 100 complete; the one at 150 is cut short by SIGKILL.
  const auto crash = killed.mdrun("", "MD_TEST_KILL_DURING_CHECKPOINT=3 ");
  CHECK(crash.exit_code != 0);
  // The half-written scratch file has a unique hidden name (never a user's `state.h5.tmp`), and
  // the next run in the directory removes it.
  const auto scratch_files = [&] {
    int n = 0;
    for (const auto& entry : fs::directory_iterator(killed.dir.path())) {
      n += entry.path().filename().string().rfind(".state.h5.tmp.", 0) == 0;
    }
    return n;
  };
  CHECK(scratch_files() == 1);
  CHECK_FALSE(fs::exists(killed.dir / "state.h5.tmp"));
  const auto resumed = killed.mdrun("--cpi state.h5");
  require_ok(resumed);
  CHECK(scratch_files() == 0);
  CHECK_THAT(resumed.output, Contains("continuing from checkpoint state.h5 at step 100"));
  CHECK_THAT(resumed.output, Contains("continuing H5MD traj.h5 after its 6 frames up to step 100"));
  require_identical_outputs(straight, killed);
}

TEST_CASE("a corrupted checkpoint is refused and the previous one is used",
          "[regression][restart]") {
  RunDir straight("corrupt_straight", kCsvr);
  require_ok(straight.mdrun(""));
  RunDir run("corrupt", kCsvr);
  require_ok(run.mdrun("--nsteps 100"));  // checkpoints at 50 (now _prev) and 100
  {
    // Flip one bit in the middle of the stored positions (HDF5 itself does not notice).
    std::streamoff offset = 0;
    {
      md::hdf5::quiet_errors();
      md::hdf5::Handle file(H5Fopen((run.dir / "state.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT),
                            H5Fclose);
      REQUIRE(file.valid());
      md::hdf5::Handle positions(H5Dopen2(file.get(), "atoms/position", H5P_DEFAULT), H5Dclose);
      REQUIRE(positions.valid());
      const haddr_t start = H5Dget_offset(positions.get());
      REQUIRE(start != HADDR_UNDEF);  // contiguous storage
      offset = static_cast<std::streamoff>(start + H5Dget_storage_size(positions.get()) / 2);
    }
    std::fstream f(run.dir / "state.h5", std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(offset);
    char byte = 0;
    f.read(&byte, 1);
    byte ^= 0x04;
    f.seekp(offset);
    f.write(&byte, 1);
  }
  const auto resumed = run.mdrun("--cpi state.h5");
  require_ok(resumed);
  CHECK_THAT(resumed.output, Contains("falling back to the previous checkpoint state_prev.h5"));
  CHECK_THAT(resumed.output, Contains("at step 50"));
  CHECK(straight.file("final.data") == run.file("final.data"));
}

TEST_CASE("a restart with different physics is refused", "[regression][restart]") {
  RunDir run("mismatch", kNoseHoover);
  require_ok(run.mdrun("--nsteps 50"));
  const auto refused = run.mdrun("--cpi state.h5 --set integrator.thermostat.temperature_K=300");
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.output, Contains("was written by a run with different physics settings"));
  CHECK_THAT(refused.output, Contains("temperature_K 120"));
  CHECK_THAT(refused.output, Contains("temperature_K 300"));
  // Run length, outputs and the like may change.
  require_ok(run.mdrun("--cpi state.h5 --set run.steps=60 --set thermo.every=5"));
}

TEST_CASE("a 1-rank checkpoint continues on the launcher's rank count", "[regression][restart]") {
  if (md::test::launcher_from_environment().empty()) {
    SUCCEED("MD_MPIEXEC is not set: the rank-count change needs a launcher");
    return;
  }
  RunDir straight("ranks_straight", kNoseHoover);
  require_ok(straight.mdrun(""));
  RunDir changed("ranks_changed", kNoseHoover);
  require_ok(changed.mdrun("--nsteps 100", "", /*use_launcher=*/false));
  const auto resumed = changed.mdrun("--cpi state.h5");
  require_ok(resumed);
  // Compare the final positions (unwrapped with the image flags) by id.
  const auto atoms = [](const std::string& text) {
    std::vector<std::vector<double>> rows;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line) && line.rfind("Atoms", 0) != 0) {
    }
    std::getline(in, line);
    while (std::getline(in, line) && !line.empty()) {
      std::istringstream words(line);
      std::vector<double> row;
      for (double x; words >> x;) row.push_back(x);
      rows.push_back(row);
    }
    return rows;
  };
  const auto a = atoms(straight.file("final.data")), b = atoms(changed.file("final.data"));
  REQUIRE(a.size() == 108);
  REQUIRE(b.size() == a.size());
  const double length = 17.15707509497231;  // the data file's box
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (int d = 0; d < 3; ++d) {
      const double xa = a[i][2 + d] + a[i][5 + d] * length;
      const double xb = b[i][2 + d] + b[i][5 + d] * length;
      worst = std::max(worst, std::abs(xa - xb));
    }
  }
  CAPTURE(worst);
  CHECK(worst <= 1e-9);
}
