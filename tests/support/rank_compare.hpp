// SPDX-License-Identifier: MIT
/// \file
/// Rank-invariance test helpers: run a config with `mdrun` or `mdrun eval` on N ranks and compare
/// what it writes with another rank count's output by atom id (tests/mpi/test_*_rank_invariance).
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "core/box.hpp"
#include "io/lammps_data.hpp"
#include "tests/support/mdrun_process.hpp"

namespace md::test {

/// Runs `config` on `ranks` ranks and returns its final state (atoms sorted by id).
inline StructureData run_final(const ScratchDir& dir, const std::string& config, int ranks) {
  const std::string out = dir / ("final_" + std::to_string(ranks) + ".data");
  const auto r = run_process(
      mdrun_command(ranks, "--config " + config + " --set output.final_data_file=" + out),
      dir.path());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return read_lammps_data(out, AtomStyle::kAtomic);
}

/// Largest difference of unwrapped positions (x + Σ image_d·edge_d) between two final states, by
/// id.
inline double max_unwrapped_difference(const StructureData& a, const StructureData& b) {
  REQUIRE(a.ids == b.ids);
  const auto unwrapped = [](const StructureData& s, std::size_t i, double* out) {
    Box box;
    for (int d = 0; d < 3; ++d) box.lo[d] = s.lo[d], box.hi[d] = s.hi[d], box.tilt[d] = s.tilt[d];
    box.unwrap(&s.positions[3 * i], &s.images[3 * i], out);
  };
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    double xa[3], xb[3];
    unwrapped(a, i, xa);
    unwrapped(b, i, xb);
    for (int d = 0; d < 3; ++d) worst = std::max(worst, std::abs(xa[d] - xb[d]));
  }
  return worst;
}

/// `mdrun eval <flags> --config <config>` on `ranks` ranks; its JSON output. Checks that the log
/// contains `in_log` when given.
inline nlohmann::json eval_on(const ScratchDir& dir, const std::string& config, int ranks,
                              const std::string& flags, const std::string& in_log = "") {
  const std::string out = dir / ("eval_" + std::to_string(ranks) + ".json");
  const auto r = run_process(
      mdrun_command(ranks, "eval " + flags + " --config " + config + " --json " + out),
      dir.path());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  if (!in_log.empty()) CHECK_THAT(r.output, Catch::Contains(in_log));
  return read_json(out);
}

/// Largest |a − b| over the rows of `key` (atoms in the same id order), each row `width` wide
/// (width 0: the rows are scalars).
inline double max_row_difference(const nlohmann::json& a, const nlohmann::json& b,
                                 const char* key, int width) {
  double worst = 0.0;
  for (std::size_t i = 0; i < a[key].size(); ++i) {
    if (width == 0) {
      worst = std::max(worst, std::abs(a[key][i].get<double>() - b[key][i].get<double>()));
      continue;
    }
    for (int c = 0; c < width; ++c) {
      worst = std::max(worst, std::abs(a[key][i][c].get<double>() - b[key][i][c].get<double>()));
    }
  }
  return worst;
}

/// Checks two `mdrun eval --atomic` outputs of one system: the same ids; energy and virial within
/// `relative` of |E|; forces (eV/Å), atomic energies and per-atom virials (eV) within `absolute`.
inline void check_eval_agrees(const nlohmann::json& other, const nlohmann::json& reference,
                              double relative, double absolute) {
  REQUIRE(other["ids"] == reference["ids"]);
  const double e = reference["energy"];
  CHECK(std::abs(other["energy"].get<double>() - e) <= relative * std::abs(e));
  for (int k = 0; k < 9; ++k) {
    CHECK(std::abs(other["virial"][k].get<double>() - reference["virial"][k].get<double>()) <=
          relative * std::abs(e));
  }
  CHECK(max_row_difference(other, reference, "forces", 3) <= absolute);
  CHECK(max_row_difference(other, reference, "atom_energies", 0) <= absolute);
  CHECK(max_row_difference(other, reference, "atom_virials", 9) <= absolute);
}

}  // namespace md::test
