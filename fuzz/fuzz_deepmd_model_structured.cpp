// SPDX-License-Identifier: MIT
/// \file
/// libFuzzer harness, structure-aware: the `.dp` model reader (md::read_deepmd_model) on
/// well-formed HDF5 files built from a fuzzed JSON description (hdf5_builder.hpp), such as
///
///     {"attrs": {"json": {"vlen": {"model": {...}}}},
///      "datasets": {"variable_0000": {"type": "f8", "shape": [1, 6], "data": [0.1]}, ...}}
///
/// so that the model dict, the dataset shapes and types, missing datasets and huge declared
/// shapes reach the reader's own validation instead of stopping in libhdf5. The seeds
/// (fuzz/corpus/deepmd_model_structured/) are the test models described by
/// fuzz/h5_to_fuzz_json.py. Oracle as in fuzz_deepmd_model.cpp.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_hdf5.hpp"
#include "fuzz/fuzz_structured.hpp"
#include "io/deepmd_model_reader.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  md::fuzz::init_hdf5_harness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static md::fuzz::ScratchFile file;
  if (!md::fuzz::build_structured_input(data, size, file)) return -1;
  md::fuzz::require_no_open_hdf5_objects("the HDF5 builder");
  md::fuzz::check_hdf5_reader(
      "read_deepmd_model", md::ExitCode::kModel, file,
      [](const std::string& path) { return md::read_deepmd_model(path); }, md::fuzz::check_model);
  return 0;
}
