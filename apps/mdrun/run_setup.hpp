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
  std::string title;  ///< of the input structure
};

/// Everything `--check` validates and a run needs. Input, model and config errors throw md::Error
/// with their exit codes. Collective. `thermo_sink` receives thermo lines on rank 0.
PreparedRun prepare_run(const RunConfig& config, const Communicator& comm,
                        std::function<void(const std::string&)> thermo_sink);

/// Gathers the final state onto rank 0 as a structure (ids sorted), labelled with the run's type
/// names and masses. Collective; meaningful on rank 0 only.
StructureData final_structure(const Simulation& simulation, const PreparedRun& run,
                              const Communicator& comm);

/// The path of the final data file: `output.final_data_file`, or `<structure file name>.final`
/// in the working directory.
std::string final_data_path(const RunConfig& config);

}  // namespace md
