// SPDX-License-Identifier: MIT
/// \file
/// configs/relax.yaml is the seed workflow's relax step: NVT at 300 K with a Nosé–Hoover chain for
/// 5,000 steps of 0.5 fs, writing the final state (`<structure>.final`), with checkpoints; and it
/// passes `mdrun --check` (config, structure and model from the shared material).
#include <catch2/catch.hpp>

#include <string>

#include "io/run_config.hpp"
#include "tests/support/mdrun_process.hpp"
#include "tests/support/run_log.hpp"

using Catch::Matchers::Contains;

TEST_CASE("configs/relax.yaml is NVT 300 K for 5,000 steps and passes --check", "[cli][config]") {
  const std::string path = std::string(MD_SOURCE_DIR) + "/configs/relax.yaml";
  const md::RunConfig config = md::load_run_config(path);
  const md::ThermostatSettings& t = config.simulation.integrator.thermostat;
  CHECK(t.type == md::ThermostatType::kNoseHooverChain);
  CHECK(t.temperature_K == 300.0);
  CHECK(t.chain == 3);
  CHECK(config.simulation.steps == 5000);
  CHECK(config.simulation.dt_ps == Approx(0.0005).epsilon(1e-15));
  CHECK(config.output.write_final_data);
  CHECK(config.output.final_data_file.empty());  // <structure file name>.final
  CHECK(config.checkpoint.enabled);
  REQUIRE(std::holds_alternative<md::DeepPotentialOptions>(config.potential));
  CHECK(std::get<md::DeepPotentialOptions>(config.potential).compress.enabled);

  md::test::ScratchDir dir("relax_check");
  const auto result =
      md::test::run_process(md::test::mdrun_with("", "--check --config '" + path + "'"), dir.path());
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("integrator NVT, Nose-Hoover chain (length 3, tau 0.05 ps)"));
  CHECK_THAT(result.output, Contains("check passed"));
}

TEST_CASE("configs/relax_npt.yaml is NPT 300 K / 1 bar for 5,000 steps and passes --check",
          "[cli][config]") {
  const std::string path = std::string(MD_SOURCE_DIR) + "/configs/relax_npt.yaml";
  const md::RunConfig config = md::load_run_config(path);
  const md::IntegratorSettings& integrator = config.simulation.integrator;
  CHECK(integrator.thermostat.type == md::ThermostatType::kCsvr);
  CHECK(integrator.thermostat.temperature_K == 300.0);
  CHECK(integrator.barostat.type == md::BarostatType::kCRescale);
  CHECK(integrator.barostat.pressure_bar == 1.0);
  CHECK(config.simulation.steps == 5000);
  CHECK(config.output.write_final_data);

  md::test::ScratchDir dir("relax_npt_check");
  const auto check =
      md::test::run_process(md::test::mdrun_with("", "--check --config '" + path + "'"), dir.path());
  INFO(check.output);
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.output, Contains("integrator NPT, CSVR"));
  CHECK_THAT(check.output, Contains("stochastic cell rescaling (isotropic, P0 1 bar"));

  // 200 steps run: the box moves and the run stays sound.
  const auto run = md::test::run_process(
      md::test::mdrun_with("", "--config '" + path +
                                   "' --set run.steps=200 --set thermo.every=100 "
                                   "--set output.write_final_data=false --set checkpoint.every_minutes=0"),
      dir.path());
  INFO(md::test::tail_of(run.output));
  REQUIRE(run.exit_code == 0);
  const auto thermo = md::test::parse_thermo(run.output);
  const std::vector<double>& volume = thermo.at("Volume");
  REQUIRE(volume.size() == 3);
  CHECK(volume.back() != volume.front());
}
