# SPDX-License-Identifier: GPL-2.0
# swapscope: top-level dispatch; the kernel build itself is described in Kbuild.

# Headers to build the module against: the running kernel's when it has
# them, else the newest Debian headers installed (the VM case).
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1))
ifeq ($(strip $(KDIR)),)
KDIR = $(error no kernel headers found: apt-get install linux-headers-amd64, or pass KDIR=/path/to/kernel/build)
endif

PREFIX ?= /usr/local
# The release modules are stamped with; Debian's kernel.release holds the
# upstream version instead, so read UTS_RELEASE.
KVER = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' $(KDIR)/include/generated/utsrelease.h)

.PHONY: all module cli scenarios check unit vm demo bench lint install install-module uninstall clean help

all: module cli

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

cli:
	$(MAKE) -C userspace

scenarios:
	$(MAKE) -C tests/scenarios

# Unit tests on the host, then the VM integration tests; last line of the
# output is "N passed, M failed".
check:
	tests/run-check.sh

unit:
	tests/unit/run.sh

demo:
	tests/demo.sh

# Overhead against no module and against bpftrace on the same functions, in
# one QEMU boot; prints the table, writes build/bench.json.  Not timed by
# make check, which runs a one-round smoke of it.
bench:
	tests/bench/bench.sh

lint:
	tests/lint.sh

# The module goes to $(DESTDIR)/lib/modules/$(KVER)/updates/ (which takes
# precedence over the kernel's own modules), then depmod; with DESTDIR,
# depmod -b $(DESTDIR) writes that tree's modules.dep.  DEPMOD=true skips it
# (packaging).  install-module installs a module built already, KO=path
# (default swapscope.ko), without building anything: e.g. into an initramfs.
MODDIR = /lib/modules/$(KVER)/updates
KO ?= swapscope.ko
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
	@echo "make [KDIR=...]   build swapscope.ko and the CLI"
	@echo "make check        unit tests + VM integration tests (QEMU)"
	@echo "make demo         boot Debian's kernel in QEMU and show what swapscope sees"
	@echo "make bench        overhead vs no module and vs bpftrace, in QEMU (build/bench.json)"
	@echo "make lint         checkpatch.pl --no-tree on module/ and a W=1 build"
	@echo "make install      module under /lib/modules/\$$KVER/updates + depmod, CLI and man page under \$$PREFIX"
	@echo "                  (DESTDIR= staging root, depmod -b; DEPMOD=true skips depmod)"
	@echo "make uninstall    removes what make install put there"
