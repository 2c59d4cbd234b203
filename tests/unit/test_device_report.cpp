// SPDX-License-Identifier: MIT
/// \file The CPU-testable parts of GPU support (issue 5): which device a rank takes, the errors
/// when there is none, and how the device memory report appears in the footer and the JSON
/// summary (present on CUDA runs, absent on CPU runs).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "comm/communicator.hpp"
#include "core/error.hpp"
#include "device/backend.hpp"
#include "device/device_selection.hpp"
#include "engine/run_report.hpp"
#include "io/run_summary.hpp"
#include "potential/lennard_jones.hpp"

using Catch::Matchers::Contains;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

/// The exit code of the md::Error that `f` throws (kOk when it throws none).
template <class F>
md::ExitCode error_code(F&& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const md::Error& e) {
    if (message != nullptr) *message = e.what();
    return e.code();
  }
  return md::ExitCode::kOk;
}

md::DeviceMemoryReport sample_memory() {
  md::DeviceMemoryReport m;
  m.engine_buffers = {100.0 * kMiB, 150.0 * kMiB, 200.5 * kMiB};
  m.device_in_use = {600.0 * kMiB, 650.4 * kMiB, 700.0 * kMiB};
  return m;
}

}  // namespace

TEST_CASE("device_for_local_rank: node-local rank modulo the visible devices", "[device]") {
  CHECK(md::device_for_local_rank(0, 1) == 0);
  CHECK(md::device_for_local_rank(3, 1) == 0);
  CHECK(md::device_for_local_rank(0, 4) == 0);
  CHECK(md::device_for_local_rank(3, 4) == 3);
  CHECK(md::device_for_local_rank(4, 4) == 0);  // more ranks than GPUs: round-robin
  CHECK(md::device_for_local_rank(7, 4) == 3);
  CHECK(md::device_for_local_rank(5, 8) == 5);
  // Eight ranks on four GPUs: two per device.
  int per_device[4] = {0, 0, 0, 0};
  for (int rank = 0; rank < 8; ++rank) ++per_device[md::device_for_local_rank(rank, 4)];
  for (int count : per_device) CHECK(count == 2);
}

TEST_CASE("device_for_local_rank rejects no devices and negative ranks", "[device]") {
  std::string message;
  CHECK(error_code([] { md::device_for_local_rank(0, 0); }, &message) == md::ExitCode::kUsage);
  CHECK_THAT(message, Contains("no CUDA device is visible") && Contains("run.backend: cpu"));
  CHECK(error_code([] { md::device_for_local_rank(0, -1); }) == md::ExitCode::kUsage);
  CHECK(error_code([] { md::device_for_local_rank(-1, 2); }) == md::ExitCode::kInternal);
}

TEST_CASE("select_cuda_device without a GPU is a config error, not a crash", "[device]") {
  if (md::cuda_device_count() > 0) {
    // On a GPU host: rank 0 takes device 0 and the description is filled in.
    const md::DeviceInfo info = md::select_cuda_device(0);
    CHECK(info.ordinal == 0);
    CHECK_FALSE(info.name.empty());
    CHECK(info.total_memory_bytes > 0);
    return;
  }
  std::string message;
  CHECK(error_code([] { md::select_cuda_device(0); }, &message) == md::ExitCode::kUsage);
  CHECK_THAT(message, Contains(md::cuda_compiled() ? "no CUDA device is visible"
                                                   : "this build has no CUDA"));
  CHECK(md::cuda_device_memory_used_bytes() == 0);
}

TEST_CASE("a CPU potential holds no device memory", "[device]") {
  md::LennardJonesSpec spec;
  spec.cutoff = 8.5;
  spec.pairs.push_back({"Ar", "Ar", 0.0103, 3.405, 0.0});
  const md::LennardJones lj(spec, {"Ar"});
  const md::Potential& potential = lj;
  CHECK(potential.device_memory_bytes() == 0);
  const md::Communicator comm = md::Communicator::world();
  const md::DeviceMemoryReport memory = md::measure_device_memory(potential.device_memory_bytes(), comm);
  CHECK(memory.engine_buffers.max == 0.0);
  if (md::cuda_device_count() == 0) CHECK(memory.device_in_use.max == 0.0);
}

TEST_CASE("device memory line: MiB, min/avg/max over ranks", "[device][report]") {
  CHECK(md::format_device_memory_line(sample_memory()) ==
        "Device memory: engine buffers 100.0/150.0/200.5 MiB, device in use "
        "600.0/650.4/700.0 MiB (min/avg/max over ranks)");
}

TEST_CASE("the footer has the device memory line only when the report has memory",
          "[device][report]") {
  md::RunReport report;
  report.steps = 10;
  report.n_atoms = 192;
  CHECK_THAT(md::format_footer(report), !Contains("Device memory"));
  report.device_memory = sample_memory();
  const std::string footer = md::format_footer(report);
  CHECK_THAT(footer, Contains(md::format_device_memory_line(sample_memory()) + "\n"));
  // It closes the footer (after the neighbour-list lines LAMMPS users look for).
  CHECK(footer.rfind("Device memory") > footer.rfind("Dangerous builds"));
}

TEST_CASE("JSON summary: device_memory absent on CPU runs, bytes on CUDA runs",
          "[device][report]") {
  md::RunReport report;
  report.steps = 10;
  report.n_atoms = 192;
  const md::RunIdentity cpu{"mdrun test", "run.yaml", {}, "", "cpu", "lj/cut"};
  CHECK_FALSE(nlohmann::json::parse(md::run_summary_json(report, cpu)).contains("device_memory"));

  report.device_memory = sample_memory();
  const md::RunIdentity cuda{"mdrun test", "run.yaml", {}, "", "cuda", "deepmd"};
  const nlohmann::json j = nlohmann::json::parse(md::run_summary_json(report, cuda));
  REQUIRE(j.contains("device_memory"));
  const nlohmann::json& m = j["device_memory"];
  CHECK(m["engine_buffers_bytes"]["min"].get<double>() == 100.0 * kMiB);
  CHECK(m["engine_buffers_bytes"]["avg"].get<double>() == 150.0 * kMiB);
  CHECK(m["engine_buffers_bytes"]["max"].get<double>() == 200.5 * kMiB);
  CHECK(m["device_in_use_bytes"]["min"].get<double>() == 600.0 * kMiB);
  CHECK(m["device_in_use_bytes"]["max"].get<double>() == 700.0 * kMiB);
}
