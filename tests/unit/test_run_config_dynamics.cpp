// SPDX-License-Identifier: MIT
/// \file
/// The run-config sections of issue 6 (io/run_config): `integrator` with its thermostats,
/// `output.trajectory`, `checkpoint` and `guards` — values, defaults, and one error per rule with
/// its message (unknown keys still get a did-you-mean hint; keys of another thermostat type say
/// so). Also the physics fingerprint a restart must match (io/checkpoint_file).
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/checkpoint_file.hpp"
#include "io/run_config.hpp"
#include "tests/support/config_parsing.hpp"

using Catch::Matchers::Contains;

namespace {

const std::string& kMinimal = md::test::kMinimalConfig;

md::RunConfig parse(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return md::test::parse_config(text, overrides);
}

std::string parse_error(const std::string& text, const std::vector<std::string>& overrides = {}) {
  return md::test::config_error_message(text, overrides);
}

}  // namespace

TEST_CASE("run config: integrator and thermostats", "[io][config][thermostat]") {
  using md::ThermostatType;
  const auto thermostat = [](const std::string& yaml) {
    return parse(kMinimal + "integrator:\n  type: nvt\n  thermostat: " + yaml + "\n")
        .simulation.integrator.thermostat;
  };
  CHECK(parse(kMinimal).simulation.integrator.thermostat.type == ThermostatType::kNone);
  CHECK(parse(kMinimal + "integrator: {type: nve}\n").simulation.integrator.thermostat.type ==
        ThermostatType::kNone);

  const auto nhc = thermostat("{type: nose_hoover_chain, temperature_K: 300, tau_ps: 0.1}");
  CHECK(nhc.type == ThermostatType::kNoseHooverChain);
  CHECK(nhc.temperature_K == 300.0);
  CHECK(nhc.tau_ps == 0.1);
  CHECK(nhc.chain == 3);  // LAMMPS's and OpenMM's default
  CHECK(thermostat("{type: nose_hoover_chain, temperature_K: 300, tau_ps: 0.1, chain: 5}").chain ==
        5);
  const auto csvr = thermostat("{type: csvr, temperature_K: 250, tau_ps: 0.5, seed: 42}");
  CHECK(csvr.type == ThermostatType::kCsvr);
  CHECK(csvr.seed == 42u);
  const auto langevin = thermostat("{type: langevin, temperature_K: 300, damping_ps: 1, seed: 7}");
  CHECK(langevin.type == ThermostatType::kLangevin);
  CHECK(langevin.damping_ps == 1.0);
  CHECK(langevin.seed == 7u);
  CHECK(thermostat("{type: berendsen, temperature_K: 300, tau_ps: 0.1}").type ==
        ThermostatType::kBerendsen);

  SECTION("errors") {
    const std::string nvt = kMinimal + "integrator:\n  type: nvt\n  thermostat: ";
    CHECK_THAT(parse_error(kMinimal + "integrator: {type: nph}\n"),
               Contains("integrator.type must be nve, nvt or npt, got 'nph'"));
    CHECK_THAT(parse_error(kMinimal + "integrator: {type: nvt}\n"),
               Contains("integrator.type 'nvt' needs a thermostat section"));
    CHECK_THAT(parse_error(kMinimal + "integrator: {thermostat: {type: csvr}}\n"),
               Contains("is given but integrator.type is 'nve'"));
    CHECK_THAT(parse_error(nvt + "{type: nose_hover_chain, temperature_K: 300, tau_ps: 0.1}\n"),
               Contains("(did you mean 'nose_hoover_chain'?)"));
    CHECK_THAT(parse_error(nvt + "{type: csvr, temprature_K: 300, tau_ps: 0.1, seed: 1}\n"),
               Contains("unknown key 'temprature_K'"));
    CHECK_THAT(parse_error(nvt + "{type: csvr, temprature_K: 300, tau_ps: 0.1, seed: 1}\n"),
               Contains("did you mean 'temperature_K'?"));
    CHECK_THAT(parse_error(nvt + "{type: langevin, temperature_K: 300, tau_ps: 0.1, seed: 1}\n"),
               Contains("key 'tau_ps' is not valid for thermostat type 'langevin'"));
    CHECK_THAT(parse_error(nvt + "{type: nose_hoover_chain, temperature_K: 300, tau_ps: 0.1, "
                                 "seed: 3}\n"),
               Contains("key 'seed' is not valid for thermostat type 'nose_hoover_chain'"));
    CHECK_THAT(parse_error(nvt + "{type: csvr, temperature_K: 300, tau_ps: 0.1}\n"),
               Contains("seed"));
    CHECK_THAT(parse_error(nvt + "{type: csvr, temperature_K: 0, tau_ps: 0.1, seed: 1}\n"),
               Contains("temperature_K"));
    CHECK_THAT(parse_error(nvt + "{type: berendsen, temperature_K: 300, tau_ps: -1}\n"),
               Contains("tau_ps"));
    CHECK_THAT(parse_error(nvt + "{type: nose_hoover_chain, temperature_K: 300, tau_ps: 0.1, "
                                 "chain: 0}\n"),
               Contains("chain"));
    CHECK_THAT(parse_error(nvt + "{type: berendsen, temperature_K: 300}\n"), Contains("tau_ps"));
  }
}

TEST_CASE("run config: the npt integrator and its barostat", "[io][config][barostat]") {
  const std::string thermostat = "thermostat: {type: csvr, temperature_K: 300, tau_ps: 0.1, seed: 1}";
  const std::string barostat = "barostat: {type: c_rescale, pressure_bar: 1.5, tau_ps: 2, seed: 2}";
  const md::RunConfig npt =
      parse(kMinimal + "integrator: {type: npt, " + thermostat + ", " + barostat + "}\n");
  const md::BarostatSettings& b = npt.simulation.integrator.barostat;
  CHECK(b.type == md::BarostatType::kCRescale);
  CHECK(b.pressure_bar == 1.5);
  CHECK(b.tau_ps == 2.0);
  CHECK(b.compressibility_per_bar == 4.5e-5);  // the default: water
  CHECK(b.seed == 2);
  CHECK(b.every == 10);
  CHECK(npt.simulation.integrator.thermostat.type == md::ThermostatType::kCsvr);
  const md::RunConfig tuned = parse(kMinimal + "integrator: {type: npt, " + thermostat +
                                    ", barostat: {type: c_rescale, pressure_bar: -200, tau_ps: 1, "
                                    "compressibility_per_bar: 1e-4, seed: 3, every: 1}}\n");
  CHECK(tuned.simulation.integrator.barostat.pressure_bar == -200.0);
  CHECK(tuned.simulation.integrator.barostat.compressibility_per_bar == 1e-4);
  CHECK(tuned.simulation.integrator.barostat.every == 1);
  CHECK(parse(kMinimal).simulation.integrator.barostat.type == md::BarostatType::kNone);

  CHECK_THAT(parse_error(kMinimal + "integrator: {type: npt, " + thermostat + "}\n"),
             Contains("integrator.type 'npt' needs a barostat section"));
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: npt, " + barostat + "}\n"),
             Contains("integrator.type 'npt' needs a thermostat section"));
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: nvt, " + thermostat + ", " + barostat + "}\n"),
             Contains("integrator.barostat is given but integrator.type is 'nvt' (use type: npt"));
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: npt, thermostat: {type: langevin, "
                                    "temperature_K: 300, damping_ps: 0.1, seed: 1}, " + barostat + "}\n"),
             Contains("needs a velocity-scaling thermostat (csvr, nose_hoover_chain or "
                      "berendsen), not langevin"));
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: npt, " + thermostat +
                         ", barostat: {type: berendsen, pressure_bar: 1, tau_ps: 1, seed: 1}}\n"),
             Contains("must be c_rescale or mtk, got 'berendsen'"));
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: npt, " + thermostat +
                         ", barostat: {type: c_rescale, pressure_bar: 1, tau_ps: 0, seed: 1}}\n"),
             Contains("tau_ps"));
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: npt, " + thermostat +
                         ", barostat: {type: c_rescale, pressure_bar: 1, tau_ps: 1, seed: 1, "
                         "every: 0}}\n"),
             Contains("every"));
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: npt, " + thermostat +
                         ", barostat: {type: c_rescale, pressure_bar: 1, tau_ps: 1}}\n"),
             Contains("seed"));
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: npt, " + thermostat +
                         ", barostat: {type: c_rescale, pressure_bar: 1, tau_ps: 1, seed: 1, "
                         "pdamp: 1}}\n"),
             Contains("pdamp"));

  // mtk: LAMMPS fix npt; its particle chain is the nose_hoover_chain thermostat.
  const std::string nhc = "thermostat: {type: nose_hoover_chain, temperature_K: 300, tau_ps: 0.1}";
  const md::RunConfig mtk = parse(kMinimal + "integrator: {type: npt, " + nhc +
                                  ", barostat: {type: mtk, pressure_bar: 1, tau_ps: 1}}\n");
  CHECK(mtk.simulation.integrator.barostat.type == md::BarostatType::kMtk);
  CHECK(mtk.simulation.integrator.barostat.chain == 3);
  CHECK(mtk.simulation.integrator.barostat.coupling == md::BarostatCoupling::kIsotropic);
  CHECK(parse(kMinimal + "integrator: {type: npt, " + nhc +
              ", barostat: {type: mtk, pressure_bar: 1, tau_ps: 1, coupling: anisotropic}}\n")
            .simulation.integrator.barostat.coupling == md::BarostatCoupling::kAnisotropic);
  CHECK(parse(kMinimal + "integrator: {type: npt, " + nhc +
              ", barostat: {type: mtk, pressure_bar: 1, tau_ps: 1, coupling: triclinic}}\n")
            .simulation.integrator.barostat.coupling == md::BarostatCoupling::kTriclinic);
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: npt, " + nhc +
                         ", barostat: {type: mtk, pressure_bar: 1, tau_ps: 1, coupling: tri}}\n"),
             Contains("must be isotropic, anisotropic or triclinic, got 'tri'"));
  CHECK(parse(kMinimal + "integrator: {type: npt, " + nhc +
              ", barostat: {type: mtk, pressure_bar: 1, tau_ps: 1, chain: 5}}\n")
            .simulation.integrator.barostat.chain == 5);
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: npt, " + thermostat +
                         ", barostat: {type: mtk, pressure_bar: 1, tau_ps: 1}}\n"),
             Contains("the mtk barostat needs the nose_hoover_chain thermostat"));
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: npt, " + nhc +
                         ", barostat: {type: mtk, pressure_bar: 1, tau_ps: 1, seed: 3}}\n"),
             Contains("key 'seed' is not valid for barostat type 'mtk'"));
  CHECK_THAT(parse_error(kMinimal + "integrator: {type: npt, " + nhc +
                         ", barostat: {type: c_rescale, pressure_bar: 1, tau_ps: 1, seed: 3, "
                         "chain: 2}}\n"),
             Contains("key 'chain' is not valid for barostat type 'c_rescale'"));
}

TEST_CASE("run config: trajectories, checkpoint and guards", "[io][config][checkpoint]") {
  const md::RunConfig defaults = parse(kMinimal);
  CHECK(defaults.output.trajectories.empty());
  CHECK_FALSE(defaults.checkpoint.enabled);
  CHECK(defaults.simulation.guards.check_every == 100);
  CHECK(defaults.simulation.guards.max_neighbors == 2048);

  const md::RunConfig one = parse(kMinimal + R"(output:
  trajectory: {format: h5md, file: out/traj.h5, every: 100, fields: [position, velocity, force]}
  crash_dump_file: crash.dump
checkpoint: {file: run.h5, every_steps: 1000, every_minutes: 30, keep_previous: false}
guards: {check_every: 10, max_neighbors: 500}
)");
  REQUIRE(one.output.trajectories.size() == 1);
  const md::TrajectoryConfig& t = one.output.trajectories[0];
  CHECK(t.format == md::TrajectoryConfig::Format::kH5md);
  CHECK(t.file == "out/traj.h5");  // outputs are relative to the working directory
  CHECK(t.every == 100);
  CHECK(t.fields.velocity);
  CHECK(t.fields.force);
  CHECK_FALSE(t.fields.image);
  CHECK(one.output.crash_dump_file == "crash.dump");
  CHECK(one.checkpoint.enabled);
  CHECK(one.checkpoint.file == "run.h5");
  CHECK(one.checkpoint.every_steps == 1000);
  CHECK(one.checkpoint.every_minutes == 30.0);
  CHECK_FALSE(one.checkpoint.keep_previous);
  CHECK(one.simulation.guards.check_every == 10);
  CHECK(one.simulation.guards.max_neighbors == 500);

  const md::RunConfig two = parse(kMinimal + R"(output:
  trajectory:
    - {format: h5md, file: traj.h5, every: 10}
    - {format: dump, file: traj.dump, every: 50, fields: [image, velocity]}
checkpoint: {}
)");
  REQUIRE(two.output.trajectories.size() == 2);
  CHECK(two.output.trajectories[1].format == md::TrajectoryConfig::Format::kDump);
  CHECK(two.output.trajectories[1].fields.image);
  CHECK(two.checkpoint.enabled);
  CHECK(two.checkpoint.file == "state.h5");
  CHECK(two.checkpoint.every_steps == 0);
  CHECK(two.checkpoint.every_minutes == 15.0);  // GROMACS's -cpt default
  CHECK(two.checkpoint.keep_previous);

  SECTION("errors") {
    CHECK_THAT(parse_error(kMinimal + "output: {trajectory: {format: xtc, file: a, every: 1}}\n"),
               Contains("output.trajectory.format must be h5md or dump, got 'xtc'"));
    CHECK_THAT(parse_error(kMinimal + "output: {trajectory: {file: a, every: 0}}\n"),
               Contains("output.trajectory.every"));
    CHECK_THAT(parse_error(kMinimal + "output: {trajectory: {file: a}}\n"), Contains("every"));
    CHECK_THAT(parse_error(kMinimal + "output: {trajectory: {file: a, every: 1, fields: [positon]}}\n"),
               Contains("(did you mean 'position'?)"));
    CHECK_THAT(parse_error(kMinimal + "output: {trajectory: {file: a, evry: 1}}\n"),
               Contains("did you mean 'every'?"));
    CHECK_THAT(parse_error(kMinimal + "output: {trajectory: [{file: a, every: 1}, "
                                      "{file: a, every: 2, format: dump}]}\n"),
               Contains("names the file 'a' twice"));
    CHECK_THAT(parse_error(kMinimal + "checkpoint: {every_step: 10}\n"),
               Contains("did you mean 'every_steps'?"));
    CHECK_THAT(parse_error(kMinimal + "checkpoint: {every_minutes: -1}\n"),
               Contains("every_minutes"));
    CHECK_THAT(parse_error(kMinimal + "guards: {check_every: -1}\n"), Contains("check_every"));
    CHECK_THAT(parse_error(kMinimal + "neighbor: {keep_previous: true}\n"),
               Contains("belongs in section 'checkpoint'"));
  }
}

TEST_CASE("physics fingerprint: what a restart must keep", "[io][checkpoint]") {
  const std::string nvt = kMinimal +
                          "integrator: {type: nvt, thermostat: {type: csvr, temperature_K: 300, "
                          "tau_ps: 0.1, seed: 5}}\n";
  const std::string base = md::physics_fingerprint(parse(nvt));
  CHECK_THAT(base, Contains("run.dt_ps = 0.001"));
  CHECK_THAT(base, Contains("integrator.thermostat = csvr, temperature_K 300, tau_ps 0.1"));
  // Run length, thermo, outputs, checkpoints, skin and backend may change on a restart.
  for (const char* harmless :
       {"run.steps=99", "thermo.every=7", "neighbor.skin_A=1.5", "checkpoint.every_steps=3",
        "output.trajectory={file: t.h5, every: 5}", "guards.check_every=1",
        "velocity.create={temperature_K: 10, seed: 3}"}) {
    CAPTURE(harmless);
    CHECK(md::physics_fingerprint(parse(nvt, {harmless})) == base);
  }
  for (const char* physics :
       {"run.dt_fs=2", "integrator.thermostat.temperature_K=310", "integrator.thermostat.seed=6",
        "potential.cutoff_A=9", "masses={Ar: 40}", "structure.boundary=[p, p, f]"}) {
    CAPTURE(physics);
    CHECK(md::physics_fingerprint(parse(nvt, {physics})) != base);
  }
}

TEST_CASE("physics fingerprint: the barostat is physics", "[io][checkpoint][barostat]") {
  const std::string npt = kMinimal +
                          "integrator: {type: npt, thermostat: {type: csvr, temperature_K: 300, "
                          "tau_ps: 0.1, seed: 5}, barostat: {type: c_rescale, pressure_bar: 1, "
                          "tau_ps: 2, seed: 6}}\n";
  const std::string base = md::physics_fingerprint(parse(npt));
  CHECK_THAT(base, Contains("integrator.barostat = c_rescale, pressure_bar 1, tau_ps 2"));
  for (const char* physics :
       {"integrator.barostat.pressure_bar=2", "integrator.barostat.tau_ps=3",
        "integrator.barostat.compressibility_per_bar=1e-4", "integrator.barostat.seed=7",
        "integrator.barostat.every=5"}) {
    CAPTURE(physics);
    CHECK(md::physics_fingerprint(parse(npt, {physics})) != base);
  }
  const std::string mtk = kMinimal +
                          "integrator: {type: npt, thermostat: {type: nose_hoover_chain, "
                          "temperature_K: 300, tau_ps: 0.1}, barostat: {type: mtk, pressure_bar: "
                          "1, tau_ps: 2}}\n";
  CHECK_THAT(md::physics_fingerprint(parse(mtk)),
             Contains("integrator.barostat = mtk, pressure_bar 1, tau_ps 2, chain 3, coupling "
                      "isotropic"));
  CHECK(md::physics_fingerprint(parse(mtk, {"integrator.barostat.chain=2"})) !=
        md::physics_fingerprint(parse(mtk)));
  CHECK(md::physics_fingerprint(parse(mtk, {"integrator.barostat.coupling=anisotropic"})) !=
        md::physics_fingerprint(parse(mtk)));
}
