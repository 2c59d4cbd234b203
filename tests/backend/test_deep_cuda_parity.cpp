// SPDX-License-Identifier: MIT
/// \file
/// The CUDA Deep Potential (DeepPotentialCuda) against the CPU evaluator and DeePMD-kit's own
/// numbers (architecture §3.4, backend layer; OpenMM's testLargeSystem, HOOMD's *_compare).
///
///  - DeePMD-kit's se_e2_a fixture (shared/data/deepmd, 3 configurations): energies, per-atom
///    energies, forces, virial, per-atom virials and the descriptor against the references and
///    the CPU, in double and in mixed precision, and with one centre per chunk.
///  - Every committed random test model (tests/data/models: two-side nets, residuals with
///    timesteps, seven activations, exclusions, slot-dependent statistics, fparam/aparam, vacuum
///    term, mixed_types, three types) on the 192-atom water box, against the CPU and against
///    DeePMD-kit's energies.
///  - A sel smaller than the neighbour count: overflowing blocks take the sorted path, and the
///    overflow is reported as on the CPU.
///  - compute_device (device views) against compute (host views) of the same object on the water
///    box: the first call, a call on moved atoms of the same neighbour-list build (the cached
///    types), a new build with another n_all, a call after host compute() (which invalidates the
///    cache), a call without energy, and the sel-overflow report; compute_device over several
///    chunks (one centre per chunk, and a small budget on 12,288 atoms) against compute of one.
///  - 12,288 water atoms (water.lmp replicated 4×4×4) with a production-size random model
///    (25-50-100 embedding, 240-240-240 fitting, written by scripts/make_random_dp_model.py at
///    test time): against the CPU in double and mixed, and chunked by a small memory budget
///    against one large chunk.
///
/// Tolerances come from one table (tol_for): double |Δ| ≤ 1e-10·max(1, |ref|) per value
/// (DeePMD-kit's double tolerance); mixed |Δ| ≤ 1e-5 × the largest |ref| of the array
/// (relative to the quantity's scale, so near-zero components do not demand impossible
/// relative accuracy). Chunked-vs-unchunked runs must agree to 1e-12 of the scale in double (only
/// the summation order of atomics and GEMM blocking may differ) and within the mixed tolerance in
/// mixed precision (cuBLAS may pick other float GEMM kernels for other row counts;
/// chunking_tolerance says why).
///
/// Paths can be overridden for GPU hosts that get a copy of the checkout elsewhere:
/// MD_SHARED_DIR (the shared/ folder), MD_SOURCE_DIR (the checkout), MD_PYTHON (a python3 with
/// numpy and h5py). docs/cuda.md has the commands.
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "core/compensated_sum.hpp"
#include "core/error.hpp"
#include "device/device_buffer.hpp"
#include "potential/deep/deep_potential_cuda.hpp"
#include "tests/support/cuda_parity.hpp"

namespace {

using md::Precision;
using md::test::check_close;
using md::test::check_device_vs_host;
using md::test::check_results;
using md::test::DeepResult;
using md::test::device_compute;
using md::test::env_or;
using md::test::every_output;
using md::test::host_compute;
using md::test::PeriodicSystem;
using md::test::precision_name;
using md::test::RawResult;
using md::test::shared_dir;
using md::test::source_dir;
using md::test::Tolerance;
using md::test::water;

constexpr double kSkin = 1.0;  ///< neighbour-list skin beyond rcut, Å

// --- locations ---------------------------------------------------------------------------------

std::string python() {
  const std::string configured = MD_PYTHON;
  return env_or("MD_PYTHON", std::filesystem::exists(configured) ? configured : "python3");
}
std::string fixture_model() { return shared_dir() + "/data/deepmd/deeppot_sea.dp"; }
std::string fixture_testcase() { return shared_dir() + "/data/deepmd/deeppot_sea-testcase.yaml"; }
std::string test_model(const std::string& name) {
  return source_dir() + "/tests/data/models/" + name;
}

/// A model written by scripts/make_random_dp_model.py into a per-process temporary directory
/// (removed at exit). `args` are the script's options.
std::string random_model(const std::string& file, const std::string& args) {
  struct TempDir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("mdrun-backend-tests-" + std::to_string(::getpid()));
    ~TempDir() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static TempDir dir;
  std::filesystem::create_directories(dir.path);
  const std::string out = (dir.path / file).string();
  if (!std::filesystem::exists(out)) {
    const std::string command =
        python() + " " + source_dir() + "/scripts/make_random_dp_model.py " + out + " " + args;
    INFO(command);
    REQUIRE(std::system(command.c_str()) == 0);
  }
  return out;
}

// --- tolerances --------------------------------------------------------------------------------

Tolerance tol_for(Precision precision) {
  return precision == Precision::kDouble ? Tolerance{1e-10, 0.0} : Tolerance{0.0, 1e-5};
}
/// GPU against GPU with a different chunking. In double only the summation order of the
/// force/virial atomics and the GEMM blocking differ: 1e-12 of the array's scale. In mixed
/// precision cuBLAS may choose another single-precision GEMM kernel (another split of the
/// k-loop, other partial sums) for another row count, so each chunking is its own float
/// evaluation: their difference is bounded by the two float errors, each within the mixed
/// parity tolerance against the double CPU (1e-5 of the scale).
Tolerance chunking_tolerance(Precision precision) {
  return precision == Precision::kDouble ? Tolerance{0.0, 1e-12} : Tolerance{0.0, 1e-5};
}
/// compute_device against compute of the same object: the same arithmetic on the same inputs,
/// except the summation order of the force/virial atomics.
Tolerance device_vs_host_tolerance(Precision precision) {
  return precision == Precision::kDouble ? Tolerance{0.0, 1e-12} : Tolerance{0.0, 1e-6};
}
/// Against DeePMD-kit's own references (double): its C++ tests' |Δ| bound.
constexpr Tolerance kDeepmdTolerance{1e-10, 0.0};

// --- systems -----------------------------------------------------------------------------------

std::vector<double> doubles(const YAML::Node& node) {
  std::vector<double> v;
  for (const auto& x : node) v.push_back(x.as<double>());
  return v;
}

/// One block of DeePMD-kit's fixture test case (shared/data/deepmd).
struct FixtureCase {
  PeriodicSystem system;
  std::vector<double> atomic_energy, force, atomic_virial, descriptor;
};

std::vector<FixtureCase> fixture_cases(double cutoff) {
  const YAML::Node root = YAML::LoadFile(fixture_testcase());
  std::vector<FixtureCase> cases;
  for (const auto& block : root["results"]) {
    std::vector<int> types;
    for (const auto& t : block["atype"]) types.push_back(t.as<int>());
    std::array<double, 9> box{};
    const bool periodic = block["box"] && !block["box"].IsNull();
    if (periodic) {
      const std::vector<double> b = doubles(block["box"]);
      std::copy(b.begin(), b.end(), box.begin());
    }
    FixtureCase tc{md::test::make_periodic_system(doubles(block["coord"]), types, box,
                                                  {periodic, periodic, periodic}, cutoff),
                   doubles(block["atomic_energy"]),
                   doubles(block["force"]),
                   doubles(block["atomic_virial"]),
                   {}};
    if (block["descriptor"]) tc.descriptor = doubles(block["descriptor"]);
    cases.push_back(std::move(tc));
  }
  return cases;
}

md::DeepPotentialOptions with_precision(md::DeepPotentialOptions options, Precision p) {
  options.precision = p;
  return options;
}

/// The production-size random model (DeePMD-kit's water se_e2_a example architecture).
std::string production_model() {
  return random_model("production.dp",
                      "--neuron 25 50 100 --axis-neuron 16 --fitting 240 240 240 --sel 46 92 "
                      "--rcut 6.0 --rcut-smth 0.5 --seed 1");
}

}  // namespace

TEST_CASE("deepmd cuda: DeePMD-kit fixture matches the references and the CPU",
          "[backend][deepmd][cuda]") {
  const md::DeepModel model = md::read_deepmd_model(fixture_model());
  const std::vector<FixtureCase> cases = fixture_cases(model.rcut + kSkin);
  REQUIRE(cases.size() == 3);
  md::DeepPotential cpu(model, md::DeepPotentialOptions{}, {"O", "H"});
  const Precision precision = GENERATE(Precision::kDouble, Precision::kMixed);
  INFO("precision " << precision_name(precision));
  md::DeepPotentialCuda gpu(model, with_precision({}, precision), {"O", "H"});
  CHECK(gpu.device_memory_bytes() > 0);
  for (std::size_t c = 0; c < cases.size(); ++c) {
    INFO("case " << c + 1);
    const FixtureCase& tc = cases[c];
    const DeepResult got = md::test::evaluate(gpu, tc.system);
    check_results(got, md::test::evaluate(cpu, tc.system), tol_for(precision));
    if (precision == Precision::kDouble) {
      double energy = 0.0;
      for (double e : tc.atomic_energy) energy += e;
      check_close("energy vs DeePMD-kit", {got.energy}, {energy}, kDeepmdTolerance);
      check_close("per-atom energies vs DeePMD-kit", got.atom_energy, tc.atomic_energy,
                  kDeepmdTolerance);
      check_close("forces vs DeePMD-kit", got.forces, tc.force, kDeepmdTolerance);
      check_close("per-atom virials vs DeePMD-kit", got.atom_virial, tc.atomic_virial,
                  kDeepmdTolerance);
    }
  }
}

TEST_CASE("deepmd cuda: the fixture descriptor matches DeePMD-kit and the CPU",
          "[backend][deepmd][cuda]") {
  const md::DeepModel model = md::read_deepmd_model(fixture_model());
  const FixtureCase tc = fixture_cases(model.rcut + kSkin).at(0);
  md::DeepPotential cpu(model, md::DeepPotentialOptions{}, {"O", "H"});
  std::vector<double> expected;
  cpu.compute_descriptors(tc.system.atoms(), tc.system.neighbor_view(), expected);
  const Precision precision = GENERATE(Precision::kDouble, Precision::kMixed);
  INFO("precision " << precision_name(precision));
  md::DeepPotentialCuda gpu(model, with_precision({}, precision), {"O", "H"});
  std::vector<double> got;
  gpu.compute_descriptors(tc.system.atoms(), tc.system.neighbor_view(), got);
  check_close("descriptor vs CPU", got, expected, tol_for(precision));
  if (precision == Precision::kDouble) {
    check_close("descriptor vs DeePMD-kit", got, tc.descriptor, kDeepmdTolerance);
  }
}

TEST_CASE("deepmd cuda: one centre per chunk gives the results of one chunk",
          "[backend][deepmd][cuda]") {
  const md::DeepModel model = md::read_deepmd_model(fixture_model());
  const Precision precision = GENERATE(Precision::kDouble, Precision::kMixed);
  INFO("precision " << precision_name(precision));
  md::DeepPotentialCuda whole(model, with_precision({}, precision), {"O", "H"});
  md::DeepPotentialCuda tiny(model, with_precision({}, precision), {"O", "H"}, 1);
  CHECK(tiny.max_chunk_centers() == 1);
  for (const FixtureCase& tc : fixture_cases(model.rcut + kSkin)) {
    REQUIRE(whole.max_chunk_centers() >= tc.system.n_local);
    check_results(md::test::evaluate(tiny, tc.system), md::test::evaluate(whole, tc.system),
                  chunking_tolerance(precision));
  }
}

TEST_CASE("deepmd cuda: run types map to model types by name", "[backend][deepmd][cuda]") {
  const md::DeepModel model = md::read_deepmd_model(fixture_model());
  md::DeepPotential cpu(model, md::DeepPotentialOptions{}, {"H", "O"});
  md::DeepPotentialCuda gpu(model, md::DeepPotentialOptions{}, {"H", "O"});
  for (FixtureCase& tc : fixture_cases(model.rcut + kSkin)) {
    for (int& t : tc.system.types) t = 1 - t;
    check_results(md::test::evaluate(gpu, tc.system), md::test::evaluate(cpu, tc.system),
                  tol_for(Precision::kDouble));
  }
}

TEST_CASE("deepmd cuda: the test models match the CPU and DeePMD-kit", "[backend][deepmd][cuda]") {
  const YAML::Node refs = YAML::LoadFile(test_model("references.yaml"));
  const YAML::Node spec = refs["configs"]["water"];
  std::vector<int> types;
  for (const auto& e : spec["elements"]) types.push_back(e.as<std::string>() == "O" ? 0 : 1);
  const double edge = spec["box"].as<double>();
  const Precision precision = GENERATE(Precision::kDouble, Precision::kMixed);
  int checked = 0;
  for (const auto& entry : refs["models"]) {
    const std::string name = entry.first.as<std::string>();
    INFO("model " << name << ", precision " << precision_name(precision));
    const md::DeepModel model = md::read_deepmd_model(test_model(name));
    md::DeepPotentialOptions options;
    options.sel_overflow = md::SelOverflowPolicy::kError;
    if (model.numb_fparam > 0) options.fparam = doubles(refs["fparam"]);
    if (model.numb_aparam > 0) options.aparam = doubles(refs["aparam"]);
    const PeriodicSystem sys = md::test::make_periodic_system(
        doubles(spec["coord"]), types, md::test::orthorhombic_cell(edge, edge, edge),
        {true, true, true}, model.rcut + kSkin);
    md::DeepPotential cpu(model, options, {"O", "H"});
    md::DeepPotentialCuda gpu(model, with_precision(options, precision), {"O", "H"});
    const DeepResult got = md::test::evaluate(gpu, sys);
    check_results(got, md::test::evaluate(cpu, sys), tol_for(precision));
    if (precision == Precision::kDouble && !model.stored_single_precision &&
        entry.second["water"]) {
      check_close("energy vs DeePMD-kit", {got.energy},
                  {entry.second["water"]["energy"].as<double>()}, kDeepmdTolerance);
      check_close("per-atom energies vs DeePMD-kit", got.atom_energy,
                  doubles(entry.second["water"]["atom_energy"]), kDeepmdTolerance);
    }
    ++checked;
  }
  CHECK(checked == 6);
}

TEST_CASE("deepmd cuda: neighbours beyond sel are truncated and reported as on the CPU",
          "[backend][deepmd][cuda]") {
  // sel 20/40 against ~29 O and ~59 H neighbours within 6 Å: every block overflows and is
  // sorted; the non-uniform statistics also force the sorted path on the blocks that fit.
  const std::string args = GENERATE(as<std::string>{}, "", "--nonuniform-stats --two-side");
  INFO("model options '" << args << "'");
  const md::DeepModel model = md::read_deepmd_model(random_model(
      args.empty() ? "small_sel.dp" : "small_sel_nonuniform.dp",
      "--neuron 4 8 16 --axis-neuron 4 --fitting 16 16 --sel 20 40 --rcut 6.0 --rcut-smth 0.5 "
      "--seed 3 " +
          args));
  const PeriodicSystem sys = water(1, 0.1, 5, model.rcut + kSkin);
  md::DeepPotential cpu(model, md::DeepPotentialOptions{}, {"O", "H"});
  md::DeepPotentialCuda gpu(model, md::DeepPotentialOptions{}, {"O", "H"});
  check_results(md::test::evaluate(gpu, sys), md::test::evaluate(cpu, sys),
                tol_for(Precision::kDouble));
  CHECK(cpu.sel_overflow_warnings() == 1);
  CHECK(gpu.sel_overflow_warnings() == 1);

  md::DeepPotentialOptions strict;
  strict.sel_overflow = md::SelOverflowPolicy::kError;
  md::DeepPotentialCuda refusing(model, strict, {"O", "H"});
  try {
    md::test::evaluate(refusing, sys);
    FAIL("no error");
  } catch (const md::Error& e) {
    CHECK(e.code() == md::ExitCode::kUnstable);
    CHECK_THAT(e.what(), Catch::Contains("sel"));
  }
}

TEST_CASE("deepmd cuda: 12,288 water atoms with a production-size model match the CPU",
          "[backend][deepmd][cuda][large]") {
  const md::DeepModel model = md::read_deepmd_model(production_model());
  const PeriodicSystem sys = water(4, 0.05, 11, model.rcut + kSkin);
  REQUIRE(sys.n_local == 12288);
  md::DeepPotential cpu(model, md::DeepPotentialOptions{}, {"O", "H"});
  const DeepResult expected = md::test::evaluate(cpu, sys);
  for (Precision precision : {Precision::kDouble, Precision::kMixed}) {
    INFO("precision " << precision_name(precision));
    md::DeepPotentialCuda gpu(model, with_precision({}, precision), {"O", "H"});
    check_results(md::test::evaluate(gpu, sys), expected, tol_for(precision));
    // A second evaluation reuses every buffer and must agree with the first.
    const std::size_t bytes = gpu.device_memory_bytes();
    check_results(md::test::evaluate(gpu, sys), expected, tol_for(precision));
    CHECK(gpu.device_memory_bytes() == bytes);
  }
}

TEST_CASE("deepmd cuda: a small memory budget chunks the evaluation without changing it",
          "[backend][deepmd][cuda][large]") {
  const md::DeepModel model = md::read_deepmd_model(production_model());
  const PeriodicSystem sys = water(4, 0.05, 11, model.rcut + kSkin);
  const Precision precision = GENERATE(Precision::kDouble, Precision::kMixed);
  INFO("precision " << precision_name(precision));
  md::DeepPotentialCuda whole(model, with_precision({}, precision), {"O", "H"});
  REQUIRE(whole.max_chunk_centers() >= sys.n_local);
  constexpr std::size_t kBudget = std::size_t{256} << 20;
  md::DeepPotentialCuda chunked(model, with_precision({}, precision), {"O", "H"}, kBudget);
  INFO("centres per chunk: " << chunked.max_chunk_centers());
  CHECK(chunked.max_chunk_centers() > 1);
  CHECK(chunked.max_chunk_centers() < sys.n_local / 4);
  check_results(md::test::evaluate(chunked, sys), md::test::evaluate(whole, sys),
                chunking_tolerance(precision));
  CHECK(chunked.memory_budget_bytes() == kBudget);
  CHECK(chunked.chunk_memory_bytes() <= kBudget);
  CHECK(chunked.chunk_memory_bytes() < whole.chunk_memory_bytes());
}

TEST_CASE("deepmd cuda: model and option errors are the CPU evaluator's",
          "[backend][deepmd][cuda]") {
  const md::DeepModel model = md::read_deepmd_model(fixture_model());
  try {
    md::DeepPotentialCuda gpu(model, md::DeepPotentialOptions{}, {"O", "C"});
    FAIL("no error");
  } catch (const md::Error& e) {
    CHECK(e.code() == md::ExitCode::kModel);
    CHECK_THAT(e.what(), Catch::Contains("'C'") && Catch::Contains("[O, H]"));
  }
  md::DeepPotentialOptions options;
  options.fparam = {1.0};
  CHECK_THROWS_AS((md::DeepPotentialCuda(model, options, {"O", "H"})), md::Error);
}

TEST_CASE("deepmd cuda: compute_device equals compute on the same object, across builds",
          "[backend][deepmd][cuda]") {
  const md::DeepModel model = md::read_deepmd_model(fixture_model());
  const Precision precision = GENERATE(Precision::kDouble, Precision::kMixed);
  INFO("precision " << precision_name(precision));
  const Tolerance tol = device_vs_host_tolerance(precision);
  md::DeepPotentialCuda gpu(model, with_precision({}, precision), {"O", "H"});
  REQUIRE(gpu.has_device_compute());
  const md::ComputeRequest all = every_output();

  // A: the water box with periodic ghosts (build 1). B: every atom and its images moved by up to
  // 0.02 Å, same list and build. C: the first half of the atoms as an open cluster (build 2,
  // other n_local and n_all).
  const PeriodicSystem a = water(1, 0.05, 21, model.rcut + kSkin);
  PeriodicSystem b = a;
  std::vector<double> shift(3 * static_cast<std::size_t>(a.n_local), 0.0);
  md::test::perturb(shift, 0.02, 22);
  for (int k = 0; k < b.n_all; ++k) {
    for (int d = 0; d < 3; ++d) b.positions[3 * k + d] += shift[3 * b.owner[k] + d];
  }
  const int n_half = a.n_local / 2;
  PeriodicSystem c = md::test::make_periodic_system(
      std::vector<double>(a.positions.begin(), a.positions.begin() + 3 * n_half),
      std::vector<int>(a.types.begin(), a.types.begin() + n_half),
      md::test::orthorhombic_cell(1.0, 1.0, 1.0), {false, false, false}, model.rcut + kSkin);
  c.build_count = 2;
  REQUIRE(c.n_all != a.n_all);

  // Device calls first, so that no host compute() invalidates the type cache between them.
  const RawResult device_a = device_compute(gpu, a, a.types, all);
  // Same build: the cached types are used and host_types is not read again. Passing wrong types
  // proves it (they would change every result if they were mapped).
  const std::vector<int> wrong_types(b.types.size(), 0);
  const RawResult device_b = device_compute(gpu, b, wrong_types, all);
  const RawResult device_c = device_compute(gpu, c, c.types, all);

  // Host references of the same object (C first, so the last host call leaves A/B's types).
  const RawResult host_c = host_compute(gpu, c, all);
  const RawResult host_a = host_compute(gpu, a, all);
  const RawResult host_b = host_compute(gpu, b, all);
  {
    INFO("first call");
    check_device_vs_host(device_a, host_a, a.n_local, tol);
  }
  {
    INFO("moved atoms, same build (cached types)");
    check_device_vs_host(device_b, host_b, b.n_local, tol);
  }
  {
    INFO("new build, other n_local and n_all");
    check_device_vs_host(device_c, host_c, c.n_local, tol);
  }
  {
    // C's key again, but compute() has overwritten the device types since: they must be redone.
    INFO("after host compute(), the last device call's build again");
    check_device_vs_host(device_compute(gpu, c, c.types, all), host_c, c.n_local, tol);
  }
  {
    INFO("no energy, virial or per-atom outputs requested");
    md::ComputeRequest forces_only;
    forces_only.energy = false;
    forces_only.virial = false;
    const RawResult got = device_compute(gpu, c, c.types, forces_only);
    CHECK(got.energy == 0.0);
    CHECK(got.virial == std::vector<double>(9, 0.0));
    check_close("forces", got.forces, host_c.forces, tol);
  }
}

TEST_CASE("deepmd cuda: compute_device reports neighbours beyond sel as compute does",
          "[backend][deepmd][cuda]") {
  const md::DeepModel model = md::read_deepmd_model(random_model(
      "small_sel.dp",
      "--neuron 4 8 16 --axis-neuron 4 --fitting 16 16 --sel 20 40 --rcut 6.0 --rcut-smth 0.5 "
      "--seed 3 "));
  const PeriodicSystem sys = water(1, 0.1, 5, model.rcut + kSkin);
  md::DeepPotentialCuda warning(model, md::DeepPotentialOptions{}, {"O", "H"});
  const RawResult device = device_compute(warning, sys, sys.types, every_output());
  device_compute(warning, sys, sys.types, every_output());  // same build: no second warning
  CHECK(warning.sel_overflow_warnings() == 1);
  check_device_vs_host(device, host_compute(warning, sys, every_output()), sys.n_local,
                       device_vs_host_tolerance(Precision::kDouble));

  md::DeepPotentialOptions strict;
  strict.sel_overflow = md::SelOverflowPolicy::kError;
  md::DeepPotentialCuda refusing(model, strict, {"O", "H"});
  const auto message_of = [](const auto& evaluate) -> std::string {
    try {
      evaluate();
    } catch (const md::Error& e) {
      CHECK(e.code() == md::ExitCode::kUnstable);
      return e.what();
    }
    FAIL("no error");
    return {};
  };
  const std::string from_device =
      message_of([&] { device_compute(refusing, sys, sys.types, every_output()); });
  const std::string from_host = message_of([&] { host_compute(refusing, sys, every_output()); });
  CHECK_THAT(from_device, Catch::Contains("sel"));
  CHECK(from_device == from_host);
}

TEST_CASE("deepmd cuda: compute_device over several chunks equals one chunk",
          "[backend][deepmd][cuda]") {
  // The device entry with a chunked evaluation: one centre per chunk on the fixture, then the
  // 192-atom water box, against compute() of an object that evaluates everything in one chunk.
  const md::DeepModel model = md::read_deepmd_model(fixture_model());
  const Precision precision = GENERATE(Precision::kDouble, Precision::kMixed);
  INFO("precision " << precision_name(precision));
  md::DeepPotentialCuda whole(model, with_precision({}, precision), {"O", "H"});
  md::DeepPotentialCuda tiny(model, with_precision({}, precision), {"O", "H"}, 1);
  REQUIRE(tiny.max_chunk_centers() == 1);
  const Tolerance tol = chunking_tolerance(precision);
  for (const FixtureCase& tc : fixture_cases(model.rcut + kSkin)) {
    check_device_vs_host(device_compute(tiny, tc.system, tc.system.types, every_output()),
                         host_compute(whole, tc.system, every_output()), tc.system.n_local, tol);
  }
  const PeriodicSystem box = water(1, 0.05, 23, model.rcut + kSkin);
  check_device_vs_host(device_compute(tiny, box, box.types, every_output()),
                       host_compute(whole, box, every_output()), box.n_local, tol);
}

TEST_CASE("deepmd cuda: compute_device with a small memory budget on 12,288 atoms",
          "[backend][deepmd][cuda][large]") {
  const md::DeepModel model = md::read_deepmd_model(production_model());
  const PeriodicSystem sys = water(4, 0.05, 13, model.rcut + kSkin);
  const Precision precision = GENERATE(Precision::kDouble, Precision::kMixed);
  INFO("precision " << precision_name(precision));
  md::DeepPotentialCuda whole(model, with_precision({}, precision), {"O", "H"});
  constexpr std::size_t kBudget = std::size_t{256} << 20;
  md::DeepPotentialCuda chunked(model, with_precision({}, precision), {"O", "H"}, kBudget);
  INFO("centres per chunk: " << chunked.max_chunk_centers());
  REQUIRE(chunked.max_chunk_centers() < sys.n_local / 4);
  check_device_vs_host(device_compute(chunked, sys, sys.types, every_output()),
                       host_compute(whole, sys, every_output()), sys.n_local,
                       chunking_tolerance(precision));
}
