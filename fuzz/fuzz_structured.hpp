// SPDX-License-Identifier: MIT
/// \file
/// The input side of the structure-aware HDF5 harnesses: fuzz input (a JSON description,
/// hdf5_builder.hpp) to an HDF5 file in a scratch file. With MD_FUZZ_DUMP_H5=<path> set, the
/// built file is also written to <path>, to turn a finding into an ordinary HDF5 reproducer.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "fuzz/fuzz_common.hpp"
#include "fuzz/hdf5_builder.hpp"

namespace md::fuzz {

/// Nesting depth of JSON text (brackets outside strings). Deeper descriptions are dropped: the
/// builder's json::dump recurses, and no real file nests that deep.
inline int json_depth(const std::uint8_t* data, std::size_t size) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (std::size_t k = 0; k < size; ++k) {
    const char c = static_cast<char>(data[k]);
    if (in_string) {
      if (c == '\\') {
        ++k;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

/// Builds the file that `data` describes into `file`. False when the input is not a JSON
/// description (libFuzzer is then told to drop it) or HDF5 could not build it.
inline bool build_structured_input(const std::uint8_t* data, std::size_t size, ScratchFile& file) {
  if (json_depth(data, size) > 64) return false;
  const nlohmann::json description =
      nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (description.is_discarded() || !description.is_object()) return false;
  const std::vector<unsigned char> image = Hdf5Builder::build(description);
  if (image.empty()) return false;
  if (const char* dump = std::getenv("MD_FUZZ_DUMP_H5")) {
    std::ofstream(dump, std::ios::binary)
        .write(reinterpret_cast<const char*>(image.data()),
               static_cast<std::streamsize>(image.size()));
  }
  file.write(image.data(), image.size());
  return true;
}

}  // namespace md::fuzz
