// SPDX-License-Identifier: MIT
/// \file
/// LAMMPS `dump custom` text trajectories, for tools that read them (OVITO, dpdata, MDAnalysis):
///
///   ITEM: TIMESTEP / <step> / ITEM: NUMBER OF ATOMS / <n> / ITEM: BOX BOUNDS pp pp ff /
///   <xlo> <xhi> (three lines) / ITEM: ATOMS id type x y z [ix iy iz] [vx vy vz] [fx fy fz] / rows
///
/// one frame after another, atoms sorted by id, types numbered from 1 as in the data file,
/// positions wrapped into the box (with image flags when `image` is among the fields), numbers in
/// the shortest form that reads back to the same double (`nan`/`inf` when not finite, so a crash
/// dump shows them). Metal units: Å, Å/ps, eV/Å.
#pragma once

#include <cstdint>
#include <string>

#include "core/trajectory_frame.hpp"

namespace md {

/// The text of one frame.
std::string format_dump_frame(const TrajectoryFrame& frame, const TrajectoryFields& fields);

class DumpWriter final : public TrajectoryWriter {
 public:
  /// A fresh file at `path` (an existing one is first renamed to `#name.N#`), or, with
  /// `append_after_step` ≥ 0 (a restart), the existing file cut after its last frame with a step
  /// ≤ append_after_step, then appended to. Throws md::Error (kIo).
  DumpWriter(std::string path, TrajectoryFields fields, std::int64_t append_after_step = -1);
  void write_frame(const TrajectoryFrame& frame) override;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  TrajectoryFields fields_;
};

/// Removes the frames with step > `last_step` from the end of a dump file (a no-op when there are
/// none); returns the number of frames kept. Throws md::Error (kIo).
std::int64_t truncate_dump_file(const std::string& path, std::int64_t last_step);

}  // namespace md
