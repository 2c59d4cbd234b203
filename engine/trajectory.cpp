// SPDX-License-Identifier: MIT
#include "engine/trajectory.hpp"

#include "comm/collectives.hpp"
#include "core/error.hpp"
#include "engine/simulation.hpp"

namespace md {

TrajectoryObserver::TrajectoryObserver(const Communicator& comm,
                                       std::unique_ptr<TrajectoryWriter> writer,
                                       std::int64_t every, TrajectoryFields fields)
    : comm_(comm), writer_(std::move(writer)), every_(every), fields_(fields) {
  // Every rank must take the same decisions; only rank 0 has the writer to ask.
  observables_ = writer_ && writer_->wants_observables();
  broadcast(comm_, observables_);
}

void TrajectoryObserver::on_step(const Simulation& simulation) {
  const std::int64_t step = simulation.current_step();
  if (!reads_atoms(step)) return;
  const TrajectoryFrame frame = simulation.gather_frame(fields_);
  const ThermoRecord* record = simulation.thermo_record();
  if (observables_ && record == nullptr) {
    throw internal_error("trajectory: no thermo sample at frame step " + std::to_string(step));
  }
  on_root(comm_, [&] {
    writer_->write_frame(frame);
    if (observables_) writer_->write_observables(*record);
  });
}

void TrajectoryObserver::finish() {
  on_root(comm_, [&] { writer_->flush(); });
}

}  // namespace md
