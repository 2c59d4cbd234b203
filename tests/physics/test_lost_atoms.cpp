// SPDX-License-Identifier: MIT
/// \file
/// The lost-atoms guard. Atoms cannot be lost by design, so the bug the guard exists for is
/// simulated by a fault injected through Simulation::set_migration_hook (not compiled into the
/// migration): one atom disappears on rank 0 after the migration of the first rebuild from step
/// 30. The run must stop with UnstableDynamics (exit code 5 in mdrun), the step, the counts and
/// the missing atom named.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "comm/communicator.hpp"
#include "engine/distribute.hpp"
#include "engine/guards.hpp"
#include "engine/simulation.hpp"
#include "io/lammps_data.hpp"
#include "potential/make_potential.hpp"

namespace {

std::unique_ptr<md::Simulation> lj_liquid(const md::Communicator& comm) {
  const md::StructureData data = md::read_lammps_data(
      std::string(MD_TEST_DATA_DIR) + "/lj/lj_liquid_108.data", md::AtomStyle::kAtomic);
  md::Box box;
  for (int d = 0; d < 3; ++d) {
    box.lo[d] = data.lo[d];
    box.hi[d] = data.hi[d];
  }
  md::AtomSet all;
  all.ids = data.ids;
  for (int type : data.types) all.types.push_back(type - 1);
  all.positions = data.positions;
  all.images = data.images;
  all.velocities = data.velocities;
  md::Domain domain(box, comm);
  md::AtomSet owned = md::scatter_atoms(comm, domain, all);
  md::LennardJonesSpec spec;
  spec.cutoff = 8.5125;
  spec.pairs.push_back({"Ar", "Ar", 0.0103, 3.405, 0.0});
  md::SimulationSettings settings;
  settings.dt_ps = 0.01;
  settings.skin = 1.0;
  return std::make_unique<md::Simulation>(
      settings, comm, std::move(domain), std::move(owned), std::vector<std::string>{"Ar"},
      std::vector<double>{39.948}, md::make_lennard_jones(spec, {"Ar"}, md::Backend::kCpu),
      nullptr);
}

}  // namespace

TEST_CASE("guard: an atom lost in a migration stops the run, naming it", "[physics][guards]") {
  const md::Communicator comm = md::Communicator::world();
  auto simulation = lj_liquid(comm);
  std::int64_t removed = -1;
  simulation->set_migration_hook([&](md::ParticleState& state, std::int64_t step) {
    if (removed >= 0 || step < 30 || !comm.is_root() || state.n_local == 0) return;
    const std::size_t n = --state.n_local;
    removed = state.ids[n];
    state.positions.resize(3 * n);
    state.velocities.resize(3 * n);
    state.images.resize(3 * n);
    state.types.resize(n);
    state.ids.resize(n);
  });
  simulation->setup();
  try {
    simulation->run(100);
    FAIL("the run finished without the atom");
  } catch (const md::UnstableDynamics& e) {
    REQUIRE(removed > 0);
    const std::string message = e.what();
    CHECK(e.code() == md::ExitCode::kUnstable);
    CHECK(e.collective());
    CHECK_THAT(message, Catch::Contains("lost atoms at step ") &&
                            Catch::Contains("original 108, current 107 (the missing atom is atom " +
                                            std::to_string(removed) + ")"));
  }
}
