// SPDX-License-Identifier: MIT
/// \file
/// ANI model reader (docs/model-format.md §9): HDF5 C API, identifiers owned by hdf5::Handle.
///
/// The file is walked top-down with every object's path in hand, so each refusal names the
/// object ("/members/0/H/layer_1/weight") and what was expected. Groups are looked up by name,
/// never by HDF5's iteration order (h5py lists layer_10 before layer_2); their entries are
/// listed only to find missing and unexpected names. A dataset's shape is checked against what
/// the layers before it imply, and against what the file stores (hdf5::stored_size_problem),
/// before anything is allocated for it; and the storage of all datasets read, added up, must fit
/// in the file, so that hard links (or a corrupt layout) pointing many names at one dataset cannot
/// make the reader read it thousands of times.
#include "io/ani_model_reader.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/format.hpp"
#include "io/hdf5_handle.hpp"

namespace md {
namespace {

constexpr const char* kFormat = "mdrun-ani";
constexpr std::int64_t kFormatVersion = 1;
constexpr const char* kConverter =
    "scripts/ani2h5.py converts NeuroChem ANI models to one; see docs/model-format.md, "
    "\"ANI models\"";
/// More elements than any periodic table; keeps n², the element pairs, small.
constexpr std::size_t kMaxElements = 128;
/// Most entries listed from one group: every group of the layout holds far fewer (members,
/// elements, layers), and a corrupt link count must not make the reader walk 10^18 names.
constexpr hsize_t kMaxGroupEntries = 4096;
/// Longest AEV accepted (ANI-2x: 1008); keeps AniModel's int arithmetic far from overflow.
constexpr double kMaxAevLength = 1 << 24;

std::string shape_string(const std::vector<hsize_t>& dims) {
  std::string s = "[";
  for (std::size_t k = 0; k < dims.size(); ++k) s += (k ? ", " : "") + std::to_string(dims[k]);
  return s + "]";
}

/// "[o, i]" of flat index `k` in a row-major array of `dims`.
std::string index_string(std::size_t k, const std::vector<hsize_t>& dims) {
  std::vector<hsize_t> index(dims.size(), 0);
  for (std::size_t d = dims.size(); d-- > 0;) {
    index[d] = k % dims[d];
    k /= dims[d];
  }
  return shape_string(index);
}

std::string join(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

std::string attribute_where(const std::string& object, const std::string& name) {
  return object + " (attribute '" + name + "')";
}

/// "1 entry", "4 entries".
std::string entries_string(long long n) {
  return std::to_string(n) + (n == 1 ? " entry" : " entries");
}

std::string list_string(const std::vector<std::string>& names) {
  std::string s = "[";
  for (std::size_t k = 0; k < names.size(); ++k) s += (k ? ", " : "") + names[k];
  return s + "]";
}

/// `text` as a non-negative decimal integer without leading zeros, or -1.
long long canonical_index(const std::string& text) {
  if (text.empty() || text.size() > 9 || (text.size() > 1 && text[0] == '0')) return -1;
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

/// A dataset opened by path, with its HDF5 shape.
struct Dataset {
  hdf5::Handle id;
  std::string path;
  std::vector<hsize_t> dims;
};

class Reader {
 public:
  Reader(std::string file, hid_t h5) : file_(std::move(file)), h5_(h5) {
    if (H5Fget_filesize(h5_, &file_size_) < 0) file_size_ = 0;
  }

  [[noreturn]] void fail(const std::string& object, const std::string& what) const {
    throw model_error(file_ + ": " + object + ": " + what);
  }

  // ---- objects -------------------------------------------------------------------------------

  /// Opens `name` in `parent` (path `parent_path`) and checks that it is a group or a dataset.
  hdf5::Handle open_object(hid_t parent, const std::string& parent_path, const std::string& name,
                           H5I_type_t kind) const {
    const std::string path = join(parent_path, name);
    const char* expected = kind == H5I_GROUP ? "a group" : "a dataset";
    if (H5Lexists(parent, name.c_str(), H5P_DEFAULT) <= 0) {
      fail(path, std::string("is missing (expected ") + expected + ")");
    }
    // Soft and external links are not followed: an external link would open another file.
    H5L_info_t link;
    if (H5Lget_info(parent, name.c_str(), &link, H5P_DEFAULT) < 0 || link.type != H5L_TYPE_HARD) {
      fail(path, std::string("is a link, not ") + expected + " (mdrun ANI files hold no links)");
    }
    hdf5::Handle object(H5Oopen(parent, name.c_str(), H5P_DEFAULT), H5Oclose);
    if (!object.valid()) fail(path, "cannot be opened (truncated or corrupt file?)");
    if (H5Iget_type(object.get()) != kind) fail(path, std::string("is not ") + expected);
    return object;
  }

  /// The names of the entries of group `group`, in name order (only to find missing and
  /// unexpected names: lookups go by name).
  std::vector<std::string> entry_names(hid_t group, const std::string& path) const {
    H5G_info_t info;
    if (H5Gget_info(group, &info) < 0) fail(path, "cannot list the group (corrupt file?)");
    if (info.nlinks > kMaxGroupEntries) {
      fail(path, "holds " + std::to_string(info.nlinks) + " entries, more than the " +
                     std::to_string(kMaxGroupEntries) + " an ANI model file has");
    }
    std::vector<std::string> names;
    for (hsize_t k = 0; k < info.nlinks; ++k) {
      const ssize_t size =
          H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, k, nullptr, 0, H5P_DEFAULT);
      if (size < 0) fail(path, "cannot list the group (corrupt file?)");
      std::string name(static_cast<std::size_t>(size) + 1, '\0');
      if (H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, k, name.data(), name.size(),
                             H5P_DEFAULT) < 0) {
        fail(path, "cannot list the group (corrupt file?)");
      }
      name.resize(static_cast<std::size_t>(size));
      names.push_back(std::move(name));
    }
    return names;
  }

  /// Opens dataset `name` of `parent`, checks its type class and reads its shape.
  Dataset open_dataset(hid_t parent, const std::string& parent_path, const std::string& name,
                       H5T_class_t cls) const {
    Dataset d;
    d.path = join(parent_path, name);
    d.id = open_object(parent, parent_path, name, H5I_DATASET);
    hdf5::Handle type(H5Dget_type(d.id.get()), H5Tclose);
    if (!type.valid() || H5Tget_class(type.get()) != cls) {
      fail(d.path, cls == H5T_STRING ? "is not a dataset of strings"
                                     : "is not floating-point (expected float32 or float64)");
    }
    hdf5::Handle space(H5Dget_space(d.id.get()), H5Sclose);
    const int rank = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (rank < 0) fail(d.path, "cannot read its shape (corrupt file?)");
    d.dims.assign(static_cast<std::size_t>(rank), 0);
    if (rank > 0 && H5Sget_simple_extent_dims(space.get(), d.dims.data(), nullptr) < 0) {
      fail(d.path, "cannot read its shape (corrupt file?)");
    }
    return d;
  }

  /// The number of values of `d`, after checking that the file stores them all: called only
  /// once the shape has been checked, and before anything is allocated. Also adds the dataset's
  /// storage to the total read so far, which cannot exceed the file's size: every dataset of an
  /// ANI file has storage of its own. A file whose names share datasets (one member's group hard-
  /// linked as /members/0 … /members/4095, a layer linked into every network) would otherwise be
  /// read, and held in memory, once per name: a few kB of links multiplying a model's size.
  std::size_t checked_count(const Dataset& d) const {
    const long long count = hdf5::element_count(d.dims);
    const std::string problem = hdf5::stored_size_problem(d.id.get(), count);
    if (!problem.empty()) fail(d.path, "cannot be read: " + problem);
    const hsize_t stored = std::min<hsize_t>(H5Dget_storage_size(d.id.get()), file_size_);
    // (Compressed data may expand, so stored_size_problem lets a compressed dataset of < 1 kB
    // declared store nothing: it would read as fill values.)
    if (count > 0 && stored == 0) {
      fail(d.path, "cannot be read: the file stores none of its data (never written?)");
    }
    stored_total_ += stored;
    if (stored_total_ > file_size_) {
      fail(d.path, "the datasets read so far, this one included, take " +
                       std::to_string(stored_total_) + " bytes of storage, more than the file's " +
                       std::to_string(file_size_) +
                       ": datasets are shared between several names (hard links) or overlap "
                       "(corrupt file?); an mdrun ANI file stores each dataset once");
    }
    return static_cast<std::size_t>(count);
  }

  /// All values of `d` as double (HDF5 converts float32 exactly); each must be finite.
  std::vector<double> read_values(const Dataset& d) const {
    std::vector<double> values(checked_count(d));
    if (!values.empty() &&
        H5Dread(d.id.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
      fail(d.path, "cannot be read (truncated or corrupt file?)");
    }
    for (std::size_t k = 0; k < values.size(); ++k) {
      if (!std::isfinite(values[k])) {
        fail(d.path, "holds a non-finite value (" + format_number(values[k]) + " at " +
                         index_string(k, d.dims) + ")");
      }
    }
    return values;
  }

  /// A rank-1 float dataset of `expected` values (any length ≥ 1 when `expected` is 0).
  std::vector<double> read_vector(hid_t parent, const std::string& parent_path,
                                  const std::string& name, std::size_t expected,
                                  const std::string& why) const {
    const Dataset d = open_dataset(parent, parent_path, name, H5T_FLOAT);
    if (d.dims.size() != 1) {
      fail(d.path, "shape " + shape_string(d.dims) + " (expected a 1-D array" +
                       (expected ? " of " + std::to_string(expected) : std::string()) + ")");
    }
    if (expected == 0 && d.dims[0] == 0) fail(d.path, "is empty (expected at least one value)");
    if (expected != 0 && d.dims[0] != expected) {
      fail(d.path, "shape " + shape_string(d.dims) + " but " + why);
    }
    return read_values(d);
  }

  // ---- attributes ----------------------------------------------------------------------------

  /// Opens attribute `name` of `object` (path `path`), which must exist.
  hdf5::Handle open_attribute(hid_t object, const std::string& path, const std::string& name,
                              const std::string& expected) const {
    if (H5Aexists(object, name.c_str()) <= 0) {
      fail(attribute_where(path, name), "is missing (expected " + expected + ")");
    }
    hdf5::Handle attr(H5Aopen(object, name.c_str(), H5P_DEFAULT), H5Aclose);
    if (!attr.valid()) fail(attribute_where(path, name), "cannot be opened (corrupt file?)");
    return attr;
  }

  H5T_class_t attribute_class(const hdf5::Handle& attr) const {
    hdf5::Handle type(H5Aget_type(attr.get()), H5Tclose);
    return type.valid() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
  }

  std::string read_string_attribute(hid_t object, const std::string& path,
                                    const std::string& name) const {
    const hdf5::Handle attr = open_attribute(object, path, name, "a string");
    if (attribute_class(attr) != H5T_STRING) fail(attribute_where(path, name), "is not a string");
    try {
      return hdf5::read_string_attribute(object, name);
    } catch (const Error& e) {
      fail(attribute_where(path, name), e.what());
    }
  }

  /// A scalar numeric attribute of class `cls` (H5T_INTEGER or H5T_FLOAT; a float attribute may
  /// also be stored as an integer).
  template <class T>
  T read_number_attribute(hid_t object, const std::string& path, const std::string& name,
                          H5T_class_t cls) const {
    const hdf5::Handle attr =
        open_attribute(object, path, name, cls == H5T_INTEGER ? "an integer" : "a number");
    const H5T_class_t got = attribute_class(attr);
    if (got != cls && !(cls == H5T_FLOAT && got == H5T_INTEGER)) {
      fail(attribute_where(path, name),
           cls == H5T_INTEGER ? "is not an integer" : "is not a number");
    }
    try {
      return hdf5::read_attribute<T>(object, name);
    } catch (const Error& e) {
      fail(attribute_where(path, name), e.what());
    }
  }

  // ---- the model -----------------------------------------------------------------------------

  void read_header(AniModel& m) const {
    const hid_t root = h5_;
    if (H5Aexists(root, "format") <= 0) {
      fail(attribute_where("/", "format"),
           "is missing, so this is not an mdrun ANI model (" + std::string(kConverter) + ")");
    }
    const std::string format = read_string_attribute(root, "/", "format");
    if (format != kFormat) {
      fail(attribute_where("/", "format"), "is \"" + format + "\", not \"" + kFormat +
                                               "\": this is not an mdrun ANI model (" + kConverter +
                                               ")");
    }
    const auto version =
        read_number_attribute<std::int64_t>(root, "/", "format_version", H5T_INTEGER);
    if (version > kFormatVersion) {
      fail(attribute_where("/", "format_version"),
           "version " + std::to_string(version) + " is newer than this reader supports (" +
               std::to_string(kFormatVersion) + "); the file was written by a newer mdrun");
    }
    if (version < kFormatVersion) {
      fail(attribute_where("/", "format_version"), "version " + std::to_string(version) +
                                                       " is not a valid version (expected " +
                                                       std::to_string(kFormatVersion) + ")");
    }
    m.source = read_string_attribute(root, "/", "source");
  }

  void read_elements(AniModel& m) const {
    const Dataset d = open_dataset(h5_, "/", "elements", H5T_STRING);
    if (d.dims.size() != 1) {
      fail(d.path, "shape " + shape_string(d.dims) + " (expected a 1-D array of element names)");
    }
    if (d.dims[0] == 0) fail(d.path, "is empty (expected at least one element)");
    if (d.dims[0] > kMaxElements) {
      fail(d.path, std::to_string(d.dims[0]) + " elements, more than the " +
                       std::to_string(kMaxElements) + " supported");
    }
    const std::size_t n = checked_count(d);
    hdf5::Handle ftype(H5Dget_type(d.id.get()), H5Tclose);
    std::vector<std::string> names;
    if (H5Tis_variable_str(ftype.get()) > 0) {
      // The memory type carries the file's character set (HDF5 does not convert ASCII/UTF-8).
      hdf5::Handle mtype(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(mtype.get(), H5T_VARIABLE);
      H5Tset_cset(mtype.get(), H5Tget_cset(ftype.get()));
      std::vector<char*> texts(n, nullptr);
      const herr_t status =
          H5Dread(d.id.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data());
      for (char* text : texts) {
        names.emplace_back(text ? text : "");
        if (text) H5free_memory(text);
      }
      if (status < 0) fail(d.path, "cannot be read (truncated or corrupt file?)");
    } else {
      const std::size_t size = H5Tget_size(ftype.get());
      std::vector<char> buffer(n * size, '\0');
      hdf5::Handle mtype(H5Tcopy(ftype.get()), H5Tclose);
      if (H5Dread(d.id.get(), mtype.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()) < 0) {
        fail(d.path, "cannot be read (truncated or corrupt file?)");
      }
      const bool space_padded = H5Tget_strpad(ftype.get()) == H5T_STR_SPACEPAD;
      for (std::size_t k = 0; k < n; ++k) {
        std::string name(buffer.data() + k * size, size);
        name.resize(name.find('\0') == std::string::npos ? size : name.find('\0'));
        while (space_padded && !name.empty() && name.back() == ' ') name.pop_back();
        names.push_back(std::move(name));
      }
    }
    std::set<std::string> seen;
    for (std::size_t k = 0; k < names.size(); ++k) {
      const std::string& name = names[k];
      const std::string at = "entry " + std::to_string(k);
      if (name.empty()) fail(d.path, at + " is an empty string (expected an element symbol)");
      // Element symbols name the groups of every member.
      if (name.find('/') != std::string::npos || name == "." || name == "..") {
        fail(d.path, at + " \"" + name + "\" cannot name an HDF5 group");
      }
      if (!seen.insert(name).second) fail(d.path, "element \"" + name + "\" appears twice");
    }
    m.elements = std::move(names);
  }

  void read_self_energies(AniModel& m) const {
    m.self_energies = read_vector(h5_, "/", "self_energies", m.elements.size(),
                                  "/elements lists " + std::to_string(m.elements.size()) +
                                      " elements (one self energy each, Hartree)");
  }

  void read_aev(AniModel& m) const {
    const hdf5::Handle aev = open_object(h5_, "/", "aev", H5I_GROUP);
    const std::string path = "/aev";
    auto cutoff = [&](const std::string& name) {
      const Dataset d = open_dataset(aev.get(), path, name, H5T_FLOAT);
      if (!(d.dims.empty() || d.dims == std::vector<hsize_t>{1})) {
        fail(d.path, "shape " + shape_string(d.dims) + " (expected a scalar, or shape [1])");
      }
      const double value = read_values(d).front();
      if (!(value > 0.0)) fail(d.path, "is " + format_number(value) + " (expected a cutoff > 0 Å)");
      return value;
    };
    auto array = [&](const std::string& name, bool positive) {
      std::vector<double> values = read_vector(aev.get(), path, name, 0, "");
      for (std::size_t k = 0; k < values.size(); ++k) {
        if (positive && !(values[k] > 0.0)) {
          fail(join(path, name), "value " + std::to_string(k) + " is " + format_number(values[k]) +
                                     " (expected > 0)");
        }
      }
      return values;
    };
    AniAevParams& p = m.aev;
    p.radial_cutoff = cutoff("radial_cutoff");
    p.angular_cutoff = cutoff("angular_cutoff");
    p.eta_r = array("eta_r", true);
    p.shift_r = array("shift_r", false);
    p.zeta = array("zeta", true);
    p.shift_z = array("shift_z", false);
    p.eta_a = array("eta_a", true);
    p.shift_a = array("shift_a", false);
    // AniModel computes the length in int: check it in floating point first.
    const double n = static_cast<double>(m.elements.size());
    const double length =
        n * static_cast<double>(p.eta_r.size()) * static_cast<double>(p.shift_r.size()) +
        n * (n + 1) / 2 * static_cast<double>(p.eta_a.size()) * static_cast<double>(p.zeta.size()) *
            static_cast<double>(p.shift_a.size()) * static_cast<double>(p.shift_z.size());
    if (length > kMaxAevLength) {
      fail(path, "the constants give an AEV of " + format_number(length) +
                     " values, more than the 2^24 supported");
    }
  }

  /// Whether `dim` can be a layer width (1 to INT_MAX).
  static bool int_sized(hsize_t dim) { return dim >= 1 && dim <= 0x7fffffffu; }

  DenseLayer read_layer(hid_t parent, const std::string& parent_path, int l, int n_in, bool last,
                        const AniModel& m) const {
    const std::string name = "layer_" + std::to_string(l);
    const std::string path = join(parent_path, name);
    const hdf5::Handle group = open_object(parent, parent_path, name, H5I_GROUP);
    for (const std::string& entry : entry_names(group.get(), path)) {
      if (entry != "weight" && entry != "bias") {
        fail(join(path, entry), "unexpected entry (a layer holds the datasets weight and bias)");
      }
    }
    const Dataset w = open_dataset(group.get(), path, "weight", H5T_FLOAT);
    if (w.dims.size() != 2) {
      fail(w.path, "shape " + shape_string(w.dims) + " (expected [n_out, n_in])");
    }
    if (!int_sized(w.dims[0]) || !int_sized(w.dims[1])) {
      fail(w.path, "shape " + shape_string(w.dims) + " (each dimension must be 1 to 2^31 - 1)");
    }
    if (w.dims[1] != static_cast<hsize_t>(n_in)) {
      if (l == 0) {
        fail(w.path, "shape " + shape_string(w.dims) + " but the AEV has " + std::to_string(n_in) +
                         " values (" + std::to_string(m.n_elements()) + " elements x " +
                         std::to_string(m.aev.radial_block()) + " radial + " +
                         std::to_string(m.n_element_pairs()) + " element pairs x " +
                         std::to_string(m.aev.angular_block()) + " angular)");
      }
      fail(w.path, "shape " + shape_string(w.dims) + " but layer_" + std::to_string(l - 1) +
                       " has " + std::to_string(n_in) + " outputs");
    }
    if (last && w.dims[0] != 1) {
      fail(w.path, "shape " + shape_string(w.dims) +
                       " but the last layer must have 1 output (the atomic energy)");
    }
    DenseLayer layer;
    layer.n_in = n_in;
    layer.n_out = static_cast<int>(w.dims[0]);
    const std::vector<double> bias =
        read_vector(group.get(), path, "bias", static_cast<std::size_t>(layer.n_out),
                    "the layer has " + std::to_string(layer.n_out) + " outputs (weight " +
                        shape_string(w.dims) + ")");
    layer.bias = bias;

    const std::string activation = read_string_attribute(group.get(), path, "activation");
    if (activation == "celu") {
      layer.activation.kind = ActivationKind::kCelu;
      layer.activation.alpha =
          read_number_attribute<double>(group.get(), path, "celu_alpha", H5T_FLOAT);
      if (!(std::isfinite(layer.activation.alpha) && layer.activation.alpha > 0.0)) {
        fail(attribute_where(path, "celu_alpha"),
             "is " + format_number(layer.activation.alpha) + " (expected a finite alpha > 0)");
      }
    } else if (activation == "identity") {
      layer.activation.kind = ActivationKind::kNone;
    } else {
      fail(attribute_where(path, "activation"),
           "unknown activation \"" + activation + "\" (expected \"celu\" or \"identity\")");
    }

    // Released as nn.Linear's [n_out][n_in]; DenseLayer holds [n_in][n_out].
    const std::vector<double> released = read_values(w);
    const auto n_out = static_cast<std::size_t>(layer.n_out);
    const auto inputs = static_cast<std::size_t>(n_in);
    layer.weight.assign(released.size(), 0.0);
    for (std::size_t o = 0; o < n_out; ++o) {
      for (std::size_t i = 0; i < inputs; ++i)
        layer.weight[i * n_out + o] = released[o * inputs + i];
    }
    return layer;
  }

  DenseNet read_network(hid_t member, const std::string& member_path, const std::string& element,
                        const AniModel& m) const {
    const std::string path = join(member_path, element);
    const hdf5::Handle group = open_object(member, member_path, element, H5I_GROUP);
    const std::vector<std::string> entries = entry_names(group.get(), path);
    if (entries.empty()) fail(path, "holds no layers (expected layer_0, layer_1, ...)");
    const long long n_layers = static_cast<long long>(entries.size());
    for (const std::string& entry : entries) {
      const long long l = entry.rfind("layer_", 0) == 0 ? canonical_index(entry.substr(6)) : -1;
      if (l < 0 || l >= n_layers) {
        fail(join(path, entry), "unexpected entry (" + path + " holds " + entries_string(n_layers) +
                                    ", which must be the layers layer_0 to layer_" +
                                    std::to_string(n_layers - 1) + ")");
      }
    }
    DenseNet net;
    int n_in = m.aev_length();
    for (int l = 0; l < static_cast<int>(n_layers); ++l) {
      net.layers.push_back(read_layer(group.get(), path, l, n_in, l + 1 == n_layers, m));
      n_in = net.layers.back().n_out;
    }
    return net;
  }

  void read_members(AniModel& m) const {
    const hdf5::Handle members = open_object(h5_, "/", "members", H5I_GROUP);
    const std::string path = "/members";
    const std::vector<std::string> names = entry_names(members.get(), path);
    if (names.empty()) fail(path, "holds no member (expected groups 0, 1, ...)");
    const long long n_members = static_cast<long long>(names.size());
    for (const std::string& name : names) {
      const long long index = canonical_index(name);
      if (index < 0 || index >= n_members) {
        fail(join(path, name), "unexpected entry (/members holds " + entries_string(n_members) +
                                   ", which must be the members 0 to " +
                                   std::to_string(n_members - 1) + ")");
      }
    }
    const std::set<std::string> elements(m.elements.begin(), m.elements.end());
    for (long long k = 0; k < n_members; ++k) {
      const std::string name = std::to_string(k);
      const std::string member_path = join(path, name);
      const hdf5::Handle member = open_object(members.get(), path, name, H5I_GROUP);
      const auto ensemble_index = read_number_attribute<std::int64_t>(
          member.get(), member_path, "ensemble_index", H5T_INTEGER);
      if (ensemble_index < 0) {
        fail(attribute_where(member_path, "ensemble_index"),
             "is " + std::to_string(ensemble_index) + " (expected an index >= 0)");
      }
      for (const std::string& entry : entry_names(member.get(), member_path)) {
        if (elements.count(entry) == 0) {
          fail(join(member_path, entry), "is not an element of /elements " +
                                             list_string(m.elements) +
                                             " (a member holds one network per element)");
        }
      }
      std::vector<DenseNet> nets;
      for (const std::string& element : m.elements) {
        if (H5Lexists(member.get(), element.c_str(), H5P_DEFAULT) <= 0) {
          fail(join(member_path, element),
               "is missing (every member holds one network per element of /elements " +
                   list_string(m.elements) + ")");
        }
        nets.push_back(read_network(member.get(), member_path, element, m));
      }
      m.members.push_back(std::move(nets));
    }
  }

 private:
  std::string file_;
  hid_t h5_;
  hsize_t file_size_ = 0;
  /// Storage of the datasets read so far (checked_count), bytes.
  mutable hsize_t stored_total_ = 0;
};

}  // namespace

bool is_ani_model_file(const std::string& path) {
  hdf5::quiet_errors();
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) return false;
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) return false;
  hdf5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid() || H5Aexists(file.get(), "format") <= 0) return false;
  try {
    return hdf5::read_string_attribute(file.get(), "format") == kFormat;
  } catch (const Error&) {
    return false;
  }
}

AniModel read_ani_model(const std::string& path) {
  hdf5::quiet_errors();
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw model_error(path + ": cannot open the model file");
  }
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    throw model_error(path + ": not an HDF5 file, so not an mdrun ANI model (" + kConverter + ")");
  }
  hdf5::Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) {
    throw model_error(path + ": cannot open the HDF5 file (truncated or corrupt?)");
  }
  const Reader reader(path, file.get());
  AniModel m;
  reader.read_header(m);
  reader.read_elements(m);
  reader.read_self_energies(m);
  reader.read_aev(m);
  reader.read_members(m);
  return m;
}

}  // namespace md
