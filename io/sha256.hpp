// SPDX-License-Identifier: MIT
#pragma once
/// SHA-256 digests (OpenSSL's libcrypto) for the checkpoint's payload hash and the config and
/// model hashes a restart compares. Digests are 64 lowercase hex digits.
#include <cstddef>
#include <memory>
#include <string>

namespace md {

/// Incremental SHA-256: update() any number of times, then hex_digest() (which also resets it).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, std::size_t size);
  std::string hex_digest();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

/// SHA-256 of `size` bytes.
std::string sha256_hex(const void* data, std::size_t size);
/// SHA-256 of a file's contents. Throws md::Error (exit code kIo) when it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace md
