// SPDX-License-Identifier: MIT
/// \file
/// libFuzzer harness: the YAML run config reader (md::parse_run_config, io/run_config.hpp).
///
/// The input is the YAML text. Lines that start with `#set ` are also passed as `--set`
/// overrides (they are YAML comments, so the document itself is unchanged), which fuzzes
/// yaml_schema::apply_override too. Oracle (fuzz_common.hpp): the reader returns, or throws
/// md::Error with exit code kUsage whose message names the source ("fuzz.yaml:<line>: ...") or
/// the override ("--set ...").
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_common.hpp"
#include "io/run_config.hpp"

namespace {

/// Records where each document starts; nothing else.
class DocumentStarts : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override {
    repeated = count > 0 && mark.pos == last.pos;
    last = mark;
    ++count;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

  YAML::Mark last;
  long count = 0;
  bool repeated = false;
};

/// TEMPORARY GUARD, to be removed once main's fix of io/yaml_schema.cpp load_document is merged
/// (fuzz/corpus/run_config/regression-stuck-parser-* are the reproducers; docs/fuzzing.md).
///
/// yaml-cpp 0.7's YAML::LoadAll never ends on some inputs: when a stray flow token such as `,`
/// is left at the document level (the text `,`, or `{"a": 1},`), every call of
/// Parser::HandleNextDocument returns another empty document without consuming it, so LoadAll
/// fills memory with empty documents. This replays the document loop with an event handler and
/// reports the input as stuck when a document starts where the previous one started (no
/// progress). Such inputs are skipped so that the campaign keeps looking for other bugs.
bool yaml_parser_gets_stuck(const std::string& text) {
  std::istringstream in(text);
  DocumentStarts starts;
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(starts)) {
      if (starts.repeated) return true;
    }
  } catch (const YAML::Exception&) {
    // A syntax error: the reader reports it; not the stuck pattern.
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (yaml_parser_gets_stuck(text)) return -1;  // -1: libFuzzer keeps it out of the corpus

  std::vector<std::string> overrides;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("#set ", 0) == 0) overrides.push_back(line.substr(5));
  }

  md::fuzz::expect_value_or_error(
      "parse_run_config", md::ExitCode::kUsage, {"fuzz.yaml", "--set "},
      [&] { md::parse_run_config(text, "fuzz.yaml", "/nonexistent-fuzz-dir", overrides); });
  return 0;
}
