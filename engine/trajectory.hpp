// SPDX-License-Identifier: MIT
/// \file
/// Trajectory output, engine side: a frame of all atoms gathered on rank 0 in ascending id order,
/// the TrajectoryWriter interface that file formats implement (io/h5md_writer, io/dump_writer),
/// and the observer that gathers a frame every N steps and hands it to a writer. The engine knows
/// no file format; io knows no ranks.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/box.hpp"
#include "engine/observer.hpp"
#include "engine/thermo.hpp"

namespace md {

/// Which per-atom arrays a frame carries besides ids, types and positions.
struct TrajectoryFields {
  bool velocity = false;
  bool force = false;
  bool image = false;  ///< periodic image counters (H5MD always writes them with positions)
};

/// The thermo quantities of one step and the conserved energy (E_pot + KE + integrator term).
struct ThermoRecord {
  ThermoSample sample;
  double conserved_energy = 0.0;  ///< eV
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

/// Writes a frame every `every` steps (steps divisible by it, so a restarted run keeps the
/// cadence) and, for formats that store them, the thermo observables of the same steps.
class TrajectoryObserver final : public Observer {
 public:
  /// `writer` exists on rank 0 only (null elsewhere).
  TrajectoryObserver(const Communicator& comm, std::unique_ptr<TrajectoryWriter> writer,
                     std::int64_t every, TrajectoryFields fields);
  void on_step(const Simulation& simulation) override;
  bool reads_atoms(std::int64_t step) const override { return every_ > 0 && step % every_ == 0; }
  bool wants_thermo(std::int64_t step) const override { return observables_ && reads_atoms(step); }
  void finish() override;

 private:
  Communicator comm_;
  std::unique_ptr<TrajectoryWriter> writer_;
  std::int64_t every_;
  TrajectoryFields fields_;
  bool observables_;
};

}  // namespace md
