// SPDX-License-Identifier: MIT
/// \file
/// A minimal non-owning view over contiguous memory (C++17 has no std::span). Views of per-atom
/// arrays are passed between modules so that nobody copies or owns another module's storage.
#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

#include "core/portability.hpp"

namespace md {

template <class T>
class Span {
 public:
  Span() = default;
  MD_HOST_DEVICE Span(T* data, std::size_t size) : data_(data), size_(size) {}
  template <class U, class A>
  Span(std::vector<U, A>& v) : data_(v.data()), size_(v.size()) {}  // NOLINT: implicit by design
  template <class U, class A>
  Span(const std::vector<U, A>& v) : data_(v.data()), size_(v.size()) {}  // NOLINT
  template <class U>
  Span(const Span<U>& other) : data_(other.data()), size_(other.size()) {}  // NOLINT: T* <- U*

  MD_HOST_DEVICE T* data() const { return data_; }
  MD_HOST_DEVICE std::size_t size() const { return size_; }
  MD_HOST_DEVICE bool empty() const { return size_ == 0; }
  MD_HOST_DEVICE T& operator[](std::size_t i) const { return data_[i]; }
  MD_HOST_DEVICE T* begin() const { return data_; }
  MD_HOST_DEVICE T* end() const { return data_ + size_; }
  /// Elements [offset, offset + count).
  Span subspan(std::size_t offset, std::size_t count) const {
    assert(offset + count <= size_);
    return Span(data_ + offset, count);
  }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace md
