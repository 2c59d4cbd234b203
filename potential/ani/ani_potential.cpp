// SPDX-License-Identifier: MIT
/// \file
/// AniPotential (ani_potential.hpp): the per-chunk orchestration; the math is in aev.hpp and
/// nn/energy_net.
#include "potential/ani/ani_potential.hpp"

#include <algorithm>
#include <cmath>

#include "core/compensated_sum.hpp"
#include "core/ensure_size.hpp"
#include "core/error.hpp"
#include "potential/nn/cpu_blas.hpp"

namespace md {
namespace {

/// Local centres per chunk: AEVs are 1,008 doubles per atom for ANI-2x, so a chunk's AEVs and
/// their gradients take ~16 MB; enough rows per element for efficient network GEMMs.
constexpr int kChunkCenters = 1024;

}  // namespace

AniPotential::AniPotential(AniModel model, AniOptions options,
                           const std::vector<std::string>& run_type_names)
    : prepared_(ani::prepare_ani_model(std::move(model), options, run_type_names)),
      constants_(ani::make_aev_constants<double>(prepared_.model)),
      contacts_(run_type_names) {
  nn::configure_cpu_blas();
}

void AniPotential::evaluate_networks(int n_centers, int center_begin) {
  const AniModel& model = prepared_.model;
  const auto length = static_cast<std::size_t>(model.aev_length());
  const double inv_members = 1.0 / static_cast<double>(prepared_.members.size());
  ensure_size(rows_center_, static_cast<std::size_t>(n_centers));
  for (int e = 0; e < model.n_elements(); ++e) {
    int rows = 0;
    for (int c = 0; c < n_centers; ++c) {
      if (elements_[center_begin + c] == e) rows_center_[rows++] = c;
    }
    if (rows == 0) continue;
    const auto count = static_cast<std::size_t>(rows);
    ensure_size(rows_in_, count * length);
    ensure_size(rows_grad_, count * length);
    ensure_size(rows_energy_, count);
    rows_grad_sum_.assign(count * length, 0.0);
    rows_energy_sum_.assign(count, 0.0);
    for (int r = 0; r < rows; ++r) {
      const double* src = &aev_[rows_center_[r] * length];
      std::copy(src, src + length, &rows_in_[r * length]);
    }
    for (int m : prepared_.members) {
      nn::energy_net_cpu(model.members[m][e], rows, rows_in_.data(), rows_energy_.data(),
                         rows_grad_.data(), net_ws_);
      for (std::size_t k = 0; k < count; ++k) rows_energy_sum_[k] += rows_energy_[k];
      for (std::size_t k = 0; k < count * length; ++k) rows_grad_sum_[k] += rows_grad_[k];
    }
    for (int r = 0; r < rows; ++r) {
      const int c = rows_center_[r];
      atom_energy_[c] = (rows_energy_sum_[r] * inv_members + model.self_energies[e]) * kHartreeToEv;
      const double* g = &rows_grad_sum_[r * length];
      double* out = &grad_aev_[c * length];
      for (std::size_t k = 0; k < length; ++k) out[k] = g[k] * inv_members * kHartreeToEv;
    }
  }
}

void AniPotential::compute(const AtomsView& atoms, const NeighborView& neighbors,
                           const ComputeRequest& request, ForceOutput& out) {
  if (neighbors.kind != NeighborKind::kFull) {
    throw internal_error("ani needs a full neighbour list");
  }
  const int n_all = atoms.n_all;
  elements_.resize(static_cast<std::size_t>(n_all));
  for (int k = 0; k < n_all; ++k) elements_[k] = prepared_.element_of_type[atoms.types[k]];
  std::fill(out.forces.begin(), out.forces.begin() + 3 * static_cast<std::size_t>(n_all), 0.0);
  if (request.atom_energy) {
    std::fill(out.atom_energies.begin(), out.atom_energies.begin() + n_all, 0.0);
  }
  double* atom_virial = nullptr;
  if (request.atom_virial) {
    std::fill(out.atom_virials.begin(),
              out.atom_virials.begin() + 9 * static_cast<std::size_t>(n_all), 0.0);
    atom_virial = out.atom_virials.data();
  }

  ani::AevArgs args;
  args.view = constants_.view;
  const ani::AevView<double>& v = args.view;
  args.positions = atoms.positions.data();
  args.elements = elements_.data();
  args.offsets = neighbors.offsets.data();
  args.neighbors = neighbors.neighbors.data();

  const auto length = static_cast<std::size_t>(v.aev_length);
  CompensatedSum energy;
  double virial[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (int begin = 0; begin < atoms.n_local; begin += kChunkCenters) {
    const int n_centers = std::min(kChunkCenters, atoms.n_local - begin);
    args.center_begin = begin;
    args.n_centers = n_centers;
    ensure_size(aev_, n_centers * length);
    ensure_size(grad_aev_, n_centers * length);
    ensure_size(atom_energy_, static_cast<std::size_t>(n_centers));
    ani::aev_forward_cpu(args, aev_ws_, aev_.data());
    evaluate_networks(n_centers, begin);
    ani::aev_backward_cpu(args, aev_ws_, grad_aev_.data(), out.forces.data(), virial, atom_virial);
    for (int c = 0; c < n_centers; ++c) {
      energy.add(atom_energy_[c]);
      if (request.atom_energy) out.atom_energies[begin + c] = atom_energy_[c];
    }
  }
  out.energy = request.energy ? energy.value() : 0.0;
  for (int k = 0; k < 9; ++k) out.virial[k] = request.virial ? virial[k] : 0.0;
}

}  // namespace md
