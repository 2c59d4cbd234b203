// SPDX-License-Identifier: MIT
/// \file
/// A trajectory frame (all atoms of one step, gathered on rank 0) and the interface of the file
/// formats that write frames. Plain types below both the engine, which gathers frames
/// (engine/trajectory.hpp), and io, which writes them (io/h5md_writer, io/dump_writer).
#pragma once

#include <cstdint>
#include <vector>

#include "core/box.hpp"
#include "core/thermo_sample.hpp"

namespace md {

/// Which per-atom arrays a frame carries besides ids, types and positions.
struct TrajectoryFields {
  bool velocity = false;
  bool force = false;
  bool image = false;  ///< periodic image counters (H5MD always writes them with positions)
};

/// All atoms at one step, on rank 0, sorted by id.
struct TrajectoryFrame {
  std::int64_t step = 0;
  double time_ps = 0.0;
  Box box;
  std::vector<std::int64_t> ids;  ///< [n]
  std::vector<int> types;         ///< [n], 0-based
  std::vector<double> positions;  ///< [n][3], Å, wrapped into the box along periodic dimensions
  std::vector<int> images;        ///< [n][3]
  std::vector<double> velocities; ///< [n][3], Å/ps (empty unless requested)
  std::vector<double> forces;     ///< [n][3], eV/Å (empty unless requested)
  std::size_t size() const { return ids.size(); }
};

/// A trajectory file format. Called on rank 0 only; errors are md::Error (exit code kIo).
class TrajectoryWriter {
 public:
  virtual ~TrajectoryWriter() = default;
  virtual void write_frame(const TrajectoryFrame& frame) = 0;
  /// Whether the format stores thermo observables (H5MD `/observables`): they are then written
  /// right after each frame, for the frame's step.
  virtual bool wants_observables() const { return false; }
  virtual void write_observables(const ThermoRecord&) {}
  virtual void flush() {}
};

}  // namespace md
