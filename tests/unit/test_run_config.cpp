// SPDX-License-Identifier: MIT
/// \file
/// The run config reader (io/run_config): every field of a complete config, the defaults, path
/// resolution, `--set` overrides, one test per kind of error with its message and exit code, and
/// the malformed-config corpus (tests/data/configs/malformed), each file of which states the exit
/// code and a message substring it must produce. tests/cli/test_config_errors.cpp runs the same
/// corpus through `mdrun --check`.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/units.hpp"
#include "device/backend.hpp"
#include "io/run_config.hpp"
#include "io/yaml_schema.hpp"
#include "tests/support/config_parsing.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

const std::string kConfigDir = std::string(MD_TEST_DATA_DIR) + "/configs";

const std::string& kMinimal = md::test::kMinimalConfig;

md::RunConfig parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return md::test::parse_config(text, overrides);
}

std::string parse_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return md::test::config_error_message(text, overrides);
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("run config: a complete config sets every field", "[io][config]") {
  const std::string path = kConfigDir + "/lj_argon.yaml";
  const md::RunConfig config = md::load_run_config(path);

  CHECK(config.config_path == path);
  const md::StructureConfig& s = config.structure;
  CHECK(s.file == fs::path(kConfigDir + "/argon_fcc.data").lexically_normal().string());
  CHECK(s.format == "lammps-data");
  CHECK(s.atom_style == "atomic");
  CHECK(s.type_map == std::vector<std::string>{"Ar"});
  CHECK(s.periodic == std::array<bool, 3>{true, true, true});
  CHECK(s.replicate == std::array<int, 3>{1, 1, 1});
  REQUIRE(config.masses.size() == 1);
  CHECK(config.masses.at("Ar") == 39.948);

  REQUIRE(std::holds_alternative<md::LennardJonesSpec>(config.potential));
  const md::LennardJonesSpec& lj = std::get<md::LennardJonesSpec>(config.potential);
  CHECK(lj.cutoff == 8.5125);
  CHECK(lj.shift_energy);
  REQUIRE(lj.pairs.size() == 1);
  CHECK(lj.pairs[0].type_a == "Ar");
  CHECK(lj.pairs[0].type_b == "Ar");
  CHECK(lj.pairs[0].epsilon == 0.0103);
  CHECK(lj.pairs[0].sigma == 3.405);
  CHECK(lj.pairs[0].cutoff == 8.5125);

  const md::SimulationSettings& sim = config.simulation;
  CHECK(sim.steps == 1000);
  CHECK(sim.dt_ps == 2.0 / md::units::kFsPerPs);
  CHECK(config.backend == md::BackendRequest::kCpu);
  CHECK(sim.skin == 2.0);
  REQUIRE(sim.velocity_create.has_value());
  CHECK(sim.velocity_create->temperature_K == 94.4);
  CHECK(sim.velocity_create->seed == 12345u);
  CHECK(sim.velocity_create->zero_momentum);
  CHECK(sim.thermo_every == 100);
  CHECK(sim.thermo_columns ==
        std::vector<md::ThermoColumn>{md::ThermoColumn::kStep, md::ThermoColumn::kPotEng,
                                      md::ThermoColumn::kKinEng, md::ThermoColumn::kTotEng,
                                      md::ThermoColumn::kTemp, md::ThermoColumn::kPress,
                                      md::ThermoColumn::kVolume});

  CHECK(config.output.write_final_data);
  // Outputs stay relative to the working directory.
  CHECK(config.output.final_data_file == "argon_final.data");
  CHECK(config.output.summary_json == "argon_run.json");
}

TEST_CASE("run config: the deepmd example config", "[io][config]") {
  const md::RunConfig config = md::load_run_config(kConfigDir + "/deepmd_water.yaml");
  REQUIRE(std::holds_alternative<md::DeepPotentialOptions>(config.potential));
  const md::DeepPotentialOptions& deep = std::get<md::DeepPotentialOptions>(config.potential);
  const std::string expected_model =
      fs::path(kConfigDir + "/../../../../shared/data/deepmd/deeppot_sea.dp")
          .lexically_normal()
          .string();
  CHECK(deep.model_file == expected_model);
  CHECK(deep.sel_overflow == md::SelOverflowPolicy::kError);
  CHECK(config.structure.type_map == std::vector<std::string>{"O", "H"});
  CHECK(config.simulation.dt_ps == 0.5 / md::units::kFsPerPs);
  CHECK(config.masses.at("H") == 1.008);
  // backend: auto picks CUDA only when it is compiled in and a device is visible (at set-up).
  CHECK(config.backend == md::BackendRequest::kAuto);
  const bool cuda = md::cuda_compiled() && md::cuda_device_count() > 0;
  CHECK(md::resolve_backend(config.backend, config.potential) ==
        (cuda ? md::Backend::kCuda : md::Backend::kCpu));
}

TEST_CASE("run config: defaults of optional keys", "[io][config]") {
  const md::RunConfig config = parse(kMinimal);
  const md::SimulationSettings defaults;
  CHECK(config.config_path.empty());
  CHECK(config.structure.format == "lammps-data");
  CHECK(config.structure.atom_style == "atomic");
  CHECK(config.structure.type_map.empty());
  CHECK(config.structure.periodic == std::array<bool, 3>{true, true, true});
  CHECK(config.structure.replicate == std::array<int, 3>{1, 1, 1});
  CHECK(config.masses.empty());
  CHECK_FALSE(std::get<md::LennardJonesSpec>(config.potential).shift_energy);
  // 0 = the global cutoff
  CHECK(std::get<md::LennardJonesSpec>(config.potential).pairs.at(0).cutoff == 0.0);
  CHECK(config.simulation.steps == 10);
  CHECK(config.simulation.dt_ps == 1.0 / md::units::kFsPerPs);
  CHECK(config.backend == md::BackendRequest::kCpu);
  CHECK(config.simulation.backend == md::Backend::kCpu);  // until set-up resolves config.backend
  CHECK(config.simulation.skin == defaults.skin);
  CHECK(config.simulation.thermo_every == defaults.thermo_every);
  CHECK(config.simulation.thermo_columns == defaults.thermo_columns);
  CHECK_FALSE(config.simulation.velocity_create.has_value());
  CHECK(config.output.write_final_data);
  CHECK(config.output.final_data_file.empty());
  CHECK(config.output.summary_json.empty());

  SECTION("empty optional sections are allowed") {
    const md::RunConfig c = parse(kMinimal + "neighbor:\nvelocity:\nthermo: {}\noutput:\n");
    CHECK_FALSE(c.simulation.velocity_create.has_value());
  }
  SECTION("zero_momentum defaults to true") {
    const md::RunConfig c = parse(kMinimal + "velocity: {create: {temperature_K: 300, seed: 7}}\n");
    REQUIRE(c.simulation.velocity_create.has_value());
    CHECK(c.simulation.velocity_create->zero_momentum);
    CHECK(c.simulation.velocity_create->seed == 7u);
  }
  SECTION("deepmd: sel_overflow defaults to warn; fparam and aparam are read") {
    const std::string deep =
        replace(replace(kMinimal, "  cutoff_A: 8.5\n", "  model: m.dp\n  fparam: [0.25, 1]\n"),
                "  pairs:\n    - {types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}\n",
                "  aparam: [-0.5]\n");
    const md::RunConfig c = parse(replace(deep, "type: lj/cut", "type: deepmd"));
    REQUIRE(std::holds_alternative<md::DeepPotentialOptions>(c.potential));
    const md::DeepPotentialOptions& options = std::get<md::DeepPotentialOptions>(c.potential);
    CHECK(options.sel_overflow == md::SelOverflowPolicy::kWarn);
    CHECK(options.fparam == std::vector<double>{0.25, 1.0});
    CHECK(options.aparam == std::vector<double>{-0.5});
    CHECK(options.model_file == "/base/m.dp");
  }
}

TEST_CASE("run config: boundaries, replicas, booleans and limits", "[io][config]") {
  const md::RunConfig c =
      parse(replace(kMinimal, "  file: lj.data\n",
                    "  file: lj.data\n  boundary: [p, f, p]\n  replicate: [2, 3, 1]\n"
                    "  atom_style: full\n") +
            "thermo: {every: 0, columns: [step, temp]}\noutput: {write_final_data: False}\n"
            "velocity: {create: {temperature_K: 0, seed: 9223372036854775807, "
            "zero_momentum: FALSE}}\nneighbor: {skin_A: 0}\n");
  CHECK(c.structure.periodic == std::array<bool, 3>{true, false, true});
  CHECK(c.structure.replicate == std::array<int, 3>{2, 3, 1});
  CHECK(c.structure.atom_style == "full");
  CHECK(c.simulation.thermo_every == 0);
  CHECK(c.simulation.thermo_columns ==
        std::vector<md::ThermoColumn>{md::ThermoColumn::kStep, md::ThermoColumn::kTemp});
  CHECK_FALSE(c.output.write_final_data);
  CHECK(c.simulation.velocity_create->seed == 9223372036854775807ull);
  CHECK_FALSE(c.simulation.velocity_create->zero_momentum);
  CHECK(c.simulation.skin == 0.0);
  // The upper ends of the closed ranges are accepted.
  const md::RunConfig high =
      parse(replace(kMinimal, "dt_fs: 1.0", "dt_fs: 50") + "neighbor: {skin_A: 10}\n");
  CHECK(high.simulation.dt_ps == 50.0 / md::units::kFsPerPs);
  CHECK(high.simulation.skin == 10.0);
  CHECK(std::get<md::LennardJonesSpec>(parse(kMinimal, {"potential.shift_energy=true"}).potential)
            .shift_energy);
}

TEST_CASE("run config: input paths resolve against the config's directory", "[io][config]") {
  SECTION("relative to base_dir") {
    const md::RunConfig c = md::parse_run_config(
        replace(kMinimal, "file: lj.data", "file: ../data/./lj.data") +
            "output: {final_data_file: out/final.data, summary_json: run.json}\n",
        "run.yaml", "/work/runs/a", {});
    CHECK(c.structure.file == "/work/runs/data/lj.data");
    // Outputs are relative to where mdrun runs, not to the config.
    CHECK(c.output.final_data_file == "out/final.data");
    CHECK(c.output.summary_json == "run.json");
  }
  SECTION("absolute paths are kept") {
    const md::RunConfig c = parse(replace(kMinimal, "file: lj.data", "file: /data/lj.data"));
    CHECK(c.structure.file == "/data/lj.data");
  }
  SECTION("an empty base_dir leaves relative paths relative to the working directory") {
    const md::RunConfig c = md::parse_run_config(kMinimal, "run.yaml", "", {});
    CHECK(c.structure.file == "lj.data");
  }
  SECTION("load_run_config uses the config file's directory") {
    const md::RunConfig c = md::load_run_config(kConfigDir + "/lj_argon.yaml");
    CHECK(fs::path(c.structure.file).parent_path() == fs::path(kConfigDir).lexically_normal());
  }
}

TEST_CASE("run config: --set overrides", "[io][config]") {
  SECTION("a scalar replaces the file's value") {
    const md::RunConfig c = parse(kMinimal, {"run.steps=25", "run.dt_fs = 0.5"});
    CHECK(c.simulation.steps == 25);
    CHECK(c.simulation.dt_ps == 0.5 / md::units::kFsPerPs);
  }
  SECTION("a flow list as the value") {
    const md::RunConfig c = parse(kMinimal, {"structure.boundary=[p,p,f]"});
    CHECK(c.structure.periodic == std::array<bool, 3>{true, true, false});
  }
  SECTION("missing intermediate sections are created") {
    const md::RunConfig c =
        parse(kMinimal, {"velocity.create.temperature_K=300", "velocity.create.seed=42"});
    REQUIRE(c.simulation.velocity_create.has_value());
    CHECK(c.simulation.velocity_create->temperature_K == 300.0);
    CHECK(c.simulation.velocity_create->seed == 42u);
  }
  SECTION("a whole section as a flow map, and later overrides win") {
    const md::RunConfig c =
        parse(kMinimal, {"thermo={every: 5, columns: [step, pe]}", "thermo.every=7"});
    CHECK(c.simulation.thermo_every == 7);
    CHECK(c.simulation.thermo_columns.size() == 2);
  }
  SECTION("an empty section in the file can be filled") {
    const md::RunConfig c = parse(kMinimal + "neighbor:\n", {"neighbor.skin_A=1.5"});
    CHECK(c.simulation.skin == 1.5);
  }
  SECTION("a top-level key and a path given to load_run_config") {
    const md::RunConfig c =
        md::load_run_config(kConfigDir + "/lj_argon.yaml", {"units=metal", "run.steps=3"});
    CHECK(c.simulation.steps == 3);
  }
  SECTION("overrides complete an empty document") {
    const md::RunConfig c =
        parse("", {"structure.file=a.data", "potential={type: deepmd, model: m.dp}",
                   "run={steps: 1, dt_fs: 1}"});
    CHECK(c.structure.file == "/base/a.data");
    CHECK(std::holds_alternative<md::DeepPotentialOptions>(c.potential));
  }
}

TEST_CASE("run config: --set errors name the override", "[io][config]") {
  CHECK_THAT(parse_error(kMinimal, {"run.dt=1"}),
             Contains("--set run.dt=1: unknown key 'dt' in section 'run' (did you mean 'dt_fs'?)"));
  CHECK_THAT(parse_error(kMinimal, {"neighbour.skin_A=1"}),
             Contains("--set neighbour.skin_A=1: unknown top-level key 'neighbour' (did you "
                      "mean 'neighbor'?)"));
  CHECK_THAT(parse_error(kMinimal, {"run.steps=ten"}),
             Contains("--set run.steps=ten: run.steps must be an integer >= 0, got 'ten'"));
  CHECK_THAT(parse_error(kMinimal, {"structure.boundary=[p,p,x]"}),
             Contains("--set structure.boundary=[p,p,x]: structure.boundary[2] 'x' is not "
                      "supported"));
  CHECK_THAT(parse_error(kMinimal, {"run={steps: 1}"}),
             Contains("--set run={steps: 1}: missing required key 'dt_fs' in section 'run'"));
  CHECK_THAT(parse_error(kMinimal, {"run.steps"}),
             Contains("--set run.steps: expected key.path=value"));
  CHECK_THAT(parse_error(kMinimal, {"run..steps=1"}),
             Contains("--set run..steps=1: empty key in the path"));
  CHECK_THAT(parse_error(kMinimal, {"=1"}), Contains("--set =1: empty key"));
  CHECK_THAT(parse_error(kMinimal, {"run.steps=[1"}),
             Contains("--set run.steps=[1: the value is not valid YAML"));
  CHECK_THAT(parse_error(kMinimal, {"run.steps.x=1"}),
             Contains("--set run.steps.x=1: 'run.steps' is a value, not a section"));
  CHECK_THAT(parse_error(kMinimal, {"potential.pairs.0.sigma_A=1"}),
             Contains("'potential.pairs' is a list, not a section"));
  CHECK_THAT(parse_error(kMinimal, {"run.steps="}),
             Contains("--set run.steps=: run.steps must be an integer >= 0, got nothing"));
  CHECK(parse(kMinimal, {" run . steps = 5"}).simulation.steps == 5);
  CHECK(parse(kMinimal, {"neighbor="}).simulation.skin == md::SimulationSettings().skin);
  // An error in a part of the file that no override touched still names the file's line.
  CHECK_THAT(parse_error(replace(kMinimal, "steps: 10", "steps: -1"), {"run.dt_fs=2"}),
             Contains("run.yaml:9: run.steps = -1 is out of range: must be >= 0"));
}

TEST_CASE("run config: unknown keys name the line, the section and the nearest key",
          "[io][config]") {
  CHECK_THAT(parse_error(replace(kMinimal, "dt_fs: 1.0", "dt: 1.0")),
             Contains("run.yaml:10: unknown key 'dt' in section 'run' (did you mean 'dt_fs'?)"));
  CHECK_THAT(parse_error(replace(kMinimal, "steps:", "stpes:")),
             Contains("run.yaml:9: unknown key 'stpes' in section 'run' (did you mean 'steps'?)"));
  CHECK_THAT(parse_error(kMinimal + "neighbour: {skin_A: 1}\n"),
             Contains("run.yaml:11: unknown top-level key 'neighbour' (did you mean 'neighbor'?)"));
  // No near key: the message says where the key belongs instead, or nothing more.
  CHECK_THAT(parse_error(kMinimal + "  seed: 5\n"),
             Contains("unknown key 'seed' in section 'run' (it belongs in section "
                      "'velocity.create')"));
  CHECK_THAT(parse_error(kMinimal + "pairs: []\n"),
             Contains("unknown top-level key 'pairs' (it belongs in section 'potential')"));
  CHECK_THAT(parse_error(kMinimal + "  timestep: 1\n"),
             Contains("unknown key 'timestep' in section 'run'") && !Contains("did you mean"));
  CHECK_THAT(parse_error(kMinimal + "run2: {}\n"), Contains("unknown top-level key 'run2'"));
}

TEST_CASE("run config: wrong types and out-of-range values", "[io][config]") {
  CHECK_THAT(parse_error(replace(kMinimal, "steps: 10", "steps: ten")),
             Contains("run.yaml:9: run.steps must be an integer >= 0, got 'ten'"));
  CHECK_THAT(parse_error(replace(kMinimal, "steps: 10", "steps: 10.5")),
             Contains("run.steps must be an integer >= 0, got '10.5'"));
  CHECK_THAT(parse_error(replace(kMinimal, "steps: 10", "steps: [10]")),
             Contains("run.steps must be an integer >= 0, got a list"));
  CHECK_THAT(parse_error(replace(kMinimal, "steps: 10", "steps:")),
             Contains("run.steps must be an integer >= 0, got nothing"));
  CHECK_THAT(parse_error(replace(kMinimal, "steps: 10", "steps: 99999999999999999999")),
             Contains("run.steps = 99999999999999999999 is out of range"));
  CHECK_THAT(parse_error(replace(kMinimal, "dt_fs: 1.0", "dt_fs: 0")),
             Contains("run.dt_fs = 0 is out of range: must be > 0 and <= 50 fs"));
  CHECK_THAT(parse_error(replace(kMinimal, "dt_fs: 1.0", "dt_fs: '1.0'")),
             Contains("not the quoted string '1.0' (write numbers without quotes)"));
  CHECK_THAT(parse_error(replace(kMinimal, "dt_fs: 1.0", "dt_fs: 1e999")),
             Contains("run.dt_fs must be a finite number > 0 and <= 50 fs, got '1e999'"));
  CHECK_THAT(parse_error(replace(kMinimal, "dt_fs: 1.0", "dt_fs: 0x10")),
             Contains("run.dt_fs must be a number > 0 and <= 50 fs, got '0x10'"));
  CHECK_THAT(parse_error(replace(kMinimal, "cutoff_A: 8.5", "cutoff_A: -1")),
             Contains("potential.cutoff_A = -1 is out of range: must be > 0 Å"));
  CHECK_THAT(parse_error(replace(kMinimal, "sigma_A: 3.405", "sigma_A: 0")),
             Contains("run.yaml:7: potential.pairs[0].sigma_A = 0 is out of range: must be > 0"));
  CHECK_THAT(parse_error(kMinimal + "neighbor: {skin_A: 10.5}\n"),
             Contains("neighbor.skin_A = 10.5 is out of range: must be >= 0 and <= 10 Å"));
  CHECK_THAT(parse_error(kMinimal + "velocity: {create: {temperature_K: 1e5, seed: 1}}\n"),
             Contains("velocity.create.temperature_K = 1e5 is out of range: must be >= 0 and < "
                      "100000 K"));
  CHECK_THAT(parse_error(kMinimal + "velocity: {create: {temperature_K: 1, seed: -3}}\n"),
             Contains("velocity.create.seed = -3 is out of range: must be >= 1"));
  CHECK_THAT(parse_error(kMinimal + "thermo: {every: -1}\n"),
             Contains("thermo.every = -1 is out of range: must be between 0 and 2147483647"));
  CHECK_THAT(parse_error(kMinimal + "output: {write_final_data: no}\n"),
             Contains("output.write_final_data must be true or false, got 'no'"));
  CHECK_THAT(parse_error(kMinimal + "output: {write_final_data: 'true'}\n"),
             Contains("must be true or false, got the quoted string 'true'"));
  CHECK_THAT(parse_error(kMinimal + "masses: {Ar: -1}\n"),
             Contains("masses.Ar = -1 is out of range: must be > 0 amu"));
  CHECK_THAT(parse_error(kMinimal + "masses: [1]\n"),
             Contains("masses must be a section (a map of keys), got a list"));
  CHECK_THAT(
      parse_error(replace(kMinimal, "  file: lj.data\n", "  file: lj.data\n  replicate: [1, 1]\n")),
      Contains("structure.replicate must list 3 counts (x, y, z)"));
  CHECK_THAT(parse_error(
                 replace(kMinimal, "  file: lj.data\n", "  file: lj.data\n  atom_style: charge\n")),
             Contains("structure.atom_style must be atomic or full, got 'charge'"));
  CHECK_THAT(
      parse_error(replace(kMinimal, "  file: lj.data\n", "  file: lj.data\n  format: xyz\n")),
      Contains("structure.format must be lammps-data, got 'xyz'"));
  CHECK_THAT(parse_error(replace(kMinimal, "  file: lj.data\n",
                                 "  file: lj.data\n  type_map: [Ar, 'A r']\n")),
             Contains("structure.type_map[1] 'A r' contains whitespace"));
  CHECK_THAT(parse_error(
                 replace(kMinimal, "  file: lj.data\n", "  file: lj.data\n  type_map: [Ar, '']\n")),
             Contains("structure.type_map[1] must not be empty"));
  CHECK_THAT(parse_error(kMinimal + "units: [metal]\n"),
             Contains("units must be a string, got a list"));
  CHECK_THAT(parse_error(kMinimal + "thermo: {columns: []}\n"),
             Contains("thermo.columns must list at least one column"));
  CHECK_THAT(parse_error(kMinimal + "velocity: {create: {seed: 1}}\n"),
             Contains("missing required key 'temperature_K' in section 'velocity.create'"));
}

TEST_CASE("run config: missing and duplicate keys", "[io][config]") {
  CHECK_THAT(parse_error(replace(kMinimal, "  steps: 10\n", "")),
             Contains("run.yaml:8: missing required key 'steps' in section 'run'"));
  CHECK_THAT(parse_error(replace(kMinimal, "  file: lj.data\n", "")),
             Contains("run.yaml:1: missing required key 'file' in section 'structure'"));
  CHECK_THAT(parse_error(replace(kMinimal, "  type: lj/cut\n", "")),
             Contains("missing required key 'type' in section 'potential'"));
  CHECK_THAT(parse_error("structure: {file: a}\nrun: {steps: 1, dt_fs: 1}\n"),
             Contains("run.yaml: missing required section 'potential'"));
  CHECK_THAT(parse_error(kMinimal + "  dt_fs: 2.0\n"),
             Contains("run.yaml:11: duplicate key 'dt_fs' in section 'run' (first given on line "
                      "10)"));
  CHECK_THAT(parse_error(kMinimal + "units: metal\nunits: metal\n"),
             Contains("run.yaml:12: duplicate top-level key 'units' (first given on line 11)"));
  CHECK_THAT(parse_error(kMinimal + "masses: {Ar: 1, Ar: 2}\n"),
             Contains("duplicate key 'Ar' in section 'masses'"));
}

TEST_CASE("run config: keys of the other potential type", "[io][config]") {
  CHECK_THAT(parse_error(replace(kMinimal, "  cutoff_A: 8.5\n", "  cutoff_A: 8.5\n  fparam: []\n")),
             Contains("run.yaml:6: key 'fparam' is not valid for potential type 'lj/cut' (it is "
                      "a 'deepmd' key)"));
  const std::string deep =
      "structure: {file: a}\npotential:\n  type: deepmd\n  model: m.dp\n  cutoff_A: 6\n"
      "run: {steps: 1, dt_fs: 1}\n";
  CHECK_THAT(parse_error(deep), Contains("run.yaml:5: key 'cutoff_A' is not valid for potential "
                                         "type 'deepmd' (it is a 'lj/cut' key)"));
  CHECK_THAT(parse_error(replace(kMinimal, "type: lj/cut", "type: lj/cut/coul")),
             Contains("potential.type must be lj/cut, deepmd or ani, got 'lj/cut/coul'"));
  CHECK_THAT(parse_error(replace(deep, "  cutoff_A: 6\n", "  fparam: [a]\n")),
             Contains("potential.fparam[0] must be a number, got 'a'"));
}

TEST_CASE("run config: units, integrator, thermo columns and backend", "[io][config]") {
  CHECK_THAT(parse_error(kMinimal + "units: real\n"),
             Contains("run.yaml:11: unsupported units 'real': only 'metal' is supported"));
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: nvt}\n"),
             Contains("integrator.type 'nvt' needs a thermostat section"));
  CHECK_THAT(parse_error(kMinimal + "thermo: {columns: [step, Temp]}\n"),
             Contains("unknown thermo column 'Temp' (did you mean 'temp'?)"));
  CHECK_THAT(parse_error(kMinimal + "thermo: {columns: [step, bogus]}\n"),
             Contains("unknown thermo column 'bogus'; valid columns: step, time, pe"));
  CHECK(parse(kMinimal + "integrator: {type: nve}\n").simulation.steps == 10);
  CHECK(parse(kMinimal + "units: metal\n").simulation.steps == 10);

  const std::string cuda = replace(kMinimal, "dt_fs: 1.0", "dt_fs: 1.0\n  backend: cuda");
  if (md::cuda_compiled()) {
    CHECK(parse(cuda).backend == md::BackendRequest::kCuda);
  } else {
    CHECK_THAT(parse_error(cuda),
               Contains("run.backend is 'cuda' but this mdrun was built without CUDA"));
  }
  // auto on lj/cut (no CUDA evaluator) is the CPU wherever it runs.
  const md::RunConfig automatic =
      parse(replace(kMinimal, "dt_fs: 1.0", "dt_fs: 1.0\n  backend: auto"));
  CHECK(automatic.backend == md::BackendRequest::kAuto);
  CHECK(md::resolve_backend(automatic.backend, automatic.potential) == md::Backend::kCpu);
}

TEST_CASE("run config: document-level errors", "[io][config]") {
  CHECK_THAT(parse_error("run: {steps: 1\n"), Contains("run.yaml:2: YAML syntax error"));
  CHECK_THAT(parse_error("run:\n  steps: 1\n dt_fs: 2\n"),
             Contains("run.yaml:3: YAML syntax error"));
  CHECK_THAT(parse_error(""), Contains("run.yaml: the config is empty"));
  CHECK_THAT(parse_error("# nothing\n{}\n"), Contains("the config is empty"));
  CHECK_THAT(parse_error("just a string\n"),
             Contains("a run config must be a map of sections (run:, structure:, ...), got the "
                      "value 'just a string'"));
  CHECK_THAT(parse_error(kMinimal + "---\n" + kMinimal),
             Contains("run.yaml:12: the file holds 2 YAML documents"));
  CHECK_THAT(parse_error("? [a, b]\n: 1\n"), Contains("keys in the top level must be plain names"));
  // A leading or trailing document marker is not a second document.
  CHECK(parse("---\n" + kMinimal + "---\n").simulation.steps == 10);
  CHECK(parse(kMinimal + "...\n").simulation.steps == 10);
  // A huge unknown key (an explicit `? key` has no length limit) is quoted shortened and gets no
  // (quadratic-cost) hint.
  const std::string long_key(100000, 'k');
  const std::string message = parse_error(kMinimal + "? " + long_key + "\n: 1\n");
  CHECK_THAT(message, Contains("unknown top-level key '" + std::string(60, 'k') + "...'"));
  CHECK(message.size() < 200);
  // Deep nesting is refused by yaml-cpp's depth guard rather than overflowing the stack.
  CHECK_THAT(parse_error(std::string(5000, '[') + std::string(5000, ']')),
             Contains("YAML syntax error"));

  SECTION("documents over 1 MiB are refused before parsing") {
    const std::string big = kMinimal + "# " + std::string(1 << 20, 'x') + "\n";
    CHECK_THAT(parse_error(big), Contains("configs larger than 1 MiB are refused"));
    const fs::path file = fs::temp_directory_path() / "md_test_run_config_big.yaml";
    std::ofstream(file) << big;
    REQUIRE_THROWS_WITH(md::load_run_config(file.string()),
                        Contains("configs larger than 1 MiB are refused"));
    fs::remove(file);
  }
  SECTION("an unreadable path") {
    REQUIRE_THROWS_WITH(md::load_run_config(kConfigDir + "/no_such.yaml"),
                        Contains("no_such.yaml: cannot read the config file: no such file"));
    REQUIRE_THROWS_WITH(md::load_run_config(kConfigDir),
                        Contains("cannot read the config file: not a regular file"));
    try {
      md::load_run_config(kConfigDir + "/no_such.yaml");
    } catch (const md::Error& e) {
      CHECK(e.code() == md::ExitCode::kUsage);
    }
  }
}

TEST_CASE("run config: did-you-mean distance", "[io][config]") {
  using md::yaml_schema::closest_match;
  using md::yaml_schema::edit_distance;
  CHECK(edit_distance("steps", "stpes") == 1);  // a transposition counts once
  CHECK(edit_distance("Steps", "steps") == 0);  // case is ignored
  CHECK(edit_distance("", "abc") == 3);
  CHECK(closest_match("dt", {"steps", "dt_fs", "backend"}) == "dt_fs");
  CHECK(closest_match("etot", {"pe", "ke", "etotal"}) == "etotal");
  CHECK(closest_match("xyz", {"steps", "dt_fs"}).empty());
  CHECK(closest_match("ab", {"pe"}).empty());
}

TEST_CASE("run config: malformed corpus gives the expected exit code and message", "[io][config]") {
  const std::vector<fs::path> files = md::test::malformed_config_corpus();
  REQUIRE(files.size() >= 14);
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      const md::test::CorpusExpectation expect = md::test::read_corpus_expectation(file);
      REQUIRE(expect.exit_code >= 0);
      REQUIRE_FALSE(expect.error.empty());
      try {
        md::load_run_config(file.string());
        FAIL("no error for " << file.string());
      } catch (const md::Error& e) {
        CHECK(static_cast<int>(e.code()) == expect.exit_code);
        CHECK_THAT(std::string(e.what()), Contains(expect.error));
      }
    }
  }
}

TEST_CASE("run config: potential.compress and the table settings", "[io][config][compress]") {
  std::ifstream in(kConfigDir + "/deepmd_water.yaml");
  const std::string deepmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto compress_of = [](const md::RunConfig& config) {
    return std::get<md::DeepPotentialOptions>(config.potential).compress;
  };
  // Off by default, with dp compress's defaults ready.
  const md::DeepCompression off = compress_of(parse(deepmd));
  CHECK_FALSE(off.enabled);
  CHECK(off.min_neighbor_distance == 0.0);
  CHECK(off.extrapolate == 5.0);
  CHECK(off.step == 0.01);

  const std::string with = replace(deepmd, "  sel_overflow: error\n",
                                   "  sel_overflow: error\n  compress: true\n"
                                   "  compress_min_neighbor_distance_A: 0.8\n"
                                   "  compress_extrapolate: 10\n  compress_step: 0.005\n");
  const md::DeepCompression on = compress_of(parse(with));
  CHECK(on.enabled);
  CHECK(on.min_neighbor_distance == 0.8);
  CHECK(on.extrapolate == 10.0);
  CHECK(on.step == 0.005);
  CHECK(compress_of(parse(deepmd, {"potential.compress=true"})).enabled);

  // Settings without compress: true would do nothing: refused, naming the key and its line.
  CHECK_THAT(parse_error(replace(deepmd, "  sel_overflow: error\n",
                                 "  sel_overflow: error\n  compress_step: 0.02\n")),
             Contains("run.yaml:11: potential.compress_step is set but potential.compress is "
                      "not true"));
  CHECK_THAT(parse_error(deepmd, {"potential.compress_extrapolate=3"}),
             Contains("potential.compress_extrapolate is set but potential.compress is not true"));
  CHECK_THAT(parse_error(replace(with, "compress_extrapolate: 10", "compress_extrapolate: 1")),
             Contains("potential.compress_extrapolate = 1 is out of range"));
  CHECK_THAT(parse_error(replace(with, "compress_extrapolate: 10", "compress_extrapolate: 1e3")),
             Contains("potential.compress_extrapolate = 1e3 is out of range"));
  CHECK_THAT(parse_error(replace(with, "compress_step: 0.005", "compress_step: 0")),
             Contains("potential.compress_step = 0 is out of range"));
  CHECK_THAT(parse_error(replace(with, "compress_step: 0.005", "compress_step: 2")),
             Contains("potential.compress_step = 2 is out of range"));
  CHECK_THAT(parse_error(replace(with, "compress_min_neighbor_distance_A: 0.8",
                                 "compress_min_neighbor_distance_A: -1")),
             Contains("potential.compress_min_neighbor_distance_A = -1 is out of range"));
  CHECK_THAT(parse_error(replace(with, "compress: true", "compress: yes")),
             Contains("potential.compress must be true or false, got 'yes'"));
  // An LJ potential has no tables.
  CHECK_THAT(parse_error(replace(kMinimal, "  cutoff_A: 8.5\n", "  cutoff_A: 8.5\n  compress: true\n")),
             Contains("compress"));
}

TEST_CASE("run config: the ani potential's model, ensemble and precision", "[io][config][ani]") {
  const std::string ani =
      "structure: {file: a}\npotential:\n  type: ani\n  model: ani.h5\n"
      "run: {steps: 1, dt_fs: 0.5}\n";
  const auto options_of = [](const md::RunConfig& config) {
    return std::get<md::AniOptions>(config.potential);
  };
  const md::AniOptions all = options_of(parse(ani));
  CHECK(all.model_file == "/base/ani.h5");
  CHECK(all.ensemble.empty());  // every member
  CHECK(all.precision == md::Precision::kDouble);
  CHECK(options_of(parse(ani, {"potential.precision=mixed"})).precision == md::Precision::kMixed);
  CHECK_THAT(parse_error(ani, {"potential.precision=half"}),
             Contains("potential.precision must be") && Contains("mixed, got 'half'"));
  CHECK(options_of(parse(ani, {"potential.ensemble=all"})).ensemble.empty());
  CHECK(options_of(parse(ani, {"potential.ensemble=[0, 3, 5]"})).ensemble ==
        std::vector<int>{0, 3, 5});
  CHECK_THAT(parse_error(ani, {"potential.ensemble=some"}),
             Contains("potential.ensemble must be all, got 'some'"));
  CHECK_THAT(parse_error(ani, {"potential.ensemble=[]"}),
             Contains("potential.ensemble must name at least one member"));
  CHECK_THAT(parse_error(ani, {"potential.ensemble=[0, -1]"}), Contains("potential.ensemble[1]"));
  CHECK_THAT(parse_error(replace(ani, "  model: ani.h5\n", "")),
             Contains("missing required key 'model'"));
  CHECK_THAT(parse_error(replace(ani, "  model: ani.h5\n", "  model: ani.h5\n  compress: true\n")),
             Contains("key 'compress' is not valid for potential type 'ani' (it is a 'deepmd' key)"));
  CHECK(md::potential_type_name(parse(ani).potential) == "ani");
  CHECK(md::model_files(parse(ani).potential) == std::vector<std::string>{"/base/ani.h5"});
  CHECK_THAT(md::potential_fingerprint(parse(ani, {"potential.ensemble=[2, 1]"}).potential),
             Contains("potential.ensemble = 2 1"));
}

TEST_CASE("run config: potential.models and potential.deviation", "[io][config][model_devi]") {
  std::ifstream in(kConfigDir + "/deepmd_water.yaml");
  const std::string deepmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string model_line = deepmd.substr(deepmd.find("  model: "));
  const std::string model = model_line.substr(0, model_line.find('\n') + 1);
  const std::string committee =
      replace(deepmd, model,
              "  models: [m1.dp, /abs/m2.dp, sub/m3.dp]\n"
              "  deviation: {every: 10, file: out/devi.out, relative: 0.5, relative_v: 1,"
              " atomic: true}\n");
  const auto deep = std::get<md::DeepPotentialOptions>(parse(committee).potential);
  CHECK(deep.model_file == "/base/m1.dp");  // relative to the config, as potential.model
  CHECK(deep.deviation_models == std::vector<std::string>{"/abs/m2.dp", "/base/sub/m3.dp"});
  CHECK(deep.deviation.every == 10);
  CHECK(deep.deviation.file == "out/devi.out");  // an output: relative to the working directory
  CHECK(deep.deviation.relative == 0.5);
  CHECK(deep.deviation.relative_v == 1.0);
  CHECK(deep.deviation.atomic);
  // Defaults: LAMMPS's out_file, no relative forms, not atomic; one model: no deviation.
  const auto plain = std::get<md::DeepPotentialOptions>(
      parse(replace(committee, "{every: 10, file: out/devi.out, relative: 0.5, relative_v: 1, "
                               "atomic: true}",
                    "{every: 5}"))
          .potential);
  CHECK(plain.deviation.file == "model_devi.out");
  CHECK_FALSE(plain.deviation.relative);
  CHECK_FALSE(plain.deviation.relative_v);
  CHECK_FALSE(plain.deviation.atomic);
  const auto single = std::get<md::DeepPotentialOptions>(parse(deepmd).potential);
  CHECK(single.deviation_models.empty());
  CHECK(single.deviation.every == 0);

  CHECK_THAT(parse_error(replace(committee, "  models:", "  model: a.dp\n  models:")),
             Contains("either potential.model (one model) or potential.models"));
  CHECK_THAT(parse_error(replace(committee, "[m1.dp, /abs/m2.dp, sub/m3.dp]", "[m1.dp]")),
             Contains("potential.models must list at least two models"));
  CHECK_THAT(parse_error(replace(committee, "[m1.dp, /abs/m2.dp, sub/m3.dp]", "m1.dp")),
             Contains("potential.models"));
  CHECK_THAT(parse_error(replace(deepmd, model, model + "  deviation: {every: 10}\n")),
             Contains("potential.deviation needs several models"));
  CHECK_THAT(parse_error(replace(committee, "  deviation: {every: 10, file: out/devi.out, "
                                            "relative: 0.5, relative_v: 1, atomic: true}\n",
                                 "")),
             Contains("add potential.deviation: {every: N}"));
  CHECK_THAT(parse_error(replace(committee, "every: 10", "every: 0")),
             Contains("potential.deviation.every"));
  CHECK_THAT(parse_error(replace(committee, "relative: 0.5", "relative: -1")),
             Contains("potential.deviation.relative = -1 is out of range"));
  CHECK_THAT(parse_error(replace(committee, "atomic: true", "out_freq: 10")),
             Contains("out_freq"));
  // The deviation rows are an output: the overrides reach them too.
  CHECK(std::get<md::DeepPotentialOptions>(
            parse(committee, {"potential.deviation.every=50"}).potential)
            .deviation.every == 50);
}

TEST_CASE("run config: output.progress_seconds", "[io][config][progress]") {
  CHECK(parse(kMinimal).output.progress_seconds == 60.0);
  CHECK(parse(kMinimal + "output: {progress_seconds: 5}\n").output.progress_seconds == 5.0);
  CHECK(parse(kMinimal + "output: {progress_seconds: 0}\n").output.progress_seconds == 0.0);
  CHECK_THAT(parse_error(kMinimal + "output: {progress_seconds: -1}\n"),
             Contains("output.progress_seconds = -1 is out of range"));
}
