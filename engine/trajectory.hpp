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
#include "core/trajectory_frame.hpp"
#include "engine/thermo.hpp"

namespace md {

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
