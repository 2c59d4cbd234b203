// SPDX-License-Identifier: MIT
/// \file
/// The CUDA backend's orchestration of the MD step — which copy of the atoms (host ParticleState
/// or the resident arrays) is current when, and what is copied at rebuilds, output steps,
/// checkpoints, restarts and the end of a run (engine/simulation.cpp, engine/step_backend_resident.hpp) —
/// run on the CPU through HostResidentStep (tests/support/host_resident_step.hpp), whose
/// "device" arrays are host memory of its own driven by the CPU code. Its arithmetic is the CPU
/// backend's, so with a correct orchestration the run is BITWISE the plain CPU run: every thermo
/// sample and the recorded positions and velocities must be equal, not close. Water with the
/// DeePMD-kit fixture model, 150 steps of 0.5 fs with a 0.3 Å skin (many rebuilds), for NVE and
/// each thermostat; and a checkpoint at step 70 restored into a new resident run.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "tests/support/host_resident_step.hpp"
#include "tests/support/water_simulation.hpp"

namespace {

using md::test::Trajectory;

md::test::WaterRunOptions fixture_water(md::ThermostatType thermostat) {
  md::test::WaterRunOptions options;
  options.water_lmp = std::string(MD_SHARED_DIR) + "/data/water-example/lmp/water.lmp";
  options.model = std::string(MD_SHARED_DIR) + "/data/deepmd/deeppot_sea.dp";
  options.thermostat = thermostat;
  options.skin = 0.3;
  return options;
}

/// The resident stand-in for `simulation`'s potential and atoms.
std::unique_ptr<md::test::HostResidentStep> stand_in(const md::Simulation& simulation) {
  return std::make_unique<md::test::HostResidentStep>(
      simulation.potential().neighbor_kind(), simulation.potential().cutoff(),
      simulation.settings().skin, simulation.state().type_masses);
}

}  // namespace

TEST_CASE("resident orchestration: a resident run is bitwise the CPU run", "[resident]") {
  const md::ThermostatType thermostat =
      GENERATE(md::ThermostatType::kNone, md::ThermostatType::kNoseHooverChain,
               md::ThermostatType::kCsvr, md::ThermostatType::kLangevin);
  INFO("integrator " << md::integrator_kind(thermostat));
  const md::Communicator comm = md::Communicator::world();
  constexpr std::int64_t kSteps = 150;

  Trajectory cpu;
  {
    auto simulation = md::test::make_water_simulation(comm, fixture_water(thermostat));
    simulation->add_observer(std::make_unique<md::test::TrajectoryRecorder>(cpu, 25));
    simulation->setup();
    cpu.report = simulation->run(kSteps);
  }
  Trajectory resident;
  md::test::HostResidentStep::Copies copies;
  {
    auto simulation = md::test::make_water_simulation(comm, fixture_water(thermostat));
    auto step = stand_in(*simulation);
    const md::test::HostResidentStep* step_view = step.get();
    simulation->set_step_backend(std::move(step));
    simulation->add_observer(std::make_unique<md::test::TrajectoryRecorder>(resident, 25));
    simulation->setup();
    resident.report = simulation->run(kSteps);
    copies = step_view->copies();
    CHECK(simulation->device_memory_bytes() > 0);
  }

  REQUIRE(cpu.report.neighbor_builds > 5);  // the rebuild path is exercised
  CHECK(resident.report.neighbor_builds == cpu.report.neighbor_builds);
  REQUIRE(resident.atoms.size() == cpu.atoms.size());
  CHECK(md::test::largest_atom_difference(resident, cpu) == 0.0);
  REQUIRE(resident.thermo.size() == cpu.thermo.size());
  for (std::size_t k = 0; k < cpu.thermo.size(); ++k) {
    INFO("thermo sample " << k << " (step " << cpu.thermo[k].sample.step << ")");
    CHECK(resident.thermo[k].sample.potential_energy == cpu.thermo[k].sample.potential_energy);
    CHECK(resident.thermo[k].sample.kinetic_energy == cpu.thermo[k].sample.kinetic_energy);
    CHECK(resident.thermo[k].sample.pressure == cpu.thermo[k].sample.pressure);
    CHECK(resident.thermo[k].conserved_energy == cpu.thermo[k].conserved_energy);
  }
  // Atoms cross only at rebuilds, output steps (thermo every 10, recorder every 25, guards every
  // 100) and the end: never on every step.
  CHECK(copies.rebuild_uploads == cpu.report.neighbor_builds + 1);  // + setup's build
  CHECK(copies.downloads <= copies.rebuild_uploads + kSteps / 10 + kSteps / 25 + 2);
  CHECK(copies.downloads < kSteps / 2);
}

TEST_CASE("resident orchestration: a checkpoint restored into a resident run continues it "
          "bitwise", "[resident]") {
  const md::ThermostatType thermostat =
      GENERATE(md::ThermostatType::kNone, md::ThermostatType::kLangevin);
  INFO("integrator " << md::integrator_kind(thermostat));
  const md::Communicator comm = md::Communicator::world();

  Trajectory uninterrupted;
  {
    auto simulation = md::test::make_water_simulation(comm, fixture_water(thermostat));
    simulation->add_observer(std::make_unique<md::test::TrajectoryRecorder>(uninterrupted, 25));
    simulation->setup();
    simulation->run(150);
  }

  md::CheckpointState checkpoint;
  {
    auto simulation = md::test::make_water_simulation(comm, fixture_water(thermostat));
    simulation->set_step_backend(stand_in(*simulation));
    simulation->set_checkpoint_writer([&](const md::CheckpointState& c) { checkpoint = c; });
    simulation->setup();
    simulation->run(70);
    simulation->write_checkpoint();
  }
  REQUIRE(checkpoint.step == 70);

  Trajectory continued;
  {
    auto simulation = md::test::make_water_simulation(comm, fixture_water(thermostat));
    auto step = stand_in(*simulation);
    const md::test::HostResidentStep* step_view = step.get();
    simulation->set_step_backend(std::move(step));
    simulation->add_observer(std::make_unique<md::test::TrajectoryRecorder>(continued, 25));
    simulation->restore(checkpoint);
    CHECK(step_view->copies().owned_uploads == 1);  // the current positions after the rebuild
    simulation->run(80);
  }
  // The continuation recorded steps 75, 100, …, 150; the uninterrupted run also 0 … 50.
  for (std::int64_t step = 0; step <= 50; step += 25) uninterrupted.atoms.erase(step);
  CHECK(md::test::largest_atom_difference(continued, uninterrupted) == 0.0);
  REQUIRE(!continued.thermo.empty());
  CHECK(continued.thermo.back().sample.potential_energy ==
        uninterrupted.thermo.back().sample.potential_energy);
  CHECK(continued.thermo.back().conserved_energy == uninterrupted.thermo.back().conserved_energy);
}
