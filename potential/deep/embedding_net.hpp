// SPDX-License-Identifier: MIT
/// \file
/// Op `embedding_net`: G(s̃) and dG/ds̃ for every real neighbour slot of a pair group.
///
/// The se_e2_a embedding net maps the scalar s̃ = R̃_0 to ng features through dense layers
/// y = φ(x·W + b) ⊙ idt + residual(x) (deep_model.hpp). The backward pass needs only dG/ds̃ per
/// pair (the input is a scalar), so it is carried forward with the values, as a tangent:
///
///   dy = (dx·W) ⊙ φ'(x·W + b) ⊙ idt + residual(dx),      dx = 1 at the input.
///
/// Values and tangents of a block of pairs are stacked as [2·rows][width] so that each layer is
/// ONE GEMM (cblas_dgemm) over all of them; layers with a single input (the first) are outer
/// products. This is the hot spot of the whole potential: ng·(n1 + n1·n2 + …) multiply-adds per
/// pair, twice.
///
/// Op contract (embedding_net_cpu): reads group.env[p][0] for p < n_pairs; OVERWRITES group.g and
/// group.g_deriv ([n_pairs][ng], dimensionless). No other state; `ws` is scratch.
///
/// Twins: embedding_net_cpu (embedding_net_cpu.cpp, cblas_dgemm) and embedding_net_cuda
/// (embedding_net_cuda.cuh/.cu, cuBLAS, double or float).
#pragma once

#include <vector>

#include "potential/deep/deep_model.hpp"
#include "potential/deep/pair_groups.hpp"

namespace md::deep {

/// Scratch buffers of embedding_net_cpu (grow-only).
struct EmbeddingWorkspace {
  std::vector<double> current;  ///< [2·block][width] values over tangents of the layer input
  std::vector<double> product;  ///< [2·block][width] GEMM output x·W over dx·W
  std::vector<double> next;     ///< [2·block][width] layer output: values over tangents
};

/// Rows processed per GEMM block: large enough for efficient GEMMs, small enough that the
/// block's activations stay in the L2 cache.
constexpr int kEmbeddingBlockRows = 256;

/// CPU implementation; see the file comment for the contract.
void embedding_net_cpu(const DenseNet& net, PairGroup& group, EmbeddingWorkspace& ws);

/// One input, plain loops (reference path, used at set-up for padded slots): writes g[ng] and,
/// when non-null, g_deriv[ng] = dG/ds̃.
void embedding_net_single(const DenseNet& net, double s, double* g, double* g_deriv);

}  // namespace md::deep
