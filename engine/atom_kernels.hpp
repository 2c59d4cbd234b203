// SPDX-License-Identifier: MIT
/// \file
/// The per-atom operations of the integrators, wherever the atoms live. An Integrator
/// (engine/integrator.hpp) is host-side logic — the order of the half steps, the thermostat's
/// scalar state — written once; it moves the atoms only through this interface, which the CPU
/// implements with loops over ParticleState (HostAtomKernels, below) and the CUDA backend with
/// kernels over device arrays (engine/step_backend_cuda.cu). Both call the same MD_HOST_DEVICE
/// per-atom functions (kick_atom, drift_atom: engine/velocity_verlet.hpp; ornstein_uhlenbeck_atom:
/// engine/langevin_step.hpp), so an ensemble is implemented once for both backends.
///
/// Every operation covers the OWNED atoms [0, n_local) only and updates in place; ghosts follow
/// through the halo.
#pragma once

#include <array>
#include <cstdint>

#include "engine/box_map.hpp"
#include "engine/langevin_step.hpp"
#include "engine/particle_state.hpp"

namespace md {

class AtomKernels {
 public:
  virtual ~AtomKernels() = default;
  /// v += dtfm·f with dtfm = half_kick_factor(dt, m): half a velocity-Verlet kick for step dt (ps).
  virtual void half_kick(double dt) = 0;
  /// x += dt·v (dt in ps; the caller passes dt or dt/2).
  virtual void drift(double dt) = 0;
  /// v *= lambda (a thermostat's scale factor).
  virtual void scale_velocities(double lambda) = 0;
  /// v_a *= lambda[a] for a = x, y, z (an anisotropic barostat's scaling).
  virtual void scale_velocity_components(const std::array<double, 3>& lambda) = 0;
  /// The tilt coupling's velocity shear (shear_velocity_atom, engine/velocity_verlet.hpp):
  /// rate = {ω̇_xy, ω̇_xz, ω̇_yz} (1/ps), c = dt/2 (ps).
  virtual void shear_velocities(const std::array<double, 3>& rate, double c) = 0;
  /// x ← the same fractional position in a new box (map_position_atom, engine/box_map.hpp).
  virtual void map_positions(const BoxMap& map) = 0;
  /// Σ m v² · mvv2e (eV) of the owned atoms: twice their kinetic energy. Local only (reduce over
  /// ranks).
  virtual double local_twice_kinetic_energy() = 0;
  /// Σ m v_a v_b · mvv2e (eV) of the owned atoms, components xx yy zz xy xz yz: twice the
  /// kinetic tensor (engine/thermo.hpp's local_kinetic_tensor). Local only.
  virtual std::array<double, 6> local_twice_kinetic_tensor() = 0;
  /// The Langevin O step (ornstein_uhlenbeck_atom on every owned atom); returns the kinetic
  /// energy it added on this rank, eV.
  virtual double ornstein_uhlenbeck(const OrnsteinUhlenbeckStep& step) = 0;
};

/// AtomKernels on a host ParticleState (the CPU backend, and the reference for the device one).
class HostAtomKernels final : public AtomKernels {
 public:
  explicit HostAtomKernels(ParticleState& state) : state_(state) {}

  void half_kick(double dt) override;
  void drift(double dt) override;
  void scale_velocities(double lambda) override;
  void scale_velocity_components(const std::array<double, 3>& lambda) override;
  void shear_velocities(const std::array<double, 3>& rate, double c) override;
  void map_positions(const BoxMap& map) override;
  double local_twice_kinetic_energy() override;
  std::array<double, 6> local_twice_kinetic_tensor() override;
  double ornstein_uhlenbeck(const OrnsteinUhlenbeckStep& step) override;

 private:
  ParticleState& state_;
};

}  // namespace md
