// SPDX-License-Identifier: MIT
/// \file
/// A Simulation of the 108-atom Lennard-Jones argon liquid (tests/data/lj/lj_liquid_108.data),
/// built in-process (no mdrun, no YAML), for tests of the engine's loop.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "comm/communicator.hpp"
#include "engine/distribute.hpp"
#include "engine/simulation.hpp"
#include "io/lammps_data.hpp"
#include "potential/make_potential.hpp"

namespace md::test {

/// The liquid with lj/cut (σ 3.405 Å, ε 0.0103 eV, cutoff 8.5125 Å), skin 1 Å, dt 10 fs, NVE,
/// velocities from the data file; `settings` may be adjusted by the caller first.
inline std::unique_ptr<Simulation> lj_liquid_simulation(const Communicator& comm,
                                                        SimulationSettings settings = {}) {
  const StructureData data = read_lammps_data(
      std::string(MD_TEST_DATA_DIR) + "/lj/lj_liquid_108.data", AtomStyle::kAtomic);
  Box box;
  for (int d = 0; d < 3; ++d) {
    box.lo[d] = data.lo[d];
    box.hi[d] = data.hi[d];
  }
  AtomSet all;
  all.ids = data.ids;
  for (int type : data.types) all.types.push_back(type - 1);
  all.positions = data.positions;
  all.images = data.images;
  all.velocities = data.velocities;
  Domain domain(box, comm);
  AtomSet owned = scatter_atoms(comm, domain, all);
  LennardJonesSpec spec;
  spec.cutoff = 8.5125;
  spec.pairs.push_back({"Ar", "Ar", 0.0103, 3.405, 0.0});
  return std::make_unique<Simulation>(settings, comm, std::move(domain), std::move(owned),
                                      std::vector<std::string>{"Ar"}, std::vector<double>{39.948},
                                      make_lennard_jones(spec, {"Ar"}, Backend::kCpu), nullptr);
}

/// The settings lj_liquid_simulation uses by default.
inline SimulationSettings lj_liquid_settings() {
  SimulationSettings settings;
  settings.dt_ps = 0.01;
  settings.skin = 1.0;
  settings.thermo_every = 10;
  return settings;
}

}  // namespace md::test
