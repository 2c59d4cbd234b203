// SPDX-License-Identifier: MIT
/// \file
/// The run config reader: YAML text -> RunConfig, section by section, through the strict walker
/// in io/yaml_schema. Every key the schema knows is listed once below, in the table that both
/// checks a section's key set and powers the "it belongs in section X" hint, so the accepted
/// keys, the hints and docs/config-reference.md have one place to agree with.
#include "io/run_config.hpp"

#include <algorithm>
#include <climits>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "core/error.hpp"
#include "core/overloaded.hpp"
#include "core/units.hpp"
#include "device/backend.hpp"
#include "io/yaml_schema.hpp"

namespace md {
namespace {

namespace fs = std::filesystem;
using yaml_schema::Range;
using yaml_schema::Section;
using yaml_schema::Value;

/// Larger config files are refused before parsing: a real one is a few hundred bytes, and a
/// multi-megabyte YAML document (or a wrong path pointing at a trajectory) should not be parsed.
constexpr std::size_t kMaxConfigBytes = 1 << 20;

// Valid keys, per section.
const std::vector<std::string> kTopLevelKeys = {"units",  "structure", "masses",   "potential",
                                                "run",    "neighbor",  "velocity", "integrator",
                                                "thermo", "output",    "decomposition",
                                                "checkpoint", "guards"};
const std::vector<std::string> kStructureKeys = {"file",     "format",   "atom_style",
                                                 "type_map", "boundary", "replicate"};
const std::vector<std::string> kLennardJonesKeys = {"type", "cutoff_A", "shift_energy", "pairs"};
const std::vector<std::string> kDeepmdKeys = {
    "type",      "model",        "models", "deviation", "sel_overflow", "fparam", "aparam",
    "precision", "compress", "compress_min_neighbor_distance_A", "compress_extrapolate",
    "compress_step"};
// potential.deviation: LAMMPS's pair_style deepmd keywords out_freq/out_file/relative/relative_v/
// atomic, under DP-GEN users' names.
const std::vector<std::string> kDeviationKeys = {"every", "file", "relative", "relative_v",
                                                 "atomic"};
const std::vector<std::string> kAniKeys = {"type", "model", "ensemble", "precision"};
const std::vector<std::string> kPairKeys = {"types", "epsilon_eV", "sigma_A", "cutoff_A"};
const std::vector<std::string> kRunKeys = {"steps", "dt_fs", "backend"};
const std::vector<std::string> kNeighborKeys = {"skin_A"};
const std::vector<std::string> kVelocityKeys = {"create"};
const std::vector<std::string> kVelocityCreateKeys = {"temperature_K", "seed", "zero_momentum"};
const std::vector<std::string> kIntegratorKeys = {"type", "thermostat", "barostat"};
// Barostat keys, per type.
const std::vector<std::string> kBarostatTypes = {"c_rescale", "mtk"};
const std::vector<std::string> kCRescaleKeys = {"type", "pressure_bar", "tau_ps",
                                                "compressibility_per_bar", "seed", "every"};
const std::vector<std::string> kMtkKeys = {"type", "pressure_bar", "tau_ps", "chain", "coupling"};
// Thermostat keys: those every type takes, then each type's own.
const std::vector<std::string> kThermostatTypes = {"nose_hoover_chain", "csvr", "langevin",
                                                   "berendsen"};
const std::vector<std::string> kNoseHooverKeys = {"type", "temperature_K", "tau_ps", "chain"};
const std::vector<std::string> kCsvrKeys = {"type", "temperature_K", "tau_ps", "seed"};
const std::vector<std::string> kLangevinKeys = {"type", "temperature_K", "damping_ps", "seed"};
const std::vector<std::string> kBerendsenKeys = {"type", "temperature_K", "tau_ps"};
const std::vector<std::string> kThermoKeys = {"every", "columns"};
const std::vector<std::string> kOutputKeys = {
    "write_final_data", "final_data_file", "summary_json", "trajectory",
    "crash_dump_file",  "log_file",        "write_type_labels", "progress_seconds"};
const std::vector<std::string> kTrajectoryKeys = {"format", "file", "every", "fields"};
const std::vector<std::string> kTrajectoryFields = {"position", "velocity", "force", "image"};
const std::vector<std::string> kCheckpointKeys = {"file", "every_steps", "every_minutes",
                                                  "keep_previous"};
const std::vector<std::string> kGuardsKeys = {
    "check_every",   "max_neighbors",           "max_force_eV_A", "max_step_displacement_A",
    "max_temperature_K", "max_energy_jump_eV_per_atom"};

// Ranges. The upper bounds are there to catch unit slips, not to limit physics: 50 fs is beyond
// any stable MD timestep (a `dt_fs: 500` meant as 0.5 fs is caught), 10 Å beyond any useful skin,
// and 1e5 K beyond any condensed-phase run.
constexpr double kMaxDtFs = 50.0;
constexpr double kMaxSkinA = 10.0;
// Table settings: a coarse part beyond 100× the fine one, or a fine stride beyond 1 (in units of
// the normalised s, whose table spans ~10), would be a slip, not a choice.
constexpr double kMaxCompressExtrapolate = 100.0;
constexpr double kMaxCompressStep = 1.0;
constexpr double kMaxTemperatureK = 1.0e5;
// Thermostat coupling times beyond 10 ns couple to nothing (a slip of units, ps for fs, is caught
// the other way by the timestep check); chains longer than 10 links add nothing.
constexpr double kMaxCouplingPs = 1.0e4;
/// Largest |target pressure| of a barostat, bar (1 Mbar: diamond-anvil pressures).
constexpr double kMaxPressureBar = 1.0e6;
/// Largest barostat interval, steps (GROMACS caps nstpcouple similarly; beyond it the volume
/// barely moves).
constexpr std::int64_t kMaxBarostatEvery = 1000;
constexpr std::int64_t kMaxChainLength = 10;

/// Registers every section's keys with the document for misplaced-key hints.
void register_schema(yaml_schema::Document& doc) {
  doc.add_known_keys("", kTopLevelKeys);
  doc.add_known_keys("structure", kStructureKeys);
  doc.add_known_keys("potential", kLennardJonesKeys);
  doc.add_known_keys("potential", kDeepmdKeys);
  doc.add_known_keys("potential", kAniKeys);
  doc.add_known_keys("potential.pairs", kPairKeys);
  doc.add_known_keys("potential.deviation", kDeviationKeys);
  doc.add_known_keys("run", kRunKeys);
  doc.add_known_keys("neighbor", kNeighborKeys);
  doc.add_known_keys("velocity", kVelocityKeys);
  doc.add_known_keys("velocity.create", kVelocityCreateKeys);
  doc.add_known_keys("integrator", kIntegratorKeys);
  // Only the thermostat keys no other section has: a misplaced `temperature_K` or `seed` keeps
  // pointing at velocity.create alone.
  doc.add_known_keys("integrator.thermostat", {"tau_ps", "chain", "damping_ps"});
  doc.add_known_keys("integrator.barostat", {"pressure_bar", "compressibility_per_bar"});
  doc.add_known_keys("thermo", kThermoKeys);
  doc.add_known_keys("output", kOutputKeys);
  doc.add_known_keys("output.trajectory", kTrajectoryKeys);
  doc.add_known_keys("checkpoint", kCheckpointKeys);
  doc.add_known_keys("guards", kGuardsKeys);
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

/// "O, H": names as a YAML flow list would show them.
std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

/// Turns the YAML document into a RunConfig. One instance per parse.
class RunConfigReader {
 public:
  explicit RunConfigReader(std::string base_dir) : base_dir_(std::move(base_dir)) {}

  RunConfig read(const yaml_schema::Document& doc, const YAML::Node& root) const {
    const Value root_value(doc, root, "", YAML::Mark::null_mark(), "");
    const Section top = root_value.as_section();
    if (top.entries().empty()) {
      doc.fail("", YAML::Mark::null_mark(),
               "the config is empty; it needs at least the sections structure, potential and run");
    }
    top.allow_only(kTopLevelKeys);

    RunConfig config;
    if (auto units = top.find("units")) read_units(*units);
    read_structure(top.get("structure").as_section(), config.structure);
    if (auto masses = top.find("masses")) {
      read_masses(masses->as_section(), config.structure.type_map, config.masses);
    }
    read_potential(top.get("potential").as_section(), config.structure.type_map, config.potential);
    read_run(top.get("run").as_section(), config.backend, config.simulation);
    if (auto neighbor = top.find("neighbor")) {
      read_neighbor(neighbor->as_section(), config.simulation);
    }
    if (auto velocity = top.find("velocity")) {
      read_velocity(velocity->as_section(), config.simulation);
    }
    if (auto integrator = top.find("integrator")) {
      read_integrator(integrator->as_section(), config.simulation.integrator);
    }
    if (auto thermo = top.find("thermo")) read_thermo(thermo->as_section(), config.simulation);
    if (auto output = top.find("output")) read_output(output->as_section(), config.output);
    if (auto checkpoint = top.find("checkpoint")) {
      read_checkpoint(checkpoint->as_section(), config.checkpoint);
    }
    if (auto guards = top.find("guards")) read_guards(guards->as_section(), config.simulation.guards);
    if (auto grid = top.find("decomposition")) read_decomposition(*grid, config.decomposition);
    return config;
  }

 private:
  /// A relative path is taken relative to the config file, so a config and its inputs can move
  /// together and the run does not depend on the directory mdrun is started from.
  std::string resolve_path(const Value& value) const {
    const fs::path path(value.as_nonempty_string());
    if (path.is_absolute() || base_dir_.empty()) return path.lexically_normal().string();
    return (fs::path(base_dir_) / path).lexically_normal().string();
  }

  static void read_units(const Value& value) {
    const std::string units = value.as_string();
    if (units != "metal") {
      value.fail("unsupported units " + yaml_schema::quote(units) +
                 ": only 'metal' is supported (Å, ps, eV, amu, K, bar)");
    }
  }

  /// A type name as it may appear in a LAMMPS `Atom Type Labels` section: no whitespace.
  static std::string read_type_name(const Value& value) {
    const std::string name = value.as_nonempty_string();
    if (name.find_first_of(" \t\r\n") != std::string::npos) {
      value.fail(value.name() + " " + yaml_schema::quote(name) +
                 " contains whitespace; type names are single words");
    }
    return name;
  }

  /// When `type_map` names the types, every name used elsewhere must be one of them.
  static void check_known_type(const Value& value, const std::string& name,
                               const std::vector<std::string>& type_map) {
    if (type_map.empty() || contains(type_map, name)) return;
    value.fail(value.name() + " names type " + yaml_schema::quote(name) +
               ", which is not in structure.type_map [" + join_names(type_map) + "]" +
               yaml_schema::did_you_mean(name, type_map));
  }

  void read_structure(const Section& section, StructureConfig& out) const {
    section.allow_only(kStructureKeys);
    out.file = resolve_path(section.get("file"));
    if (auto format = section.find("format")) out.format = format->as_choice({"lammps-data"});
    if (auto style = section.find("atom_style")) {
      out.atom_style = style->as_choice({"atomic", "full"});
    }
    if (auto type_map = section.find("type_map")) {
      for (const auto& element : type_map->as_list("[O, H]")) {
        const std::string name = read_type_name(element);
        if (contains(out.type_map, name)) {
          element.fail(type_map->name() + " lists type " + yaml_schema::quote(name) + " twice");
        }
        out.type_map.push_back(name);
      }
    }
    if (auto boundary = section.find("boundary")) {
      const std::vector<Value> flags = boundary->as_list("[p, p, f]");
      if (flags.size() != 3) {
        boundary->fail(boundary->name() + " must list 3 flags (x, y, z), e.g. [p, p, f]; got " +
                       std::to_string(flags.size()));
      }
      for (std::size_t d = 0; d < 3; ++d) {
        const std::string flag = flags[d].as_string();
        if (flag != "p" && flag != "f") {
          flags[d].fail(flags[d].name() + " " + yaml_schema::quote(flag) +
                        " is not supported: expected p (periodic) or f (fixed)");
        }
        out.periodic[d] = flag == "p";
      }
    }
    if (auto replicate = section.find("replicate")) {
      out.replicate = read_three_counts(*replicate);
    }
  }

  /// `decomposition: [px, py, pz]`: the rank grid (its product must equal the rank count, which
  /// is checked when the run starts); absent = chosen automatically.
  static void read_decomposition(const Value& value, std::array<int, 3>& out) {
    out = read_three_counts(value);
  }

  /// A list of three positive counts (x, y, z), as `replicate` and `decomposition` take.
  static std::array<int, 3> read_three_counts(const Value& value) {
    const std::vector<Value> counts = value.as_list("[2, 2, 2]");
    if (counts.size() != 3) {
      value.fail(value.name() + " must list 3 counts (x, y, z), e.g. [2, 2, 2]; got " +
                 std::to_string(counts.size()));
    }
    std::array<int, 3> out{};
    for (std::size_t d = 0; d < 3; ++d) {
      out[d] = static_cast<int>(counts[d].as_integer(1, INT_MAX));
    }
    return out;
  }

  static void read_masses(const Section& section, const std::vector<std::string>& type_map,
                          std::map<std::string, double>& out) {
    for (const auto& entry : section.entries()) {
      const Value value = section.value_of(entry);
      if (entry.key.empty()) section.fail_at(entry, "masses: a type name must not be empty");
      check_known_type(value, entry.key, type_map);
      out[entry.key] = value.as_number(Range::positive("amu"));
    }
  }

  /// The keys of each potential kind's section (`type` included).
  static const std::vector<std::string>& potential_keys(const PotentialSpec& kind) {
    return std::visit(
        overloaded{[](const LennardJonesSpec&) -> const std::vector<std::string>& {
                     return kLennardJonesKeys;
                   },
                   [](const DeepPotentialOptions&) -> const std::vector<std::string>& {
                     return kDeepmdKeys;
                   },
                   [](const AniOptions&) -> const std::vector<std::string>& { return kAniKeys; }},
        kind);
  }

  void read_potential(const Section& section, const std::vector<std::string>& type_map,
                      PotentialSpec& out) const {
    const std::string type = section.get("type").as_choice(potential_type_names());
    out = empty_potential_spec(type);
    section.allow_only(potential_keys(out), [&](const std::string& key) -> std::string {
      // A key of another kind is named as such: the user likely changed `type` and kept it.
      for (const std::string& other : potential_type_names()) {
        if (other != type && contains(potential_keys(empty_potential_spec(other)), key)) {
          return "key '" + key + "' is not valid for potential type '" + type + "' (it is a '" +
                 other + "' key)";
        }
      }
      return "";
    });
    std::visit(overloaded{[&](LennardJonesSpec& lj) { read_lennard_jones(section, type_map, lj); },
                          [&](DeepPotentialOptions& deep) { read_deepmd(section, deep); },
                          [&](AniOptions& ani) { read_ani(section, ani); }},
               out);
  }

  static void read_lennard_jones(const Section& section, const std::vector<std::string>& type_map,
                                 LennardJonesSpec& out) {
    out.cutoff = section.get("cutoff_A").as_number(Range::positive("Å"));
    if (auto shift = section.find("shift_energy")) out.shift_energy = shift->as_bool();
    const Value pairs = section.get("pairs");
    const std::vector<Value> entries =
        pairs.as_list("[{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]");
    if (entries.empty()) pairs.fail(pairs.name() + " must list at least one pair of types");
    // Unordered pair of names -> line where it was first given, to catch A-B given twice.
    std::map<std::pair<std::string, std::string>, YAML::Mark> seen;
    for (const auto& entry : entries) {
      const Section pair_section = entry.as_section();
      pair_section.allow_only(kPairKeys);
      LennardJonesPairSpec pair;
      const Value types = pair_section.get("types");
      const std::vector<Value> names = types.as_list("[Ar, Ar]");
      if (names.size() != 2) {
        types.fail(types.name() + " must name exactly 2 types, e.g. [Ar, Ar]; got " +
                   std::to_string(names.size()));
      }
      pair.type_a = read_type_name(names[0]);
      pair.type_b = read_type_name(names[1]);
      check_known_type(names[0], pair.type_a, type_map);
      check_known_type(names[1], pair.type_b, type_map);
      const auto key = std::minmax(pair.type_a, pair.type_b);
      const auto [it, inserted] = seen.emplace(std::make_pair(key.first, key.second), entry.mark());
      if (!inserted) {
        const std::string first =
            it->second.is_null()
                ? ""
                : " (first given on line " + std::to_string(it->second.line + 1) + ")";
        entry.fail(pairs.name() + " gives the pair " + pair.type_a + "-" + pair.type_b + " twice" +
                   first);
      }
      pair.epsilon = pair_section.get("epsilon_eV").as_number(Range::non_negative("eV"));
      pair.sigma = pair_section.get("sigma_A").as_number(Range::positive("Å"));
      if (auto cutoff = pair_section.find("cutoff_A")) {
        pair.cutoff = cutoff->as_number(Range::positive("Å"));
      }
      out.pairs.push_back(pair);
    }
  }

  void read_deepmd(const Section& section, DeepPotentialOptions& out) const {
    read_deepmd_models(section, out);
    if (auto policy = section.find("sel_overflow")) {
      out.sel_overflow = policy->as_choice({"warn", "error"}) == "warn" ? SelOverflowPolicy::kWarn
                                                                        : SelOverflowPolicy::kError;
    }
    if (auto fparam = section.find("fparam")) out.fparam = fparam->as_number_list(Range::any());
    if (auto aparam = section.find("aparam")) out.aparam = aparam->as_number_list(Range::any());
    read_precision(section, out.precision);
    read_compression(section, out.compress);
  }

  /// `model: a.dp`, or `models: [a.dp, b.dp, ...]` (the first drives the dynamics, the others
  /// are evaluated for the deviation) with `deviation: {every, file, relative, relative_v,
  /// atomic}`. A committee without a deviation output, or a deviation without a committee, would
  /// do nothing the user asked for, so both are refused.
  void read_deepmd_models(const Section& section, DeepPotentialOptions& out) const {
    const auto model = section.find("model");
    const auto models = section.find("models");
    if (model && models) {
      models->fail("give either potential.model (one model) or potential.models (a committee), "
                   "not both");
    }
    if (!models) {
      out.model_file = resolve_path(section.get("model"));
    } else {
      const std::vector<Value> files = models->as_list("[m1.dp, m2.dp, m3.dp, m4.dp]");
      if (files.size() < 2) {
        models->fail(models->name() + " must list at least two models (the first drives the "
                     "dynamics; use potential.model for one); got " +
                     std::to_string(files.size()));
      }
      out.model_file = resolve_path(files[0]);
      for (std::size_t k = 1; k < files.size(); ++k) {
        out.deviation_models.push_back(resolve_path(files[k]));
      }
    }
    const auto deviation = section.find("deviation");
    if (deviation && !models) {
      deviation->fail("potential.deviation needs several models: list them under "
                      "potential.models (the first drives the dynamics)");
    }
    if (models && !deviation) {
      models->fail("potential.models evaluates the other models only for the model deviation: "
                   "add potential.deviation: {every: N} (or use potential.model for one model)");
    }
    if (deviation) read_deviation(deviation->as_section(), out.deviation);
  }

  static void read_deviation(const Section& section, ModelDeviationSettings& out) {
    section.allow_only(kDeviationKeys);
    out.every = section.get("every").as_integer(1);
    if (auto file = section.find("file")) {
      out.file = fs::path(file->as_nonempty_string()).lexically_normal().string();
    }
    if (auto relative = section.find("relative")) {
      out.relative = relative->as_number(Range::non_negative("eV/Å"));
    }
    if (auto relative_v = section.find("relative_v")) {
      out.relative_v = relative_v->as_number(Range::non_negative("eV"));
    }
    if (auto atomic = section.find("atomic")) out.atomic = atomic->as_bool();
  }

  /// `precision: double | mixed` (the CUDA evaluators'; core/precision.hpp).
  static void read_precision(const Section& section, Precision& out) {
    if (auto precision = section.find("precision")) {
      out = precision->as_choice({"double", "mixed"}) == "double" ? Precision::kDouble
                                                                  : Precision::kMixed;
    }
  }

  /// `model`, `precision` and `ensemble: all | [i, ...]` (member indices into the file; checked
  /// against the model when the potential is built).
  void read_ani(const Section& section, AniOptions& out) const {
    out.model_file = resolve_path(section.get("model"));
    read_precision(section, out.precision);
    auto ensemble = section.find("ensemble");
    if (!ensemble) return;
    if (ensemble->node().IsScalar()) {
      ensemble->as_choice({"all"});
      return;
    }
    const std::vector<Value> members = ensemble->as_list("all, or [0, 3, 5]");
    if (members.empty()) ensemble->fail(ensemble->name() + " must name at least one member");
    for (const Value& member : members) {
      out.ensemble.push_back(static_cast<int>(member.as_integer(0, 1 << 20)));
    }
  }

  /// `compress: true` and the table settings (DeePMD-kit's `dp compress` options; the settings
  /// are refused without compress: true, where they would silently do nothing).
  static void read_compression(const Section& section, DeepCompression& out) {
    if (auto compress = section.find("compress")) out.enabled = compress->as_bool();
    const auto setting = [&](const char* key) {
      auto value = section.find(key);
      if (value && !out.enabled) {
        value->fail(value->name() + " is set but potential.compress is not true");
      }
      return value;
    };
    if (auto r_min = setting("compress_min_neighbor_distance_A")) {
      out.min_neighbor_distance = r_min->as_number(Range::positive("Å"));
    }
    if (auto extrapolate = setting("compress_extrapolate")) {
      out.extrapolate = extrapolate->as_number(Range{1.0, kMaxCompressExtrapolate, false, true, ""});
    }
    if (auto step = setting("compress_step")) {
      out.step = step->as_number(Range{0.0, kMaxCompressStep, false, true, ""});
    }
  }

  static void read_run(const Section& section, BackendRequest& backend, SimulationSettings& out) {
    section.allow_only(kRunKeys);
    out.steps = section.get("steps").as_integer(0);
    const Range dt_range{0.0, kMaxDtFs, false, true, "fs"};
    out.dt_ps = section.get("dt_fs").as_number(dt_range) / units::kFsPerPs;
    if (auto value = section.find("backend")) backend = read_backend(*value);
  }

  /// `cpu`, `cuda` or `auto` (resolved at set-up: potential/potential_spec.hpp resolve_backend).
  /// Whether CUDA was compiled in is a fact of this build, not of the machine, so `cuda` in a build
  /// without it is refused here, with the config line.
  static BackendRequest read_backend(const Value& value) {
    const std::string name = value.as_choice({"cpu", "cuda", "auto"});
    if (name == "auto") return BackendRequest::kAuto;
    if (name == "cuda" && !cuda_compiled()) {
      value.fail(value.name() +
                 " is 'cuda' but this mdrun was built without CUDA (configure with "
                 "-DMD_ENABLE_CUDA=ON, or use backend: cpu or auto)");
    }
    return name == "cuda" ? BackendRequest::kCuda : BackendRequest::kCpu;
  }

  static void read_neighbor(const Section& section, SimulationSettings& out) {
    section.allow_only(kNeighborKeys);
    if (auto skin = section.find("skin_A")) {
      out.skin = skin->as_number(Range{0.0, kMaxSkinA, true, true, "Å"});
    }
  }

  static void read_velocity(const Section& section, SimulationSettings& out) {
    section.allow_only(kVelocityKeys);
    auto create_value = section.find("create");
    if (!create_value) return;
    const Section create = create_value->as_section();
    create.allow_only(kVelocityCreateKeys);
    VelocityCreate velocity;
    velocity.temperature_K =
        create.get("temperature_K").as_number(Range{0.0, kMaxTemperatureK, true, false, "K"});
    velocity.seed = static_cast<std::uint64_t>(create.get("seed").as_integer(1));
    if (auto zero = create.find("zero_momentum")) velocity.zero_momentum = zero->as_bool();
    out.velocity_create = velocity;
  }

  /// `integrator: {type: nve}`, `{type: nvt, thermostat: {...}}` or
  /// `{type: npt, thermostat: {...}, barostat: {...}}`.
  static void read_integrator(const Section& section, IntegratorSettings& out) {
    section.allow_only(kIntegratorKeys);
    const std::string type = section.find("type")
                                 ? section.get("type").as_choice({"nve", "nvt", "npt"})
                                 : std::string("nve");
    const std::optional<Value> thermostat = section.find("thermostat");
    const std::optional<Value> barostat = section.find("barostat");
    if (barostat && type != "npt") {
      barostat->fail(barostat->name() + " is given but integrator.type is '" + type +
                     "' (use type: npt for a barostat)");
    }
    out.barostat = BarostatSettings{};
    if (type == "nve") {
      if (thermostat) {
        thermostat->fail(thermostat->name() +
                         " is given but integrator.type is 'nve' (use type: nvt for a thermostat)");
      }
      out.thermostat = ThermostatSettings{};
      return;
    }
    if (!thermostat) {
      section.fail("integrator.type '" + type + "' needs a thermostat section, e.g. thermostat: "
                   "{type: csvr, temperature_K: 300, tau_ps: 0.1, seed: 1}");
    }
    out.thermostat = read_thermostat(thermostat->as_section());
    if (type != "npt") return;
    if (!barostat) {
      section.fail("integrator.type 'npt' needs a barostat section, e.g. barostat: {type: "
                   "c_rescale, pressure_bar: 1.0, tau_ps: 1.0, seed: 2}");
    }
    out.barostat = read_barostat(barostat->as_section());
    if (out.barostat.type == BarostatType::kMtk &&
        out.thermostat.type != ThermostatType::kNoseHooverChain) {
      thermostat->fail(thermostat->name() + ": the mtk barostat needs the nose_hoover_chain "
                       "thermostat (the particle chain of LAMMPS fix npt)");
    }
    if (out.barostat.type == BarostatType::kCRescale &&
        out.thermostat.type == ThermostatType::kLangevin) {
      thermostat->fail(thermostat->name() + ": the c_rescale barostat needs a velocity-scaling "
                       "thermostat (csvr, nose_hoover_chain or berendsen), not langevin");
    }
  }

  static BarostatSettings read_barostat(const Section& section) {
    const std::string type = section.get("type").as_choice(kBarostatTypes);
    const std::vector<std::string>& own_keys = type == "mtk" ? kMtkKeys : kCRescaleKeys;
    section.allow_only(own_keys, [&](const std::string& key) -> std::string {
      for (const auto* keys : {&kCRescaleKeys, &kMtkKeys}) {
        if (contains(*keys, key)) {
          return "key '" + key + "' is not valid for barostat type '" + type +
                 "'; its keys are " + yaml_schema::join_choices(own_keys);
        }
      }
      return "";
    });
    BarostatSettings b;
    b.type = type == "mtk" ? BarostatType::kMtk : BarostatType::kCRescale;
    b.pressure_bar = section.get("pressure_bar")
                         .as_number(Range{-kMaxPressureBar, kMaxPressureBar, true, true, "bar"});
    b.tau_ps = section.get("tau_ps").as_number(Range{0.0, kMaxCouplingPs, false, true, "ps"});
    if (type == "mtk") {
      if (auto chain = section.find("chain")) {
        b.chain = static_cast<int>(chain->as_integer(1, kMaxChainLength));
      }
      if (auto coupling = section.find("coupling")) {
        const std::string choice = coupling->as_choice({"isotropic", "anisotropic", "triclinic"});
        b.coupling = choice == "isotropic"     ? BarostatCoupling::kIsotropic
                     : choice == "anisotropic" ? BarostatCoupling::kAnisotropic
                                               : BarostatCoupling::kTriclinic;
      }
      return b;
    }
    if (auto compressibility = section.find("compressibility_per_bar")) {
      b.compressibility_per_bar = compressibility->as_number(Range{0.0, 1.0, false, true, "1/bar"});
    }
    b.seed = static_cast<std::uint64_t>(section.get("seed").as_integer(1));
    if (auto every = section.find("every")) {
      b.every = static_cast<int>(every->as_integer(1, kMaxBarostatEvery));
    }
    return b;
  }

  static ThermostatSettings read_thermostat(const Section& section) {
    const std::string type = section.get("type").as_choice(kThermostatTypes);
    const std::vector<std::string>& own_keys =
        type == "nose_hoover_chain" ? kNoseHooverKeys
        : type == "csvr"            ? kCsvrKeys
        : type == "langevin"        ? kLangevinKeys
                                    : kBerendsenKeys;
    section.allow_only(own_keys, [&](const std::string& key) -> std::string {
      for (const auto* keys : {&kNoseHooverKeys, &kCsvrKeys, &kLangevinKeys, &kBerendsenKeys}) {
        if (contains(*keys, key)) {
          return "key '" + key + "' is not valid for thermostat type '" + type +
                 "'; its keys are " + yaml_schema::join_choices(own_keys);
        }
      }
      return "";
    });
    ThermostatSettings t;
    t.type = type == "nose_hoover_chain" ? ThermostatType::kNoseHooverChain
             : type == "csvr"            ? ThermostatType::kCsvr
             : type == "langevin"        ? ThermostatType::kLangevin
                                         : ThermostatType::kBerendsen;
    t.temperature_K =
        section.get("temperature_K").as_number(Range{0.0, kMaxTemperatureK, false, false, "K"});
    const Range time_range{0.0, kMaxCouplingPs, false, true, "ps"};
    if (contains(own_keys, "tau_ps")) t.tau_ps = section.get("tau_ps").as_number(time_range);
    if (contains(own_keys, "damping_ps")) {
      t.damping_ps = section.get("damping_ps").as_number(time_range);
    }
    if (auto chain = section.find("chain")) {
      t.chain = static_cast<int>(chain->as_integer(1, kMaxChainLength));
    }
    if (contains(own_keys, "seed")) {
      t.seed = static_cast<std::uint64_t>(section.get("seed").as_integer(1));
    }
    return t;
  }

  static void read_thermo(const Section& section, SimulationSettings& out) {
    section.allow_only(kThermoKeys);
    if (auto every = section.find("every")) {
      out.thermo_every = static_cast<int>(every->as_integer(0, INT_MAX));
    }
    if (auto columns = section.find("columns")) {
      const std::vector<Value> names = columns->as_list("[step, pe, ke, etotal]");
      if (names.empty()) columns->fail(columns->name() + " must list at least one column");
      std::vector<std::string> keywords;
      for (const auto& column : thermo_column_names()) keywords.emplace_back(column.keyword);
      out.thermo_columns.clear();
      for (const auto& element : names) {
        const std::string name = element.as_string();
        const std::optional<ThermoColumn> column = parse_thermo_column(name);
        if (!column) element.fail(unknown_column_message(name, keywords));
        if (std::find(out.thermo_columns.begin(), out.thermo_columns.end(), *column) !=
            out.thermo_columns.end()) {
          element.fail(columns->name() + " lists " + yaml_schema::quote(name) + " twice");
        }
        out.thermo_columns.push_back(*column);
      }
    }
  }

  /// Suggests the nearest keyword, or the keyword of a header given instead ("PotEng" -> "pe").
  static std::string unknown_column_message(const std::string& name,
                                            const std::vector<std::string>& keywords) {
    std::string hint;
    for (const auto& column : thermo_column_names()) {
      if (yaml_schema::edit_distance(name, column.header) == 0 && name != column.keyword) {
        hint = " (did you mean '" + std::string(column.keyword) + "'?)";
      }
    }
    if (hint.empty()) hint = yaml_schema::did_you_mean(name, keywords);
    return "unknown thermo column " + yaml_schema::quote(name) + hint +
           "; valid columns: " + yaml_schema::join_choices(keywords);
  }

  void read_output(const Section& section, OutputConfig& out) const {
    section.allow_only(kOutputKeys);
    if (auto write = section.find("write_final_data")) out.write_final_data = write->as_bool();
    // Outputs, unlike inputs, are relative to the working directory (as in LAMMPS and GROMACS):
    // one config can then serve several runs started in different directories.
    if (auto file = section.find("final_data_file")) {
      out.final_data_file = fs::path(file->as_nonempty_string()).lexically_normal().string();
    }
    if (auto summary = section.find("summary_json")) {
      out.summary_json = fs::path(summary->as_nonempty_string()).lexically_normal().string();
    }
    if (auto crash = section.find("crash_dump_file")) {
      out.crash_dump_file = fs::path(crash->as_nonempty_string()).lexically_normal().string();
    }
    if (auto log = section.find("log_file")) {
      const std::string name = log->as_nonempty_string();
      out.log_file = name == "none" ? std::string() : fs::path(name).lexically_normal().string();
    }
    if (auto labels = section.find("write_type_labels")) out.write_type_labels = labels->as_bool();
    if (auto progress = section.find("progress_seconds")) {
      out.progress_seconds = progress->as_number(Range::non_negative("s"));
    }
    if (auto trajectory = section.find("trajectory")) {
      // One output as a section, or several as a list of sections.
      if (trajectory->node().IsSequence()) {
        const std::vector<Value> entries =
            trajectory->as_list("[{format: h5md, file: traj.h5, every: 100}]");
        for (const auto& entry : entries) {
          out.trajectories.push_back(read_trajectory(entry.as_section()));
        }
      } else {
        out.trajectories.push_back(read_trajectory(trajectory->as_section()));
      }
      for (std::size_t a = 0; a < out.trajectories.size(); ++a) {
        for (std::size_t b = 0; b < a; ++b) {
          if (out.trajectories[a].file == out.trajectories[b].file) {
            trajectory->fail(trajectory->name() + " names the file " +
                             yaml_schema::quote(out.trajectories[a].file) + " twice");
          }
        }
      }
    }
  }

  static TrajectoryConfig read_trajectory(const Section& section) {
    section.allow_only(kTrajectoryKeys);
    TrajectoryConfig t;
    if (auto format = section.find("format")) {
      t.format = parse_trajectory_format(format->as_choice(trajectory_format_names()));
    }
    t.file = fs::path(section.get("file").as_nonempty_string()).lexically_normal().string();
    t.every = section.get("every").as_integer(1);
    if (auto fields = section.find("fields")) {
      for (const auto& element : fields->as_list("[position, velocity, force]")) {
        const std::string name = element.as_choice(kTrajectoryFields);
        if (name == "velocity") t.fields.velocity = true;
        if (name == "force") t.fields.force = true;
        if (name == "image") t.fields.image = true;
      }
    }
    return t;
  }

  static void read_checkpoint(const Section& section, CheckpointConfig& out) {
    section.allow_only(kCheckpointKeys);
    out.enabled = true;
    if (auto file = section.find("file")) {
      out.file = fs::path(file->as_nonempty_string()).lexically_normal().string();
    }
    if (auto every = section.find("every_steps")) out.every_steps = every->as_integer(0);
    if (auto minutes = section.find("every_minutes")) {
      out.every_minutes = minutes->as_number(Range::non_negative("min"));
    }
    if (auto keep = section.find("keep_previous")) out.keep_previous = keep->as_bool();
  }

  static void read_guards(const Section& section, GuardSettings& out) {
    section.allow_only(kGuardsKeys);
    if (auto every = section.find("check_every")) {
      out.check_every = static_cast<int>(every->as_integer(0, INT_MAX));
    }
    if (auto max = section.find("max_neighbors")) {
      out.max_neighbors = static_cast<int>(max->as_integer(0, INT_MAX));
    }
    // Each bound: a number >= 0, where 0 switches it off.
    if (auto force = section.find("max_force_eV_A")) {
      out.max_force_eV_A = force->as_number(Range::non_negative("eV/Å"));
    }
    if (auto step = section.find("max_step_displacement_A")) {
      out.max_step_displacement_A = step->as_number(Range::non_negative("Å"));
    }
    if (auto temperature = section.find("max_temperature_K")) {
      out.max_temperature_K = temperature->as_number(Range::non_negative("K"));
    }
    if (auto jump = section.find("max_energy_jump_eV_per_atom")) {
      out.max_energy_jump_eV_per_atom = jump->as_number(Range::non_negative("eV"));
    }
  }

  std::string base_dir_;
};

std::string read_config_file(const std::string& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    throw config_error(path + ": cannot read the config file: no such file");
  }
  if (!fs::is_regular_file(status)) {
    throw config_error(path + ": cannot read the config file: not a regular file");
  }
  const auto size = fs::file_size(path, ec);
  if (ec) throw config_error(path + ": cannot read the config file: " + ec.message());
  if (size > kMaxConfigBytes) {
    throw config_error(path + ": the config file is " + std::to_string(size) +
                       " bytes; configs larger than 1 MiB are refused (is this the right file?)");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error(path + ": cannot open the config file for reading");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw config_error(path + ": error while reading the config file");
  return text.str();
}

}  // namespace

RunConfig load_run_config(const std::string& path, const std::vector<std::string>& overrides) {
  const std::string text = read_config_file(path);
  RunConfig config = parse_run_config(text, path, fs::path(path).parent_path().string(), overrides);
  config.config_path = path;
  return config;
}

RunConfig parse_run_config(const std::string& yaml_text, const std::string& source_name,
                           const std::string& base_dir, const std::vector<std::string>& overrides) {
  if (yaml_text.size() > kMaxConfigBytes) {
    throw config_error(source_name + ": the config is " + std::to_string(yaml_text.size()) +
                       " bytes; configs larger than 1 MiB are refused");
  }
  yaml_schema::Document doc(source_name);
  register_schema(doc);
  YAML::Node root = yaml_schema::load_document(yaml_text, source_name);
  for (const auto& text : overrides) yaml_schema::apply_override(root, text, doc);
  RunConfig config = RunConfigReader(base_dir).read(doc, root);
  config.overrides = overrides;
  YAML::Emitter resolved;
  resolved << root;
  config.resolved_yaml = resolved.c_str();
  return config;
}

}  // namespace md
