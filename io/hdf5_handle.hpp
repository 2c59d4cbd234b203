// SPDX-License-Identifier: MIT
/// \file
/// Small helpers over the HDF5 C API shared by the checkpoint and H5MD writers (private to io/):
/// an RAII handle, typed dataset and attribute reads and writes, and the mapping of C++ types to
/// native HDF5 types. Failures become md::Error with exit code kIo naming the file and object;
/// HDF5's own error stack printing is switched off (our messages say what failed).
#pragma once

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace md::hdf5 {

/// Owns an HDF5 identifier and closes it with the matching function.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.id_;
      close_ = other.close_;
      other.id_ = -1;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }
  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

/// Silences HDF5's automatic error printing (once per process).
inline void quiet_errors() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

template <class T>
hid_t native_type();
template <>
inline hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <>
inline hid_t native_type<int>() { return H5T_NATIVE_INT; }
template <>
inline hid_t native_type<std::int64_t>() { return H5T_NATIVE_INT64; }
template <>
inline hid_t native_type<std::uint64_t>() { return H5T_NATIVE_UINT64; }

inline void check(bool ok, const std::string& what) {
  if (!ok) throw io_error(what);
}

inline Handle create_group(hid_t loc, const std::string& name) {
  Handle g(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
  check(g.valid(), "cannot create HDF5 group '" + name + "'");
  return g;
}

inline Handle open_group(hid_t loc, const std::string& name) {
  Handle g(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), H5Gclose);
  check(g.valid(), "HDF5 group '" + name + "' is missing");
  return g;
}

inline bool exists(hid_t loc, const std::string& path) {
  return H5Lexists(loc, path.c_str(), H5P_DEFAULT) > 0;
}

/// A fixed-size dataset of `dims` holding `data` (row-major).
template <class T>
void write_dataset(hid_t loc, const std::string& name, const std::vector<hsize_t>& dims,
                   const T* data) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Handle ds(H5Dcreate2(loc, name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT,
                       H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose);
  check(ds.valid(), "cannot create HDF5 dataset '" + name + "'");
  hsize_t total = 1;
  for (hsize_t d : dims) total *= d;
  if (total > 0) {
    check(H5Dwrite(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0,
          "cannot write HDF5 dataset '" + name + "'");
  }
}

/// Filtered (compressed) data may expand at most this much when read: deflate cannot do better
/// than 1032:1 (a 258-byte match costs at least two bits).
inline constexpr hsize_t kMaxFilterExpansion = 1032;

/// The number of elements of a dataset shape, or -1 when the product exceeds 2^60 (no file holds
/// that; refusing it also keeps element count times element size from overflowing).
inline long long element_count(const std::vector<hsize_t>& shape) {
  for (hsize_t d : shape) {
    if (d == 0) return 0;
  }
  constexpr hsize_t kLimit = hsize_t{1} << 60;
  hsize_t total = 1;
  for (hsize_t d : shape) {
    if (d > kLimit / total) return -1;
    total *= d;
  }
  return static_cast<long long>(total);
}

/// Why reading all `elements` of dataset `ds` would allocate memory for data the file does not
/// hold, or "" when it would not. Unfiltered data must be stored in full: a shape declared over
/// unwritten chunks, or a corrupt dataspace, reads as fill values. Filtered data may expand by
/// at most kMaxFilterExpansion. Checked before allocating, so that a file of a few kB cannot make
/// a reader allocate gigabytes.
inline std::string stored_size_problem(hid_t ds, long long elements) {
  if (elements < 0) return "its shape holds more than 2^60 values";
  Handle type(H5Dget_type(ds), H5Tclose);
  const std::size_t element_size = type.valid() ? H5Tget_size(type.get()) : 0;
  if (element_size == 0) return "its element type cannot be read";
  const auto n = static_cast<hsize_t>(elements);
  if (n > (hsize_t{1} << 62) / element_size) return "its shape holds more than 2^62 bytes";
  const hsize_t declared = n * element_size;
  hsize_t stored = H5Dget_storage_size(ds);
  Handle dcpl(H5Dget_create_plist(ds), H5Pclose);
  const int filters = dcpl.valid() ? H5Pget_nfilters(dcpl.get()) : -1;
  if (filters < 0) return "its storage properties cannot be read";
  // The storage size is what the file's metadata claims: a damaged contiguous layout or chunk
  // index can claim more than the file holds, and external storage claims bytes of other files
  // (mdrun never writes it). Believe no more than this file's own size.
  Handle file(H5Iget_file_id(ds), H5Fclose);
  hsize_t file_size = 0;
  if (!file.valid() || H5Fget_filesize(file.get(), &file_size) < 0) file_size = 0;
  stored = std::min(stored, file_size);
  const bool ok = filters == 0 ? stored >= declared : declared / kMaxFilterExpansion <= stored;
  if (ok) return "";
  return "its shape declares " + std::to_string(declared) + " bytes but the file stores " +
         std::to_string(stored) + (filters == 0 ? "" : " (compressed)") +
         " (truncated, corrupt or never written?)";
}

/// Reads a whole dataset as T; `dims` receives its shape. A shape of more than 2^60 values is an
/// error. With `stored_only`, so is a shape whose data the file does not hold
/// (stored_size_problem), before anything is allocated: readers of files from elsewhere
/// (checkpoints) set it; the H5MD appender, which may meet its own extended-but-unwritten
/// series after a crash, does not.
template <class T>
std::vector<T> read_dataset(hid_t loc, const std::string& name,
                            std::vector<hsize_t>* dims = nullptr, bool stored_only = false) {
  Handle ds(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), H5Dclose);
  check(ds.valid(), "HDF5 dataset '" + name + "' is missing");
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  check(rank >= 0, "cannot read the shape of HDF5 dataset '" + name + "'");
  std::vector<hsize_t> shape(rank);
  H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr);
  const long long count = element_count(shape);
  const std::string problem =
      stored_only ? stored_size_problem(ds.get(), count)
                  : (count < 0 ? std::string("its shape holds more than 2^60 values") : "");
  check(problem.empty(), "HDF5 dataset '" + name + "' cannot be read: " + problem);
  const auto total = static_cast<std::size_t>(count);
  std::vector<T> out(total);
  if (total > 0) {
    check(H5Dread(ds.get(), native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) >= 0,
          "cannot read HDF5 dataset '" + name + "'");
  }
  if (dims) *dims = shape;
  return out;
}

/// A fixed-length string attribute (an empty string is stored as one NUL byte).
/// A scalar string attribute, stored as a variable-length UTF-8 string: h5py reads it as a Python
/// `str` (a fixed-length string reads as `bytes`, which readers such as MDAnalysis do not match
/// against their unit tables).
inline void write_string_attribute(hid_t loc, const std::string& name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  check(attr.valid(), "cannot create HDF5 attribute '" + name + "'");
  const char* text = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &text) >= 0,
        "cannot write HDF5 attribute '" + name + "'");
}

/// An attribute holding an array of variable-length UTF-8 strings.
inline void write_string_array_attribute(hid_t loc, const std::string& name,
                                         const std::vector<std::string>& values) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle attr(H5Acreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  check(attr.valid(), "cannot create HDF5 attribute '" + name + "'");
  std::vector<const char*> texts;
  for (const std::string& v : values) texts.push_back(v.c_str());
  check(H5Awrite(attr.get(), type.get(), texts.data()) >= 0,
        "cannot write HDF5 attribute '" + name + "'");
}

/// Why attribute `attr` cannot be read, or "" with its value count in `count`: the count is
/// checked against the bytes it stores (a damaged dataspace can claim ~10^18 values in an
/// attribute of a few bytes). For readers that report in their own words (stored_size_problem).
inline std::string attribute_count_problem(hid_t attr, hsize_t& count) {
  Handle space(H5Aget_space(attr), H5Sclose);
  const hssize_t n = space.valid() ? H5Sget_simple_extent_npoints(space.get()) : -1;
  if (n < 0) return "its dataspace cannot be read";
  Handle type(H5Aget_type(attr), H5Tclose);
  const std::size_t size = type.valid() ? H5Tget_size(type.get()) : 0;
  if (size == 0) return "its type cannot be read";
  const hsize_t stored = H5Aget_storage_size(attr);
  count = static_cast<hsize_t>(n);
  if (count > stored / size) {
    return "it declares " + std::to_string(count) + " values but stores " +
           std::to_string(stored) + " bytes (corrupt file?)";
  }
  return "";
}

/// The number of values attribute `attr` holds; throws (io_error) as attribute_count_problem.
inline hsize_t attribute_value_count(hid_t attr, const std::string& name) {
  hsize_t count = 0;
  const std::string problem = attribute_count_problem(attr, count);
  check(problem.empty(), "HDF5 attribute '" + name + "' cannot be read: " + problem);
  return count;
}

inline std::string read_string_attribute(hid_t loc, const std::string& name) {
  Handle attr(H5Aopen(loc, name.c_str(), H5P_DEFAULT), H5Aclose);
  check(attr.valid(), "HDF5 attribute '" + name + "' is missing");
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  check(H5Tget_class(type.get()) == H5T_STRING, "HDF5 attribute '" + name + "' is not a string");
  // H5Aread writes every string the attribute holds: the buffers below have room for one.
  const hsize_t count = attribute_value_count(attr.get(), name);
  check(count == 1, "HDF5 attribute '" + name + "' holds " + std::to_string(count) +
                        " values (expected one string)");
  if (H5Tis_variable_str(type.get()) > 0) {
    // The memory type must carry the file's character set (HDF5 does not convert ASCII/UTF-8).
    Handle memtype(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(memtype.get(), H5T_VARIABLE);
    H5Tset_cset(memtype.get(), H5Tget_cset(type.get()));
    char* text = nullptr;
    check(H5Aread(attr.get(), memtype.get(), &text) >= 0,
          "cannot read HDF5 attribute '" + name + "'");
    std::string out = text ? text : "";
    H5free_memory(text);
    return out;
  }
  const std::size_t size = H5Tget_size(type.get());
  std::string out(size, '\0');
  check(H5Aread(attr.get(), type.get(), out.data()) >= 0,
        "cannot read HDF5 attribute '" + name + "'");
  const auto end = out.find('\0');
  if (end != std::string::npos) out.resize(end);
  return out;
}

template <class T>
void write_attribute(hid_t loc, const std::string& name, const std::vector<T>& values) {
  const hsize_t n = values.size();
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Handle attr(H5Acreate2(loc, name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT,
                         H5P_DEFAULT),
              H5Aclose);
  check(attr.valid(), "cannot create HDF5 attribute '" + name + "'");
  check(H5Awrite(attr.get(), native_type<T>(), values.data()) >= 0,
        "cannot write HDF5 attribute '" + name + "'");
}

template <class T>
void write_attribute(hid_t loc, const std::string& name, T value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(loc, name.c_str(), native_type<T>(), space.get(), H5P_DEFAULT,
                         H5P_DEFAULT),
              H5Aclose);
  check(attr.valid(), "cannot create HDF5 attribute '" + name + "'");
  check(H5Awrite(attr.get(), native_type<T>(), &value) >= 0,
        "cannot write HDF5 attribute '" + name + "'");
}

template <class T>
std::vector<T> read_attribute_values(hid_t loc, const std::string& name) {
  Handle attr(H5Aopen(loc, name.c_str(), H5P_DEFAULT), H5Aclose);
  check(attr.valid(), "HDF5 attribute '" + name + "' is missing");
  const hsize_t n = attribute_value_count(attr.get(), name);
  std::vector<T> out(n);
  if (n > 0) {
    check(H5Aread(attr.get(), native_type<T>(), out.data()) >= 0,
          "cannot read HDF5 attribute '" + name + "'");
  }
  return out;
}

template <class T>
T read_attribute(hid_t loc, const std::string& name) {
  const std::vector<T> values = read_attribute_values<T>(loc, name);
  check(values.size() == 1, "HDF5 attribute '" + name + "' is not a scalar");
  return values[0];
}

}  // namespace md::hdf5
