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
#include "engine/guards.hpp"
#include "tests/support/lj_simulation.hpp"

TEST_CASE("guard: an atom lost in a migration stops the run, naming it", "[physics][guards]") {
  const md::Communicator comm = md::Communicator::world();
  auto simulation = md::test::lj_liquid_simulation(comm, md::test::lj_liquid_settings());
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
