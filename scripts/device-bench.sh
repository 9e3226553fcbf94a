#!/usr/bin/env bash
# The WebGPU benchmark (`bench gpu`) on a lent GPU machine where nothing can be installed
# and node_modules cannot travel (587 MiB > the 64 MiB limit); see BENCHMARKS.md.
#   scripts/device-bench.sh pack            here: builds bench/.device/ (bundle, Node, Dawn, Vulkan loader)
#   scripts/device-bench.sh run [ARGS...]   there, with bench/.device carried: ARGS go to `bench gpu`
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
dev=bench/.device

# xz-compressed files are unpacked with xz when there is one, else with Python's lzma.
unxz_to() {
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"; else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}

pack() {
  rm -rf "$dev" && mkdir -p "$dev/gl" "$dev/webgpu"
  # One file holding the engine, TF.js and the bench; Dawn stays a native addon beside it.
  # The browser harness is left out: the data case does not run there.
  node_modules/.bin/esbuild bench/main.ts --bundle --platform=node --format=esm --target=node20 \
    --outfile="$dev/bench.mjs" --external:webgpu --external:../tests/browser/harness.ts --log-level=warning \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
  cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$dev/webgpu/"
  xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$dev/webgpu/dawn.node.xz"
  # The machine may have no Node: this one (x86-64 Linux, glibc >= 2.28) goes along.
  xz -T2 -6 -c "$(command -v node)" >"$dev/node.xz"
  (cd "$dev/gl" && apt-get download libvulkan1 2>/dev/null) # Dawn loads libvulkan.so.1
  du -sh "$dev"/*
  du -sch "$dev"/* | tail -1
}

run() {
  local tmp=${TMPDIR:-/tmp}/nexus-device-bench out=${OUT:-$repo/bench/results}
  rm -rf "$tmp" && mkdir -p "$tmp/node_modules/webgpu/dist/linux-x64" "$tmp/gl" "$out"
  [ -f "$dev/bench.mjs" ] || { echo "no $dev/bench.mjs: run 'scripts/device-bench.sh pack' here and carry $dev" >&2; exit 2; }
  cp "$dev/bench.mjs" "$tmp/"
  cp "$dev/webgpu/package.json" "$dev/webgpu/index.js" "$tmp/node_modules/webgpu/"
  unxz_to "$dev/webgpu/dawn.node.xz" "$tmp/node_modules/webgpu/dist/linux-x64/dawn.node"

  local node=node
  # BENCH_CARRIED_NODE=1 uses the carried one even where a Node 20+ is installed (to test it).
  if [ -n "${BENCH_CARRIED_NODE:-}" ] || ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    unxz_to "$dev/node.xz" "$tmp/node" && chmod +x "$tmp/node" && node=$tmp/node
  fi

  # The Vulkan loader, unpacked beside the run rather than into /, found through LD_LIBRARY_PATH.
  if ! ldconfig -p | grep -q 'libvulkan.so.1 '; then
    for f in "$dev"/gl/*.deb; do dpkg -x "$f" "$tmp/gl"; done
    export LD_LIBRARY_PATH="$tmp/gl/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  fi
  # The driver: NVIDIA's ICD where it is mounted, else what the caller set (SwiftShader here).
  if [ -z "${VK_ICD_FILENAMES:-}" ]; then
    for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
      [ -f "$icd" ] && export VK_ICD_FILENAMES=$icd && break
    done
  fi
  export VK_DRIVER_FILES=${VK_ICD_FILENAMES:-}

  {
    echo "node: $($node --version) ($node)"
    echo "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-unset}"
    echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true
    for py in ${BENCH_PYTHON:-} python3 /usr/bin/python3; do # the bench picks the first with torch, so does this
      "$py" -c 'import sys, torch; print(sys.executable, "torch", torch.__version__, "cuda", torch.cuda.is_available())' 2>/dev/null && break
    done
  } 2>&1 | tee "$out/device-env.txt"

  # `bench gpu` keeps to its --budget-s (420 s by default); timeout is the backstop that
  # keeps the whole run inside 8 minutes. Results are rewritten after every row.
  set +e
  BENCH_DIR="$repo/bench" OUT="$out" timeout -k 10 470 "$node" "$tmp/bench.mjs" gpu "$@" 2>&1 | tee "$out/gpu.log"
  local rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" -eq 0 ] || echo "bench gpu exited with $rc (124: stopped by the 470 s cap; the tables hold what finished)" | tee -a "$out/gpu.log"
  return "$rc"
}

case "${1:-run}" in
  pack) pack ;;
  run) shift || true; run "$@" ;;
  *) echo "usage: $0 pack | run [--quick] [--budget-s N]" >&2; exit 2 ;;
esac
