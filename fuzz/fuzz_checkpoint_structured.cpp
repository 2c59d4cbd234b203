// SPDX-License-Identifier: MIT
/// \file
/// libFuzzer harness, structure-aware: the checkpoint reader (md::read_checkpoint_file) on
/// well-formed HDF5 files built from a fuzzed JSON description (hdf5_builder.hpp), such as
///
///     {"attrs": {"format": "mdrun checkpoint", "format_version": {"type": "i4", "value": 1}, ...},
///      "groups": {"box": {...}, "atoms": {"datasets": {"position": {"type": "f8",
///                 "shape": [3, 3], "data": [...]}, ...}}, "integrator": {...}}}
///
/// so that attribute types and sizes, dataset shapes and types, missing objects and huge declared
/// shapes reach the reader's own checks instead of stopping in libhdf5. The seeds
/// (fuzz/corpus/checkpoint_structured/) are checkpoints written by mdrun, described by
/// fuzz/h5_to_fuzz_json.py. Oracle as in fuzz_checkpoint.cpp.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_hdf5.hpp"
#include "fuzz/fuzz_structured.hpp"
#include "io/checkpoint_file.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  md::fuzz::init_hdf5_harness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static md::fuzz::ScratchFile file;
  if (!md::fuzz::build_structured_input(data, size, file)) return -1;
  md::fuzz::require_no_open_hdf5_objects("the HDF5 builder");
  md::fuzz::check_hdf5_reader(
      "read_checkpoint_file", md::ExitCode::kIo, file,
      [](const std::string& path) { return md::read_checkpoint_file(path); },
      md::fuzz::check_checkpoint);
  return 0;
}
