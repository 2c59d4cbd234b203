// SPDX-License-Identifier: MIT
/// \file
/// io/trajectory_formats.hpp: the format names round-trip, unknown names are refused with the
/// valid ones, and each format opens its writer.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "io/dump_writer.hpp"
#include "io/trajectory_formats.hpp"

using Catch::Matchers::Contains;

TEST_CASE("trajectory formats: names and writers", "[io][trajectory]") {
  CHECK(md::trajectory_format_names() == std::vector<std::string>{"h5md", "dump"});
  for (const std::string& name : md::trajectory_format_names()) {
    CHECK(md::trajectory_format_name(md::parse_trajectory_format(name)) == name);
  }
  CHECK_THROWS_WITH(md::parse_trajectory_format("xtc"),
                    Contains("unknown trajectory format 'xtc': expected one of h5md, dump"));

  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "md_test_trajectory_formats";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  md::TrajectoryProvenance provenance;
  provenance.type_names = {"Ar"};
  provenance.creator_version = "mdrun test";
  md::TrajectoryFrame frame;
  for (int d = 0; d < 3; ++d) frame.box.hi[d] = 10.0;
  frame.ids = {1};
  frame.types = {0};
  frame.positions = {1.0, 2.0, 3.0};
  frame.images = {0, 0, 0};
  for (const std::string& name : md::trajectory_format_names()) {
    const std::string path = (dir / ("traj." + name)).string();
    {
      auto writer = md::open_trajectory_writer(md::parse_trajectory_format(name), path,
                                               md::TrajectoryFields{}, provenance, -1);
      writer->write_frame(frame);
      writer->flush();
    }
    CHECK(std::filesystem::file_size(path) > 0);
  }
  // The dump is text: the frame's atom is in it.
  std::ifstream dump(dir / "traj.dump");
  const std::string text((std::istreambuf_iterator<char>(dump)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Contains("ITEM: ATOMS") && Contains("1 1 1 2 3"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("dump: a tilted box is written as LAMMPS writes it", "[io][trajectory][triclinic]") {
  // The box of tests/data/lj/lj_mixture_triclinic.data. LAMMPS 29 Sep 2021 (`read_data` of that
  // file, then `write_dump all custom hdr.dump id type x y z`) writes the bounding box of the cell
  // and the tilts, one per line (x: xy, y: xz, z: yz):
  //   ITEM: BOX BOUNDS xy xz yz pp pp pp
  //   -1.7750000000000000e+01 5.8375000000000000e+01 1.7375000000000000e+01
  //   1.2500000000000000e+00 5.6625000000000000e+01 -1.5250000000000000e+01
  //   -7.5000000000000000e-01 4.1125000000000000e+01 1.2750000000000000e+01
  md::TrajectoryFrame frame;
  frame.box.lo[0] = -2.5, frame.box.hi[0] = 41.0;
  frame.box.lo[1] = 1.25, frame.box.hi[1] = 43.875;
  frame.box.lo[2] = -0.75, frame.box.hi[2] = 41.125;
  frame.box.tilt[0] = 17.375, frame.box.tilt[1] = -15.25, frame.box.tilt[2] = 12.75;
  frame.ids = {1};
  frame.types = {0};
  frame.positions = {1.0, 2.0, 3.0};
  const std::string text = md::format_dump_frame(frame, md::TrajectoryFields{});
  CHECK_THAT(text, Contains("ITEM: BOX BOUNDS xy xz yz pp pp pp\n"
                            "-17.75 58.375 17.375\n"
                            "1.25 56.625 -15.25\n"
                            "-0.75 41.125 12.75\n"
                            "ITEM: ATOMS"));
  // An orthogonal box keeps LAMMPS's orthogonal header.
  frame.box.tilt[0] = frame.box.tilt[1] = frame.box.tilt[2] = 0.0;
  CHECK_THAT(md::format_dump_frame(frame, md::TrajectoryFields{}),
             Contains("ITEM: BOX BOUNDS pp pp pp\n-2.5 41\n1.25 43.875\n-0.75 41.125\nITEM"));
}
