// SPDX-License-Identifier: MIT
/// \file
/// `lj/cut`: the 12-6 Lennard-Jones pair potential, and the worked example of the Potential
/// contract (potential/potential.hpp).
///
///   E(r) = 4ε [ (σ/r)¹² − (σ/r)⁶ ] − E_shift        for r < r_c, 0 beyond
///   E_shift = 4ε [ (σ/r_c)¹² − (σ/r_c)⁶ ] when energy shifting is on, else 0
///   F_i = −∂E/∂r_i = (24ε/r²) [ 2(σ/r)¹² − (σ/r)⁶ ] (r_i − r_j)
///
/// Units: ε in eV, σ and r_c in Å. Parameters are per pair of types; a pair without an explicit
/// entry is mixed geometrically from its two like-type entries (LAMMPS's default `mix geometric`).
///
/// Contract details, as every potential must state them:
///  - It asks for a half neighbour list (each pair once over all ranks) and puts the pair force on
///    both atoms, ghosts included; the caller reverse-sums ghost forces. The pair energy and virial
///    are counted once, on the rank that holds the pair.
///  - Forces, energy and virial are overwritten. Per-atom energy and virial give half of each
///    pair's share to each of its two atoms, ghosts included.
#pragma once

#include <string>
#include <vector>

#include "core/portability.hpp"
#include "potential/potential.hpp"

namespace md {

/// One entry of the pair table as the run config gives it (type names, not indices).
struct LennardJonesPairSpec {
  std::string type_a;
  std::string type_b;
  double epsilon = 0.0;  ///< eV
  double sigma = 0.0;    ///< Å
  double cutoff = 0.0;   ///< Å; 0 means the global cutoff
};

struct LennardJonesSpec {
  double cutoff = 0.0;        ///< global cutoff, Å
  bool shift_energy = false;  ///< subtract E(r_c) so the energy is continuous at the cutoff
  std::vector<LennardJonesPairSpec> pairs;
};

/// The per-pair coefficients actually used in the force loop, precomputed once.
struct LennardJonesCoeff {
  double lj1 = 0.0;  ///< 48 ε σ¹²  (force)
  double lj2 = 0.0;  ///< 24 ε σ⁶   (force)
  double lj3 = 0.0;  ///< 4 ε σ¹²   (energy)
  double lj4 = 0.0;  ///< 4 ε σ⁶    (energy)
  double cutoff_sq = 0.0;
  double energy_offset = 0.0;  ///< E_shift
};

/// Pair evaluation shared by every launcher. Given r² < cutoff², returns the pair energy and sets
/// `force_over_r` so that F_i = force_over_r · (r_i − r_j).
MD_HOST_DEVICE inline double lennard_jones_pair(const LennardJonesCoeff& c, double r_sq,
                                                double& force_over_r) {
  const double inv_r2 = 1.0 / r_sq;
  const double inv_r6 = inv_r2 * inv_r2 * inv_r2;
  force_over_r = inv_r6 * (c.lj1 * inv_r6 - c.lj2) * inv_r2;
  return inv_r6 * (c.lj3 * inv_r6 - c.lj4) - c.energy_offset;
}

class LennardJones final : public Potential {
 public:
  /// `type_names[t]` names internal type t. Throws a config Error naming the pair when a pair has
  /// no coefficients and cannot be mixed, or when a name is not one of `type_names`.
  LennardJones(const LennardJonesSpec& spec, const std::vector<std::string>& type_names);

  std::string name() const override { return "lj/cut"; }
  double cutoff() const override { return max_cutoff_; }
  NeighborKind neighbor_kind() const override { return NeighborKind::kHalf; }
  void compute(const AtomsView& atoms, const NeighborView& neighbors,
               const ComputeRequest& request, ForceOutput& out) override;

  const LennardJonesCoeff& coeff(int type_a, int type_b) const {
    return table_[type_a * n_types_ + type_b];
  }
  /// σ of the pair (mixed when not given).
  double natural_distance(int a, int b) const override { return sigma_[a * n_types_ + b]; }
  std::string natural_distance_basis() const override { return "the pair's Lennard-Jones σ"; }

 private:
  template <bool kTally, bool kPerAtom>
  void compute_pairs(const AtomsView& atoms, const NeighborView& neighbors,
                     const ComputeRequest& request, ForceOutput& out) const;

  int n_types_ = 0;
  double max_cutoff_ = 0.0;
  std::vector<LennardJonesCoeff> table_;  ///< [n_types][n_types], symmetric
  std::vector<double> sigma_;             ///< [n_types][n_types], Å
};

}  // namespace md
