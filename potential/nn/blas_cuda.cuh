// SPDX-License-Identifier: MIT
/// \file
/// cuBLAS for the Deep Potential's CUDA path: an owned handle bound to a stream, error checking,
/// and the two row-major products every dense layer needs (forward x·W and backward g·Wᵀ).
///
/// The CPU ops store matrices row-major ([rows][width]) and call cblas_dgemm with CblasRowMajor.
/// cuBLAS is column-major only; a row-major [r][c] array is the column-major c×r matrix, its
/// transpose, so y = x·W is computed as yᵀ = Wᵀ·xᵀ with the operands swapped and no data moved.
/// Single precision uses plain FP32 (CUBLAS_DEFAULT_MATH: no TF32 tensor-core rounding), so the
/// mixed mode's error is that of float arithmetic, not of a 10-bit mantissa.
#pragma once

#include <cublas_v2.h>

#include <sstream>

#include "core/error.hpp"
#include "device/device_buffer.hpp"

namespace md::nn {

/// Throws md::Error unless `status` is CUBLAS_STATUS_SUCCESS (allocation failures map to
/// ExitCode::kOutOfMemory, everything else to ExitCode::kInternal).
inline void cublas_check(cublasStatus_t status, const char* expr, const char* file, int line) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  std::ostringstream msg;
  msg << "cuBLAS error " << cublasGetStatusName(status) << " (" << cublasGetStatusString(status)
      << ") in " << expr << " at " << file << ":" << line;
  if (status == CUBLAS_STATUS_ALLOC_FAILED) throw Error(ExitCode::kOutOfMemory, msg.str());
  throw internal_error(msg.str());
}

#define MD_CUBLAS_CHECK(expr) ::md::nn::cublas_check((expr), #expr, __FILE__, __LINE__)

/// A cuBLAS handle whose work is queued on one stream.
class CublasHandle {
 public:
  explicit CublasHandle(cudaStream_t stream) {
    MD_CUBLAS_CHECK(cublasCreate(&handle_));
    MD_CUBLAS_CHECK(cublasSetStream(handle_, stream));
  }
  ~CublasHandle() {
    if (handle_ != nullptr) cublasDestroy(handle_);
  }
  CublasHandle(const CublasHandle&) = delete;
  CublasHandle& operator=(const CublasHandle&) = delete;
  cublasHandle_t get() const { return handle_; }

 private:
  cublasHandle_t handle_ = nullptr;
};

inline cublasStatus_t gemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                           int n, int k, const double* alpha, const double* a, int lda,
                           const double* b, int ldb, const double* beta, double* c, int ldc) {
  return cublasDgemm(h, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
inline cublasStatus_t gemm(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int m,
                           int n, int k, const float* alpha, const float* a, int lda,
                           const float* b, int ldb, const float* beta, float* c, int ldc) {
  return cublasSgemm(h, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/// y[rows][n_out] = x[rows][n_in] · w[n_in][n_out], all row-major device arrays (y overwritten).
template <class Real>
void matmul(cublasHandle_t handle, int rows, int n_in, int n_out, const Real* x, const Real* w,
            Real* y) {
  if (rows == 0) return;
  const Real one(1), zero(0);
  // Column-major: yᵀ (n_out × rows) = wᵀ (n_out × n_in) · xᵀ (n_in × rows).
  MD_CUBLAS_CHECK(gemm(handle, CUBLAS_OP_N, CUBLAS_OP_N, n_out, rows, n_in, &one, w, n_out, x, n_in,
                       &zero, y, n_out));
}

/// gx[rows][n_in] = gz[rows][n_out] · wᵀ, with w[n_in][n_out] row-major (gx overwritten).
template <class Real>
void matmul_transposed(cublasHandle_t handle, int rows, int n_out, int n_in, const Real* gz,
                       const Real* w, Real* gx) {
  if (rows == 0) return;
  const Real one(1), zero(0);
  // Column-major: gxᵀ (n_in × rows) = (wᵀ)ᵀ · gzᵀ, where wᵀ is the n_out × n_in view of w.
  MD_CUBLAS_CHECK(gemm(handle, CUBLAS_OP_T, CUBLAS_OP_N, n_in, rows, n_out, &one, w, n_out, gz,
                       n_out, &zero, gx, n_in));
}

}  // namespace md::nn
