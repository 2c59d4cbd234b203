// SPDX-License-Identifier: MIT
/// \file
/// LAMMPS data files (`read_data` / `write_data`), the structure format DeePMD users already have.
///
/// The reader follows LAMMPS `read_data` semantics for atom styles `atomic` and `full` (molecule
/// ids and charges of `full` are read and ignored), with `Masses`, `Atom Type Labels` and
/// `Velocities`, in orthogonal or restricted-triclinic boxes (`xy xz yz`, within LAMMPS's tilt
/// limits). Anything that would silently change the physics if skipped (bonds, a general-triclinic
/// box, other sections) is an error rather than ignored. Every error is an md::Error with exit code
/// kInputFile and a message `<file>:<line>: <what was found> (expected <what>)`.
/// docs/structure-files.md lists the rules and error cases.
#pragma once

#include <string>

#include "io/structure.hpp"

namespace md {

/// The LAMMPS atom styles the reader understands.
enum class AtomStyle { kAtomic, kFull };

/// The LAMMPS name of `style` ("atomic", "full").
const char* atom_style_name(AtomStyle style);

/// Reads a LAMMPS data file. `style` is the configured atom style; an `Atoms # <style>` comment
/// that names a different LAMMPS atom style is an error naming both. Lengths are in Å, velocities
/// in Å/ps and masses in amu (LAMMPS `units metal`), as written in the file; nothing is converted,
/// wrapped or reordered (atoms stay in file order). Throws md::Error (exit code kInputFile) for an
/// unreadable or malformed file.
StructureData read_lammps_data(const std::string& path, AtomStyle style);

/// Formats `data` as a LAMMPS data file in `write_data` layout: title, counts, box (with the
/// `xy xz yz` line when the box is tilted or `has_tilt_line`), `Atom Type Labels` (when `type_labels` is not empty;
/// LAMMPS before 2022 refuses the section, so callers set it only when wanted), `Masses` (when
/// every type has one), `Atoms # atomic` with image flags
/// and `Velocities` (when present), atoms sorted by id. Numbers are written in the shortest form
/// that reads back to the identical double. Units as in read_lammps_data. Throws md::Error (exit
/// code kInternal) when `data` is inconsistent (array sizes, duplicate ids, types out of range,
/// non-finite values), since the engine must never produce such a structure.
std::string format_lammps_data(const StructureData& data);

/// Writes format_lammps_data(data) to `path`: an existing file is first renamed to `#name.N#`,
/// then the new file is written atomically (temporary file, fsync, rename). Throws md::Error
/// (exit code kIo) when the backup or the write fails.
void write_lammps_data(const std::string& path, const StructureData& data);

}  // namespace md
