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
///    equal a single-point evaluation of the same atoms in the new box (the halo and list were
///    rebuilt for it);
///  - a checkpoint written after the change restarts bit for bit in the changed box, although
///    the structure the run starts from still has the old one.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <memory>

#include "core/units.hpp"
#include "engine/integrator.hpp"
#include "tests/support/lj_simulation.hpp"

namespace {

/// Velocity Verlet that reads the virial on every step and changes the box once.
class BoxChangingVerlet final : public md::Integrator {
 public:
  BoxChangingVerlet(double dt, std::int64_t change_step) : dt_(dt), change_step_(change_step) {}
  std::string description() const override { return "test: Verlet changing the box"; }
  void first_half(md::StepContext& context) override {
    context.atoms.half_kick(dt_);
    context.atoms.drift(dt_);
    if (context.step == change_step_) {
      md::Box box = context.box;
      const double factors[3] = {1.02, 0.99, 0.99};
      for (int d = 0; d < 3; ++d) box.hi[d] = box.lo[d] + factors[d] * box.length(d);
      context.box_control.change_box(box);
    }
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
    const md::EvaluationResult fresh = simulation->evaluate(false);
    const md::TrajectoryFrame frame = simulation->gather_frame(md::TrajectoryFields{false, true});
    if (comm.is_root()) {
      REQUIRE(frame.forces.size() == fresh.forces.size());
      double worst = 0.0;
      for (std::size_t k = 0; k < frame.forces.size(); ++k) {
        worst = std::max(worst, std::abs(frame.forces[k] - fresh.forces[k]));
      }
      CHECK(worst <= 1e-12);
    }
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
