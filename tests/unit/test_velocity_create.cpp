// SPDX-License-Identifier: MIT
/// \file velocity create: exact temperature, zero momentum, and the same velocity for the same atom
/// id whatever order the atoms are stored in (hence on any number of ranks).
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>

#include "core/units.hpp"
#include "engine/thermo.hpp"
#include "engine/velocity_create.hpp"

namespace {

md::ParticleState make_state(const std::vector<std::int64_t>& ids) {
  md::ParticleState s;
  s.n_local = static_cast<int>(ids.size());
  s.ids = ids;
  s.type_names = {"O", "H"};
  s.type_masses = {15.999, 1.008};
  for (std::int64_t id : ids) s.types.push_back(static_cast<int>(id % 3 == 0 ? 0 : 1));
  s.positions.assign(3 * ids.size(), 0.0);
  return s;
}

}  // namespace

TEST_CASE("created velocities have the requested temperature and no net momentum", "[velocity]") {
  std::vector<std::int64_t> ids(1500);
  std::iota(ids.begin(), ids.end(), 1);
  md::ParticleState s = make_state(ids);
  const md::Communicator comm = md::Communicator::world();
  const double target = GENERATE(300.0, 77.0);
  md::create_velocities(s, md::VelocityCreate{target, 4928459, true}, comm);
  double momentum[3] = {0, 0, 0};
  for (int i = 0; i < s.n_local; ++i) {
    for (int c = 0; c < 3; ++c) momentum[c] += s.mass(i) * s.velocities[3 * i + c];
  }
  for (double p : momentum) CHECK(std::abs(p) < 1e-10);
  const auto ke = md::local_kinetic_tensor(s);
  const double temperature = (ke[0] + ke[1] + ke[2]) /
                             (md::temperature_dof(s.n_local) * md::units::kBoltzmann);
  CHECK(temperature == Approx(target).epsilon(1e-12));
  // Equipartition per species: the light atoms move faster, by sqrt(mass ratio) on average.
  double v2[2] = {0, 0};
  int count[2] = {0, 0};
  for (int i = 0; i < s.n_local; ++i) {
    for (int c = 0; c < 3; ++c) v2[s.types[i]] += s.velocities[3 * i + c] * s.velocities[3 * i + c];
    ++count[s.types[i]];
  }
  const double ratio = (v2[1] / count[1]) / (v2[0] / count[0]);
  CHECK(ratio == Approx(15.999 / 1.008).epsilon(0.15));
}

TEST_CASE("velocities depend on the atom id, not on the storage order", "[velocity]") {
  std::vector<std::int64_t> ids(500);
  std::iota(ids.begin(), ids.end(), 1);
  std::vector<std::int64_t> shuffled = ids;
  std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937_64(5));
  const md::Communicator comm = md::Communicator::world();
  md::ParticleState a = make_state(ids);
  md::ParticleState b = make_state(shuffled);
  md::create_velocities(a, md::VelocityCreate{250.0, 99, true}, comm);
  md::create_velocities(b, md::VelocityCreate{250.0, 99, true}, comm);
  std::map<std::int64_t, int> index_in_b;
  for (int i = 0; i < b.n_local; ++i) index_in_b[b.ids[i]] = i;
  for (int i = 0; i < a.n_local; ++i) {
    const int j = index_in_b.at(a.ids[i]);
    for (int c = 0; c < 3; ++c) {
      // Sums over atoms run in a different order, so allow rounding only.
      CHECK(a.velocities[3 * i + c] == Approx(b.velocities[3 * j + c]).epsilon(1e-12));
    }
  }
  md::ParticleState other_seed = make_state(ids);
  md::create_velocities(other_seed, md::VelocityCreate{250.0, 100, true}, comm);
  CHECK(other_seed.velocities[0] != a.velocities[0]);
}
