// SPDX-License-Identifier: MIT
/// \file
/// Model deviation on hand-built cases: the spread formula (core/model_deviation.hpp), the row
/// over atoms and virial components (engine/model_deviation.hpp), the file format and its
/// continuation after a restart (io/model_deviation_writer.hpp), and the committee's refusals
/// (potential/committee.hpp, make_deep_committee).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "comm/communicator.hpp"
#include "core/error.hpp"
#include "engine/model_deviation.hpp"
#include "io/deepmd_model_reader.hpp"
#include "io/model_deviation_writer.hpp"
#include "potential/committee.hpp"
#include "potential/deep/deep_potential.hpp"
#include "tests/support/deep_test_util.hpp"
#include "potential/make_potential.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

std::string model_path(int k) {
  return std::string(MD_TEST_DATA_DIR) + "/model_devi/m" + std::to_string(k) + ".dp";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("md_model_devi_" + std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

md::ModelDeviationRecord row(std::int64_t step, double value) {
  md::ModelDeviationRecord r;
  r.step = step;
  r.max_devi_v = r.min_devi_v = r.avg_devi_v = value;
  r.max_devi_f = r.min_devi_f = r.avg_devi_f = value;
  return r;
}

}  // namespace

TEST_CASE("spread: population standard deviation of vectors, and its relative form",
          "[model_devi]") {
  double mean[3];
  // Two models, forces (1, 0, 0) and (3, 0, 0): mean (2, 0, 0), |F − ⟨F⟩| = 1 for both.
  const double two[] = {1, 0, 0, 3, 0, 0};
  CHECK(md::deviation::spread(two, 2, 3, 3, mean, -1.0) == 1.0);
  CHECK(mean[0] == 2.0);
  // relative 1: 1 / (|⟨F⟩| + 1) = 1/3.
  CHECK(md::deviation::spread(two, 2, 3, 3, mean, 1.0) == Approx(1.0 / 3.0).epsilon(1e-15));
  // Four models at the corners of a square around (1, 1, 5), offsets (±1, ±1, 0): every
  // |F − ⟨F⟩|² = 2, so σ = sqrt(2) (the 1/M population form, not 1/(M−1)).
  const double four[] = {0, 0, 5, 2, 0, 5, 0, 2, 5, 2, 2, 5};
  CHECK(md::deviation::spread(four, 4, 3, 3, mean, -1.0) == Approx(std::sqrt(2.0)).epsilon(1e-15));
  CHECK(mean[2] == 5.0);
  // Identical models: no deviation at all.
  const double same[] = {0.3, -1.2, 4.0, 0.3, -1.2, 4.0, 0.3, -1.2, 4.0};
  CHECK(md::deviation::spread(same, 3, 3, 3, mean, -1.0) == 0.0);
  // Stride 1 with a model stride of 9 (one virial component of each model): values 2 and 4.
  double virials[18] = {};
  virials[4] = 2.0;
  virials[13] = 4.0;
  CHECK(md::deviation::spread(&virials[4], 2, 9, 1, mean, -1.0) == 1.0);
  CHECK(md::deviation::spread(&virials[4], 2, 9, 1, mean, 0.5) == Approx(1.0 / 3.5));
}

TEST_CASE("ModelDeviation: the columns of model_devi.out on a hand-built committee",
          "[model_devi]") {
  const md::Communicator comm = md::Communicator::world();
  md::ModelDeviationSettings settings;
  settings.every = 5;
  settings.atomic = true;
  md::ModelDeviation deviation(settings, 2);
  CHECK(deviation.due(0));
  CHECK(deviation.due(10));
  CHECK_FALSE(deviation.due(7));
  // Three atoms, ids out of order. σ per atom: atom 7 → 1, atom 2 → 0, atom 5 → 2.
  const std::vector<std::int64_t> ids = {7, 2, 5};
  deviation.member_forces(0) = {1, 0, 0, 0.5, 0.5, 0.5, 0, 0, -2};
  deviation.member_forces(1) = {3, 0, 0, 0.5, 0.5, 0.5, 0, 0, 2};
  // Virials: only xx and yz differ between the models. Per atom (÷ 3): xx 3 vs 9 → σ 3 (÷3 = 1);
  // yz 0 vs 6 → σ 3 (÷3 = 1); the other seven components agree → σ 0.
  deviation.member_virial(0) = {3, 1, 1, 1, 1, 0, 1, 1, 1};
  deviation.member_virial(1) = {9, 1, 1, 1, 1, 6, 1, 1, 1};
  const md::ModelDeviationRecord r = deviation.measure(10, comm, ids, 3, 3, false);
  CHECK(r.step == 10);
  CHECK(r.max_devi_f == 2.0);
  CHECK(r.min_devi_f == 0.0);
  CHECK(r.avg_devi_f == 1.0);
  CHECK(r.max_devi_v == Approx(1.0).epsilon(1e-15));
  CHECK(r.min_devi_v == 0.0);
  // Root mean square of the nine (two ones, seven zeros), not their mean.
  CHECK(r.avg_devi_v == Approx(std::sqrt(2.0 / 9.0)).epsilon(1e-15));
  // Per atom in id order: 2, 5, 7.
  REQUIRE(r.atom_devi_f.size() == 3);
  CHECK(r.atom_devi_f[0] == 0.0);
  CHECK(r.atom_devi_f[1] == 2.0);
  CHECK(r.atom_devi_f[2] == 1.0);

  SECTION("relative: each σ_i over |⟨F_i⟩| + L, each σ_v over |⟨v⟩| + L") {
    settings.relative = 1.0;
    settings.relative_v = 2.0;
    md::ModelDeviation relative(settings, 2);
    relative.member_forces(0) = deviation.member_forces(0);
    relative.member_forces(1) = deviation.member_forces(1);
    relative.member_virial(0) = deviation.member_virial(0);
    relative.member_virial(1) = deviation.member_virial(1);
    const md::ModelDeviationRecord q = relative.measure(10, comm, ids, 3, 3, false);
    // atom 7: 1 / (2 + 1); atom 5: 2 / (0 + 1); atom 2: 0.
    CHECK(q.atom_devi_f[2] == Approx(1.0 / 3.0).epsilon(1e-15));
    CHECK(q.atom_devi_f[1] == 2.0);
    CHECK(q.max_devi_f == 2.0);
    CHECK(q.min_devi_f == 0.0);
    CHECK(q.avg_devi_f == Approx((2.0 + 1.0 / 3.0) / 3.0).epsilon(1e-15));
    // xx: mean 2 per atom → 1 / (2 + 2); yz: mean 1 → 1 / (1 + 2).
    CHECK(q.max_devi_v == Approx(1.0 / 3.0).epsilon(1e-15));
    CHECK(q.avg_devi_v == Approx(std::sqrt((1.0 / 16 + 1.0 / 9) / 9)).epsilon(1e-15));
  }
}

TEST_CASE("model_devi.out: LAMMPS's header and row layout", "[model_devi]") {
  CHECK(md::format_model_deviation_header(false) ==
        "#       step         max_devi_v         min_devi_v         avg_devi_v         max_devi_f"
        "         min_devi_f         avg_devi_f\n");
  CHECK(md::format_model_deviation_header(true) ==
        "#       step         max_devi_v         min_devi_v         avg_devi_v         max_devi_f"
        "         min_devi_f         avg_devi_f      atm_devi_f(N)\n");
  md::ModelDeviationRecord r;
  r.step = 40;
  r.max_devi_v = 0.53433541;
  r.min_devi_v = 8.8147652e-3;
  r.avg_devi_v = 0.30545863;
  r.max_devi_f = 0.63069487;
  r.min_devi_f = 7.0308933e-2;
  r.avg_devi_f = 0.28263047;
  r.atom_devi_f = {1.25e-1};
  CHECK(md::format_model_deviation_row(r) ==
        "          40       5.343354e-01       8.814765e-03       3.054586e-01       6.306949e-01"
        "       7.030893e-02       2.826305e-01       1.250000e-01\n");
}

TEST_CASE("model_devi.out: a restart keeps the rows up to its checkpoint and appends",
          "[model_devi]") {
  TempDir dir;
  const std::string path = (dir.path / "model_devi.out").string();
  {
    md::ModelDeviationFileWriter writer(path, false, -1);
    for (int step : {0, 10, 20, 30}) writer.write(row(step, 0.1 * (step + 1)));
  }
  const std::string four_rows = read_text(path);

  SECTION("rows after the checkpoint step are dropped, then the run appends") {
    {
      md::ModelDeviationFileWriter writer(path, false, 10);
      writer.write(row(20, 0.1 * 21));
      writer.write(row(30, 0.1 * 31));
    }
    CHECK(read_text(path) == four_rows);  // the same file as without the restart
  }
  SECTION("a torn last line (a killed run) is dropped") {
    { std::ofstream(path, std::ios::app) << "          40       1.0e-01"; }
    { md::ModelDeviationFileWriter writer(path, false, 40); }
    CHECK(read_text(path) == four_rows);
  }
  SECTION("a fresh run keeps the old file under a backup name") {
    { md::ModelDeviationFileWriter writer(path, false, -1); }
    CHECK(read_text(path) == md::format_model_deviation_header(false));
    CHECK(read_text(dir.path / "#model_devi.out.1#") == four_rows);
  }
  SECTION("continuing with other columns (atomic toggled) is refused") {
    try {
      md::ModelDeviationFileWriter writer(path, true, 10);
      FAIL("expected an error");
    } catch (const md::Error& e) {
      CHECK(e.code() == md::ExitCode::kIo);
      CHECK_THAT(e.what(), Contains("atomic"));
    }
    CHECK(read_text(path) == four_rows);  // untouched
  }
  SECTION("a restart without the file starts one") {
    fs::remove(path);
    { md::ModelDeviationFileWriter writer(path, false, 10); }
    CHECK(read_text(path) == md::format_model_deviation_header(false));
  }
}

TEST_CASE("committee: type maps must agree; cutoff is the largest; members' errors name them",
          "[model_devi]") {
  const std::vector<std::string> run_types = {"O", "H"};
  const std::vector<std::string> files = {model_path(1), model_path(2)};
  auto models = [&] {
    return std::vector<md::DeepModel>{md::read_deepmd_model(files[0]),
                                      md::read_deepmd_model(files[1])};
  };
  md::DeepPotentialOptions options;

  SECTION("same type map: a committee with member 0's name and the largest cutoff") {
    std::vector<md::DeepModel> m = models();
    m[1].rcut = 6.5;  // a member reaching further: the list must reach it too
    auto potential = md::make_deep_committee(std::move(m), files, options, run_types,
                                             md::Backend::kCpu);
    auto* committee = dynamic_cast<md::Committee*>(potential.get());
    REQUIRE(committee != nullptr);
    CHECK(committee->size() == 2);
    CHECK(committee->cutoff() == 6.5);
    CHECK(committee->member(0).cutoff() == 6.0);
    CHECK(committee->name() == "deepmd");
  }
  SECTION("types in another order") {
    std::vector<md::DeepModel> m = models();
    m[1].type_map = {"H", "O"};
    try {
      md::make_deep_committee(std::move(m), files, options, run_types, md::Backend::kCpu);
      FAIL("expected an error");
    } catch (const md::Error& e) {
      CHECK(e.code() == md::ExitCode::kModel);
      CHECK_THAT(e.what(), Contains("potential.models[1]") && Contains("m2.dp") &&
                               Contains("[H, O]") && Contains("[O, H]"));
    }
  }
  SECTION("a member whose parameters do not fit the run is named") {
    std::vector<md::DeepModel> m = models();
    m[1].numb_fparam = 1;  // needs potential.fparam, which the run does not give
    try {
      md::make_deep_committee(std::move(m), files, options, run_types, md::Backend::kCpu);
      FAIL("expected an error");
    } catch (const md::Error& e) {
      CHECK_THAT(e.what(), Contains("potential.models[1]") && Contains("m2.dp"));
    }
  }
}

TEST_CASE("compute_together: models sharing one environment give what each gives alone, bitwise",
          "[model_devi][deepmd]") {
  // m1..m4 share descriptor settings but not statistics (davg/dstd sampled with other seeds):
  // the raw rows are shared, each model normalises them itself.
  const md::test::LammpsData water = md::test::read_lammps_data(
      std::string(MD_SHARED_DIR) + "/data/water-example/lmp/water.lmp");
  const auto sys = md::test::make_periodic_system(
      water.positions, water.types,
      md::test::orthorhombic_cell(water.box[0], water.box[1], water.box[2]), {true, true, true},
      6.0 + 1.0);
  std::vector<std::unique_ptr<md::DeepPotential>> models;
  for (int k = 1; k <= 4; ++k) {
    models.push_back(std::make_unique<md::DeepPotential>(
        md::read_deepmd_model(model_path(k)), md::DeepPotentialOptions{},
        std::vector<std::string>{"O", "H"}));
  }
  REQUIRE(models[0]->model().davg != models[1]->model().davg);
  std::vector<md::DeepPotential*> group;
  for (auto& m : models) {
    CHECK(models[0]->shares_environment_with(*m));
    group.push_back(m.get());
  }
  const std::size_t n_all = static_cast<std::size_t>(sys.n_all);
  std::vector<std::vector<double>> forces(4, std::vector<double>(3 * n_all));
  std::vector<std::vector<double>> atom_energy(4, std::vector<double>(n_all));
  std::vector<std::vector<double>> atom_virial(4, std::vector<double>(9 * n_all));
  std::vector<md::ForceOutput> outs(4);
  std::vector<md::ForceOutput*> pointers;
  for (std::size_t m = 0; m < 4; ++m) {
    outs[m].forces = md::Span<double>(forces[m]);
    outs[m].atom_energies = md::Span<double>(atom_energy[m]);
    outs[m].atom_virials = md::Span<double>(atom_virial[m]);
    pointers.push_back(&outs[m]);
  }
  md::ComputeRequest request;
  request.atom_energy = request.atom_virial = true;
  md::DeepPotential::compute_together(group, sys.atoms(), sys.neighbor_view(), request, pointers);
  for (std::size_t m = 0; m < 4; ++m) {
    INFO("model m" << m + 1);
    const md::test::DeepResult alone = md::test::evaluate(*models[m], sys);
    CHECK(outs[m].energy == alone.energy);
    CHECK(outs[m].virial == alone.virial);
    CHECK(forces[m] == alone.raw_forces);
  }
  // Models of another rcut cannot share, and are refused if asked to.
  md::DeepModel other = md::read_deepmd_model(model_path(2));
  other.rcut = 5.5;
  md::DeepPotential shorter(other, md::DeepPotentialOptions{}, {"O", "H"});
  CHECK_FALSE(models[0]->shares_environment_with(shorter));
  CHECK_THROWS_AS(md::DeepPotential::compute_together({models[0].get(), &shorter}, sys.atoms(),
                                                      sys.neighbor_view(), request,
                                                      {pointers[0], pointers[1]}),
                  md::Error);
}
