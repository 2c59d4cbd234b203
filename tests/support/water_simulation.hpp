// SPDX-License-Identifier: MIT
/// \file
/// A Simulation of the 192-atom water box of shared/data (or a replica of it) with a Deep
/// Potential, built in-process
/// (no mdrun, no YAML), and a recorder of what a run produced — for tests that compare two runs
/// of the same system (CPU against the GPU-resident step, or against its host stand-in).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "comm/communicator.hpp"
#include "engine/distribute.hpp"
#include "engine/replicate.hpp"
#include "engine/simulation.hpp"
#include "io/deepmd_model_reader.hpp"
#include "io/lammps_data.hpp"
#include "potential/make_potential.hpp"

namespace md::test {

struct WaterRunOptions {
  std::string water_lmp;  ///< shared/data/water-example/lmp/water.lmp
  std::string model;      ///< a .dp file with types O and H
  Backend backend = Backend::kCpu;
  Precision precision = Precision::kDouble;
  ThermostatType thermostat = ThermostatType::kNone;
  double skin = 1.0;  ///< Å
  int thermo_every = 10;
  int replicate = 1;  ///< the box replicated replicate³ times (structure.replicate)
  /// Further models: with them the potential is a committee (`model` drives) and `deviation`
  /// (every > 0) measures the model deviation.
  std::vector<std::string> committee;
  ModelDeviationSettings deviation;
};

/// The water box (periodic) at 300 K (velocity seed fixed), 0.5 fs steps, thermostats at 300 K.
inline std::unique_ptr<Simulation> make_water_simulation(const Communicator& comm,
                                                         const WaterRunOptions& options) {
  const StructureData data = read_lammps_data(options.water_lmp, AtomStyle::kAtomic);
  Box box;
  for (int d = 0; d < 3; ++d) {
    box.lo[d] = data.lo[d];
    box.hi[d] = data.hi[d];
    box.periodic[d] = true;
  }
  AtomSet all;
  all.ids = data.ids;
  for (int type : data.types) all.types.push_back(type - 1);
  all.positions = data.positions;
  all.images = data.images;
  all.velocities = data.velocities;
  const std::array<int, 3> counts = {options.replicate, options.replicate, options.replicate};
  Domain domain(options.replicate > 1 ? replicated_box(box, counts) : box, comm);
  AtomSet owned = options.replicate > 1 ? replicate_owned(all, box, counts, domain)
                                        : scatter_atoms(comm, domain, all);

  DeepPotentialOptions deep;
  deep.precision = options.precision;
  const std::vector<std::string> type_names = {"O", "H"};
  std::unique_ptr<Potential> potential;
  if (options.committee.empty()) {
    potential = make_deep_potential(read_deepmd_model(options.model), deep, type_names,
                                    options.backend);
  } else {
    std::vector<std::string> files{options.model};
    files.insert(files.end(), options.committee.begin(), options.committee.end());
    std::vector<DeepModel> models;
    for (const std::string& file : files) models.push_back(read_deepmd_model(file));
    potential = make_deep_committee(std::move(models), files, deep, type_names, options.backend);
  }

  SimulationSettings settings;
  settings.dt_ps = 0.0005;
  settings.skin = options.skin;
  settings.backend = options.backend;
  settings.thermo_every = options.thermo_every;
  settings.velocity_create = VelocityCreate{300.0, 20261121, true};
  settings.integrator.thermostat.type = options.thermostat;
  settings.integrator.thermostat.temperature_K = 300.0;
  settings.integrator.thermostat.seed = 7;
  settings.model_deviation = options.deviation;
  return std::make_unique<Simulation>(settings, comm, std::move(domain), std::move(owned),
                                      type_names, std::vector<double>{15.9994, 1.008},
                                      std::move(potential), nullptr);
}

/// What a run leaves behind: thermo records, and the owned positions and velocities by id on the
/// recorder's steps.
struct Trajectory {
  using Rows = std::map<std::int64_t, std::array<double, 6>>;  ///< id → x y z vx vy vz
  std::vector<ThermoRecord> thermo;
  std::map<std::int64_t, Rows> atoms;  ///< step → rows
  RunReport report;
};

/// Records every thermo sample, and every `every` steps the owned atoms (so it reads atoms then).
class TrajectoryRecorder final : public Observer {
 public:
  TrajectoryRecorder(Trajectory& out, std::int64_t every) : out_(out), every_(every) {}
  void on_step(const Simulation& simulation) override {
    if (const ThermoRecord* record = simulation.thermo_record()) out_.thermo.push_back(*record);
    const std::int64_t step = simulation.current_step();
    if (!reads_atoms(step)) return;
    const AtomSet atoms = simulation.owned_atoms();
    for (std::size_t i = 0; i < atoms.size(); ++i) {
      std::array<double, 6>& row = out_.atoms[step][atoms.ids[i]];
      for (int d = 0; d < 3; ++d) {
        row[d] = atoms.positions[3 * i + d];
        row[3 + d] = atoms.velocities[3 * i + d];
      }
    }
  }
  bool reads_atoms(std::int64_t step) const override { return step % every_ == 0; }

 private:
  Trajectory& out_;
  std::int64_t every_;
};

/// Records every model-deviation row the Simulation measured (Simulation::model_deviation_record).
class DeviationRecorder final : public Observer {
 public:
  explicit DeviationRecorder(std::vector<ModelDeviationRecord>& rows) : rows_(rows) {}
  void on_step(const Simulation& simulation) override {
    if (const auto* record = simulation.model_deviation_record()) rows_.push_back(*record);
  }
  bool reads_atoms(std::int64_t) const override { return false; }

 private:
  std::vector<ModelDeviationRecord>& rows_;
};

/// The numbers of a row: the six columns, then the per-atom ones.
inline std::vector<double> deviation_columns(const ModelDeviationRecord& r) {
  std::vector<double> v = {r.max_devi_v, r.min_devi_v, r.avg_devi_v,
                           r.max_devi_f, r.min_devi_f, r.avg_devi_f};
  v.insert(v.end(), r.atom_devi_f.begin(), r.atom_devi_f.end());
  return v;
}

/// Largest |Δ| over positions (Å) and velocities (Å/ps) of two runs' recorded atoms; both must
/// have recorded the same steps and ids.
inline double largest_atom_difference(const Trajectory& a, const Trajectory& b) {
  if (a.atoms.size() != b.atoms.size()) return INFINITY;
  double worst = 0.0;
  for (const auto& [step, rows] : a.atoms) {
    const auto other = b.atoms.find(step);
    if (other == b.atoms.end() || other->second.size() != rows.size()) return INFINITY;
    for (const auto& [id, row] : rows) {
      const auto match = other->second.find(id);
      if (match == other->second.end()) return INFINITY;
      for (int k = 0; k < 6; ++k) worst = std::max(worst, std::abs(row[k] - match->second[k]));
    }
  }
  return worst;
}

}  // namespace md::test
