// SPDX-License-Identifier: MIT
#include "io/h5md_writer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "core/units.hpp"
#include "io/hdf5_handle.hpp"
#include "io/output_path.hpp"

namespace md {
namespace {

namespace fs = std::filesystem;
using hdf5::Handle;

constexpr hsize_t kTimeChunk = 256;

struct ObservableSpec {
  const char* name;
  const char* unit;
};
/// The observables written on every thermo step, in this order (the first owns step/time).
constexpr ObservableSpec kObservables[] = {
    {"potential_energy", "eV"}, {"kinetic_energy", "eV"}, {"total_energy", "eV"},
    {"conserved_energy", "eV"}, {"temperature", "K"},     {"pressure", "bar"},
    {"volume", "Angstrom^3"},
};

double observable_value(const ThermoRecord& r, int k) {
  switch (k) {
    case 0: return r.sample.potential_energy;
    case 1: return r.sample.kinetic_energy;
    case 2: return r.sample.total_energy();
    case 3: return r.conserved_energy;
    case 4: return r.sample.temperature;
    case 5: return r.sample.pressure;
    default: return r.sample.volume;
  }
}

Handle open_file(const std::string& path) {
  hdf5::quiet_errors();
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) throw io_error("cannot open the H5MD file '" + path + "' for writing");
  return file;
}

/// An extendible dataset of shape [0, tail...] chunked one time slice (or kTimeChunk scalars) at a
/// time, with a `unit` attribute when given.
void create_series(hid_t group, const std::string& name, hid_t type,
                   const std::vector<hsize_t>& tail, const char* unit) {
  std::vector<hsize_t> dims = {0}, max_dims = {H5S_UNLIMITED}, chunk = {tail.empty() ? kTimeChunk : 1};
  for (hsize_t t : tail) {
    dims.push_back(t);
    max_dims.push_back(t);
    chunk.push_back(std::max<hsize_t>(t, 1));
  }
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max_dims.data()),
               H5Sclose);
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data());
  Handle ds(H5Dcreate2(group, name.c_str(), type, space.get(), H5P_DEFAULT, plist.get(),
                       H5P_DEFAULT),
            H5Dclose);
  hdf5::check(ds.valid(), "cannot create H5MD dataset '" + name + "'");
  if (unit) hdf5::write_string_attribute(ds.get(), "unit", unit);
}

/// Appends one time slice `data` (tail-shaped) to an extendible dataset.
void append_slice(hid_t group, const std::string& name, hid_t type, const void* data) {
  Handle ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  hdf5::check(ds.valid(), "H5MD dataset '" + name + "' is missing");
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  std::vector<hsize_t> grown = dims;
  grown[0] += 1;
  hdf5::check(H5Dset_extent(ds.get(), grown.data()) >= 0, "cannot extend H5MD dataset '" + name + "'");
  Handle file_space(H5Dget_space(ds.get()), H5Sclose);
  std::vector<hsize_t> start(rank, 0), count = dims;
  start[0] = dims[0];
  count[0] = 1;
  H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
  Handle memory_space(H5Screate_simple(rank, count.data(), nullptr), H5Sclose);
  hdf5::check(H5Dwrite(ds.get(), type, memory_space.get(), file_space.get(), H5P_DEFAULT, data) >= 0,
              "cannot write H5MD dataset '" + name + "'");
}

/// Appends `box`'s edges to particles/all/box/edges/value in the file's layout (lengths [3] or
/// edge vectors [3][3]); a tilted box cannot go into a file of lengths.
void append_box_edges(hid_t all, const Box& box) {
  Handle ds(H5Dopen2(all, "box/edges/value", H5P_DEFAULT), H5Dclose);
  hdf5::check(ds.valid(), "H5MD dataset 'box/edges/value' is missing");
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  const bool matrix = H5Sget_simple_extent_ndims(space.get()) == 3;
  if (matrix) {
    double rows[3][3];
    for (int d = 0; d < 3; ++d) box.edge(d, rows[d]);
    append_slice(all, "box/edges/value", H5T_NATIVE_DOUBLE, rows);
    return;
  }
  if (box.triclinic()) {
    throw io_error("the box is tilted but the file stores the edges of an orthogonal box (its "
                   "first frame was orthogonal); write to a new file name");
  }
  const double lengths[3] = {box.length(0), box.length(1), box.length(2)};
  append_slice(all, "box/edges/value", H5T_NATIVE_DOUBLE, lengths);
}

/// Hard links `group`/step and `group`/time to the positions' (H5MD: elements sampled at the same
/// times share these datasets).
void link_step_and_time(hid_t particles, hid_t group) {
  hdf5::check(H5Lcreate_hard(particles, "position/step", group, "step", H5P_DEFAULT,
                             H5P_DEFAULT) >= 0 &&
                  H5Lcreate_hard(particles, "position/time", group, "time", H5P_DEFAULT,
                                 H5P_DEFAULT) >= 0,
              "cannot link H5MD step and time");
}

/// Shrinks an extendible dataset to `length` time slices.
void set_length(hid_t group, const std::string& name, hsize_t length) {
  Handle ds(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  hdf5::check(ds.valid(), "H5MD dataset '" + name + "' is missing");
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  std::vector<hsize_t> dims(H5Sget_simple_extent_ndims(space.get()));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  if (dims[0] <= length) return;
  dims[0] = length;
  hdf5::check(H5Dset_extent(ds.get(), dims.data()) >= 0, "cannot trim H5MD dataset '" + name + "'");
}

/// Number of leading entries of the step dataset `name` with step ≤ last_step.
hsize_t steps_up_to(hid_t group, const std::string& name, std::int64_t last_step) {
  const std::vector<std::int64_t> steps = hdf5::read_dataset<std::int64_t>(group, name);
  hsize_t n = 0;
  while (n < steps.size() && steps[n] <= last_step) ++n;
  return n;
}

void write_string_dataset(hid_t loc, const std::string& name, const std::string& text) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), text.empty() ? 1 : text.size());
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle ds(H5Dcreate2(loc, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT),
            H5Dclose);
  hdf5::check(ds.valid(), "cannot create H5MD dataset '" + name + "'");
  const std::string padded = text.empty() ? std::string(1, '\0') : text;
  hdf5::check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data()) >= 0,
              "cannot write H5MD dataset '" + name + "'");
}

/// The per-atom elements this writer keeps: name, unit, native type, whether requested.
struct Element {
  const char* name;
  const char* unit;
  bool integer;
};

std::vector<Element> elements_of(const TrajectoryFields& fields) {
  std::vector<Element> out = {{"position", "Angstrom", false}, {"image", nullptr, true}};
  if (fields.velocity) out.push_back({"velocity", "Angstrom ps-1", false});
  if (fields.force) out.push_back({"force", "kJ mol-1 Angstrom-1", false});
  return out;
}

/// /particles/all for the first frame: every group, every extendible series, the fixed datasets.
void create_particles(hid_t f, const TrajectoryFrame& frame, const TrajectoryFields& fields) {
  const hsize_t n = frame.size();
  Handle all = hdf5::create_group(f, "particles/all");
  // Positions own the step and time of every time series (H5MD hard links): the box, the other
  // elements and the observables are all sampled at the frames.
  {
    Handle position = hdf5::create_group(all.get(), "position");
    create_series(position.get(), "value", H5T_NATIVE_DOUBLE, {n, 3}, "Angstrom");
    create_series(position.get(), "step", H5T_NATIVE_INT64, {}, nullptr);
    create_series(position.get(), "time", H5T_NATIVE_DOUBLE, {}, "ps");
  }
  {
    Handle box = hdf5::create_group(all.get(), "box");
    hdf5::write_attribute(box.get(), "dimension", 3);
    std::vector<std::string> boundary;
    for (int d = 0; d < 3; ++d) boundary.push_back(frame.box.periodic[d] ? "periodic" : "none");
    hdf5::write_string_array_attribute(box.get(), "boundary", boundary);
    // The edges as a time series (MDAnalysis reads box/edges/value per frame): the three lengths
    // of an orthogonal box, or, for a tilted one, H5MD's D×D matrix whose rows are the edge
    // vectors a, b, c. The shape is fixed by the first frame.
    Handle edges = hdf5::create_group(box.get(), "edges");
    create_series(edges.get(), "value", H5T_NATIVE_DOUBLE,
                  frame.box.triclinic() ? std::vector<hsize_t>{3, 3} : std::vector<hsize_t>{3},
                  "Angstrom");
    link_step_and_time(all.get(), edges.get());
    hdf5::write_dataset(box.get(), "origin", {3}, frame.box.lo);
    Handle origin(H5Dopen2(box.get(), "origin", H5P_DEFAULT), H5Dclose);
    hdf5::write_string_attribute(origin.get(), "unit", "Angstrom");
  }
  std::vector<int> species(n);
  for (hsize_t i = 0; i < n; ++i) species[i] = frame.types[i] + 1;
  hdf5::write_dataset(all.get(), "species", {n}, species.data());
  hdf5::write_dataset(all.get(), "id", {n}, frame.ids.data());
  for (const Element& e : elements_of(fields)) {
    if (std::string(e.name) == "position") continue;
    Handle group = hdf5::create_group(all.get(), e.name);
    create_series(group.get(), "value", e.integer ? H5T_NATIVE_INT : H5T_NATIVE_DOUBLE, {n, 3},
                  e.unit);
    link_step_and_time(all.get(), group.get());
  }
}

}  // namespace

H5mdWriter::H5mdWriter(H5mdOptions options) : options_(std::move(options)) {
  hdf5::quiet_errors();
  std::error_code ec;
  if (options_.append_after_step >= 0 && fs::exists(options_.path, ec)) {
    trim_file(options_.append_after_step);
    return;
  }
  const std::string backup = back_up_existing(options_.path);
  if (!backup.empty()) spdlog::info("kept the existing {} as {}", options_.path, backup);
  create_file();
}

void H5mdWriter::create_file() const {
  Handle file(H5Fcreate(options_.path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file.valid()) throw io_error("cannot create the H5MD file '" + options_.path + "'");
  const hid_t f = file.get();
  {
    Handle h5md = hdf5::create_group(f, "h5md");
    hdf5::write_attribute(h5md.get(), "version", std::vector<int>{1, 1});
    Handle author = hdf5::create_group(h5md.get(), "author");
    hdf5::write_string_attribute(author.get(), "name", options_.author);
    Handle creator = hdf5::create_group(h5md.get(), "creator");
    hdf5::write_string_attribute(creator.get(), "name", "mdrun");
    hdf5::write_string_attribute(creator.get(), "version", options_.creator_version);
  }
  {
    Handle parameters = hdf5::create_group(f, "parameters");
    write_string_dataset(parameters.get(), "config", options_.config_text);
    hdf5::write_string_attribute(parameters.get(), "config_file", options_.config_file);
    hdf5::write_string_attribute(parameters.get(), "mdrun_version", options_.creator_version);
    std::size_t width = 1;
    for (const auto& name : options_.type_names) width = std::max(width, name.size());
    std::string packed(width * options_.type_names.size(), '\0');
    for (std::size_t t = 0; t < options_.type_names.size(); ++t) {
      std::copy(options_.type_names[t].begin(), options_.type_names[t].end(),
                packed.begin() + t * width);
    }
    Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), width);
    H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
    const hsize_t n = options_.type_names.size();
    Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
    Handle ds(H5Dcreate2(parameters.get(), "type_names", type.get(), space.get(), H5P_DEFAULT,
                         H5P_DEFAULT, H5P_DEFAULT),
              H5Dclose);
    hdf5::check(ds.valid(), "cannot create H5MD dataset 'type_names'");
    if (n > 0) H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data());
  }
  Handle particles = hdf5::create_group(f, "particles");
  Handle observables = hdf5::create_group(f, "observables");
}

void H5mdWriter::trim_file(std::int64_t last_step) const {
  Handle file = open_file(options_.path);
  const hid_t f = file.get();
  if (!hdf5::exists(f, "particles/all/position")) return;
  Handle all = hdf5::open_group(f, "particles/all");
  if (!hdf5::exists(all.get(), "box/edges/value")) {
    throw io_error("cannot continue the H5MD file '" + options_.path +
                   "': it was written by an older mdrun (fixed box edges, observables on their "
                   "own steps); continue into a new file name");
  }
  for (const Element& e : elements_of(options_.fields)) {
    if (!hdf5::exists(all.get(), e.name)) {
      throw io_error("cannot continue the H5MD file '" + options_.path + "': it has no '" +
                     e.name + "' (the trajectory fields changed; use a new file name)");
    }
  }
  for (const char* name : {"velocity", "force"}) {
    const bool wanted =
        (name == std::string("velocity")) ? options_.fields.velocity : options_.fields.force;
    if (!wanted && hdf5::exists(all.get(), name)) {
      throw io_error("cannot continue the H5MD file '" + options_.path + "': it has '" + name +
                     "', which this run does not write (use a new file name)");
    }
  }
  // Every time series shares the positions' step and time: one count trims them all.
  const hsize_t keep = steps_up_to(all.get(), "position/step", last_step);
  set_length(all.get(), "position/step", keep);
  set_length(all.get(), "position/time", keep);
  set_length(all.get(), "box/edges/value", keep);
  for (const Element& e : elements_of(options_.fields)) {
    set_length(all.get(), std::string(e.name) + "/value", keep);
  }
  if (hdf5::exists(f, "observables/potential_energy")) {
    Handle observables = hdf5::open_group(f, "observables");
    for (const auto& spec : kObservables) {
      set_length(observables.get(), std::string(spec.name) + "/value", keep);
    }
  }
  spdlog::info("continuing H5MD {} after its {} frames up to step {}", options_.path, keep,
               last_step);
}

void H5mdWriter::write_frame(const TrajectoryFrame& frame) {
  Handle file = open_file(options_.path);
  const hid_t f = file.get();
  const hsize_t n = frame.size();
  try {
    if (!hdf5::exists(f, "particles/all")) create_particles(f, frame, options_.fields);
    Handle all = hdf5::open_group(f, "particles/all");
    {
      const std::vector<std::int64_t> ids = hdf5::read_dataset<std::int64_t>(all.get(), "id");
      if (ids != frame.ids) {
        throw io_error("the atoms (ids) differ from those already in the file");
      }
    }
    append_slice(all.get(), "position/step", H5T_NATIVE_INT64, &frame.step);
    append_slice(all.get(), "position/time", H5T_NATIVE_DOUBLE, &frame.time_ps);
    append_box_edges(all.get(), frame.box);
    append_slice(all.get(), "position/value", H5T_NATIVE_DOUBLE, frame.positions.data());
    append_slice(all.get(), "image/value", H5T_NATIVE_INT, frame.images.data());
    if (options_.fields.velocity) {
      append_slice(all.get(), "velocity/value", H5T_NATIVE_DOUBLE, frame.velocities.data());
    }
    if (options_.fields.force) {
      std::vector<double> forces(frame.forces);
      for (double& x : forces) x *= units::kKjPerMolPerEv;  // eV/Å -> kJ mol⁻¹ Å⁻¹
      append_slice(all.get(), "force/value", H5T_NATIVE_DOUBLE, forces.data());
    }
    (void)n;
  } catch (const Error& e) {
    throw io_error("H5MD file '" + options_.path + "': " + e.what());
  }
  hdf5::check(H5Fflush(f, H5F_SCOPE_GLOBAL) >= 0,
              "cannot flush the H5MD file '" + options_.path + "'");
}

void H5mdWriter::write_observables(const ThermoRecord& record) {
  Handle file = open_file(options_.path);
  const hid_t f = file.get();
  try {
    Handle all = hdf5::open_group(f, "particles/all");
    const std::vector<std::int64_t> steps = hdf5::read_dataset<std::int64_t>(all.get(), "position/step");
    if (steps.empty() || steps.back() != record.sample.step) {
      throw internal_error("H5MD observables at step " + std::to_string(record.sample.step) +
                           " without a frame at that step");
    }
    Handle observables = hdf5::open_group(f, "observables");
    const hid_t o = observables.get();
    if (!hdf5::exists(o, "potential_energy")) {
      for (const auto& spec : kObservables) {
        Handle group = hdf5::create_group(o, spec.name);
        create_series(group.get(), "value", H5T_NATIVE_DOUBLE, {}, spec.unit);
        link_step_and_time(all.get(), group.get());
      }
    }
    for (int k = 0; k < static_cast<int>(std::size(kObservables)); ++k) {
      const double value = observable_value(record, k);
      append_slice(o, std::string(kObservables[k].name) + "/value", H5T_NATIVE_DOUBLE, &value);
    }
  } catch (const Error& e) {
    throw io_error("H5MD file '" + options_.path + "': " + e.what());
  }
  hdf5::check(H5Fflush(f, H5F_SCOPE_GLOBAL) >= 0,
              "cannot flush the H5MD file '" + options_.path + "'");
}

}  // namespace md
