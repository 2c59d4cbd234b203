// SPDX-License-Identifier: MIT
/// \file
/// Writes the checkpoint seeds of fuzz/corpus/checkpoint/ with mdrun's own writer
/// (md::write_checkpoint_file): a three-atom, two-rank state with a thermostat and an empty
/// state. fuzz/h5_to_fuzz_json.py turns them into the structure-aware seeds. Usage:
/// fuzz_make_checkpoint_seeds <directory>.
#include <cstdio>
#include <string>

#include "core/error.hpp"
#include "io/checkpoint_file.hpp"
#include "io/sha256.hpp"

namespace {

md::CheckpointState three_atoms() {
  md::CheckpointState c;
  c.mdrun_version = "mdrun fuzz seed";
  c.config_fingerprint = "units = metal\nrun.dt_ps = 0.001\n";
  c.config_hash = md::sha256_hex(c.config_fingerprint.data(), c.config_fingerprint.size());
  c.step = 100;
  c.time_ps = 0.1;
  c.dt_ps = 0.001;
  for (int d = 0; d < 3; ++d) {
    c.box.lo[d] = -1.0 * d;
    c.box.hi[d] = 10.0 + d;
    c.box.periodic[d] = d != 2;
  }
  c.n_ranks = 2;
  c.grid = {2, 1, 1};
  c.type_names = {"O", "H"};
  c.rank_counts = {2, 1};
  c.ids = {7, 3, 5};
  c.types = {0, 1, 1};
  c.positions = {0.1, 0.2, 0.3, 1.1, 1.2, 1.3, 2.1, 2.2, 2.3};
  c.rebuild_positions = {0.0, 0.2, 0.3, 1.0, 1.2, 1.3, 2.0, 2.2, 2.3};
  c.velocities = {-1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 0.25};
  c.images = {0, 1, -1, 2, 0, 0, 0, 0, -3};
  c.integrator_kind = "nose_hoover_chain";
  c.integrator_scalars = {0.1, 0.2, 0.3, -0.4, 0.5, 0.6};
  c.local_heat = {0.25, -0.125};
  c.random_seed = 12345;
  return c;
}

md::CheckpointState empty() {
  md::CheckpointState c;
  c.mdrun_version = "mdrun fuzz seed";
  c.integrator_kind = "nve";
  c.n_ranks = 1;
  c.rank_counts = {0};
  c.local_heat = {0.0};
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <directory>\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  try {
    md::write_checkpoint_file(dir + "/three_atoms.h5", three_atoms(), false);
    md::write_checkpoint_file(dir + "/empty.h5", empty(), false);
  } catch (const md::Error& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  return 0;
}
