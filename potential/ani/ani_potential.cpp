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

namespace md {
namespace {

/// Local centres per chunk: AEVs are 1,008 doubles per atom for ANI-2x, so a chunk's AEVs and
/// their gradients take ~16 MB; enough rows per element for efficient network GEMMs.
constexpr int kChunkCenters = 1024;

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return "[" + text + "]";
}

}  // namespace

AniPotential::AniPotential(AniModel model, AniOptions options,
                           const std::vector<std::string>& run_type_names)
    : model_(std::move(model)), contacts_(run_type_names) {
  std::vector<std::string> missing;
  for (const std::string& name : run_type_names) {
    const auto it = std::find(model_.elements.begin(), model_.elements.end(), name);
    if (it == model_.elements.end()) missing.push_back(name);
    element_of_type_.push_back(static_cast<int>(it - model_.elements.begin()));
  }
  if (!missing.empty()) {
    throw model_error("the ANI model " + options.model_file + " has no network for the element" +
                      (missing.size() > 1 ? "s " : " ") + join(missing) +
                      " of the structure; its elements are " + join(model_.elements));
  }
  if (static_cast<int>(model_.aev.shift_a.size()) > ani::kMaxAngularShifts ||
      static_cast<int>(model_.aev.shift_z.size()) > ani::kMaxAngularShifts) {
    throw model_error("the ANI model " + options.model_file + " has more than " +
                      std::to_string(ani::kMaxAngularShifts) +
                      " angular shifts (ShfA or ShfZ), more than this evaluator handles");
  }
  for (double shift : model_.aev.shift_z) {
    cos_shift_z_.push_back(std::cos(shift));
    sin_shift_z_.push_back(std::sin(shift));
  }
  const int n_members = static_cast<int>(model_.members.size());
  if (options.ensemble.empty()) {
    for (int m = 0; m < n_members; ++m) members_.push_back(m);
  } else {
    for (int m : options.ensemble) {
      if (m < 0 || m >= n_members) {
        throw config_error("potential.ensemble: member " + std::to_string(m) +
                           " does not exist; the model " + options.model_file + " has " +
                           std::to_string(n_members) + " member" + (n_members > 1 ? "s" : "") +
                           " (0 to " + std::to_string(n_members - 1) + ")");
      }
      if (std::count(options.ensemble.begin(), options.ensemble.end(), m) > 1) {
        throw config_error("potential.ensemble lists member " + std::to_string(m) + " twice");
      }
      members_.push_back(m);
    }
  }
}

void AniPotential::evaluate_networks(int n_centers, int center_begin) {
  const auto length = static_cast<std::size_t>(model_.aev_length());
  const double inv_members = 1.0 / static_cast<double>(members_.size());
  ensure_size(rows_center_, static_cast<std::size_t>(n_centers));
  for (int e = 0; e < model_.n_elements(); ++e) {
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
    for (int m : members_) {
      nn::energy_net_cpu(model_.members[m][e], rows, rows_in_.data(), rows_energy_.data(),
                         rows_grad_.data(), net_ws_);
      for (std::size_t k = 0; k < count; ++k) rows_energy_sum_[k] += rows_energy_[k];
      for (std::size_t k = 0; k < count * length; ++k) rows_grad_sum_[k] += rows_grad_[k];
    }
    for (int r = 0; r < rows; ++r) {
      const int c = rows_center_[r];
      atom_energy_[c] =
          (rows_energy_sum_[r] * inv_members + model_.self_energies[e]) * kHartreeToEv;
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
  for (int k = 0; k < n_all; ++k) elements_[k] = element_of_type_[atoms.types[k]];
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

  const AniAevParams& p = model_.aev;
  ani::AevArgs args;
  ani::AevView& v = args.view;
  v.radial_cutoff = p.radial_cutoff;
  v.angular_cutoff = p.angular_cutoff;
  v.eta_r = p.eta_r.data();
  v.shift_r = p.shift_r.data();
  v.zeta = p.zeta.data();
  v.shift_z = p.shift_z.data();
  v.cos_shift_z = cos_shift_z_.data();
  v.sin_shift_z = sin_shift_z_.data();
  v.eta_a = p.eta_a.data();
  v.shift_a = p.shift_a.data();
  v.n_eta_r = static_cast<int>(p.eta_r.size());
  v.n_shift_r = static_cast<int>(p.shift_r.size());
  v.n_zeta = static_cast<int>(p.zeta.size());
  v.n_shift_z = static_cast<int>(p.shift_z.size());
  v.n_eta_a = static_cast<int>(p.eta_a.size());
  v.n_shift_a = static_cast<int>(p.shift_a.size());
  v.n_elements = model_.n_elements();
  v.radial_block = p.radial_block();
  v.angular_block = p.angular_block();
  v.radial_length = v.n_elements * v.radial_block;
  v.aev_length = model_.aev_length();
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
    ani::aev_backward_cpu(args, aev_ws_, grad_aev_.data(), out.forces.data(), virial,
                          atom_virial);
    for (int c = 0; c < n_centers; ++c) {
      energy.add(atom_energy_[c]);
      if (request.atom_energy) out.atom_energies[begin + c] = atom_energy_[c];
    }
  }
  out.energy = request.energy ? energy.value() : 0.0;
  for (int k = 0; k < 9; ++k) out.virial[k] = request.virial ? virial[k] : 0.0;
}

}  // namespace md
