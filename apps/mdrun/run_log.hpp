// SPDX-License-Identifier: MIT
/// \file
/// The run log: what rank 0 prints on stdout (banner, config, thermo table, footer, warnings) is
/// also written to `output.log_file` (default `mdrun.log`), so a batch job keeps its log beside
/// its outputs, in the layout LAMMPS log parsers read (lammps-logfile: a thermo block starts
/// after `Per MPI rank memory allocation` and ends at `Loop time`, `ERROR` or `Total wall time`).
/// Errors go to stderr and into the log. Only rank 0 writes; every function is a no-op elsewhere.
#pragma once

#include <chrono>
#include <string>

namespace md {

/// Starts writing the log to `path` (rank 0): a fresh file (an existing one is backed up first)
/// or, on a restart, the end of the existing one. Throws md::Error (exit code 7).
void open_log_file(const std::string& path, bool append);
/// Stops writing to the log file (idempotent).
void close_log_file();

/// A line to stdout and to the log file, flushed at once (tail -f on a batch job).
void log_line(const std::string& line);
/// Text (one or more whole lines) to stdout and the log file.
void log_text(const std::string& text);
/// An error message for the log file only (stderr gets it from the caller).
void log_error(const std::string& message);

/// LAMMPS's last line, `Total wall time: H:MM:SS`.
std::string total_wall_time_line(std::chrono::steady_clock::duration elapsed);

}  // namespace md
