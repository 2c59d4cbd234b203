// SPDX-License-Identifier: MIT
/// \file
/// Shared pieces of the libFuzzer harnesses (docs/fuzzing.md): a scratch file in memory that
/// readers taking a path can open, and the oracle every harness applies: a reader either returns or
/// throws md::Error with the documented exit code and a message that names the input. Any other
/// exception, an md::Error with another code or an anonymous message, and (for HDF5 readers) an
/// HDF5 identifier left open are reported as a crash, with the offending message.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <new>
#include <string>
#include <typeinfo>

#include "core/error.hpp"

namespace md::fuzz {

/// Prints `what` and aborts: libFuzzer saves the input as a crash.
[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "\n==fuzz finding== %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

/// One scratch file per process, rewritten for every input, for readers that take a path. It
/// lives in /dev/shm (memory) when that is writable, else in $TMPDIR or /tmp, and is removed when
/// the process exits normally (a crashing run leaves its small file behind). A memfd
/// (/proc/self/fd/N) would be neater but libhdf5 resolves the link and cannot open the result.
class ScratchFile {
 public:
  ScratchFile() {
    const char* tmpdir = std::getenv("TMPDIR");
    std::string dir = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : (tmpdir ? tmpdir : "/tmp");
    std::string name = dir + "/mdrun-fuzz-XXXXXX";
    fd_ = ::mkstemp(name.data());
    if (fd_ < 0) finding("cannot create a scratch file in " + dir + ": " + std::strerror(errno));
    path_ = name;
  }
  ~ScratchFile() {
    ::close(fd_);
    ::unlink(path_.c_str());
  }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  /// Replaces the file's contents with `size` bytes at `data`.
  void write(const void* data, std::size_t size) {
    if (::ftruncate(fd_, 0) != 0) finding("ftruncate failed");
    const auto* bytes = static_cast<const unsigned char*>(data);
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = ::pwrite(fd_, bytes + done, size - done, static_cast<off_t>(done));
      if (n <= 0) finding(std::string("pwrite failed: ") + std::strerror(errno));
      done += static_cast<std::size_t>(n);
    }
  }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

/// MD_FUZZ_VERBOSE=1 prints every md::Error (to see why the inputs of a corpus are refused).
inline bool verbose() {
  static const bool on = std::getenv("MD_FUZZ_VERBOSE") != nullptr;
  return on;
}

/// Runs `read` (a reader call on one input). Returns true when it returned normally, false when
/// it threw md::Error with `code` and a message containing one of `names` (the path, or the
/// source name); anything else is a finding.
template <class Read>
bool expect_value_or_error(const char* reader, ExitCode code,
                           std::initializer_list<std::string> names, Read&& read) {
  try {
    read();
    return true;
  } catch (const Error& e) {
    const std::string message = e.what();
    if (verbose()) std::fprintf(stderr, "%s: md::Error: %s\n", reader, message.c_str());
    if (e.code() != code) {
      finding(std::string(reader) + " threw md::Error with exit code " +
              std::to_string(static_cast<int>(e.code())) + " instead of " +
              std::to_string(static_cast<int>(code)) + ": " + message);
    }
    bool named = false;
    for (const std::string& name : names) named = named || message.find(name) != std::string::npos;
    if (!named) {
      finding(std::string(reader) + " threw md::Error whose message does not name the input '" +
              *names.begin() + "': " + message);
    }
    return false;
  } catch (const std::bad_alloc& e) {
    finding(std::string(reader) + " ran out of memory (std::bad_alloc: " + e.what() +
            "): an allocation sized by the input");
  } catch (const std::exception& e) {
    finding(std::string(reader) + " threw " + typeid(e).name() +
            " instead of md::Error: " + e.what());
  } catch (...) {
    finding(std::string(reader) + " threw a non-std exception instead of md::Error");
  }
}

/// Checks a property of a successful read.
inline void require(bool ok, const std::string& what) {
  if (!ok) finding("accepted an inconsistent input: " + what);
}

}  // namespace md::fuzz
