#!/usr/bin/env bash
# The WebGPU benchmark (`bench gpu`, issue 7) on a lent GPU machine where nothing can be
# installed and node_modules cannot travel (hundreds of MiB > the 64 MiB carried); see BENCHMARKS.md.
#   scripts/device-bench.sh pack            here: builds bench/.device/ (bundle, Node, Dawn, Vulkan loader)
#   scripts/device-bench.sh run [ARGS...]   there, with bench/.device carried: ARGS go to `bench gpu`
# `run` writes device-env.txt, gpu.log, gpu.md and gpu.json to $OUT (else bench/results/)
# and ends within 8 minutes: the bench keeps to --budget-s (390 s unless given), and a
# timeout of 450 s backs it up.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
dev=bench/.device

# The Vulkan loader, and what NVIDIA's Vulkan driver (libGLX_nvidia.so.0) links against,
# which a CUDA image may lack: glvnd's dispatcher and the X11 client libraries. Each goes
# as the one file its soname names, and `run` uses only those the machine does not have.
debs=(libvulkan1 libglvnd0 libx11-6 libxext6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0)
sonames=(libvulkan.so.1 libGLdispatch.so.0 libX11.so.6 libXext.so.6 libxcb.so.1 libXau.so.6 libXdmcp.so.6 libbsd.so.0 libmd.so.0)

# xz-compressed files are unpacked with xz when there is one, else with Python's lzma.
unxz_to() {
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"; else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}

pack() {
  [ -f node_modules/webgpu/dist/linux-x64/dawn.node ] || { echo "node_modules/webgpu/dist/linux-x64/dawn.node is missing: run npm ci" >&2; exit 2; }
  rm -rf "$dev" && mkdir -p "$dev/webgpu" "$dev/lib"
  # One file holding the engine, TF.js and the bench; Dawn stays a native addon beside it.
  # The browser harness is left out: the data case does not run there.
  node_modules/.bin/esbuild bench/main.ts --bundle --platform=node --format=esm --target=node20 \
    --outfile="$dev/bench.mjs" --external:webgpu --external:../tests/browser/harness.ts --log-level=warning \
    --banner:js="import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
  cp node_modules/webgpu/package.json node_modules/webgpu/index.js "$dev/webgpu/"
  xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >"$dev/webgpu/dawn.node.xz"
  # The machine may have no Node: this one (x86-64 Linux, glibc >= 2.28) goes along, without
  # its static symbol table (strip keeps the dynamic symbols that dawn.node links against).
  local work
  work=$(mktemp -d) && chmod 755 "$work" # apt-get download fetches as the _apt user
  cp "$(command -v node)" "$work/node" && strip "$work/node"
  xz -T2 -6 -c "$work/node" >"$dev/node.xz"
  (cd "$work" && apt-get download "${debs[@]}" >/dev/null)
  for f in "$work"/*.deb; do dpkg -x "$f" "$work/root"; done
  for so in "${sonames[@]}"; do
    local found
    found=$(find "$work/root" -name "$so" -print -quit)
    [ -n "$found" ] || { echo "no $so in the packages ${debs[*]}" >&2; exit 1; }
    cp -L "$found" "$dev/lib/$so"
  done
  rm -rf "$work"
  du -sh "$dev"/* "$dev/webgpu" "$dev/lib"
  local kib
  kib=$(du -sk "$dev" | cut -f1)
  echo "$dev: $((kib / 1024)) MiB (the device tool carries 64 MiB in all, the working tree included)"
}

run() {
  local tmp=${TMPDIR:-/tmp}/nexus-device-bench out=${OUT:-$repo/bench/results}
  [ -f "$dev/bench.mjs" ] || { echo "no $dev/bench.mjs: run 'scripts/device-bench.sh pack' here and carry $dev" >&2; exit 2; }
  rm -rf "$tmp" && mkdir -p "$tmp/node_modules/webgpu/dist/linux-x64" "$tmp/lib" "$out"
  cp "$dev/bench.mjs" "$tmp/"
  cp "$dev/webgpu/package.json" "$dev/webgpu/index.js" "$tmp/node_modules/webgpu/"
  unxz_to "$dev/webgpu/dawn.node.xz" "$tmp/node_modules/webgpu/dist/linux-x64/dawn.node"

  local node=node
  # BENCH_CARRIED_NODE=1 uses the carried one even where a Node 20+ is installed (to test it).
  if [ -n "${BENCH_CARRIED_NODE:-}" ] || ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    unxz_to "$dev/node.xz" "$tmp/node" && chmod +x "$tmp/node" && node=$tmp/node
  fi

  # Only the libraries the machine lacks, so that its own (newer) ones win where present.
  # (The cache is read once: `ldconfig -p | grep -q` would fail under pipefail when grep stops early.)
  local used=() cache
  cache=$(ldconfig -p 2>/dev/null || true)
  for f in "$dev"/lib/*; do
    local so=${f##*/}
    if ! grep -q "^[[:space:]]*$so " <<<"$cache"; then cp "$f" "$tmp/lib/" && used+=("$so"); fi
  done
  local libs=$tmp/lib
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$d" ] && libs=$libs:$d; done
  export LD_LIBRARY_PATH="$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  # The driver: NVIDIA's ICD where it is mounted, else what the caller set (SwiftShader here).
  if [ -z "${VK_ICD_FILENAMES:-}" ]; then
    for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
      [ -f "$icd" ] && export VK_ICD_FILENAMES=$icd && break
    done
  fi
  export VK_DRIVER_FILES=${VK_ICD_FILENAMES:-}
  export VK_LOADER_DEBUG=${VK_LOADER_DEBUG:-error} # a driver that fails to load says why

  {
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "node: $($node --version) ($node); webgpu (Dawn) $($node -p "require('$tmp/node_modules/webgpu/package.json').version")"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(nproc) cores"
    echo "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-unset}: $(cat "${VK_ICD_FILENAMES:-/dev/null}" 2>/dev/null | tr -d '\n ')"
    echo "carried libraries used: ${used[*]:-none}"
    echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
    if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; fi
    for py in ${BENCH_PYTHON:-} python3 /usr/bin/python3; do # the bench picks the first with torch, so does this
      "$py" -c 'import sys, torch; print(sys.executable, "torch", torch.__version__, "cuda", torch.cuda.is_available())' 2>/dev/null && break
    done
  } 2>&1 | tee "$out/device-env.txt"

  local args=("$@")
  [[ " ${args[*]} " == *" --budget-s "* ]] || args+=(--budget-s 390)
  set +e
  BENCH_DIR="$repo/bench" OUT="$out" timeout -k 10 450 "$node" "$tmp/bench.mjs" gpu "${args[@]}" 2>&1 | tee "$out/gpu.log"
  local rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" -eq 0 ] || echo "bench gpu exited with $rc (124: stopped by the 450 s cap; the tables hold what finished)" | tee -a "$out/gpu.log"
  return "$rc"
}

case "${1:-run}" in
  pack) pack ;;
  run) shift || true; run "$@" ;;
  *) echo "usage: $0 pack | run [--quick] [--budget-s N]" >&2; exit 2 ;;
esac
