// SPDX-License-Identifier: MIT
#include "run_setup.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <optional>

#include <spdlog/spdlog.h>

#include "comm/collectives.hpp"
#include "core/error.hpp"
#include "core/format.hpp"
#include "core/overloaded.hpp"
#include "device/device_selection.hpp"
#include "engine/distribute.hpp"
#include "engine/replicate.hpp"
#include "engine/size_checks.hpp"
#include "io/ani_model_reader.hpp"
#include "io/deepmd_model_reader.hpp"
#include "io/element_masses.hpp"
#include "io/lammps_data.hpp"
#include "potential/make_potential.hpp"
#include "comm/root_task.hpp"

namespace md {
namespace {

/// Type names for the data file's types 1..n: the config's type_map, else the file's labels.
/// When both are given they must agree: a type_map that names the labelled types differently
/// would silently swap elements.
std::vector<std::string> resolve_type_names(const RunConfig& config, const StructureData& data) {
  const std::vector<std::string>& names =
      config.structure.type_map.empty() ? data.type_labels : config.structure.type_map;
  if (!config.structure.type_map.empty() && !data.type_labels.empty()) {
    for (std::size_t t = 0; t < data.type_labels.size() && t < names.size(); ++t) {
      if (names[t] != data.type_labels[t]) {
        throw config_error("structure.type_map names type " + std::to_string(t + 1) + " '" +
                           names[t] + "', but the data file '" + config.structure.file +
                           "' labels it '" + data.type_labels[t] +
                           "' (Atom Type Labels): they must agree, or the elements are swapped; "
                           "remove type_map to use the file's labels");
      }
    }
  }
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
  DeviceInfo device;
  on_all_ranks(comm, [&] { device = select_cuda_device(comm.node_local_rank()); });
  RankDevice mine;
  mine.node_local_rank = comm.node_local_rank();
  mine.node_local_size = comm.node_local_size();
  mine.device_count = cuda_device_count();
  mine.ordinal = device.ordinal;
  mine.total_gib = static_cast<double>(device.total_memory_bytes) / (1024.0 * 1024.0 * 1024.0);
  std::strncpy(mine.name, device.name.c_str(), sizeof mine.name - 1);
  const std::vector<RankDevice> ranks = gather(comm, &mine, 1);
  if (!comm.is_root()) return;

  constexpr int kListedRanks = 16;
  int first_shared = -1;  // a rank on a node with more ranks than devices
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

/// The Deep Potential of `deep`: one model, or the committee of `potential.models`.
std::unique_ptr<Potential> build_deep_potential(const DeepPotentialOptions& deep,
                                                const std::vector<std::string>& type_names,
                                                Backend backend) {
  if (deep.deviation_models.empty()) {
    return make_deep_potential(read_deepmd_model(deep.model_file), deep, type_names, backend);
  }
  std::vector<std::string> files{deep.model_file};
  files.insert(files.end(), deep.deviation_models.begin(), deep.deviation_models.end());
  std::vector<DeepModel> models;
  for (const std::string& file : files) models.push_back(read_deepmd_model(file));
  return make_deep_committee(std::move(models), files, deep, type_names, backend);
}

/// The potential of `spec` on `backend`: the one place that reads a kind's model files (io) and
/// hands them to its factory (potential/make_potential.hpp).
std::unique_ptr<Potential> build_potential(const PotentialSpec& spec,
                                           const std::vector<std::string>& type_names,
                                           Backend backend) {
  return std::visit(
      overloaded{[&](const LennardJonesSpec& lj) {
                   return make_lennard_jones(lj, type_names, backend);
                 },
                 [&](const DeepPotentialOptions& deep) {
                   return build_deep_potential(deep, type_names, backend);
                 },
                 [&](const AniOptions& ani) {
                   return make_ani_potential(read_ani_model(ani.model_file), ani, type_names,
                                             backend);
                 }},
      spec);
}

/// Every atom of the structure can be placed: inside the box along non-periodic dimensions, and
/// close enough to a periodic box that its image flag does not overflow when it is wrapped.
void check_atoms_placeable(const StructureData& data, const Box& box, const std::string& path) {
  for (std::size_t i = 0; i < data.size(); ++i) {
    const double* x = &data.positions[3 * i];
    for (int d = 0; d < 3; ++d) {
      if (box.periodic[d]) {
        check_wrappable(box, d, x, data.images.empty() ? 0 : data.images[3 * i + d], data.ids[i]);
      } else if (!box.contains(x, d)) {
        throw input_error(path + ": atom " + std::to_string(data.ids[i]) +
                          " lies outside the box along the non-periodic " + "xyz"[d] +
                          " dimension (" + "xyz"[d] + " = " + format_number(x[d]) + " Å, box " +
                          format_number(box.lo[d]) + " .. " + format_number(box.hi[d]) +
                          " Å): move it inside or make the boundary periodic");
      }
    }
  }
}

}  // namespace

PreparedRun prepare_run(const RunConfig& config, const Communicator& comm,
                        std::function<void(const std::string&)> thermo_sink) {
  // 1. The structure, read and checked on rank 0 (nothing is distributed yet).
  PreparedRun run;
  StructureData data;  // the whole structure, on rank 0 only
  Box box;
  std::int64_t n_base = 0;
  std::int64_t max_base_id = 0;
  on_root(comm, [&] {
    data = read_lammps_data(config.structure.file, config.structure.atom_style == "full"
                                                       ? AtomStyle::kFull
                                                       : AtomStyle::kAtomic);
    run.type_names = resolve_type_names(config, data);
    for (int d = 0; d < 3; ++d) {
      box.lo[d] = data.lo[d];
      box.hi[d] = data.hi[d];
      box.periodic[d] = config.structure.periodic[d];
      box.tilt[d] = data.tilt[d];
    }
    check_tilted_dimensions_periodic(box, config.structure.file);
    check_atoms_placeable(data, box, config.structure.file);
    n_base = static_cast<std::int64_t>(data.size());
    for (const std::int64_t id : data.ids) max_base_id = std::max(max_base_id, id);
    run.title = data.title;
    run.input_had_type_labels = !data.type_labels.empty();
    run.input_had_tilt_line = data.has_tilt_line;
  });
  broadcast(comm, run.type_names);
  broadcast(comm, box);
  broadcast(comm, n_base);
  broadcast(comm, max_base_id);
  broadcast(comm, run.input_had_type_labels);
  broadcast(comm, run.input_had_tilt_line);
  const std::array<int, 3>& counts = config.structure.replicate;
  const bool replicated = counts != std::array<int, 3>{1, 1, 1};
  const Box run_box = replicated ? replicated_box(box, counts) : box;

  // 2. Sizes that cannot work, before anything is allocated for the atoms.
  on_all_ranks(comm, [&] {
    run.n_atoms = replicated_atom_count(n_base, counts);
    replicated_max_id(max_base_id, counts);
    check_fits_in_memory(run.n_atoms, comm.size(), comm.node_local_size(), node_memory_bytes());
  });

  // 3. The backend (`auto` is CUDA only when every rank sees a device) and the potential (every
  //    rank reads the model): the run's types must all be in it, which is checked before the
  //    masses (a type missing from the model is a model error, exit code 4, even when it also has
  //    no mass).
  on_all_ranks(comm, [&] { run.backend = resolve_backend(config.backend, config.potential); });
  if (comm.any(run.backend == Backend::kCpu)) run.backend = Backend::kCpu;
  if (run.backend == Backend::kCuda) select_device(comm);
  std::unique_ptr<Potential> potential;
  on_all_ranks(comm, [&] {
    potential = build_potential(config.potential, run.type_names, run.backend);
    check_box_for_radius(run_box, potential->cutoff() + config.simulation.skin);
  });
  run.potential_name = potential->name();
  on_root(comm, [&] { run.type_masses = resolve_masses(config, data, run.type_names); });
  broadcast(comm, run.type_masses);

  // 4. The decomposition and this rank's atoms.
  std::optional<Domain> domain;
  on_all_ranks(comm, [&] { domain.emplace(run_box, comm, config.decomposition); });
  AtomSet owned;
  on_root(comm, [&] { owned = atoms_of(data); });
  data = StructureData{};
  if (replicated) {
    // Every rank gets the (small) base cell and builds only the replicas' atoms it owns.
    owned = broadcast_atoms(comm, owned);
    owned = replicate_owned(owned, box, counts, *domain);
  } else {
    owned = scatter_atoms(comm, *domain, owned);
  }
  SimulationSettings settings = config.simulation;
  settings.backend = run.backend;
  settings.model_deviation = model_deviation_settings(config.potential);
  run.simulation = std::make_unique<Simulation>(
      settings, comm, std::move(*domain), std::move(owned), run.type_names,
      run.type_masses, std::move(potential), std::move(thermo_sink));
  return run;
}

StructureData final_structure(const Simulation& simulation, const PreparedRun& run,
                              bool write_type_labels, const Communicator& comm) {
  const AtomSet all = gather_atoms(comm, simulation.owned_atoms());
  StructureData data;
  if (!comm.is_root()) return data;
  data.title = "mdrun final state at step " + std::to_string(simulation.current_step()) +
               " of: " + run.title;
  for (int d = 0; d < 3; ++d) {
    data.lo[d] = simulation.box().lo[d];
    data.hi[d] = simulation.box().hi[d];
    data.tilt[d] = simulation.box().tilt[d];
  }
  data.n_types = static_cast<int>(run.type_names.size());
  data.ids = all.ids;
  data.types.resize(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) data.types[i] = all.types[i] + 1;
  data.positions = all.positions;
  data.images = all.images;
  data.velocities = all.velocities;
  data.masses.assign(run.type_masses.begin(), run.type_masses.end());
  if (write_type_labels) data.type_labels = run.type_names;
  data.has_tilt_line = run.input_had_tilt_line;
  return data;
}

}  // namespace md
