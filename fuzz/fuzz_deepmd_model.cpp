// SPDX-License-Identifier: MIT
/// \file
/// libFuzzer harness: the DeePMD-kit `.dp` model reader (md::read_deepmd_model,
/// io/deepmd_model_reader.hpp), fed raw bytes.
///
/// The input is the whole HDF5 file, handed to the reader through a scratch file in /dev/shm.
/// Byte-level mutations mostly exercise libhdf5's own parsing; the seeds are real models, whose
/// JSON attribute is stored as plain text inside the file, so mutations of that text reach the JSON
/// validation too. fuzz_deepmd_model_structured.cpp fuzzes the validation more directly.
/// Oracle: a consistent model (fuzz_hdf5.hpp check_model), or md::Error with exit code kModel
/// naming the file; no HDF5 identifier left open either way.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_hdf5.hpp"
#include "io/deepmd_model_reader.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  md::fuzz::init_hdf5_harness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static md::fuzz::ScratchFile file;
  file.write(data, size);
  md::fuzz::check_hdf5_reader(
      "read_deepmd_model", md::ExitCode::kModel, file,
      [](const std::string& path) { return md::read_deepmd_model(path); }, md::fuzz::check_model);
  return 0;
}
