// SPDX-License-Identifier: MIT
/// \file
/// Output files never destroy what is already on disk, and never touch what the user did not
/// name:
///  - an existing REGULAR file at an output path is first renamed to `#name.N#` (the first free
///    N), as GROMACS does, and the run says so;
///  - a symbolic link is followed: the file it points to is what gets backed up and rewritten,
///    and the link itself stays;
///  - a special file (a character or block device such as /dev/null, a FIFO, a socket) is
///    written into, never renamed or replaced;
///  - scratch files get unique names (`.<name>.tmp.XXXXXX` beside the output, created with
///    O_EXCL), so a user's file called `<name>.tmp` is never overwritten.
#pragma once

#include <string>

namespace md {

/// The file an output path designates: `path` itself, or the final target of a symbolic link
/// (relative links resolved against the link's directory). A dangling link gives its target.
std::string output_target(const std::string& path);

/// True when `path` (after following links) exists and is not a regular file or directory:
/// something to write into rather than replace.
bool is_special_file(const std::string& path);

/// If `path` (after following links) is an existing regular file, renames it to `#<name>.N#` in
/// the same directory and returns the new path; otherwise (nothing there, or a special file)
/// returns "". Throws an I/O Error (exit code 7) when the rename fails or `path` is a directory.
std::string back_up_existing(const std::string& path);

/// Writes `contents` to `path`: into it directly when it is a special file; otherwise
/// atomically through a uniquely named temporary file beside the target, flushed, synced and
/// renamed over it. Throws an I/O Error naming the path on failure.
void write_file_atomically(const std::string& path, const std::string& contents);

/// Creates a new, empty, uniquely named scratch file beside `path`'s target
/// (`.<name>.tmp.XXXXXX`) and returns its path; the caller writes it and renames it over the
/// target (or removes it). Throws an I/O Error when the directory is not writable.
std::string create_scratch_file(const std::string& path);

/// Removes scratch files of `path` left by a killed run (`.<name>.tmp.XXXXXX` beside its target)
/// and returns how many. Call it only while holding the directory's run lock (apps/mdrun), so
/// that no live run owns them.
int remove_stale_scratch_files(const std::string& path);

}  // namespace md
