// SPDX-License-Identifier: MIT
/// \file
/// The end-of-run performance report: LAMMPS's `Loop time ... / Performance: ...` footer with the
/// per-phase timing breakdown (min/avg/max over ranks, so load imbalance is visible), and the same
/// numbers as a plain struct for the JSON summary. On the CUDA backend it also reports the device
/// memory the run uses.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "comm/communicator.hpp"
#include "core/run_report.hpp"
#include "engine/thermo.hpp"
#include "engine/timers.hpp"
#include "potential/potential.hpp"

namespace md {

/// Min/avg/max of `value` over ranks. Collective.
RankStats rank_stats(double value, const Communicator& comm);

/// Peak resident memory of each rank's process so far, MiB (min/avg/max over ranks). Collective.
RankStats process_memory_mib(const Communicator& comm);

/// LAMMPS's line before the thermo table, `Per MPI rank memory allocation (min/avg/max) = a | b |
/// c Mbytes` (log parsers such as lammps-logfile start a thermo block after it), no newline.
std::string format_memory_line(const RankStats& mib);

/// Reduces `engine_bytes` (this rank's device buffers: Simulation::device_memory_bytes()) and
/// samples the memory in use on the current CUDA device, on every rank. Call it at the end of the
/// run: buffers only grow, so that is the peak of the engine's buffers. Collective.
DeviceMemoryReport measure_device_memory(std::size_t engine_bytes, const Communicator& comm);

/// `Device memory: engine buffers a/b/c MiB, device in use d/e/f MiB (min/avg/max over ranks)`,
/// without a newline.
std::string format_device_memory_line(const DeviceMemoryReport& memory);

/// The LAMMPS-style footer text (several lines, ending in a newline); ends with the device memory
/// line when the report has one.
std::string format_footer(const RunReport& report);

}  // namespace md
