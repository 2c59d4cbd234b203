// SPDX-License-Identifier: MIT
/// \file
/// The portability macros: functions marked MD_HOST_DEVICE compile for the host and, under nvcc,
/// for the device too. Per-atom and per-pair math is written once with it and launched from a plain
/// CPU loop or a CUDA kernel (architecture rule 1: one physics, two launchers).
#pragma once

#if defined(__CUDACC__)
#define MD_HOST_DEVICE __host__ __device__
#else
#define MD_HOST_DEVICE
#endif

/// MD_ALWAYS_INLINE: inlined into every caller. For the per-pair math called from an
/// MD_VECTOR_CLONES loop (core/cpu_dispatch.hpp): only code inlined into the AVX2/AVX-512 clone
/// is compiled for those instruction sets, so a per-pair function left out of line would run its
/// baseline (SSE2) version from every clone.
#if defined(__CUDACC__)
#define MD_ALWAYS_INLINE __forceinline__
#elif defined(__GNUC__)
#define MD_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define MD_ALWAYS_INLINE inline
#endif
