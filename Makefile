# SPDX-License-Identifier: GPL-2.0
# swapscope: top-level dispatch; the kernel build itself is described in Kbuild.

# Headers to build the module against, and so the kernel it is for:
#   KDIR=/path/to/build    those headers
#   KVER=RELEASE           that release's headers: /lib/modules/KVER/build,
#                          /usr/src/linux-headers-KVER, or unpacked in VM_CACHE
#   SS_KERNEL=SERIES       the newest headers of a supported Debian 12 series
#                          (6.1, 6.12) installed under /usr/src or unpacked by
#                          tests/vm/setup.sh under VM_CACHE (build/vm/cache)
#   (none)                 the running kernel's, else the newest supported
#                          headers found in those places
# The supported series, named once in the interface header (Kbuild and
# swapscope doctor read the same line).
SS_SUPPORTED := $(shell sed -n 's/^\#define SWAPSCOPE_KERNELS[[:space:]]*"\(.*\)"$$/\1/p' $(CURDIR)/module/uapi/swapscope.h)
VM_CACHE ?= $(CURDIR)/build/vm/cache
# ss_newest_headers SERIES...: the newest headers directory of those series
# (by release, not by path); 6.1.* does not match 6.12's.
ss_newest_headers = $(shell for d in $(foreach s,$(1),/usr/src/linux-headers-$(s).*-amd64 \
	$(VM_CACHE)/*/usr/src/linux-headers-$(s).*-amd64); do \
	[ -f "$$d/Makefile" ] && echo "$$(basename "$$d") $$d"; done | sort -V | tail -n 1 | cut -d' ' -f2)
ifeq ($(origin KDIR),undefined)
ifeq ($(origin KVER),command line)
KDIR = $(or $(firstword $(wildcard /lib/modules/$(KVER)/build /usr/src/linux-headers-$(KVER) \
	$(VM_CACHE)/$(KVER)/usr/src/linux-headers-$(KVER))),\
	$(error no headers for KVER=$(KVER): pass KDIR=/path/to/kernel/build))
else ifneq ($(SS_KERNEL),)
KDIR = $(if $(filter $(SS_KERNEL),$(SS_SUPPORTED)),,$(error SS_KERNEL=$(SS_KERNEL): not one of $(SS_SUPPORTED)))$(or \
	$(call ss_newest_headers,$(SS_KERNEL)),\
	$(error no headers for SS_KERNEL=$(SS_KERNEL): SS_KERNEL=$(SS_KERNEL) tests/vm/setup.sh fetches them))
else
KDIR = $(or $(wildcard /lib/modules/$(shell uname -r)/build),$(call ss_newest_headers,$(SS_SUPPORTED)),\
	$(error no kernel headers found: apt-get install linux-headers-amd64, SS_KERNEL=6.12 tests/vm/setup.sh, or pass KDIR=/path/to/kernel/build))
endif
endif

PREFIX ?= /usr/local
# The release modules are stamped with; Debian's kernel.release holds the
# upstream version instead, so read UTS_RELEASE.
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h)

.PHONY: print-kdir all module cli scenarios check unit vm demo matrix patched-demo bench lint install install-module uninstall clean help

all: module cli

# The headers chosen (tests/lint.sh asks, per SS_KERNEL).
print-kdir:
	@echo $(KDIR)

# MODOUT=dir: build from a copy of the sources in dir (dir/swapscope.ko),
# leaving the tree's own objects alone: one dir per kernel, so builds for
# two kernels never clobber each other (make check).
MODOUT ?=
SWAPSCOPE_BUILD ?= $(shell git -C $(CURDIR) describe --always --dirty 2>/dev/null || echo unknown)
module:
ifeq ($(MODOUT),)
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules
else
	@mkdir -p $(MODOUT)
	cd $(CURDIR) && cp -p --parents Kbuild $$(find module -type f \( -name '*.[chS]' -o -name Kbuild \)) $(abspath $(MODOUT))/
	$(MAKE) -C $(KDIR) M=$(abspath $(MODOUT)) SWAPSCOPE_BUILD=$(SWAPSCOPE_BUILD) modules
endif

cli:
	$(MAKE) -C userspace

scenarios:
	$(MAKE) -C tests/scenarios

# Unit tests on the host, then for each kernel of SS_KERNELS (default
# "6.1 6.12") the build, install/DKMS, VM and bench-smoke stages; last line
# of the output is "N passed, M failed, K skipped".
check:
	tests/run-check.sh

unit:
	tests/unit/run.sh

# The scenarios in QEMU and what swapscope saw, per kernel of SS_KERNELS.
demo:
	tests/demo.sh

# The regression gate: the scenarios once per kernel (KERNELS, default
# "6.1 6.12"; a kernel built from source as NAME=BZIMAGE:BUILDDIR), each in
# its own QEMU boot, one baseline each in build/matrix/, then the rule x
# kernel table (swapscope matrix) against the expectations file (EXPECT,
# default tests/matrix/expected) and build/matrix.json.  Fails on a verdict
# change it does not expect (tests/matrix/run.sh exits 1, make 2).
matrix:
	tests/matrix/run.sh

# Debian's linux-source-6.1 with tests/patched/u2-young-rescue.patch, built
# here (tens of minutes), then make matrix KERNELS="6.1 patched=..." with
# tests/patched/expected: passes iff U2, and only U2, changes verdict.
patched-demo:
	tests/patched/demo.sh

# Overhead against no module and against bpftrace on the same functions, in
# one QEMU boot per kernel of SS_KERNELS; prints the table, writes
# build/bench-SERIES.json.  Not timed by make check, which runs a one-round
# smoke of it.
bench:
	tests/bench/bench.sh

lint:
	tests/lint.sh

# The module goes to $(DESTDIR)/lib/modules/$(KVER)/updates/ (which takes
# precedence over the kernel's own modules), then depmod; with DESTDIR,
# depmod -b $(DESTDIR) writes that tree's modules.dep.  DEPMOD=true skips it
# (packaging).  install-module installs a module built already, KO=path
# (default swapscope.ko, or MODOUT's), without building anything: e.g. into
# an initramfs.
MODDIR = /lib/modules/$(KVER)/updates
KO ?= $(if $(MODOUT),$(MODOUT)/swapscope.ko,swapscope.ko)
DEPMOD ?= $(or $(shell PATH="$$PATH:/sbin:/usr/sbin" command -v depmod),depmod)
depmod = $(DEPMOD) $(if $(DESTDIR),-b $(DESTDIR)) $(KVER)

install: all
	$(MAKE) --no-print-directory install-module
	$(MAKE) -C userspace install PREFIX=$(PREFIX)

install-module:
	@test -n "$(KVER)" || { echo "no KVER: pass KDIR= or KVER=" >&2; exit 1; }
	install -D -m 0644 $(KO) $(DESTDIR)$(MODDIR)/swapscope.ko
	$(depmod)

uninstall:
	@test -n "$(KVER)" || { echo "no KVER: pass KDIR= or KVER=" >&2; exit 1; }
	rm -f $(DESTDIR)$(MODDIR)/swapscope.ko
	-rmdir --ignore-fail-on-non-empty $(DESTDIR)$(MODDIR)
	$(depmod)
	$(MAKE) -C userspace uninstall PREFIX=$(PREFIX)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean || true
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/scenarios clean || true
	$(MAKE) -C tests/bench clean || true
	rm -rf build

help:
	@echo "make [KDIR=...]   build swapscope.ko and the CLI; the kernel: KDIR=, KVER= or"
	@echo "                  SS_KERNEL=6.1|6.12 (default: the running kernel's headers, else the"
	@echo "                  newest supported ones); MODOUT=dir builds in a copy there"
	@echo "make check        unit tests + VM integration tests (QEMU), for each kernel of"
	@echo "                  SS_KERNELS (default \"6.1 6.12\"; SS_KERNELS=6.12 for one)"
	@echo "make demo         boot Debian's kernels in QEMU and show what swapscope sees"
	@echo "make matrix       the scenarios per kernel (KERNELS=\"6.1 6.12 NAME=BZIMAGE:BUILDDIR\"), one baseline"
	@echo "                  each, the rule x kernel table and build/matrix.json (EXPECT= expectations)"
	@echo "make patched-demo build Debian's 6.1 with one semantic patch; make matrix must catch exactly it"
	@echo "make bench        overhead vs no module and vs bpftrace, in QEMU (build/bench-SERIES.json)"
	@echo "make lint         checkpatch.pl --no-tree on module/ and a W=1 build"
	@echo "make install      module under /lib/modules/\$$KVER/updates + depmod, CLI and man page under \$$PREFIX"
	@echo "                  (DESTDIR= staging root, depmod -b; DEPMOD=true skips depmod)"
	@echo "make uninstall    removes what make install put there"
