// SPDX-License-Identifier: MIT
/// \file
/// io/trajectory_formats.hpp: the format names round-trip, unknown names are refused with the
/// valid ones, and each format opens its writer.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

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
