# SPDX-License-Identifier: GPL-2.0
#
# sacc top level.
#   make                 build sacc.ko (against KDIR) and mdevctl-lite
#   make test            every test layer; ends with "N passed, N failed, N skipped"
#   make test-host       userspace tests on this machine (ASan/UBSan)
#   make test-matrix     the module builds for Debian's 6.1, 6.12 and 7.x (in make test
#                        too), and lifecycle, device, engine boot 6.1 and 7.x
#   make test-install    the Debian packages installed, used and removed with apt-get
#                        in a VM on Debian's 6.1, DKMS building for two kernels (~20 min)
#   make test-harness    self-tests of the VM harness (it must catch failures)
#   make test-kunit      the module's KUnit suites in the debug kernel
#   make test-vm         the VM suites on the debug and distro kernels;
#                        SUITE=lifecycle selects suites, KERNELS=distro the kernels
#   make soak            the fuzzers at 10^7 operations, stress and hostile at full
#                        length, in one debug-kernel VM (hours; SOAK_OPS=400000 short)
#   make demo            one accelerator shared by several VMs, on Debian's kernel
#   make bench           the benchmarks of docs/performance.md (distro guest, one boot)
#   make dkms-install    sacc.ko under DKMS, for the running kernel and each one installed
#                        later (root; make dkms-uninstall undoes it; -guest: sacc_pci.ko)
#   make deb             the Debian packages sacc-dkms, sacc-guest-dkms and mdevctl-lite,
#                        into build/deb/ (lintian-checked)
#   make check           checkpatch --strict, sparse (C=2) and W=1 on the module
#   make clean
# KDIR defaults to the running kernel's build tree, or, when it has none, to Debian's
# prebuilt 6.12 kernel that tests/vm/kernel-distro.sh unpacks into the cache.

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(RUNNING_KDIR)/Makefile),$(RUNNING_KDIR),$(shell tests/vm/kernel-distro.sh)/build)

all: deps module tool

deps:
	@tests/vm/deps.sh

module: deps
	$(MAKE) -C kernel KDIR=$(KDIR)

# The kernel tree `make module` builds against.
print-kdir:
	@echo $(KDIR)

tool: deps
	$(MAKE) -C mdevctl-lite

test:
	@tests/run-all.sh

test-host:
	@tests/run-all.sh host

test-matrix:
	@tests/run-all.sh matrix matrix-vm

test-install:
	@tests/run-all.sh install

test-harness:
	@tests/run-all.sh harness

test-kunit:
	@KERNELS=debug tests/run-all.sh kunit

test-vm:
	@tests/run-all.sh vm

soak:
	@tests/soak/run.sh

demo:
	@demo/run.sh

bench:
	@tests/bench/run.sh

# DKMS (root). DKMS_KERNEL=<release> [DKMS_KDIR=<its build tree>] for another kernel.
deb:
	@tools/deb/build.sh

dkms-install:
	@tools/dkms/dkms.sh install sacc $(or $(DKMS_KERNEL),$(shell uname -r)) $(DKMS_KDIR)

dkms-install-guest:
	@tools/dkms/dkms.sh install sacc_pci $(or $(DKMS_KERNEL),$(shell uname -r)) $(DKMS_KDIR)

dkms-uninstall:
	@tools/dkms/dkms.sh uninstall sacc
	@tools/dkms/dkms.sh uninstall sacc_pci

check: deps
	@tests/check.sh

# Kbuild's own clean needs a KDIR; removing its outputs by name does not.
clean:
	find kernel \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '*.order' -o -name Module.symvers \) -delete
	$(MAKE) -C mdevctl-lite clean
	rm -rf build

.PHONY: all deps module print-kdir tool test test-host test-matrix test-install test-harness test-kunit test-vm soak demo bench deb dkms-install dkms-install-guest dkms-uninstall check clean
