// SPDX-License-Identifier: MIT
#include "potential/deep/prepared_model.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/error.hpp"
#include "potential/deep/embedding_net.hpp"
#include "potential/nn/energy_net.hpp"

namespace md::deep {
namespace {

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

/// G from the tables where x lies in its table, from the network elsewhere (a net without a
/// table: descriptor-excluded pairs, whose padding the exact model also evaluates).
EmbeddingAt tabulated_embedding_at(const DeepModel& model,
                                   std::shared_ptr<const EmbeddingTables> tables) {
  return [&model, tables](int net, double x, double* g) {
    const EmbeddingTable& table = tables->nets[net];
    int interval = 0;
    double t = 0.0;
    if (table.empty() || !table_locate(table.geometry, x, interval, t)) {
      embedding_net_single(model.embedding_nets[net], x, g, nullptr);
      return;
    }
    const double* c = &table.coeff[static_cast<std::size_t>(interval) * 6 * table.ng];
    for (int a = 0; a < table.ng; ++a) {
      double slope = 0.0;
      table_value_slope(c, table.ng, a, t, g[a], slope);
    }
  };
}

}  // namespace

void PreparedDeepModel::use_explicit_statistics() {
  padding = build_padding_table(model, true,
                                tables ? tabulated_embedding_at(model, tables) : nullptr);
  sort_always = true;
}

PreparedDeepModel prepare_deep_model(DeepModel model, const DeepPotentialOptions& options,
                                     const std::vector<std::string>& run_type_names) {
  PreparedDeepModel p;
  p.model = std::move(model);
  const DeepModel& m = p.model;
  check_model(m);
  for (const auto& name : run_type_names) {
    const auto it = std::find(m.type_map.begin(), m.type_map.end(), name);
    if (it == m.type_map.end()) {
      throw model_error(m.source + ": type '" + name +
                        "' of the run is not in the model's type_map [" + join_names(m.type_map) +
                        "]");
    }
    p.run_to_model.push_back(static_cast<int>(it - m.type_map.begin()));
  }

  std::vector<double> fparam = options.fparam;
  if (m.numb_fparam > 0 && fparam.empty()) fparam = m.default_fparam;
  if (static_cast<int>(fparam.size()) != m.numb_fparam) {
    throw config_error("potential.fparam: the model " + m.source + " takes " +
                       std::to_string(m.numb_fparam) + " frame parameters, got " +
                       std::to_string(fparam.size()));
  }
  if (static_cast<int>(options.aparam.size()) != m.numb_aparam) {
    throw config_error("potential.aparam: the model " + m.source + " takes " +
                       std::to_string(m.numb_aparam) + " atom parameters, got " +
                       std::to_string(options.aparam.size()));
  }
  append_normalised(fparam, m.fparam_avg, m.fparam_inv_std, p.fitting_extra);
  if (!m.use_aparam_as_mask) {
    append_normalised(options.aparam, m.aparam_avg, m.aparam_inv_std, p.fitting_extra);
  }
  p.fitting_extra.insert(p.fitting_extra.end(), m.case_embd.begin(), m.case_embd.end());

  // "Remove the vacuum contribution": the net's output at a zero descriptor (with the same
  // fparam/aparam) is subtracted; it is a constant per type.
  p.vacuum_energy.assign(static_cast<std::size_t>(m.n_types()), 0.0);
  std::vector<double> zero_input(static_cast<std::size_t>(m.descriptor_dim()), 0.0);
  zero_input.insert(zero_input.end(), p.fitting_extra.begin(), p.fitting_extra.end());
  for (int t = 0; t < m.n_types(); ++t) {
    if (m.remove_vacuum[t]) {
      p.vacuum_energy[t] =
          nn::energy_net_single(m.fitting_nets[m.fitting_index(t)], zero_input.data());
    }
  }

  if (options.compress.enabled) {
    TableSettings settings;
    settings.min_neighbor_distance = options.compress.min_neighbor_distance;
    settings.extrapolate = options.compress.extrapolate;
    settings.stride0 = options.compress.step;
    p.tables = std::make_shared<const EmbeddingTables>(build_embedding_tables(m, settings));
    spdlog::info("{}", describe_tables(*p.tables, m));
  }
  p.padding =
      build_padding_table(m, false, p.tables ? tabulated_embedding_at(m, p.tables) : nullptr);
  p.sort_always = !p.padding.uniform;
  return p;
}

}  // namespace md::deep
