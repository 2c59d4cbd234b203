// SPDX-License-Identifier: MIT
#include "io/sha256.hpp"

#include <openssl/evp.h>

#include <array>
#include <fstream>

#include "core/error.hpp"

namespace md {

/// OpenSSL's EVP digest context. EVP calls fail only when libcrypto itself is broken (out of
/// memory, a FIPS provider refusing SHA-256); that is reported, never a wrong digest.
struct Sha256::Context {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Context() { EVP_MD_CTX_free(ctx); }

  void check(int ok, const char* what) const {
    if (ok != 1) throw io_error(std::string("SHA-256 (OpenSSL libcrypto) failed in ") + what);
  }
  void init() {
    if (ctx == nullptr) throw io_error("SHA-256: OpenSSL could not allocate a digest context");
    check(EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr), "EVP_DigestInit_ex");
  }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) { context_->init(); }
Sha256::~Sha256() = default;

void Sha256::update(const void* data, std::size_t size) {
  if (size == 0) return;
  context_->check(EVP_DigestUpdate(context_->ctx, data, size), "EVP_DigestUpdate");
}

std::string Sha256::hex_digest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  context_->check(EVP_DigestFinal_ex(context_->ctx, digest.data(), &length),
                  "EVP_DigestFinal_ex");
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned int k = 0; k < length; ++k) {
    out += kHex[digest[k] >> 4];
    out += kHex[digest[k] & 0xf];
  }
  context_->init();
  return out;
}

std::string sha256_hex(const void* data, std::size_t size) {
  Sha256 sha;
  sha.update(data, size);
  return sha.hex_digest();
}

std::string sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("cannot read '" + path + "' to hash it");
  Sha256 sha;
  std::array<char, 1 << 16> buffer{};
  while (in) {
    in.read(buffer.data(), buffer.size());
    sha.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw io_error("error while reading '" + path + "' to hash it");
  return sha.hex_digest();
}

}  // namespace md
