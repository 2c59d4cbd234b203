// SPDX-License-Identifier: MIT
/// \file
/// Model deviation on several ranks: the four committee models of tests/data/model_devi on the
/// 192-atom water box replicated 2×2×2 (1,536 atoms), relative and atomic columns on.
///  - `mdrun eval --atomic`: every column, the 1,536 per-atom deviations included (gathered by
///    id), agrees with the 1-rank value to 1e-12 relative on 2, 3, 4, 6 and 8 ranks;
///  - 40 NVT steps with a row every 10: model_devi.out has the same steps and header on every rank
///    count, and its values agree with the 1-rank file to the printed precision (7 digits: a
///    difference of one unit in the last digit is allowed, as trajectories on other rank counts
///    differ by rounding).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/rank_compare.hpp"

using md::test::eval_on;
using md::test::ScratchDir;
using nlohmann::json;

namespace {

std::string committee_config(const std::string& file) {
  return md::test::committee_water_config(
      ", replicate: [2, 2, 2]",
      "{every: 10, file: " + file + ", atomic: true, relative: 1.0, relative_v: 1.0}",
      "run: {steps: 40, dt_fs: 0.5}\nvelocity: {create: {temperature_K: 300, seed: 7}}\n"
      "thermo: {every: 20}\n");
}

std::vector<std::vector<double>> rows_of(const std::string& path, std::string& header) {
  std::ifstream in(path);
  REQUIRE(in);
  std::getline(in, header);
  std::vector<std::vector<double>> rows;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    rows.emplace_back();
    for (double v; fields >> v;) rows.back().push_back(v);
  }
  return rows;
}

}  // namespace

TEST_CASE("model deviation agrees on 1 to 8 ranks", "[mpi][deep][model_devi]") {
  ScratchDir dir("mpi_model_devi");
  const json reference = eval_on(dir, dir.write("eval.yaml", committee_config("unused.out")), 1,
                                 "--atomic");
  REQUIRE(reference["natoms"] == 1536);
  REQUIRE(reference["model_deviation"]["atom_devi_f"].size() == 1536);
  const auto columns = [](const json& j) {
    std::vector<double> v;
    for (const char* key :
         {"max_devi_v", "min_devi_v", "avg_devi_v", "max_devi_f", "min_devi_f", "avg_devi_f"}) {
      v.push_back(j["model_deviation"][key].get<double>());
    }
    for (const auto& x : j["model_deviation"]["atom_devi_f"]) v.push_back(x.get<double>());
    return v;
  };
  const std::vector<double> expected = columns(reference);

  const auto run_rows = [&](int ranks, std::string& header) {
    const std::string file = "devi_" + std::to_string(ranks) + ".out";
    const std::string config =
        dir.write("run_" + std::to_string(ranks) + ".yaml", committee_config(file));
    const auto r = md::test::run_process(md::test::mdrun_command(ranks, "--config " + config),
                                         dir.path());
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    return rows_of(dir / file, header);
  };
  std::string reference_header;
  const auto reference_rows = run_rows(1, reference_header);
  REQUIRE(reference_rows.size() == 5);

  for (int ranks : {2, 3, 4, 6, 8}) {
    INFO(ranks << " ranks");
    const std::vector<double> mine = columns(
        eval_on(dir, dir.write("eval.yaml", committee_config("unused.out")), ranks, "--atomic"));
    REQUIRE(mine.size() == expected.size());
    double worst = 0.0;
    for (std::size_t c = 0; c < mine.size(); ++c) {
      worst = std::max(worst, std::abs(mine[c] - expected[c]) / std::abs(expected[c]));
    }
    CHECK(worst <= 1e-12);

    std::string header;
    const auto rows = run_rows(ranks, header);
    CHECK(header == reference_header);
    REQUIRE(rows.size() == reference_rows.size());
    for (std::size_t k = 0; k < rows.size(); ++k) {
      REQUIRE(rows[k].size() == 1 + 6 + 1536);
      CHECK(rows[k][0] == reference_rows[k][0]);  // the step
      for (std::size_t c = 1; c < rows[k].size(); ++c) {
        // %.6e: one unit of the last digit is at most 1e-6 of the value.
        CHECK(std::abs(rows[k][c] - reference_rows[k][c]) <= 1.0001e-6 * std::abs(reference_rows[k][c]));
      }
    }
  }
}
