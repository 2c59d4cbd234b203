// SPDX-License-Identifier: MIT
/// \file
/// One GPU per rank is chosen by node-local rank (issue 5). On this single node every rank of a
/// job is on the same node, so node_local_rank must equal the world rank and node_local_size the
/// world size — checked on 1, 2 and 4 ranks with md_comm_probe under mpiexec. Also: a CPU run on
/// 2 ranks reports no device memory (docs/outputs.md: the key is absent on CPU runs).
#include <catch2/catch.hpp>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/mdrun_process.hpp"

namespace {

using md::test::ScratchDir;

struct ProbeLine {
  int rank = -1, size = -1, node_local_rank = -1, node_local_size = -1;
};

/// The probe's lines, one per rank, in any order.
std::vector<ProbeLine> probe(const ScratchDir& dir, int ranks) {
  const std::string command = std::string(MD_MPIEXEC) + " --oversubscribe --allow-run-as-root -n " +
                              std::to_string(ranks) + " " + MD_COMM_PROBE_PATH;
  const auto result = md::test::run_process(command, dir.path());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  std::vector<ProbeLine> lines;
  std::istringstream in(result.output);
  std::string word;
  while (in >> word) {
    if (word != "rank") continue;  // skip anything mpiexec adds
    ProbeLine p;
    std::string k1, k2, k3;
    in >> p.rank >> k1 >> p.size >> k2 >> p.node_local_rank >> k3 >> p.node_local_size;
    REQUIRE((k1 == "size" && k2 == "node_local_rank" && k3 == "node_local_size"));
    lines.push_back(p);
  }
  return lines;
}

}  // namespace

TEST_CASE("node-local rank and size on one node equal the world rank and size", "[node]") {
  ScratchDir dir("node_local");
  for (int ranks : {1, 2, 4}) {
    INFO("ranks = " << ranks);
    const std::vector<ProbeLine> lines = probe(dir, ranks);
    REQUIRE(static_cast<int>(lines.size()) == ranks);
    std::set<int> seen;
    for (const ProbeLine& p : lines) {
      INFO("rank " << p.rank);
      CHECK(p.size == ranks);
      CHECK(p.node_local_rank == p.rank);
      CHECK(p.node_local_size == ranks);
      seen.insert(p.rank);
    }
    CHECK(static_cast<int>(seen.size()) == ranks);
  }
}

TEST_CASE("a CPU run reports no device memory (footer and JSON summary)", "[node][report]") {
  ScratchDir dir("cpu_memory_report");
  const std::string config = dir.write(
      "run.yaml", "structure: {file: " + std::string(MD_TEST_DATA_DIR) +
                      "/lj/lj_small.data, type_map: [Ar]}\n"
                      "potential:\n"
                      "  type: lj/cut\n"
                      "  cutoff_A: 8.5125\n"
                      "  pairs: [{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]\n"
                      "run: {steps: 5, dt_fs: 5.0, backend: cpu}\n"
                      "output: {write_final_data: false, summary_json: summary.json}\n");
  const auto result =
      md::test::run_process(md::test::mdrun_command(2, "--config " + config), dir.path());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK_THAT(result.output, Catch::Matchers::Contains("Loop time of"));
  CHECK_THAT(result.output, !Catch::Matchers::Contains("Device memory"));
  const nlohmann::json summary = md::test::read_json(dir / "summary.json");
  CHECK(summary["backend"] == "cpu");
  CHECK(summary["ranks"] == 2);
  CHECK_FALSE(summary.contains("device_memory"));
}
