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

/// Σ_k F_k ⊗ r_k over local and ghost atoms (W[3a+b]): equals the virial of any potential whose
/// raw forces cover every image it acted on.
inline std::array<double, 9> virial_from_forces(const DeepResult& r, const PeriodicSystem& sys) {
  std::array<double, 9> w{};
  for (int k = 0; k < sys.n_all; ++k) {
    for (int a = 0; a < 3; ++a) {
      for (int b = 0; b < 3; ++b) w[3 * a + b] += r.raw_forces[3 * k + a] * sys.positions[3 * k + b];
    }
  }
  return w;
}

/// Σ of the (folded) per-atom virials.
inline std::array<double, 9> virial_from_atoms(const DeepResult& r) {
  std::array<double, 9> w{};
  for (std::size_t i = 0; i < r.atom_virial.size(); ++i) w[i % 9] += r.atom_virial[i];
  return w;
}

/// A rotation by `angle` (rad) about the unit vector `axis` (Rodrigues' formula).
struct Rotation {
  double m[3][3];
  Rotation(const double axis[3], double angle) {
    const double c = std::cos(angle), s = std::sin(angle);
    for (int a = 0; a < 3; ++a) {
      for (int b = 0; b < 3; ++b) m[a][b] = (a == b ? c : 0.0) + (1 - c) * axis[a] * axis[b];
    }
    m[0][1] -= s * axis[2];
    m[0][2] += s * axis[1];
    m[1][0] += s * axis[2];
    m[1][2] -= s * axis[0];
    m[2][0] -= s * axis[1];
    m[2][1] += s * axis[0];
  }
  void apply(const double* v, double* out) const {
    for (int a = 0; a < 3; ++a) out[a] = m[a][0] * v[0] + m[a][1] * v[1] + m[a][2] * v[2];
  }
};

/// The 192-atom water box of shared/data/water-example (types 0 = O, 1 = H).
inline LammpsData water_box() {
  return read_lammps_data(std::string(MD_SHARED_DIR) + "/data/water-example/lmp/water.lmp");
}

}  // namespace md::test
