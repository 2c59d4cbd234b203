// SPDX-License-Identifier: MIT
/// \file
/// Global thermodynamic quantities (reduced over ranks) in metal units, with LAMMPS's definitions:
///   KE = ½ Σ m v² · mvv2e                     (eV)
///   T  = 2 KE / (dof · k_B),  dof = 3N − 3    (K; net momentum is conserved and removed)
///   P  = (2 KE + tr W) / (3 V) · nktv2p       (bar), W the virial
///   P_ab = (Σ m v_a v_b · mvv2e + W_ab) / V · nktv2p
#pragma once

#include <array>
#include <cstdint>

#include "comm/communicator.hpp"
#include "core/box.hpp"
#include "core/portability.hpp"
#include "core/thermo_sample.hpp"
#include "engine/particle_state.hpp"

namespace md {

/// Degrees of freedom of the kinetic temperature: 3N − 3 (LAMMPS's default), at least 1.
double temperature_dof(std::int64_t n_atoms);

/// One atom's kinetic tensor m·v_a·v_b (xx yy zz xy xz yz, without mvv2e) into t[6]: the per-atom
/// term of local_kinetic_tensor, shared with the device reduction (engine/integrate_cuda.cuh).
MD_HOST_DEVICE inline void atom_kinetic_tensor(double m, const double* v, double* t) {
  t[0] = m * v[0] * v[0];
  t[1] = m * v[1] * v[1];
  t[2] = m * v[2] * v[2];
  t[3] = m * v[0] * v[1];
  t[4] = m * v[0] * v[2];
  t[5] = m * v[1] * v[2];
}

/// Kinetic energy tensor Σ m v_a v_b · mvv2e of the owned atoms (xx yy zz xy xz yz), local only.
std::array<double, 6> local_kinetic_tensor(const ParticleState& state);

/// Reduces and derives the thermo quantities. `local_potential_energy` and `local_virial` are this
/// rank's shares. Collective.
ThermoSample measure_thermo(const ParticleState& state, const Box& box, std::int64_t step,
                            double time_ps, double local_potential_energy,
                            const std::array<double, 9>& local_virial, const Communicator& comm);

}  // namespace md
