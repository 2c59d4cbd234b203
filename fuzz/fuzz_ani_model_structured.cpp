// SPDX-License-Identifier: MIT
/// \file
/// libFuzzer harness, structure-aware: the ANI model reader (md::read_ani_model) on well-formed
/// HDF5 files built from a fuzzed JSON description (hdf5_builder.hpp), such as
///
///     {"attrs": {"format": {"vlen": "mdrun-ani"}, "format_version": 1, ...},
///      "datasets": {"elements": {"type": "vlen", "shape": [2], "data": ["H", "O"]}, ...},
///      "groups": {"aev": {...}, "members": {"groups": {"0": {"groups": {"H": {"groups":
///        {"layer_0": {"attrs": {"activation": {"vlen": "celu"}, "celu_alpha": 0.1},
///                     "datasets": {"weight": {"type": "f4", "shape": [6, 16], ...}, ...}},
///         ...}}, ...}}}}}}
///
/// so that attribute types, element names, AEV constants, layer names and widths, dataset shapes
/// and types, missing objects and huge declared shapes reach the reader's own validation instead
/// of stopping in libhdf5. The seeds (fuzz/corpus/ani_model_structured/) are the tiny models of
/// fuzz/corpus/ani_model/ and the shipped ANI-2x member, described by fuzz/h5_to_fuzz_json.py.
/// Oracle as in fuzz_ani_model.cpp.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_hdf5.hpp"
#include "fuzz/fuzz_structured.hpp"
#include "io/ani_model_reader.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  md::fuzz::init_hdf5_harness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static md::fuzz::ScratchFile file;
  if (!md::fuzz::build_structured_input(data, size, file)) return -1;
  md::fuzz::require_no_open_hdf5_objects("the HDF5 builder");
  md::fuzz::check_hdf5_reader(
      "read_ani_model", md::ExitCode::kModel, file,
      [](const std::string& path) { return md::read_ani_model(path); }, md::fuzz::check_ani_model);
  return 0;
}
