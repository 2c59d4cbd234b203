// SPDX-License-Identifier: MIT
/// \file
/// Output files never destroy what is already on disk: an existing file at an output path is first
/// renamed to `#name.N#` (the first free N), as GROMACS does, and the run says so.
#pragma once

#include <string>

namespace md {

/// If `path` exists, renames it to `#<filename>.N#` in the same directory and returns the new
/// path; otherwise returns "". Throws an I/O Error (exit code 7) when the rename fails.
std::string back_up_existing(const std::string& path);

/// Writes `contents` to `path` atomically: a temporary file beside it, flushed and synced, then
/// renamed over `path`. Throws an I/O Error naming the path on failure.
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace md
