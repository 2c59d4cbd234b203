// SPDX-License-Identifier: MIT
#include "device/backend.hpp"

#include "core/error.hpp"

namespace md {

Backend parse_backend(const std::string& name) {
  if (name == "cpu") return Backend::kCpu;
  if (name == "cuda") return Backend::kCuda;
  throw config_error("unknown backend '" + name + "': expected cpu or cuda");
}

std::string to_string(Backend backend) { return backend == Backend::kCuda ? "cuda" : "cpu"; }

}  // namespace md
