// SPDX-License-Identifier: MIT
#include "potential/potential.hpp"

#include "core/error.hpp"

namespace md {

void Potential::compute_device(const DeviceAtomsView&, const DeviceNeighborView&,
                               const ComputeRequest&, DeviceForceOutput&) {
  // The engine asks has_device_compute() before it takes the GPU-resident path, so reaching this
  // is a bug, not a user error.
  throw internal_error("potential '" + name() + "' has no device evaluation (compute_device)");
}

}  // namespace md
