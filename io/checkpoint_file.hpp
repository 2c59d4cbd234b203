// SPDX-License-Identifier: MIT
/// \file
/// Checkpoint files: an engine CheckpointState (core/checkpoint_state.hpp) as HDF5, written so that a
/// crash at any moment leaves a loadable checkpoint, and verified when read (docs/checkpoints.md).
///
/// Writing (GROMACS's sequence, conventions doc §A2): the state goes to a uniquely named scratch
/// file beside it (`.<file>.tmp.XXXXXX`, io/output_path.hpp), which is closed and fsync'ed; the
/// current `<file>` becomes `<stem>_prev<ext>` (a hard link, so `<file>` itself never
/// disappears); the scratch file is renamed over `<file>`; the directory is fsync'ed. A symbolic
/// link named as the checkpoint is followed.
/// A SHA-256 of the whole payload is stored last, so a file cut short, or with a flipped byte, is
/// refused on reading; mdrun then falls back to `_prev` with a warning.
///
/// Also here: the SHA-256 used for the checkpoint's identity hashes, and the normalised
/// "physics fingerprint" of a run config that a restart must match.
#pragma once

#include <cstdint>
#include <string>

#include "core/checkpoint_state.hpp"
#include "io/run_config.hpp"

namespace md {

/// Current checkpoint format version (the `format_version` attribute).
inline constexpr int kCheckpointFormatVersion = 1;

/// Writes `state` to `path` atomically (see the file comment); `keep_previous` keeps the replaced
/// checkpoint as previous_checkpoint_path(path). Throws md::Error (exit code kIo) on failure.
/// Test hook: with MD_TEST_KILL_DURING_CHECKPOINT=K the process kills itself (SIGKILL) in the
/// middle of its K-th checkpoint write, after the atoms and before the hash.
void write_checkpoint_file(const std::string& path, const CheckpointState& state,
                           bool keep_previous);

/// Reads and verifies a checkpoint. Throws md::Error (exit code kIo) naming the file and the
/// problem: missing, not HDF5, wrong format or version, inconsistent shapes, hash mismatch.
CheckpointState read_checkpoint_file(const std::string& path);

/// `state.h5` → `state_prev.h5`.
std::string previous_checkpoint_path(const std::string& path);

/// The physics-relevant part of a run config, normalised to `key = value` lines (numbers with 17
/// significant digits): units, type map, boundary, replication, masses, potential parameters
/// (not the model path; its content is hashed separately), timestep and integrator. What it leaves
/// out may change on a restart: run length, backend, neighbour skin, thermo, outputs, checkpoint
/// and guard settings, initial velocities, decomposition.
std::string physics_fingerprint(const RunConfig& config);

}  // namespace md
