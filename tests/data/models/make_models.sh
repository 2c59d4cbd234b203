#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerates the small random se_e2_a test models of this directory (see README.md).
# Usage: sh tests/data/models/make_models.sh   (from the repository root; needs numpy + h5py)
set -eu
here=$(dirname "$0")
gen() { out=$1; shift; /usr/bin/python3 "$here/../../../scripts/make_random_dp_model.py" "$here/$out" "$@"; }

# type_one_side = false; embedding 4-8-16 (doubling residual); tanh everywhere.
gen two_side_doubled.dp --two-side --neuron 4 8 16 --axis-neuron 4 --fitting 16 16 16 \
    --sel 24 48 --rcut 5.0 --rcut-smth 1.0 --seed 11
# type_one_side = true; embedding 8-8-8 (identity residual with timestep idt); gelu / silu.
gen one_side_equal.dp --neuron 8 8 8 --embedding-resnet-dt --activation gelu --axis-neuron 4 \
    --fitting 12 12 --fitting-activation silu --sel 24 48 --rcut 5.0 --rcut-smth 0.5 --seed 12
# type_one_side = true; embedding 4-8-16 (doubling residual); wide switching region.
gen one_side_doubled.dp --neuron 4 8 16 --axis-neuron 8 --fitting 20 20 20 --sel 32 64 \
    --rcut 5.5 --rcut-smth 2.0 --seed 13
# Descriptor exclusion (O-O rows zeroed), model pair exclusion (H-H removed from the list),
# out_bias, env_protection; silut / softplus.
gen exclusions.dp --two-side --neuron 6 12 --activation silut:2.0 --axis-neuron 4 \
    --fitting 10 10 --fitting-activation softplus --exclude-types "0,0" --pair-exclude-types "1,1" \
    --out-bias 0.5 -0.25 --env-protection 0.05 --sel 24 48 --rcut 5.0 \
    --rcut-smth 0.5 --seed 14
# Three types in the order H C O (C absent from water), fparam/aparam, atom_ener (vacuum term),
# one fitting net for all types, atom_exclude_types H, and davg/dstd that vary slot by slot (the
# general path; such a model is not smooth where neighbours swap order, and neither is relu6, so
# it gets no finite-difference tests); sigmoid / relu6.
gen params.dp --type-map H C O --sel 48 4 24 --neuron 6 12 --activation sigmoid --axis-neuron 4 \
    --fitting 10 10 --fitting-activation relu6 --numb-fparam 2 --numb-aparam 1 \
    --atom-ener null 0.5 --mixed-types --atom-exclude-types 0 --nonuniform-stats --rcut 5.0 \
    --rcut-smth 0.5 --seed 15
# The same in float32 storage (DeePMD-kit then evaluates in float32).
gen params_f32.dp --type-map H C O --sel 48 4 24 --neuron 6 12 --activation sigmoid \
    --axis-neuron 4 --fitting 10 10 --fitting-activation relu6 --numb-fparam 2 --numb-aparam 1 \
    --atom-ener null 0.5 --mixed-types --atom-exclude-types 0 --nonuniform-stats --rcut 5.0 \
    --rcut-smth 0.5 --seed 15 --precision float32
