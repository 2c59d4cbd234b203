// SPDX-License-Identifier: MIT
/// \file
/// AniPotential (ani_potential.hpp): the per-chunk orchestration, one template over the arithmetic
/// type (double, or float for the mixed precision); the math is in aev.hpp and nn/energy_net.
#include "potential/ani/ani_potential.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "core/compensated_sum.hpp"
#include "core/ensure_size.hpp"
#include "core/error.hpp"
#include "core/flush_denormals.hpp"
#include "potential/ani/aev_cpu.hpp"
#include "potential/nn/cpu_blas.hpp"
#include "potential/nn/energy_net.hpp"

namespace md {
namespace {

/// Local centres per chunk: AEVs are 1,008 values per atom for ANI-2x, so a chunk's AEVs and
/// their gradients take ~16 MB in double; enough rows per element for efficient network GEMMs.
constexpr int kChunkCenters = 1024;

}  // namespace

template <class Real>
struct AniPotential::Arithmetic {
  explicit Arithmetic(const ani::PreparedAniModel& prepared)
      : constants(ani::make_aev_constants<Real>(prepared.model)) {
    for (int m : prepared.members) {
      const std::vector<DenseNet>& nets_of_member = prepared.model.members[m];
      if constexpr (std::is_same_v<Real, double>) {
        nets.emplace_back();
        for (const DenseNet& net : nets_of_member) nets.back().push_back(&net);
      } else {
        converted.emplace_back();
        for (const DenseNet& net : nets_of_member) {
          converted.back().push_back(convert_net<Real>(net));
        }
      }
    }
    for (const auto& member : converted) {  // after all conversions: no reallocation follows
      nets.emplace_back();
      for (const auto& net : member) nets.back().push_back(&net);
    }
  }

  ani::AevConstants<Real> constants;
  /// [chosen member][element]: the model's networks in double, their float copies (`converted`)
  /// in mixed precision.
  std::vector<std::vector<const BasicDenseNet<Real>*>> nets;
  std::vector<std::vector<BasicDenseNet<Real>>> converted;
  ani::AevWorkspace<Real> aev_ws;
  nn::BasicEnergyNetWorkspace<Real> net_ws;
  std::vector<Real> aev;            ///< [chunk][aev_length]
  std::vector<Real> grad_aev;       ///< [chunk][aev_length]
  std::vector<Real> rows_in;        ///< [rows][aev_length] AEVs of one element
  std::vector<Real> rows_grad;      ///< [rows][aev_length] one member's ∂E/∂AEV
  std::vector<Real> rows_grad_sum;  ///< [rows][aev_length] summed over members
  std::vector<Real> rows_energy;    ///< [rows] one member's output
};

AniPotential::AniPotential(AniModel model, AniOptions options,
                           const std::vector<std::string>& run_type_names)
    : prepared_(ani::prepare_ani_model(std::move(model), options, run_type_names)),
      contacts_(run_type_names) {
  if (options.precision == Precision::kMixed) {
    float_ = std::make_unique<Arithmetic<float>>(prepared_);
  } else {
    double_ = std::make_unique<Arithmetic<double>>(prepared_);
  }
  nn::configure_cpu_blas();
}

AniPotential::~AniPotential() = default;

std::string AniPotential::name() const { return float_ ? "ani/mixed" : "ani"; }

template <class Real>
void AniPotential::evaluate_networks(Arithmetic<Real>& arithmetic, int n_centers,
                                     int center_begin) {
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
    ensure_size(arithmetic.rows_in, count * length);
    ensure_size(arithmetic.rows_grad, count * length);
    ensure_size(arithmetic.rows_energy, count);
    arithmetic.rows_grad_sum.assign(count * length, Real(0));
    rows_energy_sum_.assign(count, 0.0);
    for (int r = 0; r < rows; ++r) {
      const Real* src = &arithmetic.aev[rows_center_[r] * length];
      std::copy(src, src + length, &arithmetic.rows_in[r * length]);
    }
    for (const auto& member : arithmetic.nets) {
      nn::energy_net_cpu(*member[e], rows, arithmetic.rows_in.data(),
                         arithmetic.rows_energy.data(), arithmetic.rows_grad.data(),
                         arithmetic.net_ws);
      for (std::size_t k = 0; k < count; ++k) rows_energy_sum_[k] += arithmetic.rows_energy[k];
      for (std::size_t k = 0; k < count * length; ++k) {
        arithmetic.rows_grad_sum[k] += arithmetic.rows_grad[k];
      }
    }
    for (int r = 0; r < rows; ++r) {
      const int c = rows_center_[r];
      atom_energy_[c] = (rows_energy_sum_[r] * inv_members + model.self_energies[e]) * kHartreeToEv;
      const Real* g = &arithmetic.rows_grad_sum[r * length];
      Real* out = &arithmetic.grad_aev[c * length];
      for (std::size_t k = 0; k < length; ++k) {
        out[k] = static_cast<Real>(g[k] * inv_members * kHartreeToEv);
      }
    }
  }
}

template <class Real>
void AniPotential::compute_in(Arithmetic<Real>& arithmetic, const AtomsView& atoms,
                              const NeighborView& neighbors, const ComputeRequest& request,
                              ForceOutput& out) {
  double* atom_virial = request.atom_virial ? out.atom_virials.data() : nullptr;
  ani::AevArgs<Real> args;
  args.view = arithmetic.constants.view;
  args.positions = atoms.positions.data();
  args.elements = elements_.data();
  args.offsets = neighbors.offsets.data();
  args.neighbors = neighbors.neighbors.data();

  const auto length = static_cast<std::size_t>(args.view.aev_length);
  CompensatedSum energy;
  double virial[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (int begin = 0; begin < atoms.n_local; begin += kChunkCenters) {
    const int n_centers = std::min(kChunkCenters, atoms.n_local - begin);
    args.center_begin = begin;
    args.n_centers = n_centers;
    ensure_size(arithmetic.aev, n_centers * length);
    ensure_size(arithmetic.grad_aev, n_centers * length);
    ensure_size(atom_energy_, static_cast<std::size_t>(n_centers));
    ani::aev_forward_cpu(args, arithmetic.aev_ws, arithmetic.aev.data());
    evaluate_networks(arithmetic, n_centers, begin);
    ani::aev_backward_cpu(args, arithmetic.aev_ws, arithmetic.grad_aev.data(), out.forces.data(),
                          virial, atom_virial);
    for (int c = 0; c < n_centers; ++c) {
      energy.add(atom_energy_[c]);
      if (request.atom_energy) out.atom_energies[begin + c] = atom_energy_[c];
    }
  }
  out.energy = request.energy ? energy.value() : 0.0;
  for (int k = 0; k < 9; ++k) out.virial[k] = request.virial ? virial[k] : 0.0;
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
  if (request.atom_virial) {
    std::fill(out.atom_virials.begin(),
              out.atom_virials.begin() + 9 * static_cast<std::size_t>(n_all), 0.0);
  }
  if (float_) {
    const FlushDenormalsScope flush;  // see flush_denormals.hpp: float terms far below 1e-38
    compute_in(*float_, atoms, neighbors, request, out);
  } else {
    compute_in(*double_, atoms, neighbors, request, out);
  }
}

}  // namespace md
