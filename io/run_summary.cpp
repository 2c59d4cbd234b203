// SPDX-License-Identifier: MIT
#include "io/run_summary.hpp"

#include <nlohmann/json.hpp>

namespace md {
namespace {

nlohmann::json stats_json(const RankStats& s) {
  return {{"min", s.min}, {"avg", s.avg}, {"max", s.max}};
}

}  // namespace

std::string run_summary_json(const RunReport& r, const RunIdentity& id) {
  nlohmann::json breakdown;
  for (int p = 0; p < kPhaseCount; ++p) breakdown[kPhaseNames[p]] = stats_json(r.phases[p]);
  breakdown["Other"] = stats_json(r.other);
  const ThermoSample& t = r.final_thermo;
  nlohmann::json j = {
      {"version", id.version},
      {"config", id.config_path},
      {"config_overrides", id.overrides},
      {"config_resolved", id.resolved_config},
      {"backend", id.backend},
      {"potential", id.potential},
      {"steps", r.steps},
      {"atoms", r.n_atoms},
      {"ranks", r.n_ranks},
      {"dt_ps", r.dt_ps},
      {"wall_time_s", r.loop_seconds},
      {"ns_per_day", r.ns_per_day()},
      {"hours_per_ns", r.hours_per_ns()},
      {"timesteps_per_s", r.timesteps_per_second()},
      {"matom_steps_per_s", r.matom_steps_per_second()},
      {"breakdown", breakdown},
      {"atoms_per_rank", {{"local", stats_json(r.n_local)}, {"ghost", stats_json(r.n_ghost)}}},
      {"neighbors_per_rank", stats_json(r.n_neighbors)},
      {"neighbor_builds", r.neighbor_builds},
      {"conserved_energy_drift_mev_per_atom_per_ns",
       r.conserved_energy_drift ? nlohmann::json(r.conserved_energy_drift->slope)
                                : nlohmann::json()},
      {"conserved_energy_drift_stderr_mev_per_atom_per_ns",
       r.conserved_energy_drift && r.conserved_energy_drift->standard_error
           ? nlohmann::json(*r.conserved_energy_drift->standard_error)
           : nlohmann::json()},
      {"final",
       {{"step", t.step},
        {"time_ps", t.time_ps},
        {"pe", t.potential_energy},
        {"ke", t.kinetic_energy},
        {"etotal", t.total_energy()},
        {"temp", t.temperature},
        {"press", t.pressure},
        {"pxx", t.pressure_tensor[0]},
        {"pyy", t.pressure_tensor[1]},
        {"pzz", t.pressure_tensor[2]},
        {"pxy", t.pressure_tensor[3]},
        {"pxz", t.pressure_tensor[4]},
        {"pyz", t.pressure_tensor[5]},
        {"vol", t.volume},
        {"lx", t.box_lengths[0]},
        {"ly", t.box_lengths[1]},
        {"lz", t.box_lengths[2]},
        {"xy", t.box_tilts[0]},
        {"xz", t.box_tilts[1]},
        {"yz", t.box_tilts[2]}}},
  };
  // Present on the CUDA backend only, so a reader can tell "not measured" from zero.
  if (r.device_memory) {
    j["device_memory"] = {{"engine_buffers_bytes", stats_json(r.device_memory->engine_buffers)},
                          {"device_in_use_bytes", stats_json(r.device_memory->device_in_use)}};
  }
  return j.dump(2) + "\n";
}

}  // namespace md
