// SPDX-License-Identifier: MIT
/// \file
/// The failure classes of issue 17 ("never a silent wrong answer, never a user file lost"),
/// through the mdrun binary: every case must end with its documented exit code and a message
/// naming what and where, before any work when it can be known at start (also under --check),
/// and must leave the user's files byte-identical. docs/testing.md maps each class to its tests.
///
///  - absurd dynamics: atoms 0.3 Å apart (force guard at step 0 and the close-contact warning),
///    a hot atom (temperature guard), an exploding integration (conserved-energy jump), water at
///    the largest accepted time step (NVE and Nosé–Hoover), an atom at x = 1e300;
///  - sizes that cannot work: replication counts or ids that overflow 64 bits, a system larger
///    than the node's memory, a periodic box far smaller than the cutoff (0.01 Å, 1e-320 Å);
///  - command line: --maxh nan/0/-1, --nsteps beyond 64 bits, --set with text after the value;
///  - models: a type missing from the model is exit 4 (even without a mass), a damaged model in
///    `mdrun eval` is blamed on the model;
///  - user files: a FIFO and a symbolic link as outputs, users' `*.tmp` files, an output that is
///    the config, an input or another output, a missing or unwritable output directory, two runs
///    in one directory;
///  - outputs: Atom Type Labels and the tilt line kept as the input had them, a type_map that
///    contradicts the labels, the log file, its LAMMPS markers, the resolved config.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <thread>

#include "io/hdf5_handle.hpp"
#include "tests/support/mdrun_process.hpp"
#include "tests/support/run_log.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using md::test::ProcessResult;
using md::test::ScratchDir;

namespace {

const char* const kLj = R"(potential:
  type: lj/cut
  cutoff_A: 8.5125
  shift_energy: true
  pairs: [{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]
)";

/// A LAMMPS data file of argon atoms at `positions` ("x y z" each) in a cubic box of `length`.
std::string argon(const std::vector<std::string>& positions, const std::string& length = "20",
                  const std::string& extra_header = "") {
  std::string text = "argon atoms for a reliability test\n\n" + std::to_string(positions.size()) +
                     " atoms\n1 atom types\n\n0 " + length + " xlo xhi\n0 " + length +
                     " ylo yhi\n0 " + length + " zlo zhi\n" + extra_header +
                     "\nMasses\n\n1 39.948\n\nAtoms # atomic\n\n";
  for (std::size_t i = 0; i < positions.size(); ++i) {
    text += std::to_string(i + 1) + " 1 " + positions[i] + "\n";
  }
  return text;
}

std::string lj_config(const std::string& data, const std::string& run,
                      const std::string& extra = "") {
  return "structure: {file: " + data + ", type_map: [Ar]}\n" + kLj + "run: " + run +
         "\nneighbor: {skin_A: 1.0}\nthermo: {every: 10}\n" + extra;
}

ProcessResult mdrun(const ScratchDir& dir, const std::string& arguments,
                    const std::string& environment = "") {
  return md::test::run_process(md::test::mdrun_with("", arguments, environment), dir.path());
}

/// A run directory holding the 108-atom LJ liquid as `liquid.data`.
void add_liquid(const ScratchDir& dir) {
  fs::copy_file(fs::path(MD_TEST_DATA_DIR) / "lj" / "lj_liquid_108.data", dir.path() / "liquid.data");
}

std::string water_config(const std::string& run, const std::string& extra = "") {
  return "structure: {file: " + std::string(MD_SOURCE_DIR) +
         "/configs/data/water.lmp, type_map: [O, H]}\npotential: {type: deepmd, model: " +
         std::string(MD_SOURCE_DIR) + "/models/water_se_e2_a.dp}\nrun: " + run +
         "\nvelocity: {create: {temperature_K: 300, seed: 1}}\nthermo: {every: 5}\n"
         "output: {write_final_data: false}\n" + extra;
}

std::string file_text(const fs::path& path) { return md::test::read_text_file(path.string()); }

/// True when nothing of the run's dynamics happened (no thermo table was printed).
bool stopped_before_step_zero(const ProcessResult& r) {
  return r.output.find("      Step") == std::string::npos;
}

}  // namespace

// --- Runs that must stop, not finish -----------------------------------------------------------

TEST_CASE("reliability: atoms 0.3 A apart are reported at start and stopped at step 0",
          "[cli][reliability]") {
  ScratchDir dir("rel_overlap");
  dir.write("a.data", argon({"5 5 5", "5.3 5 5", "15 15 15"}));
  dir.write("run.yaml", lj_config("a.data", "{steps: 100, dt_fs: 2.0}"));
  const ProcessResult r = mdrun(dir, "--config run.yaml");
  INFO(r.output);
  CHECK(r.exit_code == 5);
  CHECK_THAT(r.output, Contains("atoms 1 and 2 are 0.3 Å apart, less than 0.5 of their natural "
                                "distance (3.405 Å, the pair's Lennard-Jones σ)"));
  CHECK_THAT(r.output, Contains("on atom 1 at step 0") && Contains("guards.max_force_eV_A = 1000"));
  CHECK_THAT(r.output, Contains("wrote the last state (step 0)"));
  CHECK_FALSE(fs::exists(dir.path() / "a.data.final"));
}

/// The 108-atom LJ liquid created at 3,000 K with dt = 50 fs (the largest accepted): the
/// integration explodes within a few steps (atoms are 1e18 Å away by step 5). `guards` switches
/// off the bounds that would act first.
ProcessResult exploding_liquid(const ScratchDir& dir, const std::string& guards) {
  add_liquid(dir);
  // Thermo on every step: these guards act on thermo samples.
  dir.write("run.yaml", "structure: {file: liquid.data, type_map: [Ar]}\n" + std::string(kLj) +
                            "run: {steps: 400, dt_fs: 50.0}\nthermo: {every: 1}\n"
                            "velocity: {create: {temperature_K: 3000, seed: 1}}\n"
                            "guards: " + guards + "\n");
  return mdrun(dir, "--config run.yaml");
}

TEST_CASE("reliability: an exploding integration stops on the temperature guard",
          "[cli][reliability]") {
  ScratchDir dir("rel_hot");
  // The default bound: 10 times the reference (here the 3,000 K of the created velocities).
  const ProcessResult r = exploding_liquid(
      dir, "{max_step_displacement_A: 0, max_force_eV_A: 0, max_energy_jump_eV_per_atom: 0}");
  INFO(md::test::tail_of(r.output));
  CHECK(r.exit_code == 5);
  CHECK_THAT(r.output, Contains("more than guards.max_temperature_K = 30000 K (by default 10 "
                                "times the run's reference temperature)"));
  CHECK_THAT(r.output, Contains("wrote the last state"));
}

TEST_CASE("reliability: an exploding integration stops on the conserved-energy jump",
          "[cli][reliability]") {
  ScratchDir dir("rel_jump");
  const ProcessResult r = exploding_liquid(
      dir, "{max_step_displacement_A: 0, max_force_eV_A: 0, max_temperature_K: 0}");
  INFO(md::test::tail_of(r.output));
  CHECK(r.exit_code == 5);
  CHECK_THAT(r.output, Contains("the conserved energy changed by") &&
                           Contains("more than guards.max_energy_jump_eV_per_atom = 0.1"));
  CHECK_THAT(r.output, Contains("wrote the last state"));
}

TEST_CASE("reliability: water at the largest accepted time step never finishes",
          "[cli][reliability]") {
  // dt_fs = 50 is the largest the config accepts; water reached 2e9 K (NVE) or collapsed to 0 K
  // (Nosé–Hoover) and ended with exit code 0 and a final data file.
  const std::string integrator =
      GENERATE(as<std::string>{}, "",
               "integrator: {type: nvt, thermostat: {type: nose_hoover_chain, temperature_K: 300, "
               "tau_ps: 0.05}}\n");
  ScratchDir dir("rel_water_dt");
  dir.write("run.yaml", water_config("{steps: 40, dt_fs: 50}", integrator));
  const ProcessResult r = mdrun(dir, "--config run.yaml");
  INFO(r.output);
  CHECK(r.exit_code == 5);
  CHECK_THAT(r.output, Contains("the dynamics is unstable"));
  CHECK_THAT(r.output, Contains("wrote the last state"));
}

TEST_CASE("reliability: an atom at x = 1e300 in a periodic box is refused at start",
          "[cli][reliability]") {
  ScratchDir dir("rel_far");
  dir.write("a.data", argon({"5 5 5", "1e300 5 5"}));
  dir.write("run.yaml", lj_config("a.data", "{steps: 10, dt_fs: 2.0}"));
  for (const char* mode : {"", "--check"}) {
    const ProcessResult r = mdrun(dir, std::string("--config run.yaml ") + mode);
    INFO(r.output);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.output, Contains("atom 2 lies at x = 1e+300 Å") &&
                             Contains("its image count does not fit in 32 bits"));
    CHECK(stopped_before_step_zero(r));
  }
}

// --- Sizes that cannot work -------------------------------------------------------------------

TEST_CASE("reliability: sizes that cannot work are refused before any work, in --check too",
          "[cli][reliability]") {
  struct Case {
    const char* name;
    std::string data;
    std::string set;
    int exit_code;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"replication overflows 64 bits", argon({"5 5 5"}),
       "--set structure.replicate=[2000000000,2000000000,2000000000]", 2,
       "gives more atoms than a 64-bit count can hold"},
      {"replication beyond the node's memory", argon({"5 5 5"}),
       "--set structure.replicate=[100000,100000,1000]", 6, "GiB per rank"},
      {"a 0.01 A periodic box", argon({"0.001 0.001 0.001"}, "0.01"), "", 2,
       "is too small for the neighbour-list radius of 9.5125 Å"},
      {"a 1e-320 A box", argon({"0 0 0"}, "1e-320"), "", 2,
       "a box needs a positive, normal length in every dimension"},
      {"a cutoff far larger than the box", argon({"5 5 5"}),
       "--set potential.cutoff_A=500", 2, "periodic images of the box as ghosts"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      ScratchDir dir("rel_size");
      dir.write("a.data", c.data);
      dir.write("run.yaml", lj_config("a.data", "{steps: 10, dt_fs: 2.0}"));
      for (const char* mode : {"", "--check"}) {
        const auto start = std::chrono::steady_clock::now();
        const ProcessResult r = mdrun(dir, "--config run.yaml " + c.set + " " + mode);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        INFO(r.output);
        CHECK(r.exit_code == c.exit_code);
        CHECK_THAT(r.output, Contains(c.message));
        CHECK(stopped_before_step_zero(r));
        CHECK(seconds < 30.0);  // refused at once, not after building the system
      }
    }
  }
  SECTION("replicated ids that overflow 64 bits") {
    ScratchDir dir("rel_ids");
    std::string data = argon({"5 5 5", "6 6 6"});
    data = std::regex_replace(data, std::regex("\n2 1 6 6 6\n"), "\n4000000000000000000 1 6 6 6\n");
    dir.write("a.data", data);
    dir.write("run.yaml", lj_config("a.data", "{steps: 10, dt_fs: 2.0}"));
    const ProcessResult r = mdrun(dir, "--config run.yaml --set structure.replicate=[2,2,2]");
    INFO(r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Contains("the replicated atom ids") && Contains("do not fit in 64 bits"));
    CHECK(stopped_before_step_zero(r));
  }
}

// --- Command line and config values -----------------------------------------------------------

TEST_CASE("reliability: bad --maxh, --nsteps and --set values are refused with short messages",
          "[cli][reliability]") {
  ScratchDir dir("rel_cli");
  add_liquid(dir);
  dir.write("run.yaml", lj_config("liquid.data", "{steps: 10, dt_fs: 2.0}"));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--maxh nan", "--maxh must be a number of hours > 0 (omit it for no time limit), got 'nan'"},
      {"--maxh 0", "--maxh must be a number of hours > 0"},
      {"--maxh -1", "--maxh must be a number of hours > 0"},
      {"--maxh 1e400", "--maxh must be a number of hours > 0"},
      {"--nsteps 1e300", "--nsteps must be a whole number of steps >= 0, got '1e300'"},
      {"--nsteps 99999999999999999999999", "--nsteps '99999999999999999999999' is too large"},
      {"--set 'thermo.columns=[step],'", "the value is not valid YAML"},
      {"--set 'thermo.columns=[step] [pe]'", "the value is not valid YAML"},
  };
  for (const auto& [arguments, message] : cases) {
    const ProcessResult r = mdrun(dir, "--config run.yaml --check " + arguments);
    INFO(arguments << "\n" << r.output);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.output, Contains(message));
    CHECK(r.output.size() < 600);  // no 309-digit limits
  }
}

// --- Models -----------------------------------------------------------------------------------

TEST_CASE("reliability: a type missing from the model is a model error", "[cli][reliability]") {
  ScratchDir dir("rel_type");
  // Xx is neither in the model nor an element (it has no mass either): the model is checked
  // first, so this is exit code 4, not a missing-mass structure error (3).
  dir.write("run.yaml", "structure: {file: " + std::string(MD_SOURCE_DIR) +
                            "/configs/data/water.lmp, type_map: [O, Xx]}\n"
                            "potential: {type: deepmd, model: " +
                            std::string(MD_SOURCE_DIR) + "/models/water_se_e2_a.dp}\n"
                            "run: {steps: 1, dt_fs: 0.5}\n");
  const ProcessResult r = mdrun(dir, "--config run.yaml --check");
  INFO(r.output);
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.output, Contains("type 'Xx' of the run is not in the model's type_map"));
}

TEST_CASE("reliability: mdrun eval blames non-finite results on the model, not the dynamics",
          "[cli][reliability]") {
  ScratchDir dir("rel_eval");
  // Two water molecules' O atoms on top of each other: the model's environment matrix divides
  // by the distance, so the result is not finite. A single point has no dynamics.
  dir.write("w.data", "two waters on top of each other\n\n6 atoms\n2 atom types\n\n0 12 xlo xhi\n"
                      "0 12 ylo yhi\n0 12 zlo zhi\n\nAtoms # atomic\n\n1 1 5 5 5\n2 2 5.9 5 5\n"
                      "3 2 5 5.9 5\n4 1 5 5 5\n5 2 4.1 5 5\n6 2 5 4.1 5\n");
  const ProcessResult r =
      mdrun(dir, "eval --model " + std::string(MD_SOURCE_DIR) +
                     "/models/water_se_e2_a.dp --structure w.data --type-map O,H");
  INFO(r.output);
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.output, Contains("gives a non-finite value") && Contains("the model file may be "
                                                                        "damaged"));
  CHECK_THAT(r.output, !Contains("the dynamics is unstable"));

  // A damaged model: one fitting-net bias overwritten with NaN.
  fs::copy_file(std::string(MD_SOURCE_DIR) + "/models/water_se_e2_a.dp", dir.path() / "bad.dp");
  {
    md::hdf5::quiet_errors();
    md::hdf5::Handle file(H5Fopen((dir / "bad.dp").c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
    REQUIRE(file.valid());
    md::hdf5::Handle bias(H5Dopen2(file.get(), "variable_0015", H5P_DEFAULT), H5Dclose);
    REQUIRE(bias.valid());
    const std::vector<double> nan(240, std::nan(""));
    REQUIRE(H5Dwrite(bias.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, nan.data()) >= 0);
  }
  const ProcessResult damaged = mdrun(
      dir, "eval --model bad.dp --structure " + std::string(MD_SOURCE_DIR) +
               "/configs/data/water.lmp --type-map O,H");
  INFO(damaged.output);
  CHECK(damaged.exit_code == 4);
  CHECK_THAT(damaged.output, Contains("bad.dp") || Contains("model file may be damaged"));
  CHECK_THAT(damaged.output, !Contains("the dynamics is unstable"));
}

// --- User files -------------------------------------------------------------------------------

TEST_CASE("reliability: special files and symbolic links as outputs are written, never moved",
          "[cli][reliability]") {
  ScratchDir dir("rel_special");
  add_liquid(dir);
  SECTION("a FIFO receives the final data file and stays a FIFO") {
    REQUIRE(::mkfifo((dir / "out.fifo").c_str(), 0644) == 0);
    dir.write("run.yaml", lj_config("liquid.data", "{steps: 5, dt_fs: 2.0}",
                                    "output: {final_data_file: out.fifo, log_file: none}\n"));
    // A reader on the FIFO, as a user's `mdrun ... & cat out.fifo` would have.
    const ProcessResult r = md::test::run_process(
        "(cat out.fifo > captured.txt &) ; " +
            md::test::mdrun_with("", "--config run.yaml") + "; sleep 0.2",
        dir.path());
    INFO(r.output);
    CHECK(r.exit_code == 0);
    struct stat st {};
    REQUIRE(::lstat((dir / "out.fifo").c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
    CHECK_FALSE(fs::exists(dir.path() / "#out.fifo.1#"));
    CHECK_THAT(file_text(dir.path() / "captured.txt"), Contains("Atoms # atomic"));
  }
  SECTION("a link is followed: its target is backed up and rewritten, the link stays") {
    fs::create_directories(dir.path() / "real");
    dir.write("real/target.data", "the user's old file\n");
    fs::create_symlink("real/target.data", dir.path() / "link.data");
    dir.write("run.yaml", lj_config("liquid.data", "{steps: 5, dt_fs: 2.0}",
                                    "output: {final_data_file: link.data}\n"));
    const ProcessResult r = mdrun(dir, "--config run.yaml");
    INFO(r.output);
    CHECK(r.exit_code == 0);
    CHECK(fs::is_symlink(dir.path() / "link.data"));
    CHECK(fs::read_symlink(dir.path() / "link.data") == "real/target.data");
    CHECK_THAT(file_text(dir.path() / "real" / "target.data"), Contains("Atoms # atomic"));
    CHECK(file_text(dir.path() / "real" / "#target.data.1#") == "the user's old file\n");
  }
}

TEST_CASE("reliability: users' files named like scratch files are never touched",
          "[cli][reliability]") {
  ScratchDir dir("rel_scratch");
  add_liquid(dir);
  dir.write("liquid.data.final.tmp", "mine 1\n");
  dir.write("state.h5.tmp", "mine 2\n");
  dir.write("run.yaml", lj_config("liquid.data", "{steps: 20, dt_fs: 2.0}",
                                  "checkpoint: {file: state.h5, every_steps: 10}\n"));
  const ProcessResult r = mdrun(dir, "--config run.yaml");
  INFO(r.output);
  CHECK(r.exit_code == 0);
  CHECK(fs::exists(dir.path() / "state.h5"));
  CHECK(file_text(dir.path() / "liquid.data.final.tmp") == "mine 1\n");
  CHECK(file_text(dir.path() / "state.h5.tmp") == "mine 2\n");
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
  }
}

TEST_CASE("reliability: outputs that clash with inputs or each other are refused at start",
          "[cli][reliability]") {
  ScratchDir dir("rel_clash");
  add_liquid(dir);
  const std::string config_text = lj_config("liquid.data", "{steps: 5, dt_fs: 2.0}");
  dir.write("run.yaml", config_text);
  const std::string liquid = file_text(dir.path() / "liquid.data");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--set output.final_data_file=run.yaml",
       "output.final_data_file 'run.yaml' is the config file 'run.yaml'"},
      {"--set output.summary_json=liquid.data",
       "output.summary_json 'liquid.data' is structure.file"},
      {"--set output.summary_json=./sub/../liquid.data.final",
       "is the same file as the final data file"},
      {"--set output.log_file=run.yaml", "output.log_file 'run.yaml' is the config file"},
  };
  for (const auto& [arguments, message] : cases) {
    for (const char* mode : {"", "--check"}) {
      const ProcessResult r = mdrun(dir, "--config run.yaml " + arguments + " " + mode);
      INFO(arguments << " " << mode << "\n" << r.output);
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.output, Contains(message));
      CHECK(stopped_before_step_zero(r));
    }
  }
  CHECK(file_text(dir.path() / "run.yaml") == config_text);
  CHECK(file_text(dir.path() / "liquid.data") == liquid);
}

TEST_CASE("reliability: a missing or unwritable output directory is found at start",
          "[cli][reliability]") {
  ScratchDir dir("rel_dirs");
  add_liquid(dir);
  dir.write("run.yaml", lj_config("liquid.data", "{steps: 5, dt_fs: 2.0}"));
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--set output.final_data_file=no/such/dir/final.data",
       "output.final_data_file: the directory 'no/such/dir' of 'no/such/dir/final.data' does not "
       "exist"},
      {"--set output.summary_json=liquid.data/x.json", "is not a directory"},
      // /proc accepts no new files, even from root (CI runs as root, so permissions alone
      // would not show it).
      {"--set output.summary_json=/proc/mdrun.json", "cannot create files in the directory '/proc'"},
  };
  for (const auto& [arguments, message] : cases) {
    for (const char* mode : {"", "--check"}) {
      const ProcessResult r = mdrun(dir, "--config run.yaml " + arguments + " " + mode);
      INFO(arguments << " " << mode << "\n" << r.output);
      CHECK(r.exit_code == 7);
      CHECK_THAT(r.output, Contains(message));
      CHECK(stopped_before_step_zero(r));
    }
  }
}

TEST_CASE("reliability: a second run in the same directory is refused at start",
          "[cli][reliability]") {
  ScratchDir dir("rel_lock");
  add_liquid(dir);
  dir.write("long.yaml", lj_config("liquid.data", "{steps: 100000000, dt_fs: 2.0}",
                                   "output: {write_final_data: false}\n"));
  dir.write("short.yaml", lj_config("liquid.data", "{steps: 5, dt_fs: 2.0}"));
  // The first run, in the background; the second starts once the first holds the lock.
  const ProcessResult started = md::test::run_process(
      "(" + md::test::mdrun_with("", "--config long.yaml") + " > long.out 2>&1 & echo $! > pid)",
      dir.path());
  REQUIRE(started.exit_code == 0);
  for (int k = 0; k < 200 && file_text(dir.path() / "long.out").find("Step") == std::string::npos;
       ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const ProcessResult second = mdrun(dir, "--config short.yaml");
  md::test::run_process("kill -TERM $(cat pid); sleep 0.5", dir.path());
  INFO(second.output);
  CHECK(second.exit_code == 7);
  CHECK_THAT(second.output, Contains("another run is writing outputs in '") &&
                                Contains("config long.yaml") &&
                                Contains("start this run in another directory"));
  CHECK(stopped_before_step_zero(second));
}

// --- Outputs the ecosystem can read ------------------------------------------------------------

TEST_CASE("reliability: the final data file keeps the input's type labels and tilt line",
          "[cli][reliability]") {
  ScratchDir dir("rel_labels");
  const std::string plain = argon({"5 5 5", "10 10 10"});
  const std::string tilted = argon({"5 5 5", "10 10 10"}, "20", "0 0 0 xy xz yz\n");
  const std::string labelled =
      std::regex_replace(plain, std::regex("\nMasses\n"), "\nAtom Type Labels\n\n1 Ar\n\nMasses\n");
  dir.write("plain.data", plain);
  dir.write("tilted.data", tilted);
  dir.write("labelled.data", labelled);
  const auto final_of = [&](const std::string& data, const std::string& extra) {
    dir.write("run.yaml", "structure: {file: " + data + "}\n" + kLj +
                              "run: {steps: 2, dt_fs: 2.0}\noutput: {final_data_file: out.data, "
                              "log_file: none" + extra + "}\n");
    const ProcessResult r = mdrun(dir, "--config run.yaml --set structure.type_map=[Ar]");
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const std::string text = file_text(dir.path() / "out.data");
    fs::remove(dir.path() / "out.data");
    return text;
  };
  CHECK_THAT(final_of("plain.data", ""), !Contains("Atom Type Labels") && !Contains("xy xz yz"));
  CHECK_THAT(final_of("tilted.data", ""), Contains("\n0 0 0 xy xz yz\n"));
  CHECK_THAT(final_of("labelled.data", ""), Contains("Atom Type Labels\n\n1 Ar\n"));
  CHECK_THAT(final_of("labelled.data", ", write_type_labels: false"), !Contains("Atom Type Labels"));
  CHECK_THAT(final_of("plain.data", ", write_type_labels: true"), Contains("Atom Type Labels"));
}

TEST_CASE("reliability: a type_map that contradicts the Atom Type Labels is refused",
          "[cli][reliability]") {
  ScratchDir dir("rel_typemap");
  dir.write("w.data", md::test::read_text_file(std::string(MD_TEST_DATA_DIR) +
                                               "/structures/type_labels.data"));
  const std::string labels = file_text(dir.path() / "w.data");
  REQUIRE_THAT(labels, Contains("Atom Type Labels"));
  dir.write("run.yaml", "structure: {file: w.data, type_map: [H, O]}\n"
                        "potential: {type: deepmd, model: " + std::string(MD_SOURCE_DIR) +
                            "/models/water_se_e2_a.dp}\nrun: {steps: 1, dt_fs: 0.5}\n");
  const ProcessResult r = mdrun(dir, "--config run.yaml --check");
  INFO(r.output);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.output, Contains("structure.type_map names type 1 'H', but the data file") &&
                           Contains("labels it 'O'"));
}

TEST_CASE("reliability: the log file holds what stdout shows, in the layout log parsers read",
          "[cli][reliability]") {
  ScratchDir dir("rel_log");
  add_liquid(dir);
  dir.write("run.yaml", lj_config("liquid.data", "{steps: 20, dt_fs: 2.0}",
                                  "output: {summary_json: summary.json}\n"));
  const ProcessResult r = md::test::run_process(
      md::test::mdrun_with("", "--config run.yaml --set run.steps=30 > stdout.txt 2> stderr.txt"),
      dir.path());
  REQUIRE(r.exit_code == 0);
  const std::string out = file_text(dir.path() / "stdout.txt");
  const std::string log = file_text(dir.path() / "mdrun.log");
  CHECK(log == out);
  // lammps-logfile starts a thermo block on the line after "Per MPI rank memory allocation" (the
  // header) and ends it at "Loop time"; "Total wall time" is the last line.
  const std::regex block("\nPer MPI rank memory allocation \\(min/avg/max\\) = [0-9.e+]+ \\| "
                         "[0-9.e+]+ \\| [0-9.e+]+ Mbytes\n +Step +PotEng[^\n]*\n");
  CHECK(std::regex_search(log, block));
  CHECK(std::regex_search(log, std::regex("\nTotal wall time: [0-9]+:[0-9]{2}:[0-9]{2}\n$")));
  CHECK(md::test::parse_thermo(log).at("Step").size() == 4);  // steps 0, 10, 20, 30
  // The overrides and the config as used, in the log and the summary.
  CHECK_THAT(log, Contains("--set run.steps=30") && Contains("steps: 30"));
  const auto summary = md::test::read_json((dir / "summary.json"));
  CHECK(summary["config_overrides"] == nlohmann::json::array({"run.steps=30"}));
  CHECK_THAT(summary["config_resolved"].get<std::string>(), Contains("steps: 30"));
  // A run without a log file leaves the existing one as it was.
  const ProcessResult again = mdrun(dir, "--config run.yaml --set output.log_file=none");
  CHECK(again.exit_code == 0);
  CHECK(file_text(dir.path() / "mdrun.log") == log);
}
