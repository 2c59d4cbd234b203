// SPDX-License-Identifier: MIT
/// \file
/// libFuzzer harness: the ANI model reader (md::read_ani_model, io/ani_model_reader.hpp), fed
/// raw bytes.
///
/// The input is the whole HDF5 file, handed to the reader through a scratch file in /dev/shm.
/// Byte-level mutations mostly exercise libhdf5's own parsing; they are the only ones that see
/// what a truncated or damaged file does. The seeds (fuzz/corpus/ani_model/) are tiny ANI models
/// in the shipped layout, written by fuzz/make_ani_model_seeds.py with scripts/ani2h5.py's writer
/// (the shipped 6.9 MB ANI-2x file is too large for a seed); their attribute strings and element
/// names are stored as plain text, so byte mutations reach the reader's name checks too.
/// fuzz_ani_model_structured.cpp fuzzes the validation more directly.
/// Oracle: a consistent model (fuzz_hdf5.hpp check_ani_model), or md::Error with exit code kModel
/// naming the file; no HDF5 identifier left open either way.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_hdf5.hpp"
#include "io/ani_model_reader.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  md::fuzz::init_hdf5_harness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static md::fuzz::ScratchFile file;
  file.write(data, size);
  md::fuzz::check_hdf5_reader(
      "read_ani_model", md::ExitCode::kModel, file,
      [](const std::string& path) { return md::read_ani_model(path); }, md::fuzz::check_ani_model);
  return 0;
}
