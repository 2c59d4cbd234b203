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

// OpenBLAS's thread control, if the BLAS in use is OpenBLAS (a weak reference: other BLAS
// libraries simply lack it).
extern "C" void openblas_set_num_threads(int) __attribute__((weak));

namespace md {
namespace {

/// Local centres per chunk: enough rows for efficient fitting GEMMs, few enough that the
/// chunk's pair data (≈ 2·ng doubles per pair) stays cache-resident.
constexpr int kChunkCenters = 64;

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
    : prepared_(deep::prepare_deep_model(std::move(model), options, run_type_names)),
      options_(std::move(options)),
      contacts_(run_type_names),
      descriptor_stage_(deep::make_descriptor_stage_cpu(prepared_)),
      overflow_report_(options_.sel_overflow) {
  use_one_blas_thread_unless_asked();
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
  for (int begin = 0; begin < atoms.n_local; begin += kChunkCenters) {
    const int n_centers = std::min(kChunkCenters, atoms.n_local - begin);
    forward_descriptor(atoms, neighbors, begin, n_centers, false);
    std::copy(descriptor_.begin(), descriptor_.begin() + n_centers * dim,
              out.begin() + begin * dim);
  }
}

void DeepPotential::fit_chunk(int n_centers) {
  const DeepModel& model = prepared_.model;
  const int dim_d = model.descriptor_dim();
  const int dim_in = model.fitting_input_dim();
  const auto chunk_dim = static_cast<std::size_t>(n_centers) * dim_d;
  ensure_size(grad_descriptor_, chunk_dim);
  std::fill(grad_descriptor_.begin(), grad_descriptor_.begin() + chunk_dim, 0.0);
  ensure_size(atom_energy_, static_cast<std::size_t>(n_centers));
  std::fill(atom_energy_.begin(), atom_energy_.begin() + n_centers, 0.0);
  ensure_size(fit_input_, static_cast<std::size_t>(n_centers) * dim_in);
  ensure_size(fit_grad_, static_cast<std::size_t>(n_centers) * dim_in);
  ensure_size(fit_energy_, static_cast<std::size_t>(n_centers));
  ensure_size(fit_rows_, static_cast<std::size_t>(n_centers));
  for (std::size_t f = 0; f < model.fitting_nets.size(); ++f) {
    int rows = 0;
    for (int c = 0; c < n_centers; ++c) {
      if (!chunk_.evaluated[c]) continue;
      if (model.fitting_index(chunk_.center_type[c]) != static_cast<int>(f)) continue;
      fit_rows_[rows] = c;
      double* x = &fit_input_[static_cast<std::size_t>(rows) * dim_in];
      std::copy(&descriptor_[static_cast<std::size_t>(c) * dim_d],
                &descriptor_[static_cast<std::size_t>(c) * dim_d] + dim_d, x);
      std::copy(prepared_.fitting_extra.begin(), prepared_.fitting_extra.end(), x + dim_d);
      ++rows;
    }
    if (rows == 0) continue;
    nn::energy_net_cpu(model.fitting_nets[f], rows, fit_input_.data(), fit_energy_.data(),
                          fit_grad_.data(), fitting_ws_);
    for (int r = 0; r < rows; ++r) {
      const int c = fit_rows_[r];
      const int t = chunk_.center_type[c];
      atom_energy_[c] = fit_energy_[r] - prepared_.vacuum_energy[t] + model.bias_atom_e[t] +
                        model.out_bias[t];
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

  for (int begin = 0; begin < n_local; begin += kChunkCenters) {
    const int n_centers = std::min(kChunkCenters, n_local - begin);
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
