// SPDX-License-Identifier: MIT
/// \file
/// CPU benchmark of the Deep Potential: µs per step per atom of one force + energy + virial
/// evaluation (DeepPotential::compute), neighbour-list build excluded.
///
/// The system is the 192-atom water box of shared/data/water-example replicated n×n×n; the
/// neighbour list holds everything within rcut + 2 Å (LAMMPS's `neighbor 2.0 bin`, as in the
/// water example), built once with the test helper. Run through scripts/bench_deepmd_cpu.sh,
/// which makes the production-size model and pins OpenBLAS to one thread.
///
/// Usage: bench_deepmd_cpu MODEL.dp WATER.lmp [replicas ...] [--steps N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/deepmd_model_reader.hpp"
#include "potential/deep/deep_potential.hpp"
#include "tests/support/periodic_system.hpp"

namespace {

constexpr double kSkin = 2.0;        ///< Å, LAMMPS `neighbor 2.0` of the water example
constexpr double kMinSeconds = 2.0;  ///< time each size for at least this long
constexpr double kMicroPerSecond = 1e6;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s MODEL.dp WATER.lmp [replicas ...] [--steps N] [--compress] "
                 "[--min-dist A]\n",
                 argv[0]);
    return 2;
  }
  std::vector<int> replicas;
  int min_steps = 3;
  md::DeepPotentialOptions options;  // --compress: tabulated embedding (potential.compress)
  for (int k = 3; k < argc; ++k) {
    const std::string arg = argv[k];
    if (arg == "--steps" && k + 1 < argc) {
      min_steps = std::atoi(argv[++k]);
    } else if (arg == "--compress") {
      options.compress.enabled = true;
    } else if (arg == "--min-dist" && k + 1 < argc) {
      options.compress.min_neighbor_distance = std::atof(argv[++k]);
    } else {
      replicas.push_back(std::atoi(arg.c_str()));
    }
  }
  if (replicas.empty()) replicas = {2, 4};
  try {
    const md::DeepModel model = md::read_deepmd_model(argv[1]);
    md::DeepPotential potential(model, options, {"O", "H"});
    const md::test::LammpsData base = md::test::read_lammps_data(argv[2]);
    std::printf("model %s: embedding", argv[1]);
    for (const auto& layer : model.embedding_nets[0].layers) std::printf(" %d", layer.n_out);
    std::printf(", axis %d, fitting", model.axis_neuron);
    for (const auto& layer : model.fitting_nets[0].layers) std::printf(" %d", layer.n_out);
    std::printf(", sel");
    for (int s : model.sel) std::printf(" %d", s);
    std::printf(", rcut %.2f Å%s\n", model.rcut, options.compress.enabled ? ", compressed" : "");
    for (int n : replicas) {
      const md::test::LammpsData data = md::test::replicate(base, n, n, n);
      const auto sys = md::test::make_periodic_system(
          data.positions, data.types,
          md::test::orthorhombic_cell(data.box[0], data.box[1], data.box[2]), {true, true, true},
          model.rcut + kSkin);
      std::vector<double> forces(3 * static_cast<std::size_t>(sys.n_all));
      md::ForceOutput out;
      out.forces = md::Span<double>(forces.data(), forces.size());
      md::ComputeRequest request;  // energy + virial + forces
      potential.compute(sys.atoms(), sys.neighbor_view(), request, out);  // warm-up
      const double first_energy = out.energy;
      int steps = 0;
      double best = 1e300;
      const auto start = std::chrono::steady_clock::now();
      const std::clock_t cpu_start = std::clock();
      double elapsed = 0.0;
      while (steps < min_steps || elapsed < kMinSeconds) {
        const auto t0 = std::chrono::steady_clock::now();
        potential.compute(sys.atoms(), sys.neighbor_view(), request, out);
        const auto t1 = std::chrono::steady_clock::now();
        best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
        ++steps;
        elapsed = std::chrono::duration<double>(t1 - start).count();
      }
      const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
      const double per_atom = kMicroPerSecond / (static_cast<double>(steps) * sys.n_local);
      std::printf(
          "%6d atoms (%d ghosts): %8.2f us/step/atom wall (best step %.2f), %8.2f CPU; "
          "%d steps; E = %.10f eV%s\n",
          sys.n_local, sys.n_all - sys.n_local, elapsed * per_atom,
          best / sys.n_local * kMicroPerSecond, cpu * per_atom, steps, out.energy,
          out.energy == first_energy ? "" : " (NOT REPRODUCIBLE)");
    }
  } catch (const md::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return static_cast<int>(e.code());
  }
  return 0;
}
