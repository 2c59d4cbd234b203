// SPDX-License-Identifier: MIT
/// \file
/// DeepPotential: set-up (type mapping, frame/atom parameters, padded-slot tables) and the
/// per-chunk orchestration of the ops. The math lives in the ops (potential/deep/<op>.hpp).
#include "potential/deep/type_mapping.hpp"
#include "potential/deep/deep_potential.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>

#include "core/compensated_sum.hpp"
#include "core/error.hpp"
#include "potential/deep/env_mat.hpp"
#include "potential/deep/prod_force_virial.hpp"

// OpenBLAS's thread control, if the BLAS in use is OpenBLAS (a weak reference: other BLAS
// libraries simply lack it).
extern "C" void openblas_set_num_threads(int) __attribute__((weak));

namespace md {
namespace {

/// Local centres per chunk: enough rows for efficient fitting GEMMs, few enough that the
/// chunk's pair data (≈ 2·ng doubles per pair) stays cache-resident.
constexpr int kChunkCenters = 64;

std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

void check_model(const DeepModel& m) {
  const int n_types = m.n_types();
  const auto nt = static_cast<std::size_t>(n_types);
  const auto stats = nt * static_cast<std::size_t>(m.n_nei()) * 4;
  const std::size_t n_embed = m.type_one_side ? nt : nt * nt;
  const std::size_t n_fit = m.fitting_mixed_types ? 1 : nt;
  const bool ok = n_types > 0 && m.sel.size() == nt && m.davg.size() == stats &&
                  m.dstd.size() == stats && m.embedding_nets.size() == n_embed &&
                  m.fitting_nets.size() == n_fit && m.bias_atom_e.size() == nt &&
                  m.out_bias.size() == nt && m.atom_exclude.size() == nt &&
                  m.pair_exclude.size() == nt * nt && m.descriptor_exclude.size() == nt * nt &&
                  m.remove_vacuum.size() == nt && m.axis_neuron > 0 &&
                  m.axis_neuron <= m.embedding_width() && m.rcut > m.rcut_smth;
  if (!ok) throw model_error(m.source + ": inconsistent Deep Potential model");
  for (const auto& net : m.fitting_nets) {
    if (net.n_in() != m.fitting_input_dim() || net.n_out() != 1) {
      throw model_error(m.source + ": fitting net does not match the descriptor");
    }
  }
}

/// (value − avg)·inv_std for each entry.
void append_normalised(const std::vector<double>& value, const std::vector<double>& avg,
                       const std::vector<double>& inv_std, std::vector<double>& out) {
  for (std::size_t k = 0; k < value.size(); ++k) out.push_back((value[k] - avg[k]) * inv_std[k]);
}

}  // namespace

namespace {

/// mdrun runs one rank per core, so a BLAS that starts a thread per core in every rank would
/// oversubscribe the node many times over. Unless the user chose (OPENBLAS_NUM_THREADS or
/// OMP_NUM_THREADS set), BLAS calls run on the calling thread.
void use_one_blas_thread_unless_asked() {
  if (std::getenv("OPENBLAS_NUM_THREADS") != nullptr || std::getenv("OMP_NUM_THREADS") != nullptr) {
    return;
  }
  if (openblas_set_num_threads != nullptr) openblas_set_num_threads(1);
}

}  // namespace

DeepPotential::DeepPotential(DeepModel model, DeepPotentialOptions options,
                             const std::vector<std::string>& run_type_names)
    : model_(std::move(model)), options_(std::move(options)), contacts_(run_type_names) {
  use_one_blas_thread_unless_asked();
  check_model(model_);
  for (const auto& name : run_type_names) {
    const auto it = std::find(model_.type_map.begin(), model_.type_map.end(), name);
    if (it == model_.type_map.end()) {
      throw model_error(model_.source + ": type '" + name +
                        "' of the run is not in the model's type_map [" +
                        join_names(model_.type_map) + "]");
    }
    run_to_model_.push_back(static_cast<int>(it - model_.type_map.begin()));
  }

  std::vector<double> fparam = options_.fparam;
  if (model_.numb_fparam > 0 && fparam.empty()) fparam = model_.default_fparam;
  if (static_cast<int>(fparam.size()) != model_.numb_fparam) {
    throw config_error("potential.fparam: the model " + model_.source + " takes " +
                       std::to_string(model_.numb_fparam) + " frame parameters, got " +
                       std::to_string(fparam.size()));
  }
  if (static_cast<int>(options_.aparam.size()) != model_.numb_aparam) {
    throw config_error("potential.aparam: the model " + model_.source + " takes " +
                       std::to_string(model_.numb_aparam) + " atom parameters, got " +
                       std::to_string(options_.aparam.size()));
  }
  append_normalised(fparam, model_.fparam_avg, model_.fparam_inv_std, fitting_extra_);
  if (!model_.use_aparam_as_mask) {
    append_normalised(options_.aparam, model_.aparam_avg, model_.aparam_inv_std, fitting_extra_);
  }
  fitting_extra_.insert(fitting_extra_.end(), model_.case_embd.begin(), model_.case_embd.end());

  // "Remove the vacuum contribution": the net's output at a zero descriptor (with the same
  // fparam/aparam) is subtracted; it is a constant per type.
  vacuum_energy_.assign(static_cast<std::size_t>(model_.n_types()), 0.0);
  std::vector<double> zero_input(static_cast<std::size_t>(model_.descriptor_dim()), 0.0);
  zero_input.insert(zero_input.end(), fitting_extra_.begin(), fitting_extra_.end());
  for (int t = 0; t < model_.n_types(); ++t) {
    if (model_.remove_vacuum[t]) {
      vacuum_energy_[t] =
          deep::fitting_net_single(model_.fitting_nets[model_.fitting_index(t)], zero_input.data());
    }
  }

  padding_ = deep::build_padding_table(model_, false);
  sort_always_ = !padding_.uniform;
}

void DeepPotential::use_explicit_statistics() {
  padding_ = deep::build_padding_table(model_, true);
  sort_always_ = true;
}

void DeepPotential::forward_descriptor(const AtomsView& atoms, const NeighborView& neighbors,
                                       int begin, int n_centers, bool skip_excluded) {
  deep::FormatNlistArgs fmt;
  fmt.positions = atoms.positions.data();
  fmt.model_types = model_types_.data();
  fmt.offsets = neighbors.offsets.data();
  fmt.neighbors = neighbors.neighbors.data();
  fmt.center_begin = begin;
  fmt.n_centers = n_centers;
  fmt.n_types = model_.n_types();
  fmt.sel = model_.sel.data();
  fmt.rcut = model_.rcut;
  fmt.pair_exclude = model_.pair_exclude.data();
  fmt.descriptor_exclude = model_.descriptor_exclude.data();
  fmt.skip_center_type = skip_excluded ? model_.atom_exclude.data() : nullptr;
  fmt.type_one_side = model_.type_one_side;
  fmt.sort_always = sort_always_;
  deep::format_nlist_cpu(fmt, format_ws_, chunk_);

  deep::EnvMatArgs env;
  env.rcut_smth = model_.rcut_smth;
  env.rcut = model_.rcut;
  env.protection = model_.env_protection;
  env.n_nei = model_.n_nei();
  env.davg = model_.davg.data();
  env.dstd = model_.dstd.data();
  env.center_type = chunk_.center_type.data();
  for (int e = 0; e < model_.n_embedding_nets(); ++e) {
    deep::PairGroup& group = chunk_.groups[e];
    if (group.n_pairs == 0) continue;
    deep::env_mat_cpu(env, group);
    deep::embedding_net_cpu(model_.embedding_nets[e], group, embedding_ws_);
  }

  const int ng = model_.embedding_width();
  deep::ensure_size(gr_, static_cast<std::size_t>(n_centers) * ng * 4);
  deep::ensure_size(descriptor_, static_cast<std::size_t>(n_centers) * model_.descriptor_dim());
  deep::DescriptorArgs desc;
  desc.n_types = model_.n_types();
  desc.ng = ng;
  desc.axis_neuron = model_.axis_neuron;
  desc.n_nei = model_.n_nei();
  desc.sel = model_.sel.data();
  desc.padding = &padding_;
  deep::descriptor_forward_cpu(desc, chunk_, gr_.data(), descriptor_.data());
}

void DeepPotential::compute_descriptors(const AtomsView& atoms, const NeighborView& neighbors,
                                        std::vector<double>& out) {
  if (neighbors.kind != NeighborKind::kFull) {
    throw internal_error("deepmd needs a full neighbour list");
  }
  deep::map_run_types(atoms, run_to_model_, model_types_);
  const std::size_t dim = static_cast<std::size_t>(model_.descriptor_dim());
  out.assign(static_cast<std::size_t>(atoms.n_local) * dim, 0.0);
  for (int begin = 0; begin < atoms.n_local; begin += kChunkCenters) {
    const int n_centers = std::min(kChunkCenters, atoms.n_local - begin);
    forward_descriptor(atoms, neighbors, begin, n_centers, false);
    std::copy(descriptor_.begin(), descriptor_.begin() + n_centers * dim,
              out.begin() + begin * dim);
  }
}

void DeepPotential::fit_chunk(int n_centers) {
  const int dim_d = model_.descriptor_dim();
  const int dim_in = model_.fitting_input_dim();
  const auto chunk_dim = static_cast<std::size_t>(n_centers) * dim_d;
  deep::ensure_size(grad_descriptor_, chunk_dim);
  std::fill(grad_descriptor_.begin(), grad_descriptor_.begin() + chunk_dim, 0.0);
  deep::ensure_size(atom_energy_, static_cast<std::size_t>(n_centers));
  std::fill(atom_energy_.begin(), atom_energy_.begin() + n_centers, 0.0);
  deep::ensure_size(fit_input_, static_cast<std::size_t>(n_centers) * dim_in);
  deep::ensure_size(fit_grad_, static_cast<std::size_t>(n_centers) * dim_in);
  deep::ensure_size(fit_energy_, static_cast<std::size_t>(n_centers));
  deep::ensure_size(fit_rows_, static_cast<std::size_t>(n_centers));
  for (std::size_t f = 0; f < model_.fitting_nets.size(); ++f) {
    int rows = 0;
    for (int c = 0; c < n_centers; ++c) {
      if (!chunk_.evaluated[c]) continue;
      if (model_.fitting_index(chunk_.center_type[c]) != static_cast<int>(f)) continue;
      fit_rows_[rows] = c;
      double* x = &fit_input_[static_cast<std::size_t>(rows) * dim_in];
      std::copy(&descriptor_[static_cast<std::size_t>(c) * dim_d],
                &descriptor_[static_cast<std::size_t>(c) * dim_d] + dim_d, x);
      std::copy(fitting_extra_.begin(), fitting_extra_.end(), x + dim_d);
      ++rows;
    }
    if (rows == 0) continue;
    deep::fitting_net_cpu(model_.fitting_nets[f], rows, fit_input_.data(), fit_energy_.data(),
                          fit_grad_.data(), fitting_ws_);
    for (int r = 0; r < rows; ++r) {
      const int c = fit_rows_[r];
      const int t = chunk_.center_type[c];
      atom_energy_[c] =
          fit_energy_[r] - vacuum_energy_[t] + model_.bias_atom_e[t] + model_.out_bias[t];
      const double* g = &fit_grad_[static_cast<std::size_t>(r) * dim_in];
      std::copy(g, g + dim_d, &grad_descriptor_[static_cast<std::size_t>(c) * dim_d]);
    }
  }
}

void DeepPotential::compute(const AtomsView& atoms, const NeighborView& neighbors,
                            const ComputeRequest& request, ForceOutput& out) {
  if (neighbors.kind != NeighborKind::kFull) {
    throw internal_error("deepmd needs a full neighbour list");
  }
  deep::map_run_types(atoms, run_to_model_, model_types_);
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

  const int ng = model_.embedding_width();
  CompensatedSum energy;  // DeePMD-kit's totals equal the exact sum of its atomic energies
  double virial[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  deep::SelOverflow overflow;

  deep::DescriptorArgs desc;
  desc.n_types = model_.n_types();
  desc.ng = ng;
  desc.axis_neuron = model_.axis_neuron;
  desc.n_nei = model_.n_nei();
  desc.sel = model_.sel.data();
  desc.padding = &padding_;
  deep::ProdForceVirialArgs pfv;
  pfv.n_nei = model_.n_nei();
  pfv.dstd = model_.dstd.data();

  for (int begin = 0; begin < n_local; begin += kChunkCenters) {
    const int n_centers = std::min(kChunkCenters, n_local - begin);
    forward_descriptor(atoms, neighbors, begin, n_centers, true);
    overflow.merge(chunk_.overflow);

    fit_chunk(n_centers);

    deep::descriptor_backward_cpu(desc, gr_.data(), grad_descriptor_.data(), chunk_, grad_gr_);
    pfv.center_begin = begin;
    pfv.center_type = chunk_.center_type.data();
    for (int e = 0; e < model_.n_embedding_nets(); ++e) {
      deep::prod_force_virial_cpu(pfv, chunk_.groups[e], out.forces.data(), virial, atom_virial);
    }
    for (int c = 0; c < n_centers; ++c) {
      energy.add(atom_energy_[c]);
      if (request.atom_energy) out.atom_energies[begin + c] = atom_energy_[c];
    }
  }

  report_overflow(overflow, neighbors.build_count);
  out.energy = request.energy ? energy.value() : 0.0;
  for (int k = 0; k < 9; ++k) out.virial[k] = request.virial ? virial[k] : 0.0;
}

void DeepPotential::report_overflow(const deep::SelOverflow& overflow, std::uint64_t build_count) {
  if (overflow.n_atoms == 0) return;
  if (options_.sel_overflow == SelOverflowPolicy::kWarn && last_overflow_warning_ &&
      *last_overflow_warning_ == build_count) {
    return;
  }
  std::ostringstream msg;
  msg << "deepmd: " << overflow.n_atoms
      << " local atom(s) have more neighbours within rcut = " << model_.rcut
      << " Å than the model's sel allows; worst: local atom " << overflow.worst_atom << " (type "
      << model_.type_map[overflow.worst_atom_type] << ") has";
  for (int t = 0; t < model_.n_types(); ++t) {
    msg << (t ? "," : "") << " " << overflow.worst_counts[t] << " " << model_.type_map[t]
        << " (sel " << model_.sel[t] << ")";
  }
  msg << ". Like DeePMD-kit, only the nearest are kept, so the energy is not smooth; the "
         "structure is unphysical or the model's sel is too small";
  if (options_.sel_overflow == SelOverflowPolicy::kError) throw unstable_error(msg.str());
  spdlog::warn("{}", msg.str());
  last_overflow_warning_ = build_count;
  ++overflow_warnings_;
}

}  // namespace md
