#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reference energies, forces, virials and per-atom energies of ANI-2x, computed by TorchANI.

Builds the ANI-2x model from the NeuroChem files in shared/data/ani-2x with TorchANI's own
NeuroChem reader (torchani.neurochem: the AEV constants of the .params file, the self energies of
sae_linfit.dat, the per-member networks train<k>/networks/ANN-<El>.nnf) and TorchANI's own
assembly (torchani.arch.ANI: AEVComputer + atomic networks + SelfEnergy; torchani.nn.Ensemble
averages the 8 members), and evaluates it in float64 on:
  - seven small non-periodic molecules (H, C, N, O, S, F, Cl each in at least two of them; S and
    Cl together in methanesulfenyl chloride), built from standard bond lengths and angles and
    then distorted (numpy seed 20261207) so that no force vanishes by symmetry;
  - a five-molecule cluster (water, HCl, NH3, H2S, CH3F) placed so that four neighbour
    distances lie 0.02 A inside / outside the angular cutoff 3.5 A and the radial cutoff 5.1 A;
  - the 192-atom periodic water box of configs/data/water.lmp;
  - two single waters in small periodic boxes (cubic 4.5 A; 3.3 x 3.9 x 4.6 A) where atoms see
    their own periodic images (radially; in the second box also inside the angular cutoff);
  - the solvated protein of configs/protein_ani.yaml (configs/data/adk_water.lmp, 73,186 atoms,
    two periodic copies of 36,593): TorchANI evaluates one copy in its own triclinic cell, with
    TorchANI's cell list corrected for that cell (ExactGridCellList); too large to store whole,
    so it goes to `data_file_structures` with the energy, the virial, per-element sums of the
    per-atom energies and the forces and per-atom energies of a subset of atom ids (the
    positions are the data file's, identified by its sha256). About 3 min and 11 GB.
For each structure and for member 0 alone and for the 8-member ensemble it records the energy
(eV), the forces (-dE/dx by autograd, eV/A), the virial (W_ab = -dE/d eps_ab at eps = 0 for
x -> (1 + eps) x applied to positions and cell, by autograd, eV) and the per-atom energies
(network output + self energy, eV). Along the way it checks that the energy is translation
invariant, that the forces sum to zero, that the virial is symmetric and that the per-atom
energies sum to the total.

Constants. TorchANI stores the AEV constants (EtaR, ShfR, EtaA, Zeta, ShfA, ShfZ) as float32
buffers and the self energies in the default dtype (float32), so `.double()` gives the float32
roundings of the file's values (7.5e-5 eV on one water). These references use the file's values
in float64 instead (TorchANI's parsed values written into its own buffers); the energies with
TorchANI's float32-held constants are recorded as `energy_float32_constants`.

Needs the TorchANI environment /opt/ani-venv (torch 2.13, torchani 2.9.0; no network):
    /opt/ani-venv/bin/python scripts/make_ani_references.py
It writes tests/data/ani/torchani_references.json (options --ani-dir, --out; --skip-protein
keeps the existing file's protein entry and recomputes the rest, in ~6 s).
"""

import argparse
import contextlib
import datetime
import hashlib
import json
import math
import os
import shlex
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("TORCHANI_NO_WARN_EXTENSIONS", "1")
warnings.filterwarnings("ignore", message=".*extensions.*not installed.*")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchani  # noqa: E402
from torchani import neurochem  # noqa: E402
from torchani import neighbors as tnb  # noqa: E402
from torchani.arch import ANI  # noqa: E402
from torchani.units import HARTREE_TO_EV  # noqa: E402
from torchani.utils import map_to_central  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = 20261207
DISTORTION = 0.04  # A, standard deviation of the Gaussian displacement of each coordinate
ATOMIC_NUMBER = {"H": 1, "C": 6, "N": 7, "O": 8, "F": 9, "S": 16, "Cl": 17}


# ----------------------------------------------------------------------------------------------
# The model, assembled by TorchANI
# ----------------------------------------------------------------------------------------------

@contextlib.contextmanager
def default_dtype(dtype):
    old = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(old)


def neurochem_info(ani_dir):
    """TorchANI's NeuroChemInfo for the shared folder. NeurochemInfo.from_info_file resolves the
    info file's relative paths against TorchANI's own data directory, so the same four lines are
    resolved here against the folder the .info file is in."""
    info_file = os.path.join(ani_dir, "ani-2x_8x.info")
    with open(info_file, encoding="utf-8") as f:
        const, sae, prefix, size = [line.strip() for line in f.readlines()][:4]
    base = Path(ani_dir)
    return neurochem.NeurochemInfo(sae=base / sae, const=base / const,
                                   ensemble_prefix=base / prefix, ensemble_size=int(size))


CELU_ALPHA = 0.1  # torchani.nn.TightCELU


def exact_celu(x):
    """CELU(0.1) as torch.nn.functional.celu computes it, written with torch ops whose autograd
    derivative, exp(x/alpha) for x <= 0, is exact in float64. PyTorch's own CELU backward is
    not: it derives the slope from the output with a float32-rounded scale, an error of up to
    ~1.5e-8 (e.g. at x = -1e-3), which reaches TorchANI's float64 forces (~5e-8 eV/A)."""
    negative = CELU_ALPHA * (torch.exp(torch.clamp(x, max=0.0) / CELU_ALPHA) - 1.0)
    return torch.where(x > 0, x, negative)


def use_exact_celu_gradient(model):
    """Every TightCELU of `model` computes exact_celu instead (same values, exact gradient)."""
    count = 0
    for module in model.modules():
        if type(module).__name__ == "TightCELU":
            module.forward = exact_celu
            count += 1
    assert count > 0, "no TightCELU found"


def build_model(info, model_index, float64_constants=True, exact_celu=True):
    """ANI model (TorchANI's classes and NeuroChem reader), float64. model_index None: the
    8-member ensemble (torchani.nn.Ensemble), k: member k alone (torchani.nn.ANINetworks).
    exact_celu: the activations' gradient computed exactly (exact_celu); False: PyTorch's."""
    with default_dtype(torch.float64 if float64_constants else torch.float32):
        aev_computer, networks, self_energy, symbols = neurochem.modules_from_info(
            info, model_index=model_index, strategy="pyaev")
        model = ANI(symbols, aev_computer, networks, self_energy, periodic_table_index=True)
    model = model.double()
    model.requires_grad_(False)
    if exact_celu:
        use_exact_celu_gradient(model)
    if float64_constants:
        consts, _ = neurochem.load_aev_constants_and_symbols(info.const)
        radial, angular = model.aev_computer.radial, model.aev_computer.angular
        f64 = dict(dtype=torch.float64)
        radial.eta = torch.tensor([consts.radial_eta], **f64)
        radial.shifts = torch.tensor(consts.radial_shifts, **f64)
        angular.eta = torch.tensor([consts.angular_eta], **f64)
        angular.zeta = torch.tensor([consts.angular_zeta], **f64)
        angular.shifts = torch.tensor(consts.angular_shifts, **f64)
        angular.sections = torch.tensor(consts.sections, **f64)
    for name, buf in model.named_buffers():
        if buf.is_floating_point():
            assert buf.dtype == torch.float64, name
    for name, par in model.named_parameters():
        assert par.dtype == torch.float64, name
    return model, tuple(symbols)


def model_summary(info, model, symbols):
    radial, angular = model.aev_computer.radial, model.aev_computer.angular
    return {
        "symbols": list(symbols),
        "radial_cutoff": radial.cutoff,
        "angular_cutoff": angular.cutoff,
        "radial_eta": radial.eta.item(),
        "radial_shifts": radial.shifts.tolist(),
        "angular_eta": angular.eta.item(),
        "angular_zeta": angular.zeta.item(),
        "angular_shifts": angular.shifts.tolist(),
        "angular_sections": angular.sections.tolist(),
        "aev_length": model.aev_computer.out_dim,
        "self_energies_hartree": dict(zip(symbols, model.energy_shifter.self_energies.tolist())),
        "ensemble_size": info.ensemble_size,
    }


# ----------------------------------------------------------------------------------------------
# Evaluation (energy, forces and virial by autograd)
# ----------------------------------------------------------------------------------------------

def evaluate(model, elements, positions, cell, pbc):
    species = torch.tensor([[ATOMIC_NUMBER[e] for e in elements]], dtype=torch.long)
    x = torch.tensor(positions, dtype=torch.float64).unsqueeze(0).requires_grad_(True)
    eps = torch.zeros(3, 3, dtype=torch.float64, requires_grad=True)
    deform = torch.eye(3, dtype=torch.float64) + eps  # x_a -> (delta_ab + eps_ab) x_b
    xs = x @ deform.T
    if pbc:
        cell_t = torch.tensor(cell, dtype=torch.float64) @ deform.T  # rows are box vectors
        pbc_t = torch.tensor([True, True, True])
    else:
        cell_t, pbc_t = None, None
    energy = model((species, xs), cell=cell_t, pbc=pbc_t).energies.sum() * HARTREE_TO_EV
    dx, deps = torch.autograd.grad(energy, (x, eps))
    with torch.no_grad():
        cell0 = torch.tensor(cell, dtype=torch.float64) if pbc else None
        atomic = model.atomic_energies((species, x.detach()), cell=cell0, pbc=pbc_t)
        atomic = atomic.energies[0] * HARTREE_TO_EV
    return {
        "energy": energy.item(),
        "forces": (-dx[0]).tolist(),
        "virial": (-deps).tolist(),
        "atomic_energies": atomic.tolist(),
    }


def energy_only(model, elements, positions, cell, pbc):
    species = torch.tensor([[ATOMIC_NUMBER[e] for e in elements]], dtype=torch.long)
    x = torch.tensor(positions, dtype=torch.float64).unsqueeze(0)
    cell_t = torch.tensor(cell, dtype=torch.float64) if pbc else None
    pbc_t = torch.tensor([True, True, True]) if pbc else None
    with torch.no_grad():
        return model((species, x), cell=cell_t, pbc=pbc_t).energies.sum().item() * HARTREE_TO_EV


def check(name, label, model, structure, result):
    """Translation invariance, zero net force, symmetric virial, per-atom energies sum."""
    elements, positions, cell, pbc = (structure["elements"], structure["positions"],
                                      structure["cell"], structure["pbc"])
    shift = np.array([1.37, -2.21, 0.89]) if not pbc else np.array([5.37, -7.21, 3.89])
    shifted = (np.array(positions) + shift).tolist()
    e_shifted = energy_only(model, elements, shifted, cell, pbc)
    d_translation = abs(e_shifted - result["energy"])
    net_force = np.abs(np.array(result["forces"]).sum(axis=0)).max()
    virial = np.array(result["virial"])
    asym = np.abs(virial - virial.T).max()
    d_atomic = abs(math.fsum(result["atomic_energies"]) - result["energy"])
    print("  %-9s E = %.10f eV  |dE| translated %.1e  |sum F| %.1e  |W - W^T| %.1e"
          "  |sum e_i - E| %.1e" % (label, result["energy"], d_translation, net_force, asym,
                                    d_atomic))
    assert d_translation <= 1e-9, (name, label, "translation", d_translation)
    assert net_force <= 1e-10, (name, label, "net force", net_force)
    assert asym <= 1e-9, (name, label, "virial asymmetry", asym)
    assert d_atomic <= 1e-9, (name, label, "per-atom sum", d_atomic)
    if not pbc:  # W_ab = sum_i F_ia x_ib without a cell
        w_direct = np.array(result["forces"]).T @ np.array(positions)
        assert np.abs(w_direct - virial).max() <= 1e-9, (name, label, "virial vs sum F x")
    return {"translation": d_translation, "net_force": net_force, "virial_asymmetry": asym,
            "atomic_sum": d_atomic}


# ----------------------------------------------------------------------------------------------
# Structures
# ----------------------------------------------------------------------------------------------

def zmatrix(rows):
    """Cartesian coordinates (A) from a Z-matrix: rows of (element, [i, r], [j, angle],
    [k, dihedral]) with 1-based references, angles in degrees (natural extension reference
    frame)."""
    elements, xyz = [], []
    for row in rows:
        elements.append(row[0])
        if len(row) == 1:
            xyz.append(np.zeros(3))
            continue
        i, r = row[1] - 1, row[2]
        if len(row) == 3:
            xyz.append(xyz[i] + np.array([r, 0.0, 0.0]))
            continue
        j, theta = row[3] - 1, math.radians(row[4])
        if len(row) == 5:
            a, b = xyz[i], xyz[j]
            u = (b - a) / np.linalg.norm(b - a)
            perp = np.cross(u, [0.0, 0.0, 1.0])
            if np.linalg.norm(perp) < 1e-8:
                perp = np.cross(u, [0.0, 1.0, 0.0])
            perp /= np.linalg.norm(perp)
            xyz.append(a + r * (math.cos(theta) * u + math.sin(theta) * np.cross(perp, u)))
            continue
        k, phi = row[5] - 1, math.radians(row[6])
        a, b, c = xyz[i], xyz[j], xyz[k]
        bc = (a - b) / np.linalg.norm(a - b)
        n = np.cross(b - c, bc)
        n /= np.linalg.norm(n)
        m = np.cross(n, bc)
        d2 = np.array([-r * math.cos(theta), r * math.sin(theta) * math.cos(phi),
                       r * math.sin(theta) * math.sin(phi)])
        xyz.append(a + d2[0] * bc + d2[1] * m + d2[2] * n)
    return elements, np.array(xyz)


def random_rotation(rng):
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


# Standard bond lengths (A) and angles (degrees).
MOLECULES = {
    "methanethiol": [
        ("C",), ("S", 1, 1.819), ("H", 2, 1.336, 1, 96.5),
        ("H", 1, 1.092, 2, 110.0, 3, 180.0), ("H", 1, 1.092, 2, 110.0, 3, 60.0),
        ("H", 1, 1.092, 2, 110.0, 3, -60.0)],
    "chlorofluoromethane": [
        ("C",), ("F", 1, 1.370), ("Cl", 1, 1.759, 2, 110.0),
        ("H", 1, 1.090, 2, 109.0, 3, 120.0), ("H", 1, 1.090, 2, 109.0, 3, -120.0)],
    "glycine": [
        ("N",), ("C", 1, 1.450), ("C", 2, 1.520, 1, 112.0),
        ("O", 3, 1.210, 2, 123.0, 1, 10.0), ("O", 3, 1.350, 2, 112.0, 1, -170.0),
        ("H", 5, 0.970, 3, 106.0, 2, 180.0),
        ("H", 2, 1.090, 1, 109.5, 3, 120.0), ("H", 2, 1.090, 1, 109.5, 3, -120.0),
        ("H", 1, 1.010, 2, 110.0, 3, 60.0), ("H", 1, 1.010, 2, 110.0, 3, -60.0)],
    "ammonia_water": None,  # built by ammonia_water()
    "fluoroethanethiol": [
        ("C",), ("C", 1, 1.530), ("F", 1, 1.390, 2, 109.5), ("S", 2, 1.820, 1, 113.0, 3, 65.0),
        ("H", 4, 1.340, 2, 96.5, 1, 180.0),
        ("H", 1, 1.090, 2, 110.0, 3, 120.0), ("H", 1, 1.090, 2, 110.0, 3, -120.0),
        ("H", 2, 1.090, 1, 109.5, 4, 120.0), ("H", 2, 1.090, 1, 109.5, 4, -120.0)],
    "methanesulfenyl_chloride": [
        ("C",), ("S", 1, 1.810), ("Cl", 2, 2.040, 1, 100.0),
        ("H", 1, 1.090, 2, 109.5, 3, 180.0), ("H", 1, 1.090, 2, 109.5, 3, 60.0),
        ("H", 1, 1.090, 2, 109.5, 3, -60.0)],
    "chloramine_hcl": None,  # built by chloramine_hcl()
}

FRAGMENTS = {
    "water": [("O",), ("H", 1, 0.958), ("H", 1, 0.958, 2, 104.5)],
    "hcl": [("Cl",), ("H", 1, 1.275)],
    "ammonia": [("N",), ("H", 1, 1.012), ("H", 1, 1.012, 2, 106.7),
                ("H", 1, 1.012, 2, 106.7, 3, 113.0)],
    "h2s": [("S",), ("H", 1, 1.336), ("H", 1, 1.336, 2, 92.1)],
    "fluoromethane": [("C",), ("F", 1, 1.383), ("H", 1, 1.090, 2, 108.5),
                      ("H", 1, 1.090, 2, 108.5, 3, 120.0), ("H", 1, 1.090, 2, 108.5, 3, -120.0)],
}


def ammonia_water():
    """Water donating a hydrogen bond to ammonia: O-H...N linear, O...N 2.95 A."""
    o = np.zeros(3)
    h1 = np.array([0.958, 0.0, 0.0])
    a = math.radians(104.5)
    h2 = np.array([0.958 * math.cos(a), 0.958 * math.sin(a), 0.0])
    n = np.array([2.95, 0.0, 0.0])
    hn = []
    t = math.radians(68.0)  # N-H bonds 68 degrees from the N->away axis: H-N-H 106.8 degrees
    for phi in (30.0, 150.0, 270.0):
        p = math.radians(phi)
        hn.append(n + 1.012 * np.array([math.cos(t), math.sin(t) * math.cos(p),
                                        math.sin(t) * math.sin(p)]))
    return ["O", "H", "H", "N", "H", "H", "H"], np.array([o, h1, h2, n] + hn)


def chloramine_hcl():
    """Monochloramine NH2Cl with an HCl molecule hydrogen-bonded to its nitrogen."""
    el, xyz = zmatrix([("N",), ("Cl", 1, 1.750), ("H", 1, 1.017, 2, 103.7),
                       ("H", 1, 1.017, 2, 103.7, 3, 107.0)])
    # lone-pair direction of N: opposite the mean of its three bonds
    bonds = sum((xyz[i] - xyz[0]) / np.linalg.norm(xyz[i] - xyz[0]) for i in (1, 2, 3))
    lone = -bonds / np.linalg.norm(bonds)
    h = xyz[0] + 2.05 * lone
    cl = h + 1.275 * lone
    return el + ["H", "Cl"], np.vstack([xyz, h, cl])


def distort(xyz, rng):
    """Gaussian displacement, then a random rotation and translation."""
    xyz = xyz + rng.normal(scale=DISTORTION, size=xyz.shape)
    xyz = xyz - xyz.mean(axis=0)
    return xyz @ random_rotation(rng).T + rng.uniform(-2.0, 2.0, size=3)


def min_distance(xyz):
    d = np.linalg.norm(xyz[:, None, :] - xyz[None, :, :], axis=-1)
    return d[np.triu_indices(len(xyz), 1)].min()


def molecules(rng):
    out = []
    for name, rows in MOLECULES.items():
        if name == "ammonia_water":
            elements, xyz = ammonia_water()
        elif name == "chloramine_hcl":
            elements, xyz = chloramine_hcl()
        else:
            elements, xyz = zmatrix(rows)
        assert min_distance(xyz) > 0.9, name
        xyz = distort(xyz, rng)
        out.append({"name": name, "elements": elements, "positions": xyz.tolist(),
                    "cell": None, "pbc": False})
    return out


def cutoff_cluster(rng):
    """Water at the origin and four molecules around it; the first atom of each is placed on a
    tetrahedral direction from the oxygen at 3.48, 3.52, 5.08 and 5.12 A (just inside / just
    outside the angular cutoff 3.5 A and the radial cutoff 5.1 A), its other atoms pointing away
    from the oxygen."""
    el_w, xyz_w = zmatrix(FRAGMENTS["water"])
    xyz_w = distort(xyz_w, rng)
    xyz_w -= xyz_w[0]  # oxygen at the origin
    elements, xyz = list(el_w), [xyz_w]
    dirs = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], dtype=float)
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    placed = []
    for frag, direction, dist in zip(("hcl", "ammonia", "h2s", "fluoromethane"), dirs,
                                     (3.48, 3.52, 5.08, 5.12)):
        el, f = zmatrix(FRAGMENTS[frag])
        f = f + rng.normal(scale=DISTORTION, size=f.shape)
        f -= f[0]
        # rotate so that the fragment's other atoms point along `direction` (away from O)
        rest = f[1:].mean(axis=0)
        rest /= np.linalg.norm(rest)
        v = np.cross(rest, direction)
        s, c = np.linalg.norm(v), float(np.dot(rest, direction))
        vx = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
        rot = np.eye(3) + vx + vx @ vx * ((1 - c) / s ** 2)
        spin = random_rotation_about(direction, rng.uniform(0, 2 * math.pi))
        f = f @ rot.T @ spin.T
        f = f + dist * direction  # first atom exactly `dist` from the oxygen
        elements += el
        xyz.append(f)
        placed.append((frag, el[0], dist))
    xyz = np.vstack(xyz)
    # a common rotation and translation, applied to the vectors so that distances are kept
    # up to rounding; the controlled distances are recomputed below
    rot = random_rotation(rng)
    xyz = xyz @ rot.T + np.array([0.3, -0.7, 1.1])
    assert min_distance(xyz) > 0.9
    d = np.linalg.norm(xyz[:, None, :] - xyz[None, :, :], axis=-1)
    controlled, start = [], 3
    for frag, el0, dist in placed:
        controlled.append({"atoms": [0, start], "pair": "O-" + el0,
                           "distance": float(d[0, start])})
        assert abs(d[0, start] - dist) < 1e-12
        start += len(FRAGMENTS[frag])
    pairs = d[np.triu_indices(len(xyz), 1)]
    bands = {
        "angular_inside (3.45, 3.5]": int(((pairs > 3.45) & (pairs <= 3.5)).sum()),
        "angular_outside (3.5, 3.55]": int(((pairs > 3.5) & (pairs <= 3.55)).sum()),
        "radial_inside (5.05, 5.1]": int(((pairs > 5.05) & (pairs <= 5.1)).sum()),
        "radial_outside (5.1, 5.15]": int(((pairs > 5.1) & (pairs <= 5.15)).sum()),
    }
    return {"name": "cutoff_cluster", "elements": elements, "positions": xyz.tolist(),
            "cell": None, "pbc": False,
            "notes": {"controlled_pairs": controlled, "pair_counts_near_cutoffs": bands}}


def random_rotation_about(axis, angle):
    axis = axis / np.linalg.norm(axis)
    kx = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + math.sin(angle) * kx + (1 - math.cos(angle)) * kx @ kx


def water_box():
    """configs/data/water.lmp: 192 atoms, type 1 = O, 2 = H, orthorhombic box."""
    path = os.path.join(ROOT, "configs", "data", "water.lmp")
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    bounds, natoms, atoms_at = {}, None, None
    for i, line in enumerate(lines):
        words = line.split()
        if len(words) == 2 and words[1] == "atoms":
            natoms = int(words[0])
        elif len(words) == 4 and words[2][1:] == "lo" and words[3][1:] == "hi":
            bounds[words[2][0]] = (float(words[0]), float(words[1]))
        elif len(words) == 6 and words[3:] == ["xy", "xz", "yz"]:
            assert all(float(w) == 0.0 for w in words[:3]), "triclinic water.lmp"
        elif words and words[0] == "Atoms":
            atoms_at = i
    rows = []
    for line in lines[atoms_at + 1:]:
        words = line.split()
        if not words:
            if rows:
                break
            continue
        rows.append((int(words[0]), int(words[1]), [float(w) for w in words[2:5]]))
    rows.sort()
    assert len(rows) == natoms == 192
    elements = [{1: "O", 2: "H"}[t] for _, t, _ in rows]
    positions = [p for _, _, p in rows]
    lo = [bounds[a][0] for a in "xyz"]
    assert lo == [0.0, 0.0, 0.0]
    lengths = [bounds[a][1] - bounds[a][0] for a in "xyz"]
    cell = np.diag(lengths).tolist()
    return {"name": "water_box_192", "elements": elements, "positions": positions,
            "cell": cell, "pbc": True}


def water_in_small_box(rng, name, lengths, oxygen):
    """One water in an orthorhombic box smaller than twice the radial cutoff, so atoms interact
    with their own periodic images; positions are wrapped into [0, L) so that the molecule is
    split across a face of the box."""
    el, xyz = zmatrix(FRAGMENTS["water"])
    xyz = xyz + rng.normal(scale=DISTORTION, size=xyz.shape)
    xyz = (xyz - xyz[0]) @ random_rotation(rng).T + np.array(oxygen)
    lengths = np.array(lengths)
    wrapped = xyz - np.floor(xyz / lengths) * lengths
    assert np.any(np.abs(wrapped - xyz) > 0)  # the molecule crosses a face
    return {"name": name, "elements": el, "positions": wrapped.tolist(),
            "cell": np.diag(lengths).tolist(), "pbc": True}


def structures():
    rng = np.random.default_rng(SEED)
    out = molecules(rng)
    out.append(cutoff_cluster(rng))
    out.append(water_box())
    out.append(water_in_small_box(rng, "water_self_image_cubic_4.5", [4.5, 4.5, 4.5],
                                  [0.25, 2.1, 4.3]))
    out.append(water_in_small_box(rng, "water_self_image_3.3x3.9x4.6", [3.3, 3.9, 4.6],
                                  [3.1, 0.2, 2.2]))
    return out


# ----------------------------------------------------------------------------------------------
# The solvated protein (configs/data/adk_water.lmp), read from the data file
# ----------------------------------------------------------------------------------------------

PROTEIN_DATA = "configs/data/adk_water.lmp"
PROTEIN_CONFIG = "configs/protein_ani.yaml"
PROTEIN_TYPE_MAP = ["H", "C", "N", "O", "S"]  # the data file's types 1..5 (its header says so)
PROTEIN_ATOMS_PER_COPY = 3341  # AdK, 214 residues, OPLS-AA all-atom (make_protein_data.py)
WATER_STRIDE = 50  # every 50th water atom (in id order, both copies) joins the stored subset


def read_lammps_atomic(path):
    """ids, types, positions and box lengths of a LAMMPS data file with atom_style atomic and an
    orthorhombic box whose low corner is the origin; rows sorted by id."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    bounds, natoms, atoms_at = {}, None, None
    for i, line in enumerate(lines):
        words = line.split("#")[0].split()
        if len(words) == 2 and words[1] == "atoms":
            natoms = int(words[0])
        elif len(words) == 4 and words[2][1:] == "lo" and words[3][1:] == "hi":
            bounds[words[2][0]] = (float(words[0]), float(words[1]))
        elif len(words) == 6 and words[3:] == ["xy", "xz", "yz"]:
            assert all(float(w) == 0.0 for w in words[:3]), "triclinic " + path
        elif words and words[0] == "Atoms":
            atoms_at = i
    rows = []
    for line in lines[atoms_at + 1:]:
        words = line.split("#")[0].split()
        if not words:
            if rows:
                break
            continue
        rows.append((int(words[0]), int(words[1]), [float(w) for w in words[2:5]]))
    rows.sort()
    assert len(rows) == natoms, path
    assert [b[0] for b in bounds.values()] == [0.0, 0.0, 0.0], path
    ids = np.array([r[0] for r in rows])
    types = np.array([r[1] for r in rows])
    positions = np.array([r[2] for r in rows])
    lengths = np.array([bounds[a][1] - bounds[a][0] for a in "xyz"])
    return ids, types, positions, lengths


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def protein_system():
    """configs/data/adk_water.lmp (73,186 atoms, orthorhombic) and its single periodic copy.

    The file is make_protein_data.py's exact orthorhombic supercell of a rhombic dodecahedron:
    atoms n+1..2n are atoms 1..n translated by t = (Lx/2, Ly/2, Lz/2) and wrapped. Its lattice
    is therefore body-centred: atoms 1..n alone, in the triclinic cell a = (Lx, 0, 0),
    b = (0, Ly, 0), c = t (half the volume; the dodecahedron's own lattice), are the same
    periodic system, so the energy and the virial of the file are exactly twice theirs and the
    forces and per-atom energies of atom n + k are those of atom k."""
    path = os.path.join(ROOT, PROTEIN_DATA)
    ids, types, positions, lengths = read_lammps_atomic(path)
    assert np.array_equal(ids, np.arange(1, len(ids) + 1))
    assert len(ids) % 2 == 0
    n = len(ids) // 2
    t = lengths / 2
    assert np.array_equal(types[:n], types[n:])
    d = positions[n:] - positions[:n] - t
    d -= np.round(d / lengths) * lengths
    assert np.abs(d).max() < 1e-9, "the two copies of %s are not related by (Lx, Ly, Lz)/2" % path
    elements = [PROTEIN_TYPE_MAP[k - 1] for k in types]
    # Water: the trailing O, H, H triples of each copy (O-H within 1.1 A); the protein before.
    water_start = n
    while water_start >= 3 and elements[water_start - 3:water_start] == ["O", "H", "H"]:
        o, h = positions[water_start - 3], positions[water_start - 2:water_start]
        v = h - o
        v -= np.round(v / lengths) * lengths
        if np.linalg.norm(v, axis=1).max() > 1.1:
            break
        water_start -= 3
    assert water_start == PROTEIN_ATOMS_PER_COPY, water_start
    assert {"H", "C", "N", "O", "S"} <= set(elements[:water_start])
    water_ids = [int(i) for i in ids if (i - 1) % n >= water_start]
    subset = list(range(1, water_start + 1)) + water_ids[::WATER_STRIDE]
    cell_copy = np.array([[lengths[0], 0.0, 0.0], [0.0, lengths[1], 0.0], t])
    return {
        "path": path, "elements": elements, "positions": positions, "lengths": lengths,
        "n_copy": n, "cell_copy": cell_copy, "translation": t, "protein_atoms": water_start,
        "subset": subset,
    }


def exact_bucket_grid(cell, cutoff, extra_space=1e-5):
    """Number of cell-list buckets along each cell vector such that every bucket is at least
    `cutoff` (+ TorchANI's 1e-5 slack) thick: floor(h_i / (cutoff + 1e-5)) with h_i = V / |b_j x
    b_k| the distance between the faces spanned by the other two vectors."""
    c = cell.detach()
    volume = torch.linalg.det(c).abs()
    heights = torch.stack([volume / torch.linalg.norm(torch.cross(c[(k + 1) % 3], c[(k + 2) % 3],
                                                                  dim=0))
                           for k in range(3)])
    return torch.div(heights, cutoff + extra_space, rounding_mode="floor").to(torch.long)


class ExactGridCellList(tnb.Neighborlist):
    """TorchANI's cell list (torchani.neighbors._cell_list, map_to_central, narrow_down) with two
    corrections, both needed for a triclinic cell and harmless for an orthorhombic one:

    - the bucket grid from the cell's face distances (exact_bucket_grid). TorchANI 2.9's
      setup_grid divides each vector's length by cutoff / (sin * sin) of two cell angles, which
      is too few for this cell: it gives 13 x 13 x 11 buckets for the dodecahedron's lattice,
      5.026 A thick along a and b, under the 5.1 A cutoff, and pairs two buckets apart are lost
      (here 2 pairs, at 5.067 and 5.094 A);
    - the atoms are wrapped with the cell itself (as torchani.neighbors.all_pairs does), not
      with cell.detach() as torchani.neighbors.cell_list does: wrapping by a detached cell drops
      the strain derivative of the wrapping translation, and the virial of the wrapped atoms
      with it (the virial came out asymmetric by ~1e3 eV)."""

    def forward(self, cutoff, species, coords, cell=None, pbc=None):
        assert cell is not None and pbc is not None and bool(pbc.all())
        grid_shape = exact_bucket_grid(cell, cutoff)
        assert bool((grid_shape >= 3).all()), grid_shape  # 13 half-shell buckets all distinct
        neighbor_idxs, shift_idxs = tnb._cell_list(grid_shape, coords.detach(), cell.detach())
        shifts = shift_idxs.to(cell.dtype) @ cell
        coords = map_to_central(coords, cell, pbc)
        return tnb.narrow_down(cutoff, species, coords, neighbor_idxs, shifts)


def pair_counts(neighbors, cutoff, band=1e-9):
    """Pairs closer than cutoff - band, and pairs within band of the cutoff. The coordinates lie
    on a 0.01 A grid (the GRO file's precision), so some pairs sit at exactly 5.1 A, where
    rounding decides whether they are listed; their terms are 0 (fc and fc' vanish there)."""
    d = neighbors.distances
    return int((d < cutoff - band).sum()), int(((d - cutoff).abs() <= band).sum())


def protein_neighbor_check(system, cutoff):
    """TorchANI's neighbour lists on the file's box and on the single copy: the pairs strictly
    inside the cutoff must be exactly twice as many in the file's box."""
    pbc = torch.tensor([True, True, True])
    z = torch.tensor([[ATOMIC_NUMBER[e] for e in system["elements"]]], dtype=torch.long)
    x = torch.tensor(system["positions"], dtype=torch.float64).unsqueeze(0)
    n = system["n_copy"]
    box = torch.diag(torch.tensor(system["lengths"], dtype=torch.float64))
    cell = torch.tensor(system["cell_copy"], dtype=torch.float64)
    with torch.no_grad():
        full_stock = pair_counts(tnb.cell_list(cutoff, z, x, box, pbc), cutoff)
        full_exact = pair_counts(ExactGridCellList()(cutoff, z, x, box, pbc), cutoff)
        copy_exact = pair_counts(ExactGridCellList()(cutoff, z[:, :n], x[:, :n], cell, pbc),
                                 cutoff)
        copy_stock = pair_counts(tnb.cell_list(cutoff, z[:, :n], x[:, :n], cell, pbc), cutoff)
        grid_stock = tnb.setup_grid(cell, cutoff).tolist()
        grid_exact = exact_bucket_grid(cell, cutoff).tolist()
    assert full_stock[0] == full_exact[0] == 2 * copy_exact[0], (full_stock, full_exact,
                                                                 copy_exact)
    print("  pairs within %.1f A (strictly inside; at the cutoff): box %d; %d, single copy %d; %d "
          "(TorchANI's own cell list on the single copy: %d; %d, grid %s instead of %s)"
          % (cutoff, *full_stock, *copy_exact, *copy_stock, grid_stock, grid_exact))
    return {
        "cutoff": cutoff,
        "pairs_inside_box": full_stock[0], "pairs_at_cutoff_box": full_stock[1],
        "pairs_inside_single_copy": copy_exact[0], "pairs_at_cutoff_single_copy": copy_exact[1],
        "pairs_inside_single_copy_torchani_cell_list": copy_stock[0],
        "bucket_grid_single_copy": grid_exact,
        "bucket_grid_single_copy_torchani_setup_grid": grid_stock,
    }


def evaluate_protein(label, model, system):
    """The single copy through `evaluate` (TorchANI, ExactGridCellList), scaled to the file's
    two copies; the file's box directly (TorchANI's own cell list, energy only) as a check."""
    n = system["n_copy"]
    elements = system["elements"][:n]
    all_pairs = model.neighborlist
    model.neighborlist = ExactGridCellList()
    start = time.time()
    r = evaluate(model, elements, system["positions"][:n].tolist(), system["cell_copy"].tolist(),
                 True)
    seconds = time.time() - start
    forces, atomic = np.array(r["forces"]), np.array(r["atomic_energies"])
    virial = np.array(r["virial"])
    net_force = np.abs(forces.sum(axis=0)).max()
    asym = np.abs(virial - virial.T).max() / np.abs(virial).max()
    d_atomic = abs(math.fsum(atomic) - r["energy"]) / abs(r["energy"])
    start = time.time()
    box = np.diag(system["lengths"]).tolist()
    model.neighborlist = tnb.CellList()
    direct = energy_only(model, system["elements"], system["positions"].tolist(), box, True)
    model.neighborlist = all_pairs
    seconds_direct = time.time() - start
    d_direct = abs(direct - 2 * r["energy"]) / abs(2 * r["energy"])
    print("  %-9s E = %.10f eV (2 x single copy)  |sum F| %.1e  |W - W^T|/|W| %.1e"
          "  |sum e_i - E|/|E| %.1e  box directly: dE/|E| %.1e  (%.0f s + %.0f s)"
          % (label, 2 * r["energy"], net_force, asym, d_atomic, d_direct, seconds,
             seconds_direct))
    assert net_force <= 1e-10, (label, "net force", net_force)
    assert asym <= 1e-13, (label, "virial asymmetry", asym)
    assert d_atomic <= 1e-13, (label, "per-atom sum", d_atomic)
    assert d_direct <= 1e-13, (label, "box energy", d_direct)
    sums = {}
    for e in PROTEIN_TYPE_MAP:
        sums[e] = 2 * math.fsum(atomic[k] for k in range(n) if elements[k] == e)
    rows = [(i - 1) % n for i in system["subset"]]
    return {
        "energy": 2 * r["energy"],
        "virial": (2 * virial).tolist(),
        "atomic_energy_sums": sums,
        "forces": forces[rows].tolist(),
        "atomic_energies": atomic[rows].tolist(),
        "energy_single_copy": r["energy"],
        "energy_box_direct": direct,
    }, {"net_force": net_force, "virial_asymmetry_relative": asym,
        "atomic_sum_relative": d_atomic, "box_direct_relative": d_direct}


def protein_entry(models, raw):
    system = protein_system()
    n = system["n_copy"]
    counts = {e: system["elements"].count(e) for e in PROTEIN_TYPE_MAP}
    print("%s: %d atoms (2 copies of %d), %s, periodic"
          % (PROTEIN_DATA, 2 * n, n, ",".join(e for e in PROTEIN_TYPE_MAP if counts[e])))
    cutoff = models["member_0"][0].aev_computer.radial.cutoff
    neighbors = protein_neighbor_check(system, cutoff)
    results, checks = {}, {}
    for label, (model, _) in models.items():
        results[label], checks[label] = evaluate_protein(label, model, system)
    for r in results.values():  # one row per atom (forces) or per few atoms, see write_json
        r["forces"] = raw(r["forces"], 1)
        r["atomic_energies"] = raw(r["atomic_energies"], 4)
    return {
        "name": "adk_water_73186",
        "data_file": PROTEIN_DATA,
        "data_file_sha256": sha256_of(system["path"]),
        "config": PROTEIN_CONFIG,
        "type_map": PROTEIN_TYPE_MAP,
        "atoms": 2 * n,
        "atoms_by_element": counts,
        "cell": np.diag(system["lengths"]).tolist(),
        "pbc": True,
        "construction": (
            "TorchANI evaluated atoms 1..%d (one copy: %d protein atoms, then water) in the "
            "triclinic cell single_copy_cell, which is the dodecahedron's lattice; atoms %d..%d "
            "are the same atoms translated by single_copy_translation. energy, virial and "
            "atomic_energy_sums are 2x the single copy's; the forces and per-atom energies of "
            "atom id n + k are atom k's. energy_box_direct: stock TorchANI (torchani.neighbors."
            "CellList) on the file's orthorhombic box, energy only, no autograd"
            % (n, system["protein_atoms"], n + 1, 2 * n)),
        "single_copy_atoms": n,
        "single_copy_cell": system["cell_copy"].tolist(),
        "single_copy_translation": system["translation"].tolist(),
        "protein_atoms_per_copy": system["protein_atoms"],
        "neighbor_list": neighbors,
        "subset": {
            "rule": "all protein atoms of the first copy (ids 1..%d) and every %dth water atom "
                    "of the file in id order, both copies (ids %d, %d, ...)"
                    % (system["protein_atoms"], WATER_STRIDE, system["subset"][
                        system["protein_atoms"]], system["subset"][system["protein_atoms"] + 1]),
            "ids": raw(system["subset"], 20),
        },
        "results": results,
    }, checks


def write_json(path, document, raw_values):
    """json.dump(indent=1), except that the lists registered by `raw` are written compactly,
    `per_line` items a line."""
    text = json.dumps(document, indent=1)
    for key, (values, per_line) in raw_values.items():
        lines = [", ".join(json.dumps(v) for v in values[k:k + per_line])
                 for k in range(0, len(values), per_line)]
        text = text.replace(json.dumps(key), "[\n" + ",\n".join(lines) + "\n]", 1)
    json.loads(text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + "\n")


# ----------------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ani-dir", default=os.path.join(ROOT, "..", "shared", "data", "ani-2x"),
                        help="folder with ani-2x_8x.info (default ../shared/data/ani-2x)")
    parser.add_argument("--out", default=os.path.join(ROOT, "tests", "data", "ani",
                                                      "torchani_references.json"))
    parser.add_argument("--skip-protein", action="store_true",
                        help="keep the data_file_structures of the existing --out file instead "
                             "of recomputing them (the protein takes ~3 min and ~11 GB)")
    args = parser.parse_args()
    torch.set_num_threads(1)

    info = neurochem_info(os.path.abspath(args.ani_dir))
    models = {"member_0": build_model(info, 0), "ensemble": build_model(info, None)}
    stock = {"member_0": build_model(info, 0, float64_constants=False)[0],
             "ensemble": build_model(info, None, float64_constants=False)[0]}
    pytorch_celu = {"member_0": build_model(info, 0, exact_celu=False)[0],
                    "ensemble": build_model(info, None, exact_celu=False)[0]}
    symbols = models["ensemble"][1]
    assert symbols == ("H", "C", "N", "O", "S", "F", "Cl")

    structs = structures()
    checks = {}
    for s in structs:
        print("%s: %d atoms, %s%s" % (s["name"], len(s["elements"]),
                                      ",".join(sorted(set(s["elements"]))),
                                      ", periodic" if s["pbc"] else ""))
        s["results"] = {}
        for label, (model, _) in models.items():
            r = evaluate(model, s["elements"], s["positions"], s["cell"], s["pbc"])
            checks[(s["name"], label)] = check(s["name"], label, model, s, r)
            r["energy_float32_constants"] = energy_only(stock[label], s["elements"],
                                                        s["positions"], s["cell"], s["pbc"])
            with_pytorch_celu = evaluate(pytorch_celu[label], s["elements"], s["positions"],
                                         s["cell"], s["pbc"])
            r["energy_pytorch_celu"] = with_pytorch_celu["energy"]
            r["max_force_difference_pytorch_celu"] = float(np.max(np.abs(
                np.array(with_pytorch_celu["forces"]) - np.array(r["forces"]))))
            s["results"][label] = r
        if "notes" in s:
            print("  notes:", json.dumps(s["notes"]))

    elements_seen = {}
    for s in structs[:7]:
        for e in set(s["elements"]):
            elements_seen[e] = elements_seen.get(e, 0) + 1
    assert all(elements_seen.get(e, 0) >= 2 for e in symbols), elements_seen

    worst = {k: max(c[k] for c in checks.values()) for k in next(iter(checks.values()))}

    raw_values = {}

    def raw(values, per_line):
        key = "@raw%d@" % len(raw_values)
        raw_values[key] = (values, per_line)
        return key

    if args.skip_protein:
        with open(args.out, encoding="utf-8") as f:
            data_file_structures = json.load(f)["data_file_structures"]
        for entry in data_file_structures:  # written back as compactly as before
            entry["subset"]["ids"] = raw(entry["subset"]["ids"], 20)
            for r in entry["results"].values():
                r["forces"] = raw(r["forces"], 1)
                r["atomic_energies"] = raw(r["atomic_energies"], 4)
        print("%s: kept from %s" % (PROTEIN_DATA, args.out))
    else:
        entry, _ = protein_entry(models, raw)
        data_file_structures = [entry]
    argv = [os.path.relpath(sys.argv[0], ROOT)] + sys.argv[1:]
    meta = {
        "description": "ANI-2x (8-member ensemble and member 0) evaluated by TorchANI in float64",
        "torch_version": torch.__version__,
        "torchani_version": torchani.__version__,
        "numpy_version": np.__version__,
        "date": datetime.date.today().isoformat(),
        "command": "/opt/ani-venv/bin/python " + shlex.join(argv),
        "weights": "shared/data/ani-2x (NeuroChem format, aiqm/ani-model-zoo 3a3368b)",
        "units": {
            "positions": "Angstrom", "cell": "Angstrom, rows are the box vectors",
            "energy": "eV = Hartree * torchani.units.HARTREE_TO_EV",
            "forces": "eV/Angstrom, -dE/dx by autograd",
            "virial": "eV, W_ab = -dE/d eps_ab at eps = 0 for the homogeneous strain "
                      "x_a -> (delta_ab + eps_ab) x_b applied to positions and cell (autograd); "
                      "without a box the same strain of the positions alone, i.e. "
                      "W_ab = sum_i F_ia x_ib",
            "atomic_energies": "eV, each atom's network output (averaged over the members for "
                               "the ensemble) plus its element's self energy, from "
                               "torchani.arch.ANI.atomic_energies; they sum to energy",
        },
        "hartree_to_ev": HARTREE_TO_EV,
        "hartree_to_ev_note": "torchani.units.HARTREE_TO_EV, equal to ase.units.Hartree "
                              "(CODATA 2014 per torchani/units.py)",
        "ensemble": "torchani.nn.Ensemble: the total (or per-atom) network outputs of the 8 "
                    "members are summed and divided by 8, then the self energies are added once "
                    "(torchani.sae.SelfEnergy); member_0 is train0 alone "
                    "(torchani.nn.ANINetworks, no averaging) plus the same self energies",
        "assembly": "torchani.neurochem.modules_from_info (load_aev_computer_and_symbols -> "
                    "AEVComputer.from_constants, load_sae -> SelfEnergy, load_member / "
                    "load_ensemble -> ANINetworks of AtomicNetwork / Ensemble) and "
                    "torchani.arch.ANI, strategy pyaev, all_pairs neighbour list (the "
                    "data_file_structures: TorchANI's cell list with a corrected bucket grid, "
                    "see data_file_structures_note), cosine cutoff",
        "constants": "AEV constants (EtaR, ShfR, EtaA, Zeta, ShfA, ShfZ) and self energies are "
                     "the .params / sae_linfit.dat values parsed by TorchANI, held in float64. "
                     "TorchANI itself keeps the AEV constants in float32 buffers and the self "
                     "energies in the default dtype, so .double() alone would use their float32 "
                     "roundings; energy_float32_constants is the energy computed that way "
                     "(everything else float64).",
        "celu": "The activations are CELU(0.1) as torch.nn.functional.celu computes them, but "
                "with an exactly differentiated form (exact_celu in the script): PyTorch's CELU "
                "backward derives the slope from the output with a float32-rounded scale and is "
                "off by up to ~1.5e-8, which moved TorchANI's float64 forces by up to ~8e-8 "
                "eV/A. Each result records energy_pytorch_celu (the same energy) and "
                "max_force_difference_pytorch_celu (stock TorchANI's forces against these).",
        "model": model_summary(info, models["ensemble"][0], symbols),
        "structures_seed": SEED,
        "distortion": "molecules: each coordinate displaced by N(0, %.2f A), then a random "
                      "rotation and translation (numpy default_rng(%d))" % (DISTORTION, SEED),
        "checks": "per structure and model: energy translation invariant (largest |dE| %.1e eV), "
                  "forces sum to zero (largest |sum F| %.1e eV/A), virial symmetric (%.1e eV), "
                  "per-atom energies sum to the total (%.1e eV)"
                  % (worst["translation"], worst["net_force"], worst["virial_asymmetry"],
                     worst["atomic_sum"]),
        "data_file_structures_note": (
            "Structures too large to store (the solvated protein of configs/protein_ani.yaml, "
            "73,186 atoms). Positions: the data file (checked by data_file_sha256). Stored: "
            "energy, virial, per-element sums of the per-atom energies, and forces and per-atom "
            "energies of subset.ids only (rows in that order). TorchANI evaluates the file's "
            "single periodic copy (see construction); all_pairs cannot hold it, and "
            "torchani.neighbors.cell_list is used with two corrections (ExactGridCellList in "
            "the script): its bucket grid is too coarse for the triclinic cell of the copy "
            "(TorchANI's setup_grid gives buckets 5.026 A thick for a 5.1 A cutoff and lost 2 "
            "pairs), and it wraps atoms with a detached cell, which drops part of the virial. "
            "Checks: pairs strictly inside the cutoff are exactly twice as many in the file's "
            "box (stock cell list) as in the copy; energy_box_direct (the file's box, stock "
            "cell list, energy only) equals energy to 1e-13 relative; forces sum to zero; "
            "virial symmetric and per-atom energies summing to energy, 1e-13 relative"),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    write_json(args.out, {"meta": meta, "structures": structs,
                          "data_file_structures": data_file_structures}, raw_values)
    print("wrote %s (%.0f kB)" % (args.out, os.path.getsize(args.out) / 1024))


if __name__ == "__main__":
    main()
