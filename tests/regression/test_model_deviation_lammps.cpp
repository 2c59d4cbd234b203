// SPDX-License-Identifier: MIT
/// \file
/// Model deviation against LAMMPS + DeePMD-kit's `pair_style deepmd m1 m2 m3 m4 out_freq 10`
/// (tests/data/model_devi, made by scripts/make_model_devi_reference.sh and checked by
/// scripts/model_devi_reference.py). mdrun evaluates the frames LAMMPS dumped — 192-atom water at
/// steps 0, 10, …, 100 and its 2×2×2 replica (1,536 atoms) at steps 0 and 100 — with the same four
/// models, and every column of the rows of those steps must equal the full-precision reference to
/// 1e-10 relative: the six columns of the plain runs, and the six plus the 192 or 1,536 per-atom
/// columns of the `atomic relative 1.0 relative_v 1.0` runs. The seven-digit files LAMMPS itself
/// printed must also come out character for character from mdrun's numbers through mdrun's writer.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "comm/communicator.hpp"
#include "engine/distribute.hpp"
#include "engine/simulation.hpp"
#include "io/deepmd_model_reader.hpp"
#include "io/model_deviation_writer.hpp"
#include "potential/make_potential.hpp"

namespace {

const std::string kDir = std::string(MD_TEST_DATA_DIR) + "/model_devi/";
/// The bar; the reference itself is LAMMPS's number to 1.5e-13 (README.md).
constexpr double kTolerance = 1e-10;

struct Frame {
  std::int64_t step = 0;
  md::Box box;
  md::AtomSet atoms;
};

/// The frames of a LAMMPS dump (`id type x y z`, orthogonal box, possibly in the triclinic header
/// form with zero tilts).
std::vector<Frame> read_dump(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::vector<Frame> frames;
  std::string line;
  while (std::getline(in, line)) {
    if (line != "ITEM: TIMESTEP") continue;
    Frame f;
    in >> f.step;
    std::getline(in, line);
    std::getline(in, line);  // ITEM: NUMBER OF ATOMS
    std::size_t n = 0;
    in >> n;
    std::getline(in, line);
    std::getline(in, line);  // ITEM: BOX BOUNDS ...
    const bool tilted = line.find("xy") != std::string::npos;
    for (int d = 0; d < 3; ++d) {
      double tilt = 0.0;
      in >> f.box.lo[d] >> f.box.hi[d];
      if (tilted) in >> tilt;
      REQUIRE(tilt == 0.0);
      f.box.periodic[d] = true;
    }
    std::getline(in, line);
    std::getline(in, line);  // ITEM: ATOMS id type x y z
    REQUIRE(line == "ITEM: ATOMS id type x y z");
    for (std::size_t i = 0; i < n; ++i) {
      std::int64_t id = 0;
      int type = 0;
      double x[3];
      in >> id >> type >> x[0] >> x[1] >> x[2];
      f.atoms.ids.push_back(id);
      f.atoms.types.push_back(type - 1);
      f.atoms.positions.insert(f.atoms.positions.end(), x, x + 3);
    }
    f.atoms.velocities.assign(3 * n, 0.0);
    f.atoms.images.assign(3 * n, 0);
    frames.push_back(std::move(f));
  }
  return frames;
}

/// step → the numbers of its row (six columns, then the atomic ones) of a `.full` or `.out` file.
std::map<std::int64_t, std::vector<double>> read_rows(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::map<std::int64_t, std::vector<double>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::int64_t step = 0;
    fields >> step;
    std::vector<double>& row = rows[step];
    for (double v; fields >> v;) row.push_back(v);
  }
  return rows;
}

/// The LAMMPS-printed lines of `path`, by step (the header under key −1).
std::map<std::int64_t, std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::map<std::int64_t, std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (line[0] == '#') {
      lines[-1] = line + '\n';
      continue;
    }
    lines[std::stoll(line)] = line + '\n';
  }
  return lines;
}

std::vector<double> columns(const md::ModelDeviationRecord& r) {
  std::vector<double> v = {r.max_devi_v, r.min_devi_v, r.avg_devi_v,
                           r.max_devi_f, r.min_devi_f, r.avg_devi_f};
  v.insert(v.end(), r.atom_devi_f.begin(), r.atom_devi_f.end());
  return v;
}

/// The model deviation of `frame` with m1..m4, evaluated once as `mdrun eval` does.
md::ModelDeviationRecord evaluate(const Frame& frame, const md::ModelDeviationSettings& settings) {
  const md::Communicator comm = md::Communicator::world();
  std::vector<std::string> files;
  std::vector<md::DeepModel> models;
  for (int k = 1; k <= 4; ++k) {
    files.push_back(kDir + "m" + std::to_string(k) + ".dp");
    models.push_back(md::read_deepmd_model(files.back()));
  }
  const std::vector<std::string> type_names = {"O", "H"};
  md::DeepPotentialOptions options;
  options.sel_overflow = md::SelOverflowPolicy::kError;
  auto potential =
      md::make_deep_committee(std::move(models), files, options, type_names, md::Backend::kCpu);
  md::Domain domain(frame.box, comm);
  md::AtomSet owned = md::scatter_atoms(comm, domain, frame.atoms);
  md::SimulationSettings sim_settings;
  sim_settings.model_deviation = settings;
  md::Simulation sim(sim_settings, comm, std::move(domain), std::move(owned), type_names,
                     {16.0, 2.0}, std::move(potential), nullptr);
  const md::EvaluationResult result = sim.evaluate_once(settings.atomic);
  REQUIRE(result.model_deviation);
  md::ModelDeviationRecord record = *result.model_deviation;
  record.step = frame.step;
  return record;
}

double relative_difference(double a, double b) {
  return std::abs(a - b) / std::max(std::abs(b), 1e-300);
}

void check_run(const std::string& dump, const std::string& run,
               const md::ModelDeviationSettings& settings, std::size_t n_atoms) {
  const std::vector<Frame> frames = read_dump(kDir + dump);
  const auto full = read_rows(kDir + run + ".model_devi.full");
  const auto printed = read_lines(kDir + run + ".model_devi.out");
  REQUIRE(!frames.empty());
  REQUIRE(frames.size() == full.size());
  CHECK(md::format_model_deviation_header(settings.atomic) == printed.at(-1));
  double worst = 0.0;
  for (const Frame& frame : frames) {
    INFO(run << ", step " << frame.step);
    REQUIRE(frame.atoms.size() == n_atoms);
    const md::ModelDeviationRecord record = evaluate(frame, settings);
    const std::vector<double> mine = columns(record);
    const std::vector<double>& reference = full.at(frame.step);
    REQUIRE(mine.size() == reference.size());
    for (std::size_t c = 0; c < mine.size(); ++c) {
      INFO("column " << c + 1);
      const double difference = relative_difference(mine[c], reference[c]);
      CHECK(difference <= kTolerance);
      worst = std::max(worst, difference);
    }
    // LAMMPS's own seven-digit line, reproduced by mdrun's writer from mdrun's numbers.
    CHECK(md::format_model_deviation_row(record) == printed.at(frame.step));
  }
  WARN(run << ": worst relative difference from LAMMPS + DeePMD-kit over " << frames.size()
           << " frames: " << worst);
}

/// `atomic relative 1.0 relative_v 1.0`, a row for every frame.
md::ModelDeviationSettings atomic_relative() {
  md::ModelDeviationSettings settings;
  settings.every = 1;
  settings.relative = 1.0;
  settings.relative_v = 1.0;
  settings.atomic = true;
  return settings;
}

}  // namespace

TEST_CASE("model deviation of 192-atom water frames matches LAMMPS + DeePMD-kit",
          "[regression][deepmd][model_devi]") {
  check_run("192.traj.dump", "192", md::ModelDeviationSettings{1}, 192);
}

TEST_CASE("model deviation with atomic, relative and relative_v matches LAMMPS + DeePMD-kit",
          "[regression][deepmd][model_devi]") {
  check_run("192.traj.dump", "192_atomic_relative", atomic_relative(), 192);
}

TEST_CASE("model deviation of 1,536-atom water frames matches LAMMPS + DeePMD-kit",
          "[regression][deepmd][model_devi]") {
  check_run("1536.traj.dump", "1536", md::ModelDeviationSettings{1}, 1536);
  check_run("1536.traj.dump", "1536_atomic_relative", atomic_relative(), 1536);
}
