// SPDX-License-Identifier: MIT
/// \file
/// HDF5 pieces shared by the model and checkpoint harnesses: the open-identifier check and the
/// invariants of a successfully read model (Deep Potential, ANI) and checkpoint.
#pragma once

#include <hdf5.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "core/checkpoint_state.hpp"
#include "fuzz/fuzz_common.hpp"
#include "potential/ani/ani_model.hpp"
#include "potential/deep/deep_model.hpp"

namespace md::fuzz {

/// For LLVMFuzzerInitialize of the HDF5 harnesses: no free lists in libhdf5, so that its memory
/// goes back to the allocator at once. A block HDF5 would otherwise keep for reuse carries state
/// from one input to the next (a crash then depends on what ran before) and hides a use after
/// free from AddressSanitizer.
inline void init_hdf5_harness() {
  H5set_free_list_limits(0, 0, 0, 0, 0, 0);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

/// A reader must close every HDF5 identifier it opened, also when it throws: a file left open
/// stays open for the whole process (and HDF5 would hand the stale copy to the next H5Fopen of
/// the same path).
inline void require_no_open_hdf5_objects(const char* reader) {
  const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (open != 0) {
    finding(std::string(reader) + " left " + std::to_string(open) + " HDF5 identifiers open");
  }
}

/// The body of every HDF5 reader harness: `read(path)` on the scratch file either returns a
/// value, which `check` validates, or throws md::Error with exit code `code` naming the file; no
/// HDF5 identifier is left open either way.
template <class Read, class Check>
void check_hdf5_reader(const char* reader, ExitCode code, const ScratchFile& file, Read&& read,
                       Check&& check) {
  decltype(read(file.path())) value;
  if (expect_value_or_error(reader, code, {file.path()}, [&] { value = read(file.path()); })) {
    check(value);
  }
  require_no_open_hdf5_objects(reader);
}

inline void check_net(const DenseNet& net, int n_in, const std::string& what) {
  int width = n_in;
  for (const DenseLayer& layer : net.layers) {
    require(layer.n_in == width && layer.n_out > 0, what + ": layer widths do not chain");
    const auto in = static_cast<std::size_t>(layer.n_in);
    const auto out = static_cast<std::size_t>(layer.n_out);
    require(layer.weight.size() == in * out, what + ": weight size is not n_in*n_out");
    require(layer.bias.empty() || layer.bias.size() == out, what + ": bias size");
    require(layer.timestep.empty() || layer.timestep.size() == out, what + ": idt size");
    width = layer.n_out;
  }
}

/// What potential/deep relies on in a model that read_deepmd_model accepted.
inline void check_model(const DeepModel& m) {
  const int nt = m.n_types();
  require(nt >= 1, "no types");
  const auto t = static_cast<std::size_t>(nt);
  require(m.sel.size() == t && m.n_nei() > 0, "sel");
  for (int s : m.sel) require(s >= 0, "negative sel");
  require(m.rcut > 0.0 && m.rcut_smth >= 0.0 && m.rcut_smth < m.rcut, "cutoffs");
  const std::size_t env = t * static_cast<std::size_t>(m.n_nei()) * 4;
  require(m.davg.size() == env && m.dstd.size() == env, "davg/dstd size");
  for (double s : m.dstd) require(s != 0.0 && std::isfinite(s), "dstd");
  require(m.embedding_nets.size() == (m.type_one_side ? t : t * t), "embedding net count");
  for (const DenseNet& net : m.embedding_nets) {
    require(!net.layers.empty(), "empty embedding net");
    require(net.n_out() == m.embedding_width(), "embedding widths differ");
    check_net(net, 1, "embedding net");
  }
  require(m.axis_neuron >= 1 && m.axis_neuron <= m.embedding_width(), "axis_neuron");
  require(m.descriptor_dim() > 0, "descriptor width");
  require(m.fitting_nets.size() == (m.fitting_mixed_types ? 1 : t), "fitting net count");
  for (const DenseNet& net : m.fitting_nets) {
    require(net.n_out() == 1, "fitting output width");
    check_net(net, m.fitting_input_dim(), "fitting net");
  }
  require(m.bias_atom_e.size() == t && m.out_bias.size() == t, "energy bias size");
  require(m.pair_exclude.size() == t * t && m.descriptor_exclude.size() == t * t &&
              m.atom_exclude.size() == t && m.remove_vacuum.size() == t,
          "exclusion mask sizes");
  require(m.numb_fparam >= 0 && m.numb_aparam >= 0, "parameter counts");
  const auto nf = static_cast<std::size_t>(m.numb_fparam);
  const auto na = static_cast<std::size_t>(m.numb_aparam);
  require(m.fparam_avg.size() == nf && m.fparam_inv_std.size() == nf, "fparam sizes");
  require(m.aparam_avg.size() == na && m.aparam_inv_std.size() == na, "aparam sizes");
  require(m.default_fparam.empty() || m.default_fparam.size() == nf, "default_fparam size");
}

inline bool all_finite(const std::vector<double>& values) {
  for (double v : values) {
    if (!std::isfinite(v)) return false;
  }
  return true;
}

/// What io/ani_model_reader.hpp promises of a model that read_ani_model accepted, and what
/// potential/ani relies on: unique element names that can name HDF5 groups, one finite self
/// energy each, positive cutoffs and non-empty AEV constant arrays (η and ζ > 0), an AEV of at
/// most 2^24 values, and per member one network per element whose widths chain from the AEV
/// length to one output, with weights of n_in × n_out, biases of n_out, CELU (α > 0) or identity,
/// every value finite.
inline void check_ani_model(const AniModel& m) {
  const std::size_t n = m.elements.size();
  require(n >= 1 && n <= 128, "element count");
  const std::set<std::string> unique(m.elements.begin(), m.elements.end());
  require(unique.size() == n, "duplicate element");
  for (const std::string& e : m.elements) {
    require(!e.empty() && e.find('/') == std::string::npos && e != "." && e != "..",
            "element name");
  }
  require(m.self_energies.size() == n && all_finite(m.self_energies), "self energies");
  const AniAevParams& p = m.aev;
  require(std::isfinite(p.radial_cutoff) && p.radial_cutoff > 0.0 &&
              std::isfinite(p.angular_cutoff) && p.angular_cutoff > 0.0,
          "AEV cutoffs");
  for (const std::vector<double>* a :
       {&p.eta_r, &p.shift_r, &p.zeta, &p.shift_z, &p.eta_a, &p.shift_a}) {
    require(!a->empty() && all_finite(*a), "empty or non-finite AEV constants");
  }
  for (const std::vector<double>* a : {&p.eta_r, &p.zeta, &p.eta_a}) {
    for (double v : *a) require(v > 0.0, "eta or zeta not > 0");
  }
  const double nd = static_cast<double>(n);
  const double length =
      nd * static_cast<double>(p.eta_r.size() * p.shift_r.size()) +
      nd * (nd + 1) / 2 *
          static_cast<double>(p.eta_a.size() * p.zeta.size() * p.shift_a.size() * p.shift_z.size());
  require(length <= double(1 << 24) && static_cast<double>(m.aev_length()) == length, "AEV length");
  require(!m.members.empty(), "no member");
  for (const std::vector<DenseNet>& member : m.members) {
    require(member.size() == n, "member without one network per element");
    for (const DenseNet& net : member) {
      require(!net.layers.empty(), "empty network");
      require(net.n_out() == 1, "network output width");
      check_net(net, m.aev_length(), "ANI network");
      for (const DenseLayer& layer : net.layers) {
        require(layer.bias.size() == static_cast<std::size_t>(layer.n_out), "ANI bias size");
        require(layer.timestep.empty() && layer.residual == Residual::kNone,
                "ANI layer with idt or residual");
        require(all_finite(layer.weight) && all_finite(layer.bias), "non-finite weight or bias");
        const Activation& a = layer.activation;
        require(a.kind == ActivationKind::kNone ||
                    (a.kind == ActivationKind::kCelu && std::isfinite(a.alpha) && a.alpha > 0.0),
                "activation");
      }
    }
  }
}

/// What engine/simulation_checkpoint.cpp relies on in a checkpoint that read_checkpoint_file
/// accepted.
inline void check_checkpoint(const CheckpointState& c) {
  const std::size_t n = c.ids.size();
  require(c.types.size() == n && c.positions.size() == 3 * n &&
              c.rebuild_positions.size() == 3 * n && c.velocities.size() == 3 * n &&
              c.images.size() == 3 * n,
          "per-atom arrays of different lengths");
  require(c.n_ranks >= 0 && c.rank_counts.size() == static_cast<std::size_t>(c.n_ranks) &&
              c.local_heat.size() == c.rank_counts.size(),
          "per-rank arrays");
}

}  // namespace md::fuzz
