// SPDX-License-Identifier: MIT
/// \file
/// AniPotential: the ANI model (ani_model.hpp) on the CPU, in double precision.
///
/// Per chunk of local atoms: AEVs (op `aev`, aev_cpu.hpp) → for each element, the chosen members'
/// networks over that element's atoms as batched GEMMs (nn/energy_net: energy and ∂E/∂AEV),
/// averaged → AEV backward into forces on centres and neighbours (ghosts included; the caller
/// reverse-sums them) and the virial. Atomic energy E_i = (mean network output + self energy of
/// i's element) × kHartreeToEv; the total is their compensated sum.
///
/// Types: every run type must be an element of the model (matched by symbol); otherwise the
/// constructor throws a model Error naming the missing elements and the model's
/// (prepared_ani_model.hpp, shared with the CUDA twin AniPotentialCuda).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "potential/ani/aev_cpu.hpp"
#include "potential/ani/ani_model.hpp"
#include "potential/ani/ani_options.hpp"
#include "potential/ani/prepared_ani_model.hpp"
#include "potential/element_contacts.hpp"
#include "potential/nn/energy_net.hpp"
#include "potential/potential.hpp"

namespace md {

class AniPotential final : public Potential {
 public:
  AniPotential(AniModel model, AniOptions options, const std::vector<std::string>& run_type_names);

  std::string name() const override { return "ani"; }
  double cutoff() const override { return prepared_.model.aev.radial_cutoff; }
  NeighborKind neighbor_kind() const override { return NeighborKind::kFull; }
  void compute(const AtomsView& atoms, const NeighborView& neighbors,
               const ComputeRequest& request, ForceOutput& out) override;
  double natural_distance(int a, int b) const override { return contacts_.distance(a, b); }
  std::string natural_distance_basis() const override { return ElementContacts::basis(); }

  const AniModel& model() const { return prepared_.model; }
  /// The members averaged (indices into model().members).
  const std::vector<int>& members() const { return prepared_.members; }

 private:
  /// Networks of the chunk's centres, element by element: writes atom_energy_ (eV) and
  /// grad_aev_ (∂E/∂AEV, eV) for centres [0, n_centers) of the chunk.
  void evaluate_networks(int n_centers, int center_begin);

  ani::PreparedAniModel prepared_;
  ani::AevConstants<double> constants_;
  ElementContacts contacts_;

  // Workspaces (grow-only).
  std::vector<int> elements_;         ///< [n_all] model element of each atom
  ani::AevWorkspace aev_ws_;
  nn::EnergyNetWorkspace net_ws_;
  std::vector<double> aev_;           ///< [chunk][aev_length]
  std::vector<double> grad_aev_;      ///< [chunk][aev_length]
  std::vector<double> rows_in_;       ///< [rows][aev_length] AEVs of one element
  std::vector<double> rows_grad_;     ///< [rows][aev_length] one member's ∂E/∂AEV
  std::vector<double> rows_grad_sum_; ///< [rows][aev_length] summed over members
  std::vector<double> rows_energy_;   ///< [rows]
  std::vector<double> rows_energy_sum_;
  std::vector<int> rows_center_;      ///< [rows] chunk-local centre of each row
  std::vector<double> atom_energy_;   ///< [chunk] eV
};

}  // namespace md
