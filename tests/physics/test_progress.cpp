// SPDX-License-Identifier: MIT
/// \file
/// The progress line (engine/progress.hpp) on a synthetic clock: its numbers for a known case, and
/// the reporter's cadence in a real run of the LJ liquid (one line per interval of the clock, none
/// at setup or on the last step, whose footer says it all).
#include <catch2/catch.hpp>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "engine/progress.hpp"
#include "tests/support/lj_simulation.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::string local_time(std::time_t t) {
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
  return buffer;
}

}  // namespace

TEST_CASE("progress line: step, share, elapsed, rate, time left and end", "[progress]") {
  const std::time_t now = 1796540400;  // a fixed calendar time
  // 50 of 200 steps of 0.5 fs in 50 s: 0.025 ps in 50 s = 0.0432 ns/day; 150 steps left at 1 s
  // each = 2 min 30 s.
  const std::string line = md::progress_line(50, 0, 200, 50.0, 0.0005, now);
  CHECK(line == "Progress: step 50 of 200 (25.0 %), 0:00:50 elapsed, 0.0432 ns/day, 0:02:30 left, "
                "done at " + local_time(now + 150));
  // A restarted run: the rate counts from the restart (step 1,000), the share from step 0.
  const std::string restarted = md::progress_line(1500, 1000, 2000, 3600.0, 0.001, now);
  CHECK_THAT(restarted, StartsWith("Progress: step 1500 of 2000 (75.0 %), 1:00:00 elapsed, "
                                   "0.012 ns/day, 1:00:00 left"));
}

TEST_CASE("progress reporter: one line per interval of wall time, none at the end", "[progress]") {
  const md::Communicator comm = md::Communicator::world();
  auto simulation = md::test::lj_liquid_simulation(comm, md::test::lj_liquid_settings());
  double clock_s = 0.0;
  md::ProgressClock clock;
  clock.seconds = [&] { return clock_s += 1.0; };  // each step takes one "second"
  clock.now = [] { return std::time_t{1796540400}; };
  std::vector<std::string> lines;
  simulation->add_observer(std::make_unique<md::ProgressReporter>(
      10.0, clock, [&](const std::string& line) { lines.push_back(line); }));
  simulation->setup();
  simulation->run(100);
  // Steps 10, 20, …, 90: every tenth clock second after setup; step 100 is the last.
  REQUIRE(lines.size() == 9);
  CHECK_THAT(lines.front(), StartsWith("Progress: step 10 of 100 (10.0 %), 0:00:10 elapsed"));
  CHECK_THAT(lines.back(), StartsWith("Progress: step 90 of 100 (90.0 %), 0:01:30 elapsed"));
  CHECK_THAT(lines.back(), Contains("0:00:10 left"));
}
