// SPDX-License-Identifier: MIT
/// \file
/// AniPotential: the ANI model (ani_model.hpp) on the CPU, in double precision or, with
/// `precision: mixed`, in float with double sums (as AniPotentialCuda's mixed path).
///
/// Per chunk of local atoms: AEVs (op `aev`, aev_cpu.hpp) → for each element, the chosen members'
/// networks over that element's atoms as batched GEMMs (nn/energy_net: energy and ∂E/∂AEV),
/// averaged → AEV backward into forces on centres and neighbours (ghosts included; the caller
/// reverse-sums them) and the virial. Atomic energy E_i = (mean network output + self energy of
/// i's element) × kHartreeToEv; the total is their compensated sum. In mixed precision the AEVs,
/// the networks (cblas_sgemm, weights rounded to float once) and ∂E/∂AEV are float; the members'
/// outputs, atomic energies, forces and virials are summed in double.
///
/// Types: every run type must be an element of the model (matched by symbol); otherwise the
/// constructor throws a model Error naming the missing elements and the model's
/// (prepared_ani_model.hpp, shared with the CUDA twin AniPotentialCuda).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "potential/ani/ani_model.hpp"
#include "potential/ani/ani_options.hpp"
#include "potential/ani/prepared_ani_model.hpp"
#include "potential/element_contacts.hpp"
#include "potential/potential.hpp"

namespace md {

class AniPotential final : public Potential {
 public:
  AniPotential(AniModel model, AniOptions options, const std::vector<std::string>& run_type_names);
  ~AniPotential() override;

  /// "ani", or "ani/mixed" in mixed precision (as the CUDA evaluator).
  std::string name() const override;
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
  /// The AEV constants, networks and grow-only workspaces of one arithmetic type (ani_potential.cpp).
  template <class Real>
  struct Arithmetic;

  template <class Real>
  void compute_in(Arithmetic<Real>& arithmetic, const AtomsView& atoms,
                  const NeighborView& neighbors, const ComputeRequest& request, ForceOutput& out);
  /// Networks of the chunk's centres, element by element: writes atom_energy_ (eV) and
  /// arithmetic.grad_aev (∂E/∂AEV, eV) for centres [0, n_centers) of the chunk.
  template <class Real>
  void evaluate_networks(Arithmetic<Real>& arithmetic, int n_centers, int center_begin);

  ani::PreparedAniModel prepared_;
  ElementContacts contacts_;
  std::unique_ptr<Arithmetic<double>> double_;  ///< set in double precision
  std::unique_ptr<Arithmetic<float>> float_;    ///< set in mixed precision

  // Workspaces shared by both (grow-only).
  std::vector<int> elements_;          ///< [n_all] model element of each atom
  std::vector<int> rows_center_;       ///< [rows] chunk-local centre of each row
  std::vector<double> rows_energy_sum_;  ///< [rows] summed over members, Hartree
  std::vector<double> atom_energy_;    ///< [chunk] eV
};

}  // namespace md
