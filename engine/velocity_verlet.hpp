// SPDX-License-Identifier: MIT
/// \file
/// Velocity Verlet as two named half-steps (JAX-MD's kick/drift composition):
///   first_half:  v ← v + (dt/2)·F/m ;  x ← x + dt·v
///   second_half: v ← v + (dt/2)·F/m
/// with F/m converted to Å/ps² by units::kFtm2v. The operations are those of LAMMPS `fix nve`
/// (dtfm = dt/2·ftm2v/m, then v += dtfm·f, x += dt·v) so trajectories match it to rounding.
/// Only owned atoms are integrated; ghosts follow through the halo. The loops (CPU) and kernels
/// (CUDA) that apply these per-atom functions are the AtomKernels implementations
/// (engine/atom_kernels.hpp).
#pragma once

#include "core/exact_math.hpp"
#include "core/portability.hpp"
#include "core/units.hpp"

namespace md {

/// The half-kick factor dtfm = dt/2·ftm2v/m (Å/ps per eV/Å) of an atom of mass `mass` (amu), dt
/// in ps: LAMMPS's dtf/m with dtf = 0.5·dt·ftm2v. The CPU loop and the per-type factors of the
/// device integrator (engine/integrate_cuda.cuh) both use it.
inline double half_kick_factor(double dt, double mass) {
  const double dtf = 0.5 * dt * units::kFtm2v;
  return dtf / mass;
}

/// Per-atom kick, shared by every launcher: v += dtfm·f for one atom's three components. The
/// device version spells out the IEEE round-to-nearest multiply and add, because nvcc would
/// otherwise contract them into an FMA and differ from the host in the last bit.
MD_HOST_DEVICE inline void kick_atom(double* v, const double* f, double dtfm) {
  v[0] = add_rn(v[0], mul_rn(dtfm, f[0]));
  v[1] = add_rn(v[1], mul_rn(dtfm, f[1]));
  v[2] = add_rn(v[2], mul_rn(dtfm, f[2]));
}

/// Per-atom shear of the velocity by the cell's off-diagonal strain rates (LAMMPS FixNH's
/// nh_v_press for `tri`): v_x −= c·(v_y·ω̇_xy + v_z·ω̇_xz), then v_y −= c·v_z·ω̇_yz, with
/// rate = {ω̇_xy, ω̇_xz, ω̇_yz} (1/ps) and c = dt/2 (ps). No FMA on the device, as kick_atom.
MD_HOST_DEVICE inline void shear_velocity_atom(double* v, const double* rate, double c) {
  v[0] = add_rn(v[0], mul_rn(-c, add_rn(mul_rn(v[1], rate[0]), mul_rn(v[2], rate[1]))));
  v[1] = add_rn(v[1], mul_rn(-c, mul_rn(v[2], rate[2])));
}

/// Per-atom drift: x += dt·v (no FMA on the device either, as kick_atom).
MD_HOST_DEVICE inline void drift_atom(double* x, const double* v, double dt) {
  x[0] = add_rn(x[0], mul_rn(dt, v[0]));
  x[1] = add_rn(x[1], mul_rn(dt, v[1]));
  x[2] = add_rn(x[2], mul_rn(dt, v[2]));
}

}  // namespace md
