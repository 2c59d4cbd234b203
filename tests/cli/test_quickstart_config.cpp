// SPDX-License-Identifier: MIT
/// \file
/// configs/water.yaml is the README's default job (scripts/run_default.sh): DeePMD-kit's 192-atom
/// water box replicated 2x2x2 to 1,536 atoms, the shipped model, NVT at 300 K with dt 0.5 fs and
/// thermo every 10 steps, the embedding nets tabulated (potential.compress). Checked here: those settings, and that a short run of it (the full job's
/// first 10 steps) completes from a clean directory with thermo lines, the performance footer and
/// the JSON summary — what a new user sees first.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "io/run_config.hpp"
#include "tests/support/mdrun_process.hpp"
#include "tests/support/run_log.hpp"

using Catch::Matchers::Contains;

TEST_CASE("configs/water.yaml is the 1,536-atom NVT water quickstart and runs", "[cli][config]") {
  const std::string path = std::string(MD_SOURCE_DIR) + "/configs/water.yaml";
  const md::RunConfig config = md::load_run_config(path);
  CHECK(config.structure.replicate == std::array<int, 3>{2, 2, 2});
  CHECK(config.structure.type_map == std::vector<std::string>{"O", "H"});
  REQUIRE(std::holds_alternative<md::DeepPotentialOptions>(config.potential));
  CHECK(std::filesystem::path(std::get<md::DeepPotentialOptions>(config.potential).model_file)
            .filename() == "water_se_e2_a.dp");
  // The shipped job runs the tabulated embedding at dp compress's defaults.
  const md::DeepCompression& compress =
      std::get<md::DeepPotentialOptions>(config.potential).compress;
  CHECK(compress.enabled);
  CHECK(compress.min_neighbor_distance == 0.0);  // the model's min_nbor_dist
  CHECK(compress.step == 0.01);
  CHECK(compress.extrapolate == 5.0);
  const md::ThermostatSettings& t = config.simulation.integrator.thermostat;
  CHECK(t.type == md::ThermostatType::kNoseHooverChain);
  CHECK(t.temperature_K == 300.0);
  CHECK(config.simulation.dt_ps == Approx(0.0005).epsilon(1e-15));
  CHECK(config.simulation.thermo_every == 10);

  md::test::ScratchDir dir("quickstart");
  const auto result = md::test::run_process(
      md::test::mdrun_with("", "--config '" + path + "' --nsteps 10"), dir.path());
  INFO(md::test::tail_of(result.output));
  REQUIRE(result.exit_code == 0);
  const auto thermo = md::test::parse_thermo(result.output);
  REQUIRE(thermo.count("Step") == 1);
  CHECK(thermo.at("Step") == std::vector<double>{0.0, 10.0});
  CHECK(thermo.at("Temp").front() == Approx(300.0).epsilon(1e-9));
  CHECK_THAT(result.output, Contains("1536 atoms"));
  CHECK_THAT(result.output, Contains("deepmd: compressed: embedding nets tabulated"));
  CHECK_THAT(result.output, Contains("Performance:"));
  CHECK(std::filesystem::exists(dir / "water.summary.json"));
}

TEST_CASE("configs/water_ani.yaml runs ANI-2x water", "[cli][config][ani]") {
  const std::string path = std::string(MD_SOURCE_DIR) + "/configs/water_ani.yaml";
  const md::RunConfig config = md::load_run_config(path);
  CHECK(config.structure.replicate == std::array<int, 3>{2, 2, 2});
  REQUIRE(std::holds_alternative<md::AniOptions>(config.potential));
  const md::AniOptions& ani = std::get<md::AniOptions>(config.potential);
  CHECK(std::filesystem::path(ani.model_file).filename() == "ani2x_member0.h5");
  CHECK(ani.ensemble.empty());
  CHECK(config.simulation.dt_ps == Approx(0.0005).epsilon(1e-15));
  CHECK(config.simulation.integrator.thermostat.temperature_K == 300.0);

  md::test::ScratchDir dir("quickstart_ani");
  const auto result = md::test::run_process(
      md::test::mdrun_with("", "--config '" + path + "' --nsteps 2"), dir.path());
  INFO(md::test::tail_of(result.output));
  REQUIRE(result.exit_code == 0);
  const auto thermo = md::test::parse_thermo(result.output);
  REQUIRE(thermo.count("PotEng") == 1);
  // ANI-2x water: about −2,080 eV per molecule (self energies included).
  CHECK(thermo.at("PotEng").front() / 512.0 == Approx(-2080.0).epsilon(0.01));
  CHECK_THAT(result.output, Contains("potential ani"));
  CHECK(std::filesystem::exists(dir / "water_ani.summary.json"));
}
