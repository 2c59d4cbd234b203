// SPDX-License-Identifier: MIT
/// \file
/// Turning a validated RunConfig into a ready Simulation: read the structure on rank 0, resolve
/// type names and masses, select this rank's GPU on the CUDA backend, build the potential through
/// the backend switch, lay out the domain and scatter the atoms. Also the way back: the final
/// state gathered into a structure for writing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "comm/communicator.hpp"
#include "engine/simulation.hpp"
#include "io/run_config.hpp"
#include "io/structure.hpp"

namespace md {

struct PreparedRun {
  std::unique_ptr<Simulation> simulation;
  std::vector<std::string> type_names;
  std::vector<double> type_masses;
  std::int64_t n_atoms = 0;
  std::string potential_name;
  Backend backend = Backend::kCpu;  ///< run.backend resolved (resolve_backend)
  std::string title;  ///< of the input structure
  bool input_had_type_labels = false;  ///< the data file had `Atom Type Labels`
  bool input_had_tilt_line = false;    ///< the data file had an `xy xz yz` line (all zero)
};

/// Everything `--check` validates and a run needs, in an order where nothing is allocated for
/// the atoms before every size is known to work: the structure (read and checked on rank 0), the
/// sizes (engine/size_checks.hpp), the potential (model types), the masses, the decomposition,
/// the atoms. Input, model and config errors throw md::Error with their exit codes, on every rank
/// at once (collective errors). `thermo_sink` receives thermo lines on rank 0.
PreparedRun prepare_run(const RunConfig& config, const Communicator& comm,
                        std::function<void(const std::string&)> thermo_sink);

/// Gathers the final state onto rank 0 as a structure (ids sorted), with the run's masses, the
/// type names as `Atom Type Labels` when `write_type_labels`, and a zero tilt line when the input
/// had one. Collective; meaningful on rank 0 only.
StructureData final_structure(const Simulation& simulation, const PreparedRun& run,
                              bool write_type_labels, const Communicator& comm);

}  // namespace md
