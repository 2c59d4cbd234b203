// SPDX-License-Identifier: MIT
/// \file
/// Builds a small HDF5 file in memory from a JSON description, for the structure-aware
/// harnesses (fuzz_deepmd_model_structured.cpp, fuzz_checkpoint_structured.cpp). Byte-level
/// mutation of an HDF5 file mostly breaks libhdf5's own structures; mutating this description
/// instead always gives a well-formed file whose *contents* (attribute types and values, dataset
/// shapes, types and data, missing or extra objects) are fuzzed, which is what our validation
/// code has to handle. The format (docs/fuzzing.md):
///
///     node    = {"attrs": {name: attr}, "datasets": {name: dataset}, "groups": {name: node},
///                "links": {name: "/path"}}   hard links to objects made before (a file of
///                                            a few kB can name one group thousands of times)
///     attr    = "text"                       fixed-length string (NUL-padded, as mdrun writes)
///             | {"vlen": "text" | json}      variable-length UTF-8 string (json: its dump)
///             | {"fixed": json}              fixed-length string holding json's dump
///               (both with "count": n ≤ 64: a list of n copies instead of one string)
///             | 12 | 1.5 | [1, 2]           int64 / double scalar, 1-D list
///             | {"type": T, "value": x | [x, ...]}   T: i1 i4 i8 u8 f4 f8
///     dataset = {"type": T, "shape": [n, ...], "data": [x, ...], "chunked": bool,
///                "written": bool}
///             | {"type": "vlen" | "fixed", "shape": [n, ...], "data": ["text", ...],
///                "size": n, "pad": "space"}   strings: variable-length UTF-8 (as h5py writes
///               them), or fixed-length ASCII of `size` bytes (default: the longest text),
///               NUL-padded or with "pad": "space" space-padded (the ANI model's /elements)
///
/// `data` is repeated to fill `shape` (zeros, or empty strings, when empty); "nan", "inf" and
/// "-inf" stand for those values; a non-string in a string dataset stands for its JSON text. A
/// dataset with "written": false, or of more than kMaxStored elements (string datasets: more
/// than 8·kMaxStored bytes), is created chunked and never written: its declared shape can be huge
/// while the file stays tiny, as in a crafted file. Anything the description gets wrong (bad
/// names, impossible shapes) is skipped rather than reported: the point is the file that comes
/// out.
#pragma once

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace md::fuzz {

class Hdf5Builder {
 public:
  /// Elements written at most per dataset; larger ones are declared but not stored.
  static constexpr std::uint64_t kMaxStored = 1 << 16;
  static constexpr int kMaxDepth = 8;
  static constexpr int kMaxRank = 8;
  static constexpr std::uint64_t kMaxDim = std::uint64_t{1} << 40;

  /// The bytes of an HDF5 file built from `description` (empty when HDF5 refused to build it).
  static std::vector<unsigned char> build(const nlohmann::json& description) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    std::vector<unsigned char> image;
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_core(fapl, 1 << 16, 0);  // in memory, no backing store
    const hid_t file = H5Fcreate("mdrun-fuzz-build.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    H5Pclose(fapl);
    if (file < 0) return image;
    fill(file, description, 0);
    H5Fflush(file, H5F_SCOPE_GLOBAL);
    const ssize_t size = H5Fget_file_image(file, nullptr, 0);
    if (size > 0) {
      image.resize(static_cast<std::size_t>(size));
      if (H5Fget_file_image(file, image.data(), image.size()) != size) image.clear();
    }
    H5Fclose(file);
    return image;
  }

 private:
  using json = nlohmann::json;

  /// Closes an identifier at scope exit.
  struct Id {
    hid_t id;
    herr_t (*close)(hid_t);
    ~Id() {
      if (id >= 0) close(id);
    }
  };

  static void fill(hid_t loc, const json& node, int depth) {
    if (!node.is_object() || depth > kMaxDepth) return;
    if (const auto it = node.find("attrs"); it != node.end() && it->is_object()) {
      for (const auto& [name, value] : it->items()) attribute(loc, name, value);
    }
    if (const auto it = node.find("datasets"); it != node.end() && it->is_object()) {
      for (const auto& [name, value] : it->items()) dataset(loc, name, value);
    }
    if (const auto it = node.find("groups"); it != node.end() && it->is_object()) {
      for (const auto& [name, value] : it->items()) {
        const Id group{H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                       H5Gclose};
        if (group.id >= 0) fill(group.id, value, depth + 1);
      }
    }
    if (const auto it = node.find("links"); it != node.end() && it->is_object()) {
      for (const auto& [name, target] : it->items()) {
        if (target.is_string()) {
          H5Lcreate_hard(loc, target.get<std::string>().c_str(), loc, name.c_str(), H5P_DEFAULT,
                         H5P_DEFAULT);
        }
      }
    }
  }

  /// spec[key] when it is a string, else `fallback` (the description is fuzzed: any JSON).
  static std::string text_field(const json& spec, const char* key, const char* fallback) {
    const auto it = spec.find(key);
    return it != spec.end() && it->is_string() ? it->get<std::string>() : fallback;
  }

  static hid_t numeric_type(const std::string& name) {
    if (name == "i1") return H5T_STD_I8LE;
    if (name == "i4") return H5T_STD_I32LE;
    if (name == "i8") return H5T_STD_I64LE;
    if (name == "u8") return H5T_STD_U64LE;
    if (name == "f4") return H5T_IEEE_F32LE;
    if (name == "f8") return H5T_IEEE_F64LE;
    return -1;
  }

  static bool is_integer_type(const std::string& name) { return name[0] == 'i' || name[0] == 'u'; }

  /// JSON numbers (or a single number) as doubles or int64s; non-numbers become 0.
  static std::vector<double> doubles(const json& values) {
    std::vector<double> out;
    const auto add = [&](const json& v) {
      if (v.is_number()) {
        out.push_back(v.get<double>());
      } else if (v == "nan" || v == "inf" || v == "-inf") {  // JSON has no words for these
        out.push_back(std::strtod(v.get<std::string>().c_str(), nullptr));
      } else {
        out.push_back(0.0);
      }
    };
    if (values.is_array()) {
      for (const auto& v : values) add(v);
    } else {
      add(values);
    }
    return out;
  }
  static std::vector<std::int64_t> integers(const json& values) {
    std::vector<std::int64_t> out;
    const auto add = [&](const json& v) {
      if (v.is_number_unsigned()) {
        out.push_back(static_cast<std::int64_t>(v.get<std::uint64_t>()));
      } else if (v.is_number_integer()) {
        out.push_back(v.get<std::int64_t>());
      } else {
        out.push_back(0);
      }
    };
    if (values.is_array()) {
      for (const auto& v : values) add(v);
    } else {
      add(values);
    }
    return out;
  }

  /// A string attribute holding `count` copies of `text` (1: a scalar, as mdrun writes them).
  static void string_attribute(hid_t loc, const std::string& name, const std::string& text,
                               bool variable, hsize_t count = 1) {
    const Id type{H5Tcopy(H5T_C_S1), H5Tclose};
    if (variable) {
      H5Tset_size(type.id, H5T_VARIABLE);
      H5Tset_cset(type.id, H5T_CSET_UTF8);
    } else {
      H5Tset_size(type.id, text.empty() ? 1 : text.size());
      H5Tset_strpad(type.id, H5T_STR_NULLPAD);
    }
    const Id space{count == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &count, nullptr),
                   H5Sclose};
    const Id attr{H5Acreate2(loc, name.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT),
                  H5Aclose};
    if (attr.id < 0 || count == 0) return;
    if (variable) {
      const std::vector<const char*> pointers(count, text.c_str());
      H5Awrite(attr.id, type.id, pointers.data());
    } else {
      const std::string one = text.empty() ? std::string(1, '\0') : text;
      std::string all;
      for (hsize_t k = 0; k < count; ++k) all += one;
      H5Awrite(attr.id, type.id, all.data());
    }
  }

  static void attribute(hid_t loc, const std::string& name, const json& value) {
    if (value.is_string()) return string_attribute(loc, name, value.get<std::string>(), false);
    std::string type_name;
    json values;
    if (value.is_object()) {
      for (const char* key : {"vlen", "fixed"}) {
        if (const auto it = value.find(key); it != value.end()) {
          const std::string text = it->is_string() ? it->get<std::string>() : it->dump();
          const json count = value.value("count", json(1));
          const bool valid = count.is_number_unsigned() && count.get<std::uint64_t>() <= 64;
          return string_attribute(loc, name, text, key[0] == 'v',
                                  valid ? count.get<std::uint64_t>() : 1);
        }
      }
      type_name = text_field(value, "type", "f8");
      values = value.value("value", json(0));
    } else if (value.is_number() || value.is_array()) {
      values = value;
      const bool all_integers =
          value.is_array() ? std::all_of(value.begin(), value.end(),
                                         [](const json& v) { return v.is_number_integer(); })
                           : value.is_number_integer();
      type_name = all_integers ? "i8" : "f8";
    } else {
      return;
    }
    const hid_t file_type = numeric_type(type_name);
    if (file_type < 0) return;
    const Id space{values.is_array()
                       ? [&] {
                           const hsize_t n = values.size();
                           return H5Screate_simple(1, &n, nullptr);
                         }()
                       : H5Screate(H5S_SCALAR),
                   H5Sclose};
    const Id attr{H5Acreate2(loc, name.c_str(), file_type, space.id, H5P_DEFAULT, H5P_DEFAULT),
                  H5Aclose};
    if (attr.id < 0) return;
    if (is_integer_type(type_name)) {
      const std::vector<std::int64_t> v = integers(values);
      if (!v.empty()) H5Awrite(attr.id, H5T_NATIVE_INT64, v.data());
    } else {
      const std::vector<double> v = doubles(values);
      if (!v.empty()) H5Awrite(attr.id, H5T_NATIVE_DOUBLE, v.data());
    }
  }

  /// The texts of a string dataset's "data" (a non-string stands for its JSON text).
  static std::vector<std::string> texts(const json& values) {
    std::vector<std::string> out;
    const auto add = [&](const json& v) {
      out.push_back(v.is_string() ? v.get<std::string>() : v.dump());
    };
    if (values.is_array()) {
      for (const auto& v : values) add(v);
    } else {
      add(values);
    }
    if (out.empty()) out.emplace_back();
    return out;
  }

  /// The HDF5 string type of a string dataset ("vlen" or "fixed"), or -1.
  static hid_t string_type(const std::string& type_name, const json& spec,
                           const std::vector<std::string>& values) {
    if (type_name != "vlen" && type_name != "fixed") return -1;
    const hid_t type = H5Tcopy(H5T_C_S1);
    if (type_name == "vlen") {
      H5Tset_size(type, H5T_VARIABLE);
      H5Tset_cset(type, H5T_CSET_UTF8);
      return type;
    }
    std::size_t size = 1;
    for (const std::string& v : values) size = std::max(size, v.size());
    if (const auto it = spec.find("size"); it != spec.end() && it->is_number_unsigned()) {
      size = std::max<std::uint64_t>(1, std::min<std::uint64_t>(it->get<std::uint64_t>(), 4096));
    }
    H5Tset_size(type, size);
    H5Tset_strpad(type,
                  text_field(spec, "pad", "null") == "space" ? H5T_STR_SPACEPAD : H5T_STR_NULLPAD);
    return type;
  }

  static void dataset(hid_t loc, const std::string& name, const json& spec) {
    if (!spec.is_object()) return;
    const std::string type_name = text_field(spec, "type", "f8");
    const std::vector<std::string> strings = type_name == "vlen" || type_name == "fixed"
                                                 ? texts(spec.value("data", json::array()))
                                                 : std::vector<std::string>{};
    const Id string_file_type{string_type(type_name, spec, strings), H5Tclose};
    const hid_t file_type =
        string_file_type.id >= 0 ? string_file_type.id : numeric_type(type_name);
    if (file_type < 0) return;
    std::vector<hsize_t> dims;
    if (const auto it = spec.find("shape"); it != spec.end() && it->is_array()) {
      for (const auto& d : *it) {
        if (!d.is_number_unsigned() || dims.size() == kMaxRank) return;
        dims.push_back(std::min<std::uint64_t>(d.get<std::uint64_t>(), kMaxDim));
      }
    }
    std::uint64_t total = 1;
    for (hsize_t d : dims) {
      if (d != 0 && total > (std::uint64_t{1} << 62) / d) return;  // beyond any real file
      total *= d;
    }
    // Strings: the bytes they would take (a vlen text of the input's length, 2^16 times, would
    // be gigabytes), at most as many as a stored f8 dataset.
    std::uint64_t string_bytes = 0;
    if (string_file_type.id >= 0) {
      std::size_t longest = 0;
      for (const std::string& text : strings) longest = std::max(longest, text.size());
      const std::uint64_t each = type_name == "vlen" ? longest + 16 : H5Tget_size(file_type);
      string_bytes = total > (std::uint64_t{1} << 62) / each ? ~std::uint64_t{0} : total * each;
    }
    const bool stored = total <= kMaxStored && string_bytes <= 8 * kMaxStored;
    const bool chunked = !dims.empty() && (!stored || spec.value("chunked", json(false)) == true);
    const Id space{dims.empty()
                       ? H5Screate(H5S_SCALAR)
                       : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                   H5Sclose};
    const Id dcpl{H5Pcreate(H5P_DATASET_CREATE), H5Pclose};
    if (chunked) {
      std::vector<hsize_t> chunk(dims.size());
      for (std::size_t k = 0; k < dims.size(); ++k) {
        chunk[k] = std::max<hsize_t>(1, std::min<hsize_t>(dims[k], k == 0 ? 64 : 4));
      }
      H5Pset_chunk(dcpl.id, static_cast<int>(chunk.size()), chunk.data());
    }
    const Id ds{
        H5Dcreate2(loc, name.c_str(), file_type, space.id, H5P_DEFAULT, dcpl.id, H5P_DEFAULT),
        H5Dclose};
    if (ds.id < 0 || !stored || total == 0 || spec.value("written", json(true)) == false) return;
    const json values = spec.value("data", json::array());
    if (string_file_type.id >= 0) {
      if (type_name == "vlen") {
        std::vector<const char*> all(total);
        for (std::size_t k = 0; k < all.size(); ++k) all[k] = strings[k % strings.size()].c_str();
        H5Dwrite(ds.id, file_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data());
      } else {
        const std::size_t size = H5Tget_size(file_type);
        const char pad = text_field(spec, "pad", "null") == "space" ? ' ' : '\0';
        std::string all(total * size, pad);
        for (std::size_t k = 0; k < total; ++k) {
          const std::string& text = strings[k % strings.size()];
          all.replace(k * size, std::min(size, text.size()), text, 0, size);
        }
        H5Dwrite(ds.id, file_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data());
      }
    } else if (is_integer_type(type_name)) {
      std::vector<std::int64_t> v = integers(values);
      if (v.empty()) v.push_back(0);
      std::vector<std::int64_t> all(total);
      for (std::size_t k = 0; k < all.size(); ++k) all[k] = v[k % v.size()];
      H5Dwrite(ds.id, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data());
    } else {
      std::vector<double> v = doubles(values);
      if (v.empty()) v.push_back(0.0);
      std::vector<double> all(total);
      for (std::size_t k = 0; k < all.size(); ++k) all[k] = v[k % v.size()];
      H5Dwrite(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data());
    }
  }
};

}  // namespace md::fuzz
