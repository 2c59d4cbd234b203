// SPDX-License-Identifier: MIT
/// \file
/// H5MD trajectories (H5MD 1.1, https://www.nongnu.org/h5md/h5md.html), the primary trajectory
/// format (docs/outputs.md has the full layout), readable by MDAnalysis (H5MDReader) and h5py:
///
///   /h5md                 version = [1, 1]; /author (name); /creator (name = mdrun, version)
///   /particles/all
///     /position           /step [T] int64, /time [T] float64 (ps), /value [T][N][3] (Å, wrapped)
///     /box                dimension = 3, boundary = periodic|none ×3;
///                         /edges/value [T][3] (Å; step and time linked to position's);
///                         /origin [3] (the box's lower corner, an mdrun addition)
///     /image              /value [T][N][3] int32 (step and time hard-linked to position's)
///     /velocity, /force   the same layout when requested (Å/ps; kJ mol⁻¹ Å⁻¹, the force unit
///                         analysis tools know: eV/Å × 96.485...)
///     /species [N]        LAMMPS type numbers (1-based; names in /parameters/type_names)
///     /id [N]             global atom ids (frames are sorted by id, so fixed in time)
///   /observables/<name>   /value [T] at every frame (step and time linked to position's):
///                         potential_energy, kinetic_energy, total_energy, conserved_energy (eV),
///                         temperature (K), pressure (bar), volume (Angstrom^3)
///   /parameters           config (the YAML text), config_file, mdrun_version, type_names
///
/// Every time series is sampled at the frames, so frame k of every element and observable is the
/// same step (readers index observables by frame). Units are `unit` attributes, variable-length
/// UTF-8 strings. Every time-dependent dataset is chunked and extendible along time. The file is
/// opened for each write and closed again, so it is complete on disk between frames; a killed
/// run loses at most the frame being written. Written by rank 0 from a gathered frame (serial
/// HDF5).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/trajectory_frame.hpp"

namespace md {

struct H5mdOptions {
  std::string path;
  TrajectoryFields fields;                 ///< image is always written with positions
  std::vector<std::string> type_names;     ///< index = type (0-based)
  std::string creator_version;             ///< "mdrun 0.1.0 (abc123)"
  std::string author = "mdrun user";
  std::string config_text;                 ///< the YAML config, echoed in /parameters
  std::string config_file;
  /// ≥ 0: continue an existing file (a restart), dropping its frames and observables after this
  /// step; −1: a fresh file (an existing one is first renamed to `#name.N#`).
  std::int64_t append_after_step = -1;
};

class H5mdWriter final : public TrajectoryWriter {
 public:
  /// Creates or opens (and trims) the file. Throws md::Error (kIo).
  explicit H5mdWriter(H5mdOptions options);
  void write_frame(const TrajectoryFrame& frame) override;
  bool wants_observables() const override { return true; }
  /// The observables of the frame just written (same step; an internal error otherwise).
  void write_observables(const ThermoRecord& record) override;

 private:
  void create_file() const;
  void trim_file(std::int64_t last_step) const;

  H5mdOptions options_;
};

}  // namespace md
