// SPDX-License-Identifier: MIT
/// \file
/// The one portability macro: functions marked MD_HOST_DEVICE compile for the host and, under nvcc,
/// for the device too. Per-atom and per-pair math is written once with it and launched from a plain
/// CPU loop or a CUDA kernel (architecture rule 1: one physics, two launchers).
#pragma once

#if defined(__CUDACC__)
#define MD_HOST_DEVICE __host__ __device__
#else
#define MD_HOST_DEVICE
#endif
