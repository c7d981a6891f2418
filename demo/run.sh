#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: one sample accelerator shared by several VMs, on this machine.
#
# Sets everything up (Debian packages, Debian's prebuilt 6.12 kernel -- no kernel
# build --, sacc.ko, mdevctl-lite, the guest driver and sacc-job), boots a VM that
# plays the host (QEMU), and inside it (demo/inside-vm.sh) creates one instance per
# VM with mdevctl-lite, starts the VMs at once with -device vfio-pci,sysfsdev=...,
# shows their progress, their verified results and throughput next to the host's
# per-instance counters, and tears everything down.
#
# Environment: DEMO_VMS="vm1:sacc-2q vm2:sacc-1q" (name:type of each VM),
# DEMO_SECONDS=5 (each VM's benchmark). Exit status 0 only when every check passed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
start=$SECONDS
say() { printf 'demo: %s\n' "$*"; }

say "setting up: Debian packages"
"$repo/tests/vm/deps.sh" || { say "FAILED: could not install the packages"; exit 1; }
say "setting up: Debian's prebuilt kernel (for the host VM and the guests)"
"$repo/tests/vm/kernel-distro.sh" >/dev/null || { say "FAILED: could not get Debian's kernel"; exit 1; }
say "setting up: building sacc.ko, mdevctl-lite, sacc_pci.ko and sacc-job; booting the host VM"

# The guests boot Debian's kernel too (the tests' small L2 kernel would need a build).
export SACC_L2_KERNEL_KIND="${SACC_L2_KERNEL_KIND:-distro}"
mkdir -p "$repo/build"
log="$repo/build/demo.log"
env_pass=""
[ -n "${DEMO_VMS:-}" ] && env_pass+=" DEMO_VMS"
[ -n "${DEMO_SECONDS:-}" ] && env_pass+=" DEMO_SECONDS"
SACC_PASS_ENV="$env_pass" "$repo/tests/vm/run.sh" --kernel distro --timeout 1200 \
	--follow 'sacc-demo: ' demo >"$log" 2> >(grep -v '^$' >&2)
rc=$?
elapsed=$((SECONDS - start))
if [ "$rc" -eq 0 ]; then
	say "done in $((elapsed / 60))m$((elapsed % 60))s; everything checked out"
else
	say "FAILED after $((elapsed / 60))m$((elapsed % 60))s:"
	grep -E 'FAIL|not ok|timed out|missing|serial log' "$log" | sed 's/^/  /'
	say "full report: $log"
fi
exit "$rc"
