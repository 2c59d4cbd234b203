// SPDX-License-Identifier: MIT
/// \file
/// An ANI model (ANI-1x, ANI-2x, …) as read from its HDF5 file (docs/model-format.md, "ANI
/// models"; io/ani_model_reader.hpp): the atomic environment vector (AEV) constants, the self
/// energies and, for each ensemble member, one network per element.
///
/// The AEV of atom i (TorchANI's AEVComputer, Smith et al. 2017, with ANI-2x's constants):
///  - radial, one block of |EtaR|·|ShfR| terms per neighbour element s, over neighbours j of
///    element s within Rcr:   Σ_j 0.25·exp(−EtaR·(r_ij − ShfR)²)·fc(r_ij, Rcr);
///  - angular, one block of |EtaA|·|Zeta|·|ShfA|·|ShfZ| terms per unordered element pair
///    (s1 ≤ s2, upper-triangle order), over unordered neighbour pairs {j, k} within Rca:
///    Σ 2·((1 + cos(θ_ijk − ShfZ))/2)^Zeta · exp(−EtaA·((r_ij + r_ik)/2 − ShfA)²) ·
///    fc(r_ij, Rca)·fc(r_ik, Rca), with cos θ_ijk = 0.95·(r_ij·r_ik)/(|r_ij||r_ik|);
///  - fc(r, Rc) = ½cos(πr/Rc) + ½ for r < Rc, else 0.
/// Within a block the terms run over the constants in the order above, the last fastest
/// (radial: [EtaR][ShfR]; angular: [EtaA][Zeta][ShfA][ShfZ]). The energy is
///     E = Σ_i (mean over the chosen members of net_{m, element(i)}(AEV_i)) + self_energy(element(i))
/// in Hartree; the evaluator reports eV (kHartreeToEv).
#pragma once

#include <string>
#include <vector>

#include "potential/ani/aev.hpp"
#include "potential/nn/dense_net.hpp"

namespace md {

/// 1 Hartree in eV: the value of TorchANI's units.py (HARTREE_TO_EV, = ase.units.Hartree, CODATA 2014).
constexpr double kHartreeToEv = 27.211386024367243;

/// The AEV constants (lengths in Å, η in Å⁻², angles in radians).
struct AniAevParams {
  double radial_cutoff = 0.0;   ///< Rcr
  double angular_cutoff = 0.0;  ///< Rca
  std::vector<double> eta_r;    ///< EtaR
  std::vector<double> shift_r;  ///< ShfR
  std::vector<double> zeta;     ///< Zeta
  std::vector<double> shift_z;  ///< ShfZ
  std::vector<double> eta_a;    ///< EtaA
  std::vector<double> shift_a;  ///< ShfA

  int radial_block() const { return static_cast<int>(eta_r.size() * shift_r.size()); }
  int angular_block() const {
    return static_cast<int>(eta_a.size() * zeta.size() * shift_a.size() * shift_z.size());
  }
};

struct AniModel {
  std::vector<std::string> elements;  ///< element symbols, in the model's species order
  AniAevParams aev;
  std::vector<double> self_energies;  ///< [elements] Hartree
  /// [member][element]: the atomic networks (AEV → energy in Hartree). Weights are stored as
  /// released (float32 for ANI-2x) and held here in double.
  std::vector<std::vector<DenseNet>> members;
  std::string source;  ///< where the weights came from (the file's `source` attribute)

  int n_elements() const { return static_cast<int>(elements.size()); }
  int n_element_pairs() const { return n_elements() * (n_elements() + 1) / 2; }
  /// Length of one atom's AEV: radial blocks per element, then angular blocks per element pair.
  int aev_length() const {
    return n_elements() * aev.radial_block() + n_element_pairs() * aev.angular_block();
  }
  /// The angular block of element pair (a, b), either order: upper-triangle row-major index.
  int pair_index(int a, int b) const { return ani::element_pair_index(a, b, n_elements()); }
};

}  // namespace md
