// SPDX-License-Identifier: MIT
/// \file
/// The in-memory form of a DeePMD-kit se_e2_a energy model: plain host vectors, no behaviour.
///
/// io/deepmd_model_reader.cpp fills it from a `.dp` file (docs/model-format.md) after checking
/// every shape; potential/deep/deep_potential.cpp evaluates it. Keeping the struct free of HDF5
/// and JSON types lets the potential module stay independent of io (architecture §3.1), and lets
/// tests build or edit models in memory.
///
/// Notation (shared/docs/deepmd-se_e2_a.md §2.4): T = number of model types, nnei = Σ sel,
/// ng = last embedding width, M2 = axis_neuron. All arrays are row-major and double precision,
/// whatever precision the file stored (see `stored_single_precision`).
#pragma once

#include <string>
#include <vector>

#include "potential/nn/dense_net.hpp"

namespace md {

/// A standard DeePMD-kit energy model with an se_e2_a descriptor and an `ener` fitting.
struct DeepModel {
  std::string source;                 ///< where it was read from (for messages)
  std::string software_version;       ///< the writer's DeePMD-kit version, if recorded
  std::vector<std::string> type_map;  ///< [T] element names; model type t is type_map[t]

  // --- descriptor (se_e2_a) ---------------------------------------------------------------
  double rcut = 0.0;            ///< Å
  double rcut_smth = 0.0;       ///< Å: the switch starts here
  double env_protection = 0.0;  ///< Å: p in 1/(r+p)
  std::vector<int> sel;         ///< [T] neighbour slots per neighbour type
  int axis_neuron = 0;          ///< M2
  bool type_one_side = true;    ///< embedding net chosen by neighbour type only
  /// type_one_side: [T], indexed by t_j. Otherwise [T·T], indexed by t_i + T·t_j.
  std::vector<DenseNet> embedding_nets;
  std::vector<double> davg;  ///< [T][nnei][4] per centre type, per slot, per env component
  std::vector<double> dstd;  ///< [T][nnei][4]
  /// [T][T], symmetric: 1 where the descriptor's exclude_types zeroes the pair's rows.
  std::vector<char> descriptor_exclude;

  // --- atomic model ----------------------------------------------------------------------
  /// [T][T], symmetric: 1 where pair_exclude_types removes the pair from the neighbour list.
  std::vector<char> pair_exclude;
  std::vector<char> atom_exclude;  ///< [T]: 1 where atom_exclude_types zeroes the atom's energy
  std::vector<double> out_bias;    ///< [T], eV: model.out_bias[0, t, 0]

  // --- fitting (ener) --------------------------------------------------------------------
  bool fitting_mixed_types = false;    ///< one fitting net for all types
  std::vector<DenseNet> fitting_nets;  ///< [T] (or [1] when mixed), output width 1
  std::vector<double> bias_atom_e;     ///< [T], eV
  int numb_fparam = 0;
  int numb_aparam = 0;
  bool use_aparam_as_mask = false;     ///< aparam is not an input of the net
  std::vector<double> fparam_avg;      ///< [numb_fparam]
  std::vector<double> fparam_inv_std;  ///< [numb_fparam]
  std::vector<double> aparam_avg;      ///< [numb_aparam]
  std::vector<double> aparam_inv_std;  ///< [numb_aparam]
  std::vector<double> default_fparam;  ///< [numb_fparam] or empty (none recorded)
  std::vector<double> case_embd;       ///< [dim_case_embd] appended to every input; may be empty
  /// [T]: 1 where the fitting subtracts its own output at a zero descriptor (atom_ener).
  std::vector<char> remove_vacuum;

  // --- training provenance ---------------------------------------------------------------
  /// The closest pair distance in the training data (Å; DeePMD-kit's `min_nbor_dist`), 0 when the
  /// file does not record it. Tabulation (embedding_table.hpp) uses it by default, as
  /// `dp compress` does.
  double min_nbor_dist = 0.0;

  // --- provenance ------------------------------------------------------------------------
  std::string descriptor_precision;      ///< as declared: "float64" or "float32"
  std::string fitting_precision;         ///< as declared
  bool stored_single_precision = false;  ///< some weight dataset was stored as float32

  int n_types() const { return static_cast<int>(type_map.size()); }
  int n_nei() const {
    int n = 0;
    for (int s : sel) n += s;
    return n;
  }
  /// First slot of neighbour type t in the [nnei] slot axis.
  int sel_offset(int t) const {
    int n = 0;
    for (int k = 0; k < t; ++k) n += sel[k];
    return n;
  }
  int embedding_width() const {  ///< ng
    return embedding_nets.empty() ? 0 : embedding_nets.front().n_out();
  }
  int descriptor_dim() const { return embedding_width() * axis_neuron; }
  int n_embedding_nets() const { return static_cast<int>(embedding_nets.size()); }
  /// Index into embedding_nets for centre type t_i and neighbour type t_j.
  int embedding_index(int t_i, int t_j) const {
    return type_one_side ? t_j : t_i + n_types() * t_j;
  }
  int fitting_index(int t_i) const { return fitting_mixed_types ? 0 : t_i; }
  /// Width of the fitting input: descriptor, fparam, aparam (unless a mask), case embedding.
  int fitting_input_dim() const {
    return descriptor_dim() + numb_fparam + (use_aparam_as_mask ? 0 : numb_aparam) +
           static_cast<int>(case_embd.size());
  }
};

}  // namespace md
