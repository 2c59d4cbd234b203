// SPDX-License-Identifier: MIT
/// \file
/// DeepPotential: the per-chunk orchestration of the ops on the CPU. The model was prepared once
/// (prepared_model.hpp); the math lives in the ops (potential/deep/<op>.hpp, potential/nn).
#include "potential/deep/deep_potential.hpp"

#include <algorithm>
#include <cstdlib>

#include "core/compensated_sum.hpp"
#include "core/error.hpp"
#include "potential/deep/prod_force_virial.hpp"
#include "potential/deep/type_mapping.hpp"
#include "potential/nn/cpu_blas.hpp"

namespace md {

DeepPotential::DeepPotential(DeepModel model, DeepPotentialOptions options,
                             const std::vector<std::string>& run_type_names)
    : prepared_(deep::prepare_deep_model(std::move(model), options, run_type_names)),
      options_(std::move(options)),
      contacts_(run_type_names),
      descriptor_stage_(deep::make_descriptor_stage_cpu(prepared_)),
      overflow_report_(options_.sel_overflow) {
  nn::configure_cpu_blas();
  const DeepModel& prepared_model = prepared_.model;
  fold_ = deep::make_fitting_fold(prepared_model.embedding_width(), prepared_model.axis_neuron);
  for (const DenseNet& net : prepared_model.fitting_nets) {
    fitting_nets_.push_back(deep::fold_fitting_net(net, fold_));
  }
}

void DeepPotential::use_explicit_statistics() { prepared_.use_explicit_statistics(); }

void DeepPotential::forward_descriptor(const AtomsView& atoms, const NeighborView& neighbors,
                                       int begin, int n_centers, bool skip_excluded) {
  const DeepModel& model = prepared_.model;
  deep::FormatNlistArgs fmt;
  fmt.positions = atoms.positions.data();
  fmt.model_types = model_types_.data();
  fmt.offsets = neighbors.offsets.data();
  fmt.neighbors = neighbors.neighbors.data();
  fmt.center_begin = begin;
  fmt.n_centers = n_centers;
  fmt.n_types = model.n_types();
  fmt.sel = model.sel.data();
  fmt.rcut = model.rcut;
  fmt.pair_exclude = model.pair_exclude.data();
  fmt.descriptor_exclude = model.descriptor_exclude.data();
  fmt.skip_center_type = skip_excluded ? model.atom_exclude.data() : nullptr;
  fmt.type_one_side = model.type_one_side;
  fmt.sort_always = prepared_.sort_always;
  deep::format_nlist_cpu(fmt, format_ws_, chunk_);

  ensure_size(descriptor_, static_cast<std::size_t>(n_centers) * model.descriptor_dim());
  descriptor_stage_->forward(chunk_, n_centers, descriptor_.data());
}

void DeepPotential::compute_descriptors(const AtomsView& atoms, const NeighborView& neighbors,
                                        std::vector<double>& out) {
  if (neighbors.kind != NeighborKind::kFull) {
    throw internal_error("deepmd needs a full neighbour list");
  }
  deep::map_run_types(atoms, prepared_.run_to_model, model_types_);
  const std::size_t dim = static_cast<std::size_t>(prepared_.model.descriptor_dim());
  out.assign(static_cast<std::size_t>(atoms.n_local) * dim, 0.0);
  const int chunk = descriptor_stage_->chunk_centers();
  for (int begin = 0; begin < atoms.n_local; begin += chunk) {
    const int n_centers = std::min(chunk, atoms.n_local - begin);
    forward_descriptor(atoms, neighbors, begin, n_centers, false);
    std::copy(descriptor_.begin(), descriptor_.begin() + n_centers * dim,
              out.begin() + begin * dim);
  }
}

void DeepPotential::fit_chunk(int n_centers) {
  const DeepModel& model = prepared_.model;
  const auto dim_d = static_cast<std::size_t>(model.descriptor_dim());
  const auto dim_in = static_cast<std::size_t>(fold_.folded_dim() + prepared_.fitting_extra.size());
  ensure_size(grad_descriptor_, static_cast<std::size_t>(n_centers) * dim_d);
  ensure_size(atom_energy_, static_cast<std::size_t>(n_centers));
  std::fill(atom_energy_.begin(), atom_energy_.begin() + n_centers, 0.0);
  ensure_size(fit_input_, static_cast<std::size_t>(n_centers) * dim_in);
  ensure_size(fit_grad_, static_cast<std::size_t>(n_centers) * dim_in);
  ensure_size(fit_energy_, static_cast<std::size_t>(n_centers));
  ensure_size(fit_rows_, static_cast<std::size_t>(n_centers));
  for (int c = 0; c < n_centers; ++c) {  // skipped centres: no energy, no force
    if (chunk_.evaluated[c]) continue;
    std::fill_n(&grad_descriptor_[static_cast<std::size_t>(c) * dim_d], dim_d, 0.0);
  }
  for (std::size_t f = 0; f < fitting_nets_.size(); ++f) {
    int rows = 0;
    for (int c = 0; c < n_centers; ++c) {
      if (!chunk_.evaluated[c]) continue;
      if (model.fitting_index(chunk_.center_type[c]) != static_cast<int>(f)) continue;
      fit_rows_[rows] = c;
      double* x = &fit_input_[static_cast<std::size_t>(rows) * dim_in];
      deep::fitting_fold_gather(fold_, &descriptor_[static_cast<std::size_t>(c) * dim_d], x);
      std::copy(prepared_.fitting_extra.begin(), prepared_.fitting_extra.end(),
                x + fold_.folded_dim());
      ++rows;
    }
    if (rows == 0) continue;
    nn::energy_net_cpu(fitting_nets_[f], rows, fit_input_.data(), fit_energy_.data(),
                       fit_grad_.data(), fitting_ws_);
    for (int r = 0; r < rows; ++r) {
      const int c = fit_rows_[r];
      const int t = chunk_.center_type[c];
      atom_energy_[c] =
          fit_energy_[r] - prepared_.vacuum_energy[t] + model.bias_atom_e[t] + model.out_bias[t];
      deep::fitting_fold_scatter(fold_, &fit_grad_[static_cast<std::size_t>(r) * dim_in],
                                 &grad_descriptor_[static_cast<std::size_t>(c) * dim_d]);
    }
  }
}

void DeepPotential::compute(const AtomsView& atoms, const NeighborView& neighbors,
                            const ComputeRequest& request, ForceOutput& out) {
  if (neighbors.kind != NeighborKind::kFull) {
    throw internal_error("deepmd needs a full neighbour list");
  }
  const DeepModel& model = prepared_.model;
  deep::map_run_types(atoms, prepared_.run_to_model, model_types_);
  const int n_local = atoms.n_local;
  std::fill(out.forces.begin(), out.forces.begin() + 3 * static_cast<std::size_t>(atoms.n_all),
            0.0);
  if (request.atom_energy) {
    std::fill(out.atom_energies.begin(), out.atom_energies.begin() + atoms.n_all, 0.0);
  }
  double* atom_virial = nullptr;
  if (request.atom_virial) {
    std::fill(out.atom_virials.begin(),
              out.atom_virials.begin() + 9 * static_cast<std::size_t>(atoms.n_all), 0.0);
    atom_virial = out.atom_virials.data();
  }

  CompensatedSum energy;  // DeePMD-kit's totals equal the exact sum of its atomic energies
  double virial[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  deep::SelOverflow overflow;

  deep::ProdForceVirialArgs pfv;
  pfv.n_nei = model.n_nei();
  pfv.dstd = model.dstd.data();

  const int chunk = descriptor_stage_->chunk_centers();
  for (int begin = 0; begin < n_local; begin += chunk) {
    const int n_centers = std::min(chunk, n_local - begin);
    forward_descriptor(atoms, neighbors, begin, n_centers, true);
    overflow.merge(chunk_.overflow);

    fit_chunk(n_centers);

    descriptor_stage_->backward(grad_descriptor_.data(), chunk_);
    pfv.center_begin = begin;
    pfv.center_type = chunk_.center_type.data();
    for (int e = 0; e < model.n_embedding_nets(); ++e) {
      deep::prod_force_virial_cpu(pfv, chunk_.groups[e], out.forces.data(), virial, atom_virial);
    }
    for (int c = 0; c < n_centers; ++c) {
      energy.add(atom_energy_[c]);
      if (request.atom_energy) out.atom_energies[begin + c] = atom_energy_[c];
    }
  }

  overflow_report_.report(model, overflow, neighbors.build_count);
  out.energy = request.energy ? energy.value() : 0.0;
  for (int k = 0; k < 9; ++k) out.virial[k] = request.virial ? virial[k] : 0.0;
}

}  // namespace md
