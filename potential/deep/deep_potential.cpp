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

void DeepPotential::format_chunk(const AtomsView& atoms, const NeighborView& neighbors, int begin,
                                 int n_centers, bool skip_excluded) {
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
  descriptor_stage_->environment(chunk_);
}

void DeepPotential::forward_descriptor(deep::ChunkPairs& pairs, int n_centers) {
  ensure_size(descriptor_, static_cast<std::size_t>(n_centers) * prepared_.model.descriptor_dim());
  descriptor_stage_->forward(pairs, n_centers, descriptor_.data());
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
    format_chunk(atoms, neighbors, begin, n_centers, false);
    forward_descriptor(chunk_, n_centers);
    std::copy(descriptor_.begin(), descriptor_.begin() + n_centers * dim,
              out.begin() + begin * dim);
  }
}

void DeepPotential::fit_chunk(const deep::ChunkPairs& pairs, int n_centers) {
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
    if (pairs.evaluated[c]) continue;
    std::fill_n(&grad_descriptor_[static_cast<std::size_t>(c) * dim_d], dim_d, 0.0);
  }
  for (std::size_t f = 0; f < fitting_nets_.size(); ++f) {
    int rows = 0;
    for (int c = 0; c < n_centers; ++c) {
      if (!pairs.evaluated[c]) continue;
      if (model.fitting_index(pairs.center_type[c]) != static_cast<int>(f)) continue;
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
      const int t = pairs.center_type[c];
      atom_energy_[c] =
          fit_energy_[r] - prepared_.vacuum_energy[t] + model.bias_atom_e[t] + model.out_bias[t];
      deep::fitting_fold_scatter(fold_, &fit_grad_[static_cast<std::size_t>(r) * dim_in],
                                 &grad_descriptor_[static_cast<std::size_t>(c) * dim_d]);
    }
  }
}

void DeepPotential::compute(const AtomsView& atoms, const NeighborView& neighbors,
                            const ComputeRequest& request, ForceOutput& out) {
  compute_together({this}, atoms, neighbors, request, {&out});
}

bool DeepPotential::shares_environment_with(const DeepPotential& other) const {
  const DeepModel& a = prepared_.model;
  const DeepModel& b = other.prepared_.model;
  // Everything format_nlist and env_mat_cpu read, and the chunking; not davg/dstd, which each
  // model applies itself (env_normalize_cpu). sort_always stands for the statistics' part in
  // the slot order.
  return a.type_map == b.type_map && prepared_.run_to_model == other.prepared_.run_to_model &&
         a.rcut == b.rcut && a.rcut_smth == b.rcut_smth && a.env_protection == b.env_protection &&
         a.sel == b.sel && a.type_one_side == b.type_one_side &&
         a.pair_exclude == b.pair_exclude && a.descriptor_exclude == b.descriptor_exclude &&
         a.atom_exclude == b.atom_exclude && prepared_.sort_always == other.prepared_.sort_always &&
         descriptor_stage_->chunk_centers() == other.descriptor_stage_->chunk_centers();
}

void DeepPotential::start_outputs(const AtomsView& atoms, const ComputeRequest& request,
                                  ForceOutput& out) {
  std::fill(out.forces.begin(), out.forces.begin() + 3 * static_cast<std::size_t>(atoms.n_all),
            0.0);
  if (request.atom_energy) {
    std::fill(out.atom_energies.begin(), out.atom_energies.begin() + atoms.n_all, 0.0);
  }
  if (request.atom_virial) {
    std::fill(out.atom_virials.begin(),
              out.atom_virials.begin() + 9 * static_cast<std::size_t>(atoms.n_all), 0.0);
  }
  energy_sum_ = CompensatedSum();  // DeePMD-kit's totals equal the exact sum of its atomic energies
  std::fill(std::begin(virial_sum_), std::end(virial_sum_), 0.0);
}

void DeepPotential::evaluate_chunk(deep::ChunkPairs& pairs, int n_centers,
                                   const ComputeRequest& request, ForceOutput& out) {
  const DeepModel& model = prepared_.model;
  forward_descriptor(pairs, n_centers);
  fit_chunk(pairs, n_centers);
  descriptor_stage_->backward(grad_descriptor_.data(), pairs);
  deep::ProdForceVirialArgs pfv;
  pfv.n_nei = model.n_nei();
  pfv.dstd = model.dstd.data();
  pfv.center_begin = pairs.center_begin;
  pfv.center_type = pairs.center_type.data();
  double* atom_virial = request.atom_virial ? out.atom_virials.data() : nullptr;
  for (int e = 0; e < model.n_embedding_nets(); ++e) {
    deep::prod_force_virial_cpu(pfv, pairs.groups[e], out.forces.data(), virial_sum_, atom_virial);
  }
  for (int c = 0; c < n_centers; ++c) {
    energy_sum_.add(atom_energy_[c]);
    if (request.atom_energy) out.atom_energies[pairs.center_begin + c] = atom_energy_[c];
  }
}

void DeepPotential::finish_outputs(const ComputeRequest& request, ForceOutput& out) const {
  out.energy = request.energy ? energy_sum_.value() : 0.0;
  for (int k = 0; k < 9; ++k) out.virial[k] = request.virial ? virial_sum_[k] : 0.0;
}

void DeepPotential::compute_together(const std::vector<DeepPotential*>& models,
                                     const AtomsView& atoms, const NeighborView& neighbors,
                                     const ComputeRequest& request,
                                     const std::vector<ForceOutput*>& outs) {
  if (neighbors.kind != NeighborKind::kFull) {
    throw internal_error("deepmd needs a full neighbour list");
  }
  if (models.empty() || outs.size() != models.size()) {
    throw internal_error("compute_together: one output per model");
  }
  DeepPotential& lead = *models[0];
  for (const DeepPotential* model : models) {
    if (!lead.shares_environment_with(*model)) {
      throw internal_error("compute_together: the models' environment settings differ");
    }
  }
  deep::map_run_types(atoms, lead.prepared_.run_to_model, lead.model_types_);
  for (std::size_t m = 0; m < models.size(); ++m) {
    models[m]->start_outputs(atoms, request, *outs[m]);
  }
  deep::SelOverflow overflow;
  const int chunk = lead.descriptor_stage_->chunk_centers();
  for (int begin = 0; begin < atoms.n_local; begin += chunk) {
    const int n_centers = std::min(chunk, atoms.n_local - begin);
    lead.format_chunk(atoms, neighbors, begin, n_centers, true);
    overflow.merge(lead.chunk_.overflow);
    // Each model in turn on the shared chunk: its own normalisation, nets, forces and virial.
    for (std::size_t m = 0; m < models.size(); ++m) {
      models[m]->evaluate_chunk(lead.chunk_, n_centers, request, *outs[m]);
    }
  }
  // One sel for all: one report (the lead's).
  lead.overflow_report_.report(lead.prepared_.model, overflow, neighbors.build_count);
  for (std::size_t m = 0; m < models.size(); ++m) models[m]->finish_outputs(request, *outs[m]);
}

}  // namespace md
