// SPDX-License-Identifier: MIT
/// \file
/// Model deviation during MD (potential.models + potential.deviation), in process on the
/// 192-atom water box with the four small committee models of tests/data/model_devi:
///  - the committee does not touch the dynamics: the trajectory is BITWISE the one of model 1
///    alone, and rows come exactly on the steps divisible by `every`, step 0 included;
///  - each row equals the deviation of an independent single-point evaluation of every member
///    alone on the same atoms (its own neighbour list, its own cutoff), also for members of
///    another rcut and sel than the driving model (the list is built for the largest cutoff);
///  - the GPU-resident orchestration (HostResidentStep, tests/support/host_resident_step.hpp)
///    gives bitwise the host backend's rows, evaluating M − 1 members per row.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/distribute.hpp"
#include "io/deepmd_model_reader.hpp"
#include "potential/make_potential.hpp"
#include "tests/support/host_resident_step.hpp"
#include "tests/support/water_simulation.hpp"

namespace {

std::string committee_model(int k) {
  return std::string(MD_TEST_DATA_DIR) + "/model_devi/m" + std::to_string(k) + ".dp";
}

md::test::WaterRunOptions committee_water(int every) {
  md::test::WaterRunOptions options;
  options.water_lmp = std::string(MD_SHARED_DIR) + "/data/water-example/lmp/water.lmp";
  options.model = committee_model(1);
  options.thermostat = md::ThermostatType::kNoseHooverChain;
  options.skin = 0.5;
  if (every > 0) {
    options.committee = {committee_model(2), committee_model(3), committee_model(4)};
    options.deviation.every = every;
    options.deviation.atomic = true;
  }
  return options;
}

/// `model` with other slot counts per neighbour type: davg/dstd [T][nnei][4] rebuilt block by
/// block, each new slot taking the statistics of the block's first slot (trained statistics are
/// uniform within a block).
void resize_sel(md::DeepModel& model, const std::vector<int>& sel) {
  const int n_types = model.n_types();
  const int old_nnei = model.n_nei();
  std::vector<double> davg, dstd;
  for (int t = 0; t < n_types; ++t) {
    int old_begin = 0;
    for (std::size_t b = 0; b < sel.size(); ++b) {
      const std::size_t from = 4 * (static_cast<std::size_t>(t) * old_nnei + old_begin);
      for (int slot = 0; slot < sel[b]; ++slot) {
        davg.insert(davg.end(), &model.davg[from], &model.davg[from] + 4);
        dstd.insert(dstd.end(), &model.dstd[from], &model.dstd[from] + 4);
      }
      old_begin += model.sel[b];
    }
  }
  model.sel = sel;
  model.davg = std::move(davg);
  model.dstd = std::move(dstd);
}

using md::test::DeviationRecorder;
const auto columns = md::test::deviation_columns;

/// Forces by id [N][3] and the virial of `model` alone on `atoms` (positions by id), through a
/// single-point Simulation with its own list.
md::EvaluationResult evaluate_alone(md::DeepModel model, const md::AtomSet& atoms,
                                    const md::Box& box) {
  const md::Communicator comm = md::Communicator::world();
  const std::vector<std::string> type_names = {"O", "H"};
  auto potential = md::make_deep_potential(std::move(model), md::DeepPotentialOptions{},
                                           type_names, md::Backend::kCpu);
  md::Domain domain(box, comm);
  md::AtomSet owned = md::scatter_atoms(comm, domain, atoms);
  md::Simulation sim(md::SimulationSettings{}, comm, std::move(domain), std::move(owned),
                     type_names, {15.999, 1.008}, std::move(potential), nullptr);
  return sim.evaluate_once(false);
}

/// The deviation row of independent evaluations (forces by id, virials), by the definitions of
/// tests/data/model_devi/README.md written out here once more.
std::vector<double> expected_columns(const std::vector<md::EvaluationResult>& members) {
  const std::size_t n = members[0].forces.size() / 3;
  const double m_count = static_cast<double>(members.size());
  std::vector<double> sigma(n);
  for (std::size_t i = 0; i < n; ++i) {
    double mean[3] = {0, 0, 0};
    for (const auto& m : members) {
      for (int c = 0; c < 3; ++c) mean[c] += m.forces[3 * i + c] / m_count;
    }
    double sq = 0.0;
    for (const auto& m : members) {
      for (int c = 0; c < 3; ++c) sq += std::pow(m.forces[3 * i + c] - mean[c], 2);
    }
    sigma[i] = std::sqrt(sq / m_count);
  }
  double sum = 0.0, max_f = 0.0, min_f = INFINITY;
  for (double s : sigma) {
    sum += s;
    max_f = std::max(max_f, s);
    min_f = std::min(min_f, s);
  }
  double max_v = 0.0, min_v = INFINITY, sq_v = 0.0;
  for (int c = 0; c < 9; ++c) {
    double mean = 0.0;
    for (const auto& m : members) mean += m.virial[c] / static_cast<double>(n) / m_count;
    double sq = 0.0;
    for (const auto& m : members) sq += std::pow(m.virial[c] / static_cast<double>(n) - mean, 2);
    const double s = std::sqrt(sq / m_count);
    max_v = std::max(max_v, s);
    min_v = std::min(min_v, s);
    sq_v += s * s;
  }
  std::vector<double> v = {max_v, min_v, std::sqrt(sq_v / 9), max_f, min_f,
                           sum / static_cast<double>(n)};
  v.insert(v.end(), sigma.begin(), sigma.end());
  return v;
}

}  // namespace

TEST_CASE("model deviation: the committee leaves the dynamics alone; rows on their steps",
          "[model_devi]") {
  const md::Communicator comm = md::Communicator::world();
  constexpr std::int64_t kSteps = 60;
  md::test::Trajectory alone;
  {
    auto simulation = md::test::make_water_simulation(comm, committee_water(0));
    simulation->add_observer(std::make_unique<md::test::TrajectoryRecorder>(alone, 20));
    simulation->setup();
    alone.report = simulation->run(kSteps);
  }
  md::test::Trajectory with_committee;
  std::vector<md::ModelDeviationRecord> rows;
  {
    auto simulation = md::test::make_water_simulation(comm, committee_water(15));
    simulation->add_observer(std::make_unique<md::test::TrajectoryRecorder>(with_committee, 20));
    simulation->add_observer(std::make_unique<DeviationRecorder>(rows));
    simulation->setup();
    with_committee.report = simulation->run(kSteps);
  }
  CHECK(md::test::largest_atom_difference(alone, with_committee) == 0.0);
  REQUIRE(alone.thermo.size() == with_committee.thermo.size());
  for (std::size_t k = 0; k < alone.thermo.size(); ++k) {
    CHECK(alone.thermo[k].sample.potential_energy ==
          with_committee.thermo[k].sample.potential_energy);
  }
  REQUIRE(rows.size() == 5);
  for (std::size_t k = 0; k < rows.size(); ++k) {
    CHECK(rows[k].step == static_cast<std::int64_t>(15 * k));
    CHECK(rows[k].atom_devi_f.size() == 192);
    CHECK(rows[k].max_devi_f > rows[k].min_devi_f);
    CHECK(rows[k].min_devi_f > 0.0);  // four different models: every atom disagrees somewhat
  }
}

TEST_CASE("model deviation: a row equals the members evaluated alone, other rcut and sel too",
          "[model_devi]") {
  const md::Communicator comm = md::Communicator::world();
  const std::vector<std::string> type_names = {"O", "H"};
  // Member 2 reaches less far with fewer slots, member 3 further (with more slots), than the
  // driving member 1: the list must be built for 6.5 Å and filtered per member.
  auto models = [] {
    std::vector<md::DeepModel> m;
    for (int k = 1; k <= 4; ++k) m.push_back(md::read_deepmd_model(committee_model(k)));
    m[1].rcut = 4.5;
    resize_sel(m[1], {20, 40});
    m[2].rcut = 6.5;
    resize_sel(m[2], {60, 120});
    return m;
  };
  auto options = committee_water(10);
  auto simulation = md::test::make_water_simulation(comm, options);
  simulation->setup();
  simulation->run(9);  // moved atoms, before a row step
  const md::AtomSet atoms = md::gather_atoms(comm, simulation->owned_atoms());
  const md::Box box = simulation->box();

  // The same atoms as a fresh committee of the modified models; its single point's row.
  const std::vector<std::string> files = {committee_model(1), committee_model(2),
                                          committee_model(3), committee_model(4)};
  auto committee = md::make_deep_committee(models(), files, md::DeepPotentialOptions{},
                                           type_names, md::Backend::kCpu);
  REQUIRE(committee->cutoff() == 6.5);
  md::Domain domain(box, comm);
  md::AtomSet owned = md::scatter_atoms(comm, domain, atoms);
  md::SimulationSettings settings;
  settings.model_deviation.every = 1;
  settings.skin = 0.1;  // a list of 6.1 Å instead of 6.6 would miss member 3's farthest pairs
  md::Simulation sim(settings, comm, std::move(domain), std::move(owned), type_names,
                     {15.999, 1.008}, std::move(committee), nullptr);
  const md::EvaluationResult result = sim.evaluate_once(/*atomic=*/true);
  REQUIRE(result.model_deviation);
  const std::vector<double> mine = columns(*result.model_deviation);

  std::vector<md::EvaluationResult> members;
  for (md::DeepModel& model : models()) members.push_back(evaluate_alone(model, atoms, box));
  const std::vector<double> expected = expected_columns(members);
  REQUIRE(mine.size() == expected.size());
  for (std::size_t c = 0; c < mine.size(); ++c) {
    INFO("column " << c + 1);
    CHECK(mine[c] == Approx(expected[c]).epsilon(1e-12).margin(1e-14));
  }
}

TEST_CASE("model deviation: the resident orchestration gives the host backend's rows bitwise",
          "[model_devi][resident]") {
  const md::Communicator comm = md::Communicator::world();
  constexpr std::int64_t kSteps = 40;
  std::vector<md::ModelDeviationRecord> host_rows;
  {
    auto simulation = md::test::make_water_simulation(comm, committee_water(10));
    simulation->add_observer(std::make_unique<DeviationRecorder>(host_rows));
    simulation->setup();
    simulation->run(kSteps);
  }
  std::vector<md::ModelDeviationRecord> resident_rows;
  md::test::HostResidentStep::Copies copies;
  {
    auto simulation = md::test::make_water_simulation(comm, committee_water(10));
    auto step = std::make_unique<md::test::HostResidentStep>(
        simulation->potential().neighbor_kind(), simulation->potential().cutoff(),
        simulation->settings().skin, simulation->state().type_masses);
    const md::test::HostResidentStep* step_view = step.get();
    simulation->set_step_backend(std::move(step));
    simulation->add_observer(std::make_unique<DeviationRecorder>(resident_rows));
    simulation->setup();
    simulation->run(kSteps);
    copies = step_view->copies();
  }
  REQUIRE(host_rows.size() == 5);
  REQUIRE(resident_rows.size() == host_rows.size());
  for (std::size_t k = 0; k < host_rows.size(); ++k) {
    CHECK(columns(resident_rows[k]) == columns(host_rows[k]));
  }
  CHECK(copies.member_evaluations == 3 * 5);
}
