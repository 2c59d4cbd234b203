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

#include "fuzz/fuzz_hdf5.hpp"
#include "io/checkpoint_file.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  md::fuzz::init_hdf5_harness();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static md::fuzz::ScratchFile file;
  file.write(data, size);
  md::CheckpointState state;
  if (md::fuzz::expect_value_or_error("read_checkpoint_file", md::ExitCode::kIo, {file.path()},
                                      [&] { state = md::read_checkpoint_file(file.path()); })) {
    md::fuzz::check_checkpoint(state);
  }
  md::fuzz::require_no_open_hdf5_objects("read_checkpoint_file");
  return 0;
}
