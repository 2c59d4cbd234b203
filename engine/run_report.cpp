// SPDX-License-Identifier: MIT
#include "engine/run_report.hpp"

#include <sys/resource.h>

#include <fmt/format.h>

#include "core/units.hpp"
#include "device/device_selection.hpp"

namespace md {

RankStats rank_stats(double value, const Communicator& comm) {
  RankStats s;
  s.min = comm.min(value);
  s.max = comm.max(value);
  s.avg = comm.sum(value) / comm.size();
  return s;
}

DeviceMemoryReport measure_device_memory(std::size_t engine_bytes, const Communicator& comm) {
  DeviceMemoryReport memory;
  memory.engine_buffers = rank_stats(static_cast<double>(engine_bytes), comm);
  memory.device_in_use = rank_stats(static_cast<double>(cuda_device_memory_used_bytes()), comm);
  return memory;
}

std::string format_device_memory_line(const DeviceMemoryReport& m) {
  constexpr double kMiB = 1024.0 * 1024.0;
  auto mib = [&](const RankStats& s) {
    return fmt::format("{:.1f}/{:.1f}/{:.1f} MiB", s.min / kMiB, s.avg / kMiB, s.max / kMiB);
  };
  return "Device memory: engine buffers " + mib(m.engine_buffers) + ", device in use " +
         mib(m.device_in_use) + " (min/avg/max over ranks)";
}

RankStats process_memory_mib(const Communicator& comm) {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  constexpr double kKiBPerMiB = 1024.0;
  return rank_stats(static_cast<double>(usage.ru_maxrss) / kKiBPerMiB, comm);  // ru_maxrss: KiB
}

std::string format_memory_line(const RankStats& mib) {
  return fmt::format("Per MPI rank memory allocation (min/avg/max) = {:.4g} | {:.4g} | {:.4g} Mbytes",
                     mib.min, mib.avg, mib.max);
}

std::string format_footer(const RunReport& r) {
  std::string out;
  out += fmt::format("Loop time of {:.6g} on {} procs for {} steps with {} atoms\n\n",
                     r.loop_seconds, r.n_ranks, r.steps, r.n_atoms);
  out += fmt::format(
      "Performance: {:.3f} ns/day, {:.3f} hours/ns, {:.3f} timesteps/s, {:.3f} Matom-step/s\n",
      r.ns_per_day(), r.hours_per_ns(), r.timesteps_per_second(), r.matom_steps_per_second());
  out += fmt::format("{} MPI tasks x 1 OpenMP threads\n\n", r.n_ranks);
  out += "MPI task timing breakdown:\n";
  out += "Section |  min time  |  avg time  |  max time  |%varavg| %total\n";
  out += "---------------------------------------------------------------\n";
  auto percent = [&](double t) { return r.loop_seconds > 0 ? 100.0 * t / r.loop_seconds : 0.0; };
  auto variation = [](const RankStats& s) {
    return s.avg > 0 ? 100.0 * (s.max - s.avg) / s.avg : 0.0;
  };
  for (int p = 0; p < kPhaseCount; ++p) {
    const RankStats& s = r.phases[p];
    out += fmt::format("{:<8}| {:<11.5g}| {:<11.5g}| {:<11.5g}|{:6.1f} |{:6.2f}\n", kPhaseNames[p],
                       s.min, s.avg, s.max, variation(s), percent(s.avg));
  }
  out += fmt::format("{:<8}|            | {:<11.5g}|            |       |{:6.2f}\n\n", "Other",
                     r.other.avg, percent(r.other.avg));
  out += fmt::format("Nlocal:    {:.6g} ave {:.6g} max {:.6g} min\n", r.n_local.avg,
                     r.n_local.max, r.n_local.min);
  out += fmt::format("Nghost:    {:.6g} ave {:.6g} max {:.6g} min\n", r.n_ghost.avg,
                     r.n_ghost.max, r.n_ghost.min);
  out += fmt::format("Neighs:    {:.6g} ave {:.6g} max {:.6g} min\n\n", r.n_neighbors.avg,
                     r.n_neighbors.max, r.n_neighbors.min);
  out += fmt::format("Neighbor list builds = {}\n", r.neighbor_builds);
  out += "Dangerous builds = 0 (displacements are checked every step)\n";
  if (r.device_memory) out += format_device_memory_line(*r.device_memory) + "\n";
  return out;
}

}  // namespace md
