// SPDX-License-Identifier: MIT
/// \file
/// The typed collectives (comm/collectives.hpp) on 1, 3 and 4 ranks: md_collectives_probe checks
/// on every rank that broadcasts (from rank 0 and from the last rank), gathers and scatters
/// deliver what was sent, with sizes that differ between ranks.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/mdrun_process.hpp"

using Catch::Matchers::Contains;

TEST_CASE("typed collectives deliver what was sent on 1, 3 and 4 ranks", "[collectives]") {
  md::test::ScratchDir dir("collectives");
  for (int ranks : {1, 3, 4}) {
    INFO("ranks = " << ranks);
    const std::string command = std::string(MD_MPIEXEC) +
                                " --oversubscribe --allow-run-as-root -n " +
                                std::to_string(ranks) + " " + MD_COLLECTIVES_PROBE_PATH;
    const auto result = md::test::run_process(command, dir.path());
    INFO(result.output);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.output, !Contains("FAILED"));
    for (int r = 0; r < ranks; ++r) {
      CHECK_THAT(result.output, Contains("collectives rank " + std::to_string(r) + " ok"));
    }
  }
}
