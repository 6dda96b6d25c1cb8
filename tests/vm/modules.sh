# SPDX-License-Identifier: GPL-2.0
# Sourced: the kernel modules the guest loads and their dependency walk, for tests/vm/mkinitramfs.sh and tests/patched/build-kernel.sh.
# shellcheck shell=bash
#
# zram swap is what init sets up; virtio_blk (+ virtio_pci) is there for a
# disk-backed swap device, loaded only on demand; scsi_debug + sd_mod give
# a disk with DIF/DIX protection (stable writes, bio-based swap-out) for S2.
# shellcheck disable=SC2034 # read by the scripts that source this
SS_VM_MODULES="zram virtio_blk virtio_pci scsi_debug sd_mod"

# ss_module_order MODULE...: the modules and everything they depend on, in
# $MODROOT's modules for $KVER, a name a line: depth-first, dependencies
# before dependents, each module once.
ss_module_order() {
	local ss_order=() m
	for m in "$@"; do
		_ss_module_walk "$m"
	done
	printf '%s\n' "${ss_order[@]}"
}

# Adds $1 after its dependencies to the caller's ss_order.
_ss_module_walk() {
	local m=$1 d
	for d in "${ss_order[@]}"; do [ "$d" = "$m" ] && return 0; done
	for d in $(modinfo -b "$MODROOT" -k "$KVER" -F depends "$m" | tr ',' ' '); do
		_ss_module_walk "$d"
	done
	ss_order+=("$m")
}
