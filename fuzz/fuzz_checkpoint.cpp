// SPDX-License-Identifier: MIT
/// \file
/// libFuzzer harness: the checkpoint reader (md::read_checkpoint_file, io/checkpoint_file.hpp),
/// fed raw bytes.
///
/// The input is the whole HDF5 file, handed to the reader through a scratch file in /dev/shm. A
/// mutated checkpoint almost always fails its SHA-256 at the end, but everything the reader does
/// before (attributes, groups, dataset shapes and allocations) runs on the mutated structure first.
/// fuzz_checkpoint_structured.cpp builds well-formed HDF5 files with fuzzed contents instead.
/// Oracle: a consistent state (fuzz_hdf5.hpp check_checkpoint), or md::Error with exit code kIo
/// naming the file; no HDF5 identifier left open either way.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_hdf5.hpp"
#include "io/checkpoint_file.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  md::fuzz::init_hdf5_harness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static md::fuzz::ScratchFile file;
  file.write(data, size);
  md::fuzz::check_hdf5_reader(
      "read_checkpoint_file", md::ExitCode::kIo, file,
      [](const std::string& path) { return md::read_checkpoint_file(path); },
      md::fuzz::check_checkpoint);
  return 0;
}
