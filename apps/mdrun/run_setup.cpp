// SPDX-License-Identifier: MIT
#include "run_setup.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "device/device_selection.hpp"
#include "engine/distribute.hpp"
#include "engine/replicate.hpp"
#include "io/deepmd_model_reader.hpp"
#include "io/element_masses.hpp"
#include "io/lammps_data.hpp"
#include "potential/make_potential.hpp"
#include "comm/root_task.hpp"

namespace md {
namespace {

/// Type names for the data file's types 1..n: the config's type_map, else the file's labels.
std::vector<std::string> resolve_type_names(const RunConfig& config, const StructureData& data) {
  const std::vector<std::string>& names =
      config.structure.type_map.empty() ? data.type_labels : config.structure.type_map;
  if (names.empty()) {
    throw config_error("structure.type_map: the data file '" + config.structure.file +
                       "' has no Atom Type Labels, so give the names of its " +
                       std::to_string(data.n_types) + " types (e.g. type_map: [O, H])");
  }
  if (static_cast<int>(names.size()) != data.n_types) {
    throw config_error("structure.type_map: " + std::to_string(names.size()) +
                       " names given, but the data file '" + config.structure.file + "' has " +
                       std::to_string(data.n_types) + " atom types");
  }
  return names;
}

/// Masses per type: `masses:` in the config, else the data file's Masses section, else the
/// standard atomic weight when the type name is an element symbol.
std::vector<double> resolve_masses(const RunConfig& config, const StructureData& data,
                                   const std::vector<std::string>& names) {
  for (const auto& entry : config.masses) {
    if (std::find(names.begin(), names.end(), entry.first) == names.end()) {
      throw config_error("masses: type '" + entry.first + "' is not one of the run's types");
    }
  }
  std::vector<double> masses(names.size());
  for (std::size_t t = 0; t < names.size(); ++t) {
    const auto it = config.masses.find(names[t]);
    if (it != config.masses.end()) {
      masses[t] = it->second;
    } else if (t < data.masses.size() && data.masses[t]) {
      masses[t] = *data.masses[t];
    } else if (const auto standard = element_mass(names[t])) {
      masses[t] = *standard;
      spdlog::info("mass of type {} ({}): {} amu, the standard atomic weight of {}", t + 1,
                   names[t], *standard, names[t]);
    } else {
      throw input_error(config.structure.file + ": no mass for atom type " +
                        std::to_string(t + 1) + " (" + names[t] +
                        "): add a Masses section or `masses: {" + names[t] +
                        ": ...}` to the config");
    }
  }
  return masses;
}

AtomSet atoms_of(const StructureData& data) {
  AtomSet set;
  set.ids = data.ids;
  set.types.resize(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) set.types[i] = data.types[i] - 1;
  set.positions = data.positions;
  set.images = data.images;
  set.velocities = data.velocities;
  return set;
}

/// What each rank reports to rank 0 about its GPU (fixed size, so one gather of bytes carries it).
struct RankDevice {
  int node_local_rank = 0;
  int node_local_size = 1;
  int device_count = 0;
  int ordinal = 0;
  double total_gib = 0.0;
  char name[96] = {};
};

/// Makes the GPU of this rank's node-local rank current before anything allocates on a device,
/// and logs on rank 0 which rank took which device (gathered once; lines for the first 16 ranks).
/// Warns when a node runs more ranks than it has GPUs: they then share devices, and each one's
/// memory and compute.
void select_device(const Communicator& comm) {
  const DeviceInfo device = select_cuda_device(comm.node_local_rank());
  RankDevice mine;
  mine.node_local_rank = comm.node_local_rank();
  mine.node_local_size = comm.node_local_size();
  mine.device_count = cuda_device_count();
  mine.ordinal = device.ordinal;
  mine.total_gib = static_cast<double>(device.total_memory_bytes) / (1024.0 * 1024.0 * 1024.0);
  std::strncpy(mine.name, device.name.c_str(), sizeof mine.name - 1);
  const std::vector<char> bytes = comm.gather_bytes(&mine, sizeof mine, 0);
  if (!comm.is_root()) return;

  constexpr int kListedRanks = 16;
  int first_shared = -1;  // a rank on a node with more ranks than devices
  std::vector<RankDevice> ranks(comm.size());
  std::memcpy(ranks.data(), bytes.data(), ranks.size() * sizeof(RankDevice));
  for (int r = 0; r < comm.size(); ++r) {
    const RankDevice& d = ranks[r];
    if (first_shared < 0 && d.node_local_size > d.device_count) first_shared = r;
    if (r < kListedRanks) {
      spdlog::info("rank {} (node-local rank {} of {}): CUDA device {} of {}, {}, {:.1f} GiB", r,
                   d.node_local_rank, d.node_local_size, d.ordinal, d.device_count, d.name,
                   d.total_gib);
    }
  }
  if (comm.size() > kListedRanks) {
    spdlog::info("({} more ranks not listed; each uses device node-local rank mod device count)",
                 comm.size() - kListedRanks);
  }
  if (first_shared >= 0) {
    const RankDevice& d = ranks[first_shared];
    spdlog::warn("rank {} runs on a node with {} ranks but {} CUDA device(s): ranks share GPUs, "
                 "and with them each GPU's memory and compute; run one rank per GPU",
                 first_shared, d.node_local_size, d.device_count);
  }
}

std::unique_ptr<Potential> build_potential(const RunConfig& config,
                                           const std::vector<std::string>& type_names) {
  switch (config.potential.type) {
    case PotentialType::kLennardJones:
      return make_lennard_jones(config.potential.lj, type_names, config.simulation.backend);
    case PotentialType::kDeepmd:
      return make_deep_potential(read_deepmd_model(config.potential.deep.model_file),
                                 config.potential.deep, type_names, config.simulation.backend);
  }
  throw internal_error("unknown potential type");
}

}  // namespace

std::string final_data_path(const RunConfig& config) {
  if (!config.output.final_data_file.empty()) return config.output.final_data_file;
  return std::filesystem::path(config.structure.file).filename().string() + ".final";
}

PreparedRun prepare_run(const RunConfig& config, const Communicator& comm,
                        std::function<void(const std::string&)> thermo_sink) {
  PreparedRun run;
  StructureData data;  // the whole structure, on rank 0 only
  Box box;
  on_root(comm, [&] {
    data = read_lammps_data(config.structure.file, config.structure.atom_style == "full"
                                                       ? AtomStyle::kFull
                                                       : AtomStyle::kAtomic);
    run.type_names = resolve_type_names(config, data);
    run.type_masses = resolve_masses(config, data, run.type_names);
    for (int d = 0; d < 3; ++d) {
      box.lo[d] = data.lo[d];
      box.hi[d] = data.hi[d];
    }
    run.n_atoms = static_cast<std::int64_t>(data.size());
    run.title = data.title;
  });
  run.type_names = broadcast_strings(comm, run.type_names);
  run.type_masses.resize(run.type_names.size());
  comm.broadcast_bytes(run.type_masses.data(), run.type_masses.size() * sizeof(double), 0);
  comm.broadcast_bytes(&box, sizeof box, 0);
  comm.broadcast_bytes(&run.n_atoms, sizeof run.n_atoms, 0);
  for (int d = 0; d < 3; ++d) box.periodic[d] = config.structure.periodic[d];
  const std::array<int, 3>& counts = config.structure.replicate;
  const bool replicated = counts != std::array<int, 3>{1, 1, 1};
  run.n_atoms *= static_cast<std::int64_t>(counts[0]) * counts[1] * counts[2];

  if (config.simulation.backend == Backend::kCuda) select_device(comm);
  std::unique_ptr<Potential> potential = build_potential(config, run.type_names);
  run.potential_name = potential->name();

  AtomSet owned;
  on_root(comm, [&] { owned = atoms_of(data); });
  Domain domain(replicated ? replicated_box(box, counts) : box, comm, config.decomposition);
  if (replicated) {
    // Every rank gets the (small) base cell and builds only the replicas' atoms it owns.
    owned = broadcast_atoms(comm, owned);
    owned = replicate_owned(owned, box, counts, domain);
  } else {
    owned = scatter_atoms(comm, domain, owned);
  }
  run.simulation = std::make_unique<Simulation>(
      config.simulation, comm, std::move(domain), std::move(owned), run.type_names,
      run.type_masses, std::move(potential), std::move(thermo_sink));
  return run;
}

StructureData final_structure(const Simulation& simulation, const PreparedRun& run,
                              const Communicator& comm) {
  const AtomSet all = gather_atoms(comm, simulation.owned_atoms());
  StructureData data;
  if (!comm.is_root()) return data;
  data.title = "mdrun final state at step " + std::to_string(simulation.current_step()) +
               " of: " + run.title;
  for (int d = 0; d < 3; ++d) {
    data.lo[d] = simulation.box().lo[d];
    data.hi[d] = simulation.box().hi[d];
  }
  data.n_types = static_cast<int>(run.type_names.size());
  data.ids = all.ids;
  data.types.resize(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) data.types[i] = all.types[i] + 1;
  data.positions = all.positions;
  data.images = all.images;
  data.velocities = all.velocities;
  data.masses.assign(run.type_masses.begin(), run.type_masses.end());
  data.type_labels = run.type_names;
  return data;
}

}  // namespace md
