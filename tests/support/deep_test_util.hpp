// SPDX-License-Identifier: MIT
/// \file
/// Shared helpers of the Deep Potential tests: evaluating a DeepPotential on a PeriodicSystem
/// (with ghost rows folded onto owners), the water box of shared/data, replication, and the
/// locations of the fixture and test models.
#pragma once

#include <array>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "io/deepmd_model_reader.hpp"
#include "potential/deep/deep_potential.hpp"
#include "tests/support/periodic_system.hpp"

namespace md::test {

inline std::string deep_fixture_model() {
  return std::string(MD_SHARED_DIR) + "/data/deepmd/deeppot_sea.dp";
}
inline std::string deep_fixture_testcase() {
  return std::string(MD_SHARED_DIR) + "/data/deepmd/deeppot_sea-testcase.yaml";
}
/// A committed test model under tests/data/models/.
inline std::string deep_test_model(const std::string& name) {
  return std::string(MD_TEST_DATA_DIR) + "/models/" + name;
}

/// Everything one evaluation produces, with ghost rows folded onto their owners.
struct DeepResult {
  double energy = 0.0;
  std::array<double, 9> virial{};
  std::vector<double> forces;       ///< [n_local][3] folded
  std::vector<double> atom_energy;  ///< [n_local]
  std::vector<double> atom_virial;  ///< [n_local][9] folded
  std::vector<double> raw_forces;   ///< [n_all][3] as written by the potential
};

inline DeepResult evaluate(Potential& potential, const PeriodicSystem& sys,
                           bool atom_outputs = true) {
  std::vector<double> forces(3 * static_cast<std::size_t>(sys.n_all), -1.0);
  std::vector<double> atom_energy(static_cast<std::size_t>(sys.n_all), -1.0);
  std::vector<double> atom_virial(9 * static_cast<std::size_t>(sys.n_all), -1.0);
  ForceOutput out;
  out.forces = Span<double>(forces.data(), forces.size());
  out.atom_energies = Span<double>(atom_energy.data(), atom_energy.size());
  out.atom_virials = Span<double>(atom_virial.data(), atom_virial.size());
  ComputeRequest request;
  request.atom_energy = atom_outputs;
  request.atom_virial = atom_outputs;
  potential.compute(sys.atoms(), sys.neighbor_view(), request, out);
  DeepResult r;
  r.energy = out.energy;
  r.virial = out.virial;
  r.raw_forces = forces;
  r.forces = sys.fold(forces, 3);
  if (atom_outputs) {
    r.atom_energy = sys.fold(atom_energy, 1);
    r.atom_virial = sys.fold(atom_virial, 9);
  }
  return r;
}

/// Energy only (the finite-difference tests call this many times).
inline double energy_of(Potential& potential, const PeriodicSystem& sys) {
  return evaluate(potential, sys, false).energy;
}

/// The 192-atom water box of shared/data/water-example (types 0 = O, 1 = H).
inline LammpsData water_box() {
  return read_lammps_data(std::string(MD_SHARED_DIR) + "/data/water-example/lmp/water.lmp");
}

}  // namespace md::test
