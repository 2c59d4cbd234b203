// SPDX-License-Identifier: MIT
/// \file
/// A non-owning view of DEVICE memory (architecture §3.3: views are tagged with their memory
/// space). It is deliberately not convertible from a host container or a host Span, and a Span is
/// not convertible from it, so handing host memory to a device entry point — or device memory to
/// a host loop — fails to compile instead of faulting at run time. Host code may hold and pass
/// DeviceSpans (pointer and size only; no CUDA header is needed); only device code dereferences
/// them.
#pragma once

#include <cstddef>

#include "core/portability.hpp"

namespace md {

template <class T>
class DeviceSpan {
 public:
  DeviceSpan() = default;
  /// `device_data` must point to device memory of at least `size` elements (the caller's promise:
  /// this is the one place where a raw pointer becomes a device view).
  MD_HOST_DEVICE DeviceSpan(T* device_data, std::size_t size) : data_(device_data), size_(size) {}
  /// T* <- U* (adds const).
  template <class U>
  MD_HOST_DEVICE DeviceSpan(const DeviceSpan<U>& other)  // NOLINT: implicit by design
      : data_(other.data()), size_(other.size()) {}

  MD_HOST_DEVICE T* data() const { return data_; }
  MD_HOST_DEVICE std::size_t size() const { return size_; }
  MD_HOST_DEVICE bool empty() const { return size_ == 0; }

 private:
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace md
