// SPDX-License-Identifier: MIT
/// \file
/// The box-aware integrator step (engine/step_context.hpp), with a stand-in barostat: velocity
/// Verlet that asks for the virial on every step and, at step 20, changes the box (x stretched by
/// 2 %, y and z compressed by 1 %) through the BoxControl of its context. Checks, on the 108-atom
/// LJ liquid:
///  - the virial the context carries is this step's, summed over ranks: the pressure computed
///    from it equals the thermo pressure on every thermo step;
///  - after the change every owned position holds the same fractional coordinate in the new box
///    (the affine map), the thermo volume is the new one, and the forces of the continuing run
///    equal a single-point evaluation of the same atoms in the new box (the halo's shifts follow
///    the box; the list is kept or rebuilt as the skin bound says);
///  - a shear past LAMMPS's tilt limit (xy = 0.65·lx) is flipped at the next rebuild into the
///    same lattice's cell with xy = −0.35·lx: unwrapped positions continue and the forces are
///    those of a fresh evaluation;
///  - a checkpoint written after the change restarts bit for bit in the changed box, although
///    the structure the run starts from still has the old one.
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>
#include <map>
#include <memory>

#include "core/units.hpp"
#include "engine/integrator.hpp"
#include "tests/support/lj_simulation.hpp"

namespace {

/// The stand-in barostat's move: x stretched by 2 %, y and z compressed by 1 %.
md::Box stretched(const md::Box& old) {
  md::Box box = old;
  const double factors[3] = {1.02, 0.99, 0.99};
  for (int d = 0; d < 3; ++d) box.hi[d] = box.lo[d] + factors[d] * box.length(d);
  return box;
}

/// Velocity Verlet that reads the virial on every step and changes the box once, to
/// change(box).
class BoxChangingVerlet final : public md::Integrator {
 public:
  BoxChangingVerlet(double dt, std::int64_t change_step,
                    std::function<md::Box(const md::Box&)> change = stretched)
      : dt_(dt), change_step_(change_step), change_(std::move(change)) {}
  std::string description() const override { return "test: Verlet changing the box"; }
  void first_half(md::StepContext& context) override {
    context.atoms.half_kick(dt_);
    context.atoms.drift(dt_);
    if (context.step == change_step_) context.box_control.change_box(change_(context.box));
  }
  void second_half(md::StepContext& context) override {
    context.atoms.half_kick(dt_);
    // The context's virial is that of the force evaluation of step context.step + 1.
    virials[context.virial_step] = context.virial;
  }
  bool needs_virial(std::int64_t) const override { return true; }
  double conserved_energy_contribution(const md::Communicator&, const md::Box&) const override {
    return 0.0;
  }
  md::IntegratorState save() const override { return md::IntegratorState{"nve", {}, 0.0}; }
  void restore(const md::IntegratorState&) override {}

  std::map<std::int64_t, std::array<double, 9>> virials;

 private:
  double dt_;
  std::int64_t change_step_;
  std::function<md::Box(const md::Box&)> change_;
};

/// Records the thermo samples of a run.
class ThermoRecorder final : public md::Observer {
 public:
  void on_step(const md::Simulation& simulation) override {
    if (const md::ThermoRecord* r = simulation.thermo_record()) samples[r->sample.step] = r->sample;
  }
  bool reads_atoms(std::int64_t) const override { return false; }
  std::map<std::int64_t, md::ThermoSample> samples;
};

constexpr std::int64_t kChangeStep = 20;

/// The forces the running simulation carries equal a single-point evaluation of its atoms in its
/// current box (the halo and list it kept or rebuilt are right), to 1e-12 eV/Å.
void check_forces_equal_fresh_evaluation(md::Simulation& simulation, const md::Communicator& comm) {
  const md::EvaluationResult fresh = simulation.evaluate(false);
  const md::TrajectoryFrame frame = simulation.gather_frame(md::TrajectoryFields{false, true});
  if (!comm.is_root()) return;
  REQUIRE(frame.forces.size() == fresh.forces.size());
  double worst = 0.0;
  for (std::size_t k = 0; k < frame.forces.size(); ++k) {
    worst = std::max(worst, std::abs(frame.forces[k] - fresh.forces[k]));
  }
  CHECK(worst <= 1e-12);
}

}  // namespace

TEST_CASE("box-aware step: a half step changes the box through its context", "[physics][box]") {
  const md::Communicator comm = md::Communicator::world();
  auto simulation = md::test::lj_liquid_simulation(comm, md::test::lj_liquid_settings());
  auto integrator = std::make_unique<BoxChangingVerlet>(0.01, kChangeStep);
  BoxChangingVerlet& verlet = *integrator;
  simulation->set_integrator(std::move(integrator));
  auto recorder = std::make_unique<ThermoRecorder>();
  ThermoRecorder& thermo = *recorder;
  simulation->add_observer(std::move(recorder));
  simulation->setup();
  const md::Box old_box = simulation->box();
  simulation->run(kChangeStep);
  // The atoms of step 20 (drifted in the old box), before the change of the next step's half.
  const md::AtomSet before = simulation->owned_atoms();
  simulation->run(1);
  const md::Box new_box = simulation->box();
  CHECK(new_box.length(0) == Approx(1.02 * old_box.length(0)).epsilon(1e-15));
  CHECK(new_box.length(1) == Approx(0.99 * old_box.length(1)).epsilon(1e-15));

  SECTION("the virial in the context is this step's, summed over ranks") {
    for (const auto& [step, sample] : thermo.samples) {
      if (step == 0) continue;  // setup's forces precede the integrator
      REQUIRE(verlet.virials.count(step) == 1);
      const std::array<double, 9>& w = verlet.virials.at(step);
      const double pressure = (2.0 * sample.kinetic_energy + w[0] + w[4] + w[8]) /
                              (3.0 * sample.volume) * md::units::kNktv2p;
      INFO("step " << step);
      CHECK(pressure == Approx(sample.pressure).epsilon(1e-12));
    }
  }

  SECTION("positions keep their fractional coordinates; the volume is the new box's") {
    const md::AtomSet after = simulation->owned_atoms();
    REQUIRE(after.size() == before.size());
    // After the change the atoms also drifted by dt·v of step 21 and may have been wrapped:
    // compare the unwrapped fractional coordinates, undoing that drift.
    for (std::size_t i = 0; i < after.size(); ++i) {
      REQUIRE(after.ids[i] == before.ids[i]);
      for (int d = 0; d < 3; ++d) {
        const double x_before = before.positions[3 * i + d] +
                                before.images[3 * i + d] * old_box.length(d);
        const double x_after = after.positions[3 * i + d] + after.images[3 * i + d] * new_box.length(d);
        const double s_before = (x_before - old_box.lo[d]) / old_box.length(d);
        const double s_after = (x_after - new_box.lo[d]) / new_box.length(d);
        // The drift of the step after the map moved the atom by at most |v|·dt (≈ 0.05 Å).
        CHECK(std::abs(s_after - s_before) * new_box.length(d) < 0.2);
      }
    }
    simulation->run(kChangeStep - 1 - (simulation->current_step() % 10));
    const md::ThermoSample s = simulation->thermo();
    CHECK(s.volume == Approx(new_box.volume()).epsilon(1e-15));
  }

  SECTION("forces after the change are those of the atoms in the new box") {
    simulation->run(15);  // several rebuilds in the new box
    check_forces_equal_fresh_evaluation(*simulation, comm);
  }
}

TEST_CASE("box-aware step: a checkpoint after a box change restarts in the changed box",
          "[physics][box]") {
  const md::Communicator comm = md::Communicator::world();
  const auto run = [&](std::int64_t steps, const md::CheckpointState* restart,
                       md::CheckpointState* save_at_end) {
    auto simulation = md::test::lj_liquid_simulation(comm, md::test::lj_liquid_settings());
    simulation->set_integrator(std::make_unique<BoxChangingVerlet>(0.01, kChangeStep));
    if (restart != nullptr) {
      simulation->restore(*restart);
    } else {
      simulation->setup();
    }
    simulation->run(steps);
    if (save_at_end != nullptr) *save_at_end = simulation->gather_checkpoint();
    return simulation->gather_frame(md::TrajectoryFields{true, true});
  };
  const md::TrajectoryFrame straight = run(60, nullptr, nullptr);
  md::CheckpointState checkpoint;
  run(30, nullptr, &checkpoint);  // past the change at step 20
  const md::TrajectoryFrame continued = run(30, &checkpoint, nullptr);
  if (!comm.is_root()) return;
  CHECK(continued.step == straight.step);
  CHECK(continued.box.length(0) == straight.box.length(0));
  CHECK(continued.positions == straight.positions);
  CHECK(continued.velocities == straight.velocities);
  CHECK(continued.forces == straight.forces);
}

TEST_CASE("box-aware step: a cell sheared past the tilt limit is flipped at the next rebuild",
          "[physics][box][triclinic]") {
  const md::Communicator comm = md::Communicator::world();
  md::SimulationSettings settings = md::test::lj_liquid_settings();
  // An instant shear of 0.65 puts a liquid far from equilibrium: its energy jumps by design.
  settings.guards.max_energy_jump_eV_per_atom = 0.0;
  auto simulation = md::test::lj_liquid_simulation(comm, settings);
  const auto shear = [](const md::Box& old) {
    md::Box box = old;
    box.tilt[md::Box::kXY] = 0.65 * old.length(0);
    return box;
  };
  simulation->set_integrator(std::make_unique<BoxChangingVerlet>(0.01, kChangeStep, shear));
  simulation->setup();
  const md::Box old_box = simulation->box();
  simulation->run(kChangeStep);
  const md::AtomSet before = simulation->owned_atoms();
  simulation->run(1);  // the shear moves atoms by up to 0.65·lx: the list is rebuilt, the cell flipped
  const md::Box box = simulation->box();
  CHECK(box.tilt[md::Box::kXY] == Approx(-0.35 * old_box.length(0)).epsilon(1e-12));
  CHECK(box.volume() == Approx(old_box.volume()).epsilon(1e-14));

  // Unwrapped positions continue: the sheared (unflipped) map of the step-20 atoms, plus one
  // step's drift, is where the atoms are, counted with their flipped image counters.
  const md::AtomSet after = simulation->owned_atoms();
  REQUIRE(after.size() == before.size());
  const md::BoxMap map = md::BoxMap::between(old_box, shear(old_box));
  for (std::size_t i = 0; i < after.size(); ++i) {
    REQUIRE(after.ids[i] == before.ids[i]);
    double x_before[3], x_after[3];
    old_box.unwrap(&before.positions[3 * i], &before.images[3 * i], x_before);
    md::map_position_atom(x_before, map);
    box.unwrap(&after.positions[3 * i], &after.images[3 * i], x_after);
    for (int d = 0; d < 3; ++d) CHECK(std::abs(x_after[d] - x_before[d]) < 0.2);
  }
  // The forces of the continuing run are those of the atoms in the flipped cell.
  simulation->run(5);
  check_forces_equal_fresh_evaluation(*simulation, comm);
}
