#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A weak- or strong-scaling study in one command: runs mdrun on each rank count, keeps every log
# and JSON summary, and writes a markdown table (ns/day, timesteps/s, Matom-steps/s, efficiency,
# halo and Comm share) to OUTDIR/table.md. docs/benchmarks/scaling.md explains the columns.
#
# Usage: scripts/scaling_study.sh weak|strong CONFIG [RANKS...]   (RANKS default: 1 2 4 8)
#        scripts/scaling_study.sh --factors R                     (print the weak-mode factors of R)
# Environment:
#   STEPS                     MD steps per run (default 200)
#   MPIEXEC                   launcher, word-split, called as `$MPIEXEC -n R mdrun ...` (default
#                             mpiexec, plus --oversubscribe [--allow-run-as-root] on Open MPI)
#   MDRUN                     mdrun binary (default build/apps/mdrun/mdrun of this checkout)
#   OUTDIR                    output folder, must not exist (default ./scaling-<mode>-<date>)
#   ATOMS_PER_RANK_REPLICATE  weak: structure.replicate of one rank's share (default: the
#                             config's structure.replicate); R ranks run it times the near-cubic
#                             factors of R (6 -> 3 2 1)
#   BASE_REPLICATE            strong: structure.replicate of the fixed system (default: the
#                             config's structure.replicate)
set -euo pipefail

# Three factors of $1, largest first, as close to a cube as possible (least max - min).
factors() {
  local n=$1 a b c best="" spread=0
  for ((c = 1; c * c * c <= n; c++)); do
    ((n % c)) && continue
    for ((b = c; b * b <= n / c; b++)); do
      (((n / c) % b)) && continue
      a=$((n / c / b))
      if [[ -z $best ]] || ((a - c < spread)); then best="$a $b $c" spread=$((a - c)); fi
    done
  done
  echo "$best"
}
if [[ ${1:-} == --factors ]]; then factors "$2"; exit 0; fi

usage() { sed -n '7,8p' "$0" | sed 's/^# //' >&2; exit 2; }
[[ $# -ge 2 && ( $1 == weak || $1 == strong ) ]] || usage
mode=$1 config=$(realpath "$2"); shift 2
ranks=("$@"); ((${#ranks[@]})) || ranks=(1 2 4 8)
root=$(cd "$(dirname "$0")/.." && pwd)
mdrun=$(realpath "${MDRUN:-$root/build/apps/mdrun/mdrun}")
steps=${STEPS:-200}
py=/usr/bin/python3; [[ -x $py ]] || py=python3
if [[ -n ${MPIEXEC:-} ]]; then
  read -r -a launcher <<<"$MPIEXEC"
else
  launcher=(mpiexec)
  if mpiexec --version 2>&1 | grep -qE 'Open MPI|OpenRTE'; then
    launcher+=(--oversubscribe)
    [[ $(id -u) -eq 0 ]] && launcher+=(--allow-run-as-root)
  fi
fi
outdir=${OUTDIR:-./scaling-$mode-$(date +%Y%m%d-%H%M%S)}
[[ -e $outdir ]] && { echo "error: $outdir exists; set OUTDIR to a new folder" >&2; exit 2; }
mkdir -p "$outdir"; outdir=$(realpath "$outdir")
config_replicate=$("$py" -c 'import sys, yaml
s = (yaml.safe_load(open(sys.argv[1])) or {}).get("structure") or {}
print(*s.get("replicate", [1, 1, 1]))' "$config")
read -r -a base <<<"${ATOMS_PER_RANK_REPLICATE:-$config_replicate}"
[[ $mode == strong ]] && read -r -a base <<<"${BASE_REPLICATE:-$config_replicate}"

runs=()
for r in "${ranks[@]}"; do
  rep=("${base[@]}")
  if [[ $mode == weak ]]; then
    read -r -a f <<<"$(factors "$r")"
    rep=($((base[0] * f[0])) $((base[1] * f[1])) $((base[2] * f[2])))
  fi
  dir=$outdir/ranks-$r; mkdir "$dir"; runs+=("$dir")
  echo "$mode: $r ranks, replicate ${rep[*]}, $steps steps -> $dir" >&2
  (cd "$dir" && "${launcher[@]}" -n "$r" "$mdrun" --config "$config" --nsteps "$steps" \
    --set "structure.replicate=[${rep[0]}, ${rep[1]}, ${rep[2]}]" \
    --set output.write_final_data=false --set output.summary_json=summary.json \
    >mdrun.log 2>&1 && echo "${rep[*]}" >replicate) || {
    echo "error: the $r-rank run failed ($dir/mdrun.log); its last lines:" >&2
    tail -n 30 "$dir/mdrun.log" >&2; exit 1; }
done

{
  echo "# ${mode^} scaling: $(basename "$config"), $steps steps"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (+ local changes)')"
  echo "- mdrun: $("$mdrun" --version 2>&1 | head -n1)"
  echo "- host: $(hostname), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | xargs))"
  echo "- launcher: ${launcher[*]} -n R; config: $config"
  "$py" - "$mode" "${runs[@]}" <<'PY'
import json, sys
mode, rows = sys.argv[1], []
for d in sys.argv[2:]:
    s = json.load(open(d + "/summary.json"))
    loc, gh = s["atoms_per_rank"]["local"]["avg"], s["atoms_per_rank"]["ghost"]["avg"]
    tps = s["timesteps_per_s"]
    nsd = s.get("ns_per_day")
    if nsd is None:
        nsd = tps * s["dt_ps"] * 86400 / 1000
    comm = 100 * s["breakdown"]["Comm"]["avg"] / s["wall_time_s"] if s["wall_time_s"] > 0 else 0
    rep = open(d + "/replicate").read().split()
    rows.append((s["ranks"], "x".join(rep), s["atoms"], loc, nsd, tps, s["matom_steps_per_s"],
                 gh / max(loc, 1), comm))
print("- backend: %s; potential: %s" % (s["backend"], s["potential"]))
print("- efficiency: %s\n" % ("timesteps/s(R) / timesteps/s(R1)" if mode == "weak" else
                              "speed-up / (R/R1), speed-up = timesteps/s(R) / timesteps/s(R1)"))
print("| ranks | replicate | atoms | atoms/rank | ns/day | timesteps/s | Matom-steps/s | efficiency | ghosts/owned | comm % |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
r1, t1 = rows[0][0], rows[0][5]
for r, rep, n, loc, nsd, tps, mas, go, comm in rows:
    eff = tps / t1 if mode == "weak" else (tps / t1) / (r / r1)
    print("| %d | %s | %d | %.0f | %.3f | %.2f | %.3f | %.2f | %.2f | %.1f |"
          % (r, rep, n, loc, nsd, tps, mas, eff, go, comm))
PY
} >"$outdir/table.md"
cat "$outdir/table.md"
echo "(logs and JSON summaries: $outdir/ranks-*/)" >&2
