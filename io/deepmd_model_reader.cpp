// SPDX-License-Identifier: MIT
/// \file
/// DeePMD-kit `.dp` reader: HDF5 C API for the container, nlohmann::json for the model dict.
///
/// The JSON is walked with a small cursor that remembers its path ("model.descriptor.sel"), so
/// every refusal names the exact key; datasets are read as double (HDF5 converts float32) and
/// checked against the dimensions the JSON implies before any value is used. Nothing is
/// evaluated here; the result is the plain md::DeepModel.
#include "io/deepmd_model_reader.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "core/error.hpp"
#include "core/format.hpp"
#include "io/hdf5_handle.hpp"

namespace md {
namespace {

using nlohmann::json;

// Newest @version of each serialized class this reader understands (DeePMD-kit's own
// check_version_compatibility limits at v3.2; shared/docs/deepmd-se_e2_a.md §2.4).
constexpr int kModelVersionMax = 2;
constexpr int kDescriptorVersionMax = 3;  // 3 = v3.2 layout, which only adds "compress"
constexpr int kFittingVersionMax = 4;
constexpr int kNetworkCollectionVersionMax = 1;
constexpr int kEmbeddingNetworkVersionMax = 2;
constexpr int kFittingNetworkVersionMax = 1;
constexpr int kLayerVersionMax = 2;
constexpr double kSilutDefaultThreshold = 3.0;
/// Most types a model may have. Real type maps name elements (≤ 118); the per-pair masks and
/// networks are [T][T], so an absurd type_map must not reach them.
constexpr std::size_t kMaxTypes = 1024;

// ---- HDF5 (identifiers closed by hdf5::Handle, io/hdf5_handle.hpp) -------------------------

/// A dataset read as double, with its HDF5 shape.
struct Array {
  std::vector<hsize_t> dims;
  std::vector<double> data;
  bool single_precision = false;
};

std::string dims_string(const std::vector<hsize_t>& dims) {
  std::string s = "[";
  for (std::size_t k = 0; k < dims.size(); ++k) s += (k ? "," : "") + std::to_string(dims[k]);
  return s + "]";
}

// ---- JSON cursor -----------------------------------------------------------------------------

/// What every node needs to report an error and to read a dataset.
struct ReadContext {
  std::string file;
  hid_t h5 = -1;
  bool single_precision = false;  ///< set when any dataset read was float32
};

class Node {
 public:
  Node(const json* value, std::string path, ReadContext* ctx)
      : value_(value), path_(std::move(path)), ctx_(ctx) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw model_error(ctx_->file + ": " + (path_.empty() ? "<root>" : path_) + ": " + what);
  }
  const std::string& path() const { return path_; }
  ReadContext& ctx() const { return *ctx_; }

  bool is_null() const { return value_->is_null(); }
  /// True when `key` exists and is not null.
  bool has(const std::string& key) const {
    if (!value_->is_object()) return false;
    const auto it = value_->find(key);
    return it != value_->end() && !it->is_null();
  }
  Node at(const std::string& key) const {
    if (!value_->is_object()) fail("expected an object");
    const auto it = value_->find(key);
    if (it == value_->end()) fail("missing key '" + key + "'");
    return Node(&*it, join(key), ctx_);
  }
  Node at(std::size_t index) const {
    if (!value_->is_array()) fail("expected a list");
    if (index >= value_->size()) fail("list too short (index " + std::to_string(index) + ")");
    return Node(&(*value_)[index], path_ + "[" + std::to_string(index) + "]", ctx_);
  }
  std::size_t size() const {
    if (!value_->is_array()) fail("expected a list");
    return value_->size();
  }

  int as_int() const {
    if (!value_->is_number_integer()) fail("expected an integer");
    // Both checks on the 64-bit value: get<int>() would wrap 4294967298 to 2.
    const bool fits =
        value_->is_number_unsigned()
            ? value_->get<std::uint64_t>() <= static_cast<std::uint64_t>(INT_MAX)
            : value_->get<std::int64_t>() >= INT_MIN && value_->get<std::int64_t>() <= INT_MAX;
    if (!fits) fail("integer " + value_->dump() + " out of range (expected a 32-bit integer)");
    return value_->get<int>();
  }
  double as_double() const {
    if (!value_->is_number()) fail("expected a number");
    return value_->get<double>();
  }
  bool as_bool() const {
    if (!value_->is_boolean()) fail("expected true or false");
    return value_->get<bool>();
  }
  std::string as_string() const {
    if (!value_->is_string()) fail("expected a string");
    return value_->get<std::string>();
  }
  std::vector<int> as_int_list() const {
    std::vector<int> out;
    for (std::size_t k = 0; k < size(); ++k) out.push_back(at(k).as_int());
    return out;
  }
  std::vector<std::string> as_string_list() const {
    std::vector<std::string> out;
    for (std::size_t k = 0; k < size(); ++k) out.push_back(at(k).as_string());
    return out;
  }

  int get_int(const std::string& key, int fallback) const {
    return has(key) ? at(key).as_int() : fallback;
  }
  bool get_bool(const std::string& key, bool fallback) const {
    return has(key) ? at(key).as_bool() : fallback;
  }
  double get_double(const std::string& key, double fallback) const {
    return has(key) ? at(key).as_double() : fallback;
  }
  std::string get_string(const std::string& key, const std::string& fallback) const {
    return has(key) ? at(key).as_string() : fallback;
  }

  /// Checks "@class" and that "@version" (1 when absent, as in DeePMD-kit) is not newer than
  /// `max_version`.
  void expect_class(const std::string& cls, int max_version) const {
    const std::string got = get_string("@class", "");
    if (got != cls) fail("expected \"@class\": \"" + cls + "\", got \"" + got + "\"");
    const int version = get_int("@version", 1);
    if (version > max_version) {
      fail("@version " + std::to_string(version) + " of " + cls +
           " is newer than this reader supports (at most " + std::to_string(max_version) +
           "); the file was written by a newer DeePMD-kit");
    }
  }

  /// Reads the dataset that `@variables.<name>` points to, which must have one of `shapes`.
  /// Returns false when the entry is null or absent (an optional array). The shape, and that the
  /// file holds the data it declares, are checked before memory is allocated for it.
  bool read_variable(const std::string& name, const std::vector<std::vector<hsize_t>>& shapes,
                     Array& out) const {
    const Node vars = at("@variables");
    if (!vars.has(name)) return false;
    const Node ref = vars.at(name);
    const std::string ds_path = ref.as_string();
    const std::string where = ds_path + " (" + ref.path() + ")";
    hdf5::Handle ds(H5Dopen2(ctx_->h5, ds_path.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.valid()) throw model_error(ctx_->file + ": missing dataset " + where);
    hdf5::Handle type(H5Dget_type(ds.get()), H5Tclose);
    if (!type.valid() || H5Tget_class(type.get()) != H5T_FLOAT) {
      throw model_error(ctx_->file + ": dataset " + where + " is not floating-point");
    }
    const bool single = H5Tget_size(type.get()) < sizeof(double);
    hdf5::Handle space(H5Dget_space(ds.get()), H5Sclose);
    const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (rank < 0) throw model_error(ctx_->file + ": cannot read the shape of dataset " + where);
    out.dims.assign(static_cast<std::size_t>(rank), 0);
    if (rank > 0) H5Sget_simple_extent_dims(space.get(), out.dims.data(), nullptr);
    check_shape(name, out, shapes);
    const long long count = hdf5::element_count(out.dims);
    const std::string problem = hdf5::stored_size_problem(ds.get(), count);
    if (!problem.empty()) {
      throw model_error(ctx_->file + ": dataset " + where + " cannot be read: " + problem);
    }
    out.data.assign(static_cast<std::size_t>(count), 0.0);
    if (count > 0 &&
        H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data.data()) < 0) {
      throw model_error(ctx_->file + ": cannot read dataset " + where +
                        " (truncated or corrupt file?)");
    }
    for (double v : out.data) {
      if (!std::isfinite(v)) {
        throw model_error(ctx_->file + ": dataset " + where + " holds a non-finite value");
      }
    }
    out.single_precision = single;
    if (single) ctx_->single_precision = true;
    return true;
  }

  /// Reads a required variable of exactly `shape`.
  std::vector<double> read_required(const std::string& name,
                                    const std::vector<hsize_t>& shape) const {
    Array a;
    if (!read_variable(name, {shape}, a)) fail("@variables." + name + " is missing or null");
    return std::move(a.data);
  }

  /// Reads an optional variable that, when present, must have one of `shapes`.
  bool read_optional(const std::string& name, const std::vector<std::vector<hsize_t>>& shapes,
                     std::vector<double>& out) const {
    Array a;
    if (!read_variable(name, shapes, a)) return false;
    out = std::move(a.data);
    return true;
  }

  void check_shape(const std::string& name, const Array& a,
                   const std::vector<std::vector<hsize_t>>& shapes) const {
    for (const auto& s : shapes) {
      if (a.dims == s) return;
    }
    std::string expected;
    for (const auto& s : shapes) expected += (expected.empty() ? "" : " or ") + dims_string(s);
    const std::string ds_path = at("@variables").at(name).as_string();
    throw model_error(ctx_->file + ": dataset " + ds_path + " (" + path_ + ".@variables." + name +
                      ") has shape " + dims_string(a.dims) + ", expected " + expected);
  }

 private:
  std::string join(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  const json* value_;
  std::string path_;
  ReadContext* ctx_;
};

// ---- model pieces ----------------------------------------------------------------------------

Activation parse_activation(const Node& node) {
  std::string name = node.as_string();
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  Activation a;
  if (name == "tanh") {
    a.kind = ActivationKind::kTanh;
  } else if (name == "relu") {
    a.kind = ActivationKind::kRelu;
  } else if (name == "relu6") {
    a.kind = ActivationKind::kRelu6;
  } else if (name == "softplus") {
    a.kind = ActivationKind::kSoftplus;
  } else if (name == "sigmoid") {
    a.kind = ActivationKind::kSigmoid;
  } else if (name == "silu") {
    a.kind = ActivationKind::kSilu;
  } else if (name == "gelu" || name == "gelu_tf") {
    a.kind = ActivationKind::kGelu;
  } else if (name == "none" || name == "linear") {
    a.kind = ActivationKind::kNone;
  } else if (name.rfind("silut", 0) == 0 || name.rfind("custom_silu", 0) == 0) {
    // DeePMD-kit: threshold after the last ':' (default 3); above it the activation continues
    // as tanh(slope·(x − t)) + silu(t) with slope = silu'(t), so it is C¹ at t.
    a.kind = ActivationKind::kSilut;
    a.threshold = kSilutDefaultThreshold;
    const auto colon = name.rfind(':');
    if (colon != std::string::npos) {
      const std::string text = name.substr(colon + 1);
      char* end = nullptr;
      a.threshold = std::strtod(text.c_str(), &end);
      if (text.empty() || end == nullptr || *end != '\0' || !std::isfinite(a.threshold)) {
        node.fail("cannot read the silut threshold in \"" + node.as_string() + "\"");
      }
    }
    const double sig = 1.0 / (1.0 + std::exp(-a.threshold));
    a.slope = sig + a.threshold * sig * (1.0 - sig);
    a.offset = a.threshold * sig;
  } else {
    node.fail("unsupported activation function \"" + node.as_string() +
              "\" (supported: tanh, relu, relu6, softplus, sigmoid, silu, gelu, gelu_tf, "
              "none, linear, silut[:t], custom_silu[:t])");
  }
  return a;
}

DenseLayer parse_layer(const Node& node, int n_in, int n_out) {
  node.expect_class("Layer", kLayerVersionMax);
  DenseLayer layer;
  layer.n_in = n_in;
  layer.n_out = n_out;
  const auto in = static_cast<hsize_t>(n_in);
  const auto out = static_cast<hsize_t>(n_out);
  layer.weight = node.read_required("w", {in, out});
  // TF conversions store b and idt as [1, n_out]; DeePMD-kit ravels them.
  if (!node.read_optional("b", {{out}, {1, out}}, layer.bias) && node.get_bool("bias", false)) {
    node.fail("\"bias\" is true but @variables.b is null");
  }
  if (!node.read_optional("idt", {{out}, {1, out}}, layer.timestep) &&
      node.get_bool("use_timestep", false)) {
    node.fail("\"use_timestep\" is true but @variables.idt is null");
  }
  layer.activation = parse_activation(node.at("activation_function"));
  const bool resnet = node.get_bool("resnet", false);
  if (resnet && n_out == n_in) {
    layer.residual = Residual::kIdentity;
  } else if (resnet && n_out == 2 * n_in) {
    layer.residual = Residual::kDoubled;
  }
  return layer;
}

/// Layers of an embedding or fitting network with the given input width and layer widths.
DenseNet parse_layers(const Node& net, int n_in, const std::vector<int>& widths) {
  const Node layers = net.at("layers");
  if (layers.size() != widths.size()) {
    layers.fail("expected " + std::to_string(widths.size()) + " layers, got " +
                std::to_string(layers.size()));
  }
  DenseNet dense;
  int width_in = n_in;
  for (std::size_t l = 0; l < widths.size(); ++l) {
    dense.layers.push_back(parse_layer(layers.at(l), width_in, widths[l]));
    width_in = widths[l];
  }
  return dense;
}

std::vector<int> parse_neurons(const Node& node) {
  std::vector<int> neurons = node.as_int_list();
  for (int n : neurons) {
    if (n <= 0) node.fail("layer widths must be positive");
  }
  return neurons;
}

/// Checks a NetworkCollection header and returns its `networks` list node.
Node network_list(const Node& coll, int ndim, int n_types) {
  coll.expect_class("NetworkCollection", kNetworkCollectionVersionMax);
  if (coll.at("ndim").as_int() != ndim) {
    coll.at("ndim").fail("expected " + std::to_string(ndim) + " for this model layout");
  }
  if (coll.has("ntypes") && coll.at("ntypes").as_int() != n_types) {
    coll.at("ntypes").fail("does not match the " + std::to_string(n_types) + " types of type_map");
  }
  std::size_t expected = 1;
  for (int d = 0; d < ndim; ++d) expected *= static_cast<std::size_t>(n_types);
  const Node list = coll.at("networks");
  if (list.size() != expected) {
    list.fail("expected " + std::to_string(expected) + " networks, got " +
              std::to_string(list.size()));
  }
  for (std::size_t k = 0; k < expected; ++k) {
    if (list.at(k).is_null()) {
      list.at(k).fail("network is null (models with missing networks are not supported)");
    }
  }
  return list;
}

/// Reads a list of [i, j] type pairs into a symmetric [T][T] mask.
std::vector<char> parse_pair_mask(const Node& node, int n_types) {
  std::vector<char> mask(static_cast<std::size_t>(n_types * n_types), 0);
  for (std::size_t k = 0; k < node.size(); ++k) {
    const Node pair = node.at(k);
    if (pair.size() != 2) pair.fail("expected a pair of type indices");
    const int a = pair.at(0).as_int();
    const int b = pair.at(1).as_int();
    if (a < 0 || b < 0 || a >= n_types || b >= n_types) pair.fail("type index out of range");
    mask[a * n_types + b] = 1;
    mask[b * n_types + a] = 1;
  }
  return mask;
}

void parse_descriptor(const Node& desc, DeepModel& m) {
  const int n_types = m.n_types();
  const std::string type = desc.at("type").as_string();
  if (desc.get_string("@class", "") != "Descriptor") {
    desc.fail("expected \"@class\": \"Descriptor\"");
  }
  if (type != "se_e2_a" && type != "se_a") {
    desc.at("type").fail("descriptor type \"" + type + "\" is not supported (only se_e2_a / se_a)");
  }
  // DeePMD-kit's compressed .dp files (`dp --pt compress`: descriptor @version 3 with
  // compress_info/compress_data, or a "compress" entry) carry its tables; mdrun builds its own from
  // the uncompressed model instead.
  for (const char* key : {"compress", "compress_info", "compress_data"}) {
    if (desc.has(key)) {
      desc.at(key).fail(
          "this is a compressed model (made by `dp compress`); mdrun tabulates models itself: "
          "give it the uncompressed .dp file and set potential.compress: true "
          "(docs/model-format.md, \"Compression\")");
    }
  }
  desc.expect_class("Descriptor", kDescriptorVersionMax);
  if (desc.has("spin")) desc.at("spin").fail("spin models are not supported");
  if (desc.has("env_mat") && desc.at("env_mat").get_bool("use_exp_switch", false)) {
    desc.at("env_mat").at("use_exp_switch").fail("the exponential switch is not supported");
  }

  m.rcut = desc.at("rcut").as_double();
  m.rcut_smth = desc.at("rcut_smth").as_double();
  if (!(m.rcut > 0.0)) desc.at("rcut").fail("must be > 0");
  if (!(m.rcut_smth >= 0.0 && m.rcut_smth < m.rcut)) {
    desc.at("rcut_smth").fail("must satisfy 0 <= rcut_smth < rcut");
  }
  m.env_protection = desc.get_double("env_protection", 0.0);
  if (!(m.env_protection >= 0.0)) desc.at("env_protection").fail("must be >= 0");
  m.sel = desc.at("sel").as_int_list();
  if (static_cast<int>(m.sel.size()) != n_types) {
    desc.at("sel").fail("expected " + std::to_string(n_types) +
                        " entries (one per type of type_map), got " + std::to_string(m.sel.size()));
  }
  std::int64_t sel_sum = 0;
  for (int s : m.sel) {
    if (s < 0) desc.at("sel").fail("entries must be >= 0");
    sel_sum += s;
  }
  if (sel_sum > INT_MAX)
    desc.at("sel").fail("sum of sel " + std::to_string(sel_sum) + " is too large");
  if (m.n_nei() <= 0) desc.at("sel").fail("sum of sel must be > 0");
  const std::vector<int> neurons = parse_neurons(desc.at("neuron"));
  if (neurons.empty()) desc.at("neuron").fail("the embedding net needs at least one layer");
  m.axis_neuron = desc.at("axis_neuron").as_int();
  if (m.axis_neuron <= 0 || m.axis_neuron > neurons.back()) {
    desc.at("axis_neuron")
        .fail("must be between 1 and the last embedding width " + std::to_string(neurons.back()));
  }
  m.type_one_side = desc.at("type_one_side").as_bool();
  m.descriptor_exclude = desc.has("exclude_types")
                             ? parse_pair_mask(desc.at("exclude_types"), n_types)
                             : std::vector<char>(static_cast<std::size_t>(n_types * n_types), 0);
  m.descriptor_precision = desc.get_string("precision", "float64");
  if (desc.has("type_map") && desc.at("type_map").as_string_list() != m.type_map) {
    desc.at("type_map").fail("differs from model.type_map");
  }

  const auto nt = static_cast<hsize_t>(n_types);
  const auto nnei = static_cast<hsize_t>(m.n_nei());
  m.davg = desc.read_required("davg", {nt, nnei, 4});
  m.dstd = desc.read_required("dstd", {nt, nnei, 4});
  for (double s : m.dstd) {
    if (s == 0.0) desc.fail("@variables.dstd holds a zero standard deviation");
  }

  const Node emb = desc.at("embeddings");
  const Node list = network_list(emb, m.type_one_side ? 1 : 2, n_types);
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Node net = list.at(k);
    net.expect_class("EmbeddingNetwork", kEmbeddingNetworkVersionMax);
    if (net.get_int("in_dim", 1) != 1) net.at("in_dim").fail("se_e2_a embedding input is 1");
    if (net.has("neuron") && parse_neurons(net.at("neuron")) != neurons) {
      net.at("neuron").fail("differs from the descriptor's neuron list");
    }
    m.embedding_nets.push_back(parse_layers(net, 1, neurons));
  }
}

void parse_fitting(const Node& fit, DeepModel& m) {
  const int n_types = m.n_types();
  if (fit.get_string("@class", "") != "Fitting") fit.fail("expected \"@class\": \"Fitting\"");
  const std::string type = fit.at("type").as_string();
  if (type != "ener") {
    fit.at("type").fail("fitting type \"" + type + "\" is not supported (only ener)");
  }
  fit.expect_class("Fitting", kFittingVersionMax);
  if (fit.has("var_name") && fit.at("var_name").as_string() != "energy") {
    fit.at("var_name").fail("expected \"energy\"");
  }
  if (fit.get_int("dim_out", 1) != 1) fit.at("dim_out").fail("an energy fitting has dim_out 1");
  if (fit.has("ntypes") && fit.at("ntypes").as_int() != n_types) {
    fit.at("ntypes").fail("does not match the " + std::to_string(n_types) + " types");
  }
  if (fit.has("dim_descrpt") && fit.at("dim_descrpt").as_int() != m.descriptor_dim()) {
    fit.at("dim_descrpt")
        .fail("does not match the descriptor width " + std::to_string(m.descriptor_dim()));
  }
  if (fit.get_bool("tot_ener_zero", false)) fit.at("tot_ener_zero").fail("is not supported");
  if (fit.has("layer_name")) fit.at("layer_name").fail("shared layers are not supported");
  if (fit.has("spin")) fit.at("spin").fail("spin models are not supported");

  m.numb_fparam = fit.get_int("numb_fparam", 0);
  m.numb_aparam = fit.get_int("numb_aparam", 0);
  if (m.numb_fparam < 0) fit.at("numb_fparam").fail("must be >= 0");
  if (m.numb_aparam < 0) fit.at("numb_aparam").fail("must be >= 0");
  const int dim_case_embd = fit.get_int("dim_case_embd", 0);
  if (dim_case_embd < 0) fit.at("dim_case_embd").fail("must be >= 0");
  m.use_aparam_as_mask = fit.get_bool("use_aparam_as_mask", false);
  m.fitting_mixed_types = fit.get_bool("mixed_types", true);
  m.fitting_precision = fit.get_string("precision", "float64");

  const auto nt = static_cast<hsize_t>(n_types);
  m.bias_atom_e = fit.read_required("bias_atom_e", {nt, 1});
  const auto nfp = static_cast<hsize_t>(m.numb_fparam);
  const auto nap = static_cast<hsize_t>(m.numb_aparam);
  if (m.numb_fparam > 0) {
    m.fparam_avg = fit.read_required("fparam_avg", {nfp});
    m.fparam_inv_std = fit.read_required("fparam_inv_std", {nfp});
  }
  if (m.numb_aparam > 0) {
    m.aparam_avg = fit.read_required("aparam_avg", {nap});
    m.aparam_inv_std = fit.read_required("aparam_inv_std", {nap});
  }
  if (dim_case_embd > 0) {
    m.case_embd = fit.read_required("case_embd", {static_cast<hsize_t>(dim_case_embd)});
  }
  if (fit.has("default_fparam")) {
    const Node def = fit.at("default_fparam");
    for (std::size_t k = 0; k < def.size(); ++k) m.default_fparam.push_back(def.at(k).as_double());
    if (static_cast<int>(m.default_fparam.size()) != m.numb_fparam) {
      def.fail("expected " + std::to_string(m.numb_fparam) + " values (numb_fparam)");
    }
  }

  // InvarFitting: atom_ener entries that are not null switch on "remove the vacuum
  // contribution" for that type; types past the end of the list get it too.
  m.remove_vacuum.assign(static_cast<std::size_t>(n_types), 0);
  if (fit.has("atom_ener")) {
    const Node ener = fit.at("atom_ener");
    bool any = false;
    for (std::size_t k = 0; k < ener.size(); ++k) any = any || !ener.at(k).is_null();
    if (any) {
      for (int t = 0; t < n_types; ++t) {
        const bool listed = static_cast<std::size_t>(t) < ener.size();
        m.remove_vacuum[t] = (!listed || !ener.at(t).is_null()) ? 1 : 0;
      }
    }
  }

  const std::vector<int> neurons = parse_neurons(fit.at("neuron"));
  std::vector<int> widths = neurons;
  widths.push_back(1);
  const Node list = network_list(fit.at("nets"), m.fitting_mixed_types ? 0 : 1, n_types);
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Node net = list.at(k);
    net.expect_class("FittingNetwork", kFittingNetworkVersionMax);
    if (net.has("in_dim") && net.at("in_dim").as_int() != m.fitting_input_dim()) {
      net.at("in_dim").fail("expected " + std::to_string(m.fitting_input_dim()) +
                            " (descriptor + fparam + aparam + case embedding)");
    }
    if (net.get_int("out_dim", 1) != 1) net.at("out_dim").fail("expected 1");
    m.fitting_nets.push_back(parse_layers(net, m.fitting_input_dim(), widths));
  }
}

void parse_model(const Node& model, DeepModel& m) {
  if (model.get_string("@class", "") != "Model") model.fail("expected \"@class\": \"Model\"");
  const std::string type = model.at("type").as_string();
  if (type != "standard") {
    model.at("type").fail("model type \"" + type +
                          "\" is not supported (only standard se_e2_a energy models)");
  }
  model.expect_class("Model", kModelVersionMax);
  const Node type_map = model.at("type_map");
  if (type_map.size() > kMaxTypes) {
    type_map.fail(std::to_string(type_map.size()) + " types, more than the " +
                  std::to_string(kMaxTypes) + " supported");
  }
  m.type_map = type_map.as_string_list();
  if (m.type_map.empty()) type_map.fail("is empty");
  std::set<std::string> seen;
  for (const std::string& name : m.type_map) {
    if (!seen.insert(name).second) type_map.fail("type \"" + name + "\" appears twice");
  }
  const int n_types = m.n_types();
  m.pair_exclude = model.has("pair_exclude_types")
                       ? parse_pair_mask(model.at("pair_exclude_types"), n_types)
                       : std::vector<char>(static_cast<std::size_t>(n_types * n_types), 0);
  m.atom_exclude.assign(static_cast<std::size_t>(n_types), 0);
  if (model.has("atom_exclude_types")) {
    const Node list = model.at("atom_exclude_types");
    for (std::size_t k = 0; k < list.size(); ++k) {
      const int t = list.at(k).as_int();
      if (t < 0 || t >= n_types) list.at(k).fail("type index out of range");
      m.atom_exclude[t] = 1;
    }
  }
  const auto nt = static_cast<hsize_t>(n_types);
  if (!model.read_optional("out_bias", {{1, nt, 1}}, m.out_bias)) {
    m.out_bias.assign(static_cast<std::size_t>(n_types), 0.0);
  }
  parse_descriptor(model.at("descriptor"), m);
  parse_fitting(model.at("fitting"), m);
}

std::string read_json_attribute(hid_t file, const std::string& path) {
  if (H5Aexists(file, "json") <= 0) {
    throw model_error(path + ": not a DeePMD-kit .dp model (the root attribute 'json' is missing)");
  }
  hdf5::Handle attr(H5Aopen(file, "json", H5P_DEFAULT), H5Aclose);
  hdf5::Handle ftype(attr.valid() ? H5Aget_type(attr.get()) : -1, H5Tclose);
  if (!ftype.valid() || H5Tget_class(ftype.get()) != H5T_STRING) {
    throw model_error(path + ": the root attribute 'json' is not a string");
  }
  // H5Aread writes one string (or pointer) per value: the buffers below have room for one.
  hsize_t count = 0;
  const std::string problem = hdf5::attribute_count_problem(attr.get(), count);
  if (!problem.empty()) throw model_error(path + ": the root attribute 'json': " + problem);
  if (count != 1) {
    throw model_error(path + ": the root attribute 'json' holds " + std::to_string(count) +
                      " values (expected one string)");
  }
  std::string text;
  if (H5Tis_variable_str(ftype.get()) > 0) {
    hdf5::Handle mtype(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mtype.get(), H5T_VARIABLE);
    H5Tset_cset(mtype.get(), H5Tget_cset(ftype.get()));
    char* buffer = nullptr;
    if (H5Aread(attr.get(), mtype.get(), &buffer) < 0 || buffer == nullptr) {
      if (buffer != nullptr) H5free_memory(buffer);
      throw model_error(path + ": cannot read the root attribute 'json'");
    }
    text = buffer;
    H5free_memory(buffer);
  } else {
    const std::size_t size = H5Tget_size(ftype.get());
    std::vector<char> buffer(size + 1, '\0');
    hdf5::Handle mtype(H5Tcopy(ftype.get()), H5Tclose);
    if (H5Aread(attr.get(), mtype.get(), buffer.data()) < 0) {
      throw model_error(path + ": cannot read the root attribute 'json'");
    }
    text.assign(buffer.data());
  }
  return text;
}

}  // namespace

DeepModel read_deepmd_model(const std::string& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw model_error(path + ": cannot open the model file");
  }
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 <= 0) {
    throw model_error(path +
                      ": not an HDF5 file, so not a DeePMD-kit .dp model (convert "
                      "other formats with `dp convert-backend`; see docs/model-format.md)");
  }
  hdf5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) {
    throw model_error(path + ": cannot open the HDF5 file (truncated or corrupt?)");
  }
  const std::string text = read_json_attribute(file.get(), path);
  json root;
  try {
    root = json::parse(text);
  } catch (const json::exception& e) {
    throw model_error(path + ": the root attribute 'json' is not valid JSON: " + e.what());
  }
  ReadContext ctx;
  ctx.file = path;
  ctx.h5 = file.get();
  const Node top(&root, "", &ctx);
  DeepModel m;
  m.source = path;
  if (top.has("version") && root["version"].is_string()) {
    m.software_version = top.at("version").as_string();
  }
  parse_model(top.at("model"), m);
  // The training data's closest pair (DeePMD-kit records it for `dp compress`); optional.
  if (top.has("@variables")) {
    std::vector<double> min_nbor_dist;
    if (top.read_optional("min_nbor_dist", {{}, {1}}, min_nbor_dist)) {
      m.min_nbor_dist = min_nbor_dist.front();
      if (!(m.min_nbor_dist > 0.0)) {
        throw model_error(path + ": @variables.min_nbor_dist is " +
                          format_number(m.min_nbor_dist) + ", not a positive distance");
      }
    }
  }
  m.stored_single_precision = ctx.single_precision;
  return m;
}

}  // namespace md
