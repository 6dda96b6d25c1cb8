# shellcheck shell=bash
# Sourced by tests/unit/run.sh after its doctor tests (dtree, doctor_on,
# line_is, problems_are, $kv, $dfx): doctor's lockdown and secureboot
# checks on copies of the Debian 6.1 recording given the files a machine
# with EFI, Secure Boot and lockdown has.

# secure_tree NAME SB LOCKDOWN SIG_ENFORCE: SB 1, 0 or - (no EFI), LOCKDOWN
# a level or - (no securityfs), SIG_ENFORCE Y, N or - (no file).
secure_tree() {
	local r=$doc/$1/root
	dtree "$1"
	if [ "$2" != - ]; then
		mkdir -p "$r/sys/firmware/efi/efivars"
		printf "\\006\\000\\000\\000\\$(printf %03o "$2")" \
			>"$r/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c"
	fi
	if [ "$3" != - ]; then
		mkdir -p "$r/sys/kernel/security"
		echo 'securityfs /sys/kernel/security securityfs rw,nosuid,nodev,noexec,relatime 0 0' \
			>>"$r/proc/mounts"
		case $3 in
		none) echo '[none] integrity confidentiality' ;;
		integrity) echo 'none [integrity] confidentiality' ;;
		confidentiality) echo 'none integrity [confidentiality]' ;;
		esac >"$r/sys/kernel/security/lockdown"
	fi
	if [ "$4" != - ]; then
		mkdir -p "$r/sys/module/module/parameters"
		echo "$4" >"$r/sys/module/module/parameters/sig_enforce"
	fi
}
# unload NAME [KO]: swapscope not loaded; KO unsigned or signed installed.
unload() {
	local r=$doc/$1/root
	rm -r "$r/sys/kernel/debug/swapscope"
	[ $# -gt 1 ] || return 0
	mkdir -p "$r/lib/modules/$kv/updates"
	printf '\177ELF...' >"$r/lib/modules/$kv/updates/swapscope.ko"
	[ "$2" = signed ] &&
		printf 'sig~Module signature appended~\n' \
			>>"$r/lib/modules/$kv/updates/swapscope.ko"
	return 0
}
sb_fix='sign swapscope\.ko with a key enrolled as a MOK: .*mokutil --import MOK\.der.*/lib/modules/'"$kv"'/build/scripts/sign-file sha256 MOK\.priv MOK\.der swapscope\.ko; or install through DKMS.*'
ld_what='the kernel loads only signed modules \(LOCKDOWN_MODULE_SIGNATURE\) and opens only debugfs files without write permission, read-only \(LOCKDOWN_DEBUGFS\): swapscope.s control, pagemap and audit files are refused, so enable, disable, reset, run, pagemap and audit fail \(Operation not permitted\); status, stats, report, samples, check, baseline and events work'
ld_fix='lockdown cannot be lowered on a running kernel: boot without it .*mokutil --disable-validation.*'

secure_tree neither 0 none N
doctor_on neither
check "doctor, EFI, Secure Boot off, lockdown none: both ok, exit 0" \
	eval 'rc_is 0 && problems_are "" &&
	      line_is lockdown none ok "not locked down \(.*/sys/kernel/security/lockdown\)" &&
	      line_is secureboot off ok "off; module signatures not enforced \(sig_enforce not Y, no lockdown\): an unsigned swapscope\.ko loads"'
secure_tree nolsm 0 - N
mkdir -p "$doc/nolsm/root/sys/kernel/security"
echo 'securityfs /sys/kernel/security securityfs rw 0 0' >>"$doc/nolsm/root/proc/mounts"
doctor_on nolsm
check "doctor, securityfs mounted without a lockdown file: no lockdown, ok" \
	eval 'rc_is 0 && line_is lockdown - ok "no .*/sys/kernel/security/lockdown: this kernel has no lockdown"'

secure_tree sbunsigned 1 none N
unload sbunsigned unsigned
doctor_on sbunsigned
check "doctor, Secure Boot on, lockdown none, sig_enforce N: an unsigned module loads, exit 0" \
	eval 'rc_is 0 && problems_are "" && line_is secureboot on ok "on; module signatures not enforced .*"'
secure_tree sbenforce 1 none Y
unload sbenforce unsigned
doctor_on sbenforce
check "doctor, Secure Boot on and sig_enforce=Y, an unsigned module installed: problem, how to sign it, exit 1" \
	eval 'rc_is 1 && problems_are "secureboot on" &&
	      line_is secureboot on problem "on, module signatures enforced \(sig_enforce=Y\): an unsigned swapscope\.ko is refused \(insmod: Key was rejected by service, or Operation not permitted\); unsigned: .*/lib/modules/$kv/updates/swapscope\.ko; fix: $sb_fix"'
doctor_on sbenforce --json
check "doctor --json, Secure Boot on and unsigned: the check with its fix, summary" \
	json '[c for c in d["checks"] if c["check"] == "secureboot"][0]["result"] == "problem" and "mokutil --import" in [c for c in d["checks"] if c["check"] == "secureboot"][0]["fix"] and d["summary"]["problems"] == 1'
secure_tree sbsigned 1 none Y
unload sbsigned signed
doctor_on sbsigned
check "doctor, Secure Boot on and sig_enforce=Y, a signed module installed: ok, exit 0" \
	eval 'rc_is 0 && line_is secureboot on ok "on, module signatures enforced \(sig_enforce=Y\); .*/updates/swapscope\.ko is signed: .*MOK\)"'
secure_tree sbnomod 1 - -
unload sbnomod
doctor_on sbnomod
check "doctor, Secure Boot on, lockdown unknown, no module anywhere: refused as Debian locks down, exit 1" \
	eval 'rc_is 1 && problems_are "secureboot on" &&
	      line_is secureboot on problem "on, module signatures enforced \(lockdown, which Secure Boot turns on in Debian.s kernels\): an unsigned swapscope\.ko is refused [^;]*; fix: .*"'
secure_tree sbloaded 1 - Y
doctor_on sbloaded
check "doctor, Secure Boot on, swapscope loaded: it was signed, ok" \
	eval 'rc_is 0 && line_is secureboot on ok "on, module signatures enforced \(sig_enforce=Y\): swapscope is loaded, so signed by a key the kernel trusts"'

secure_tree integrity 1 integrity N
unload integrity unsigned
doctor_on integrity
check "doctor, lockdown integrity under Secure Boot, unsigned module: both problems, exit 1" \
	eval 'rc_is 1 && problems_are "lockdown integrity" "secureboot on" &&
	      line_is lockdown integrity problem ".*/sys/kernel/security/lockdown: $ld_what; fix: $ld_fix" &&
	      line_is secureboot on problem "on, module signatures enforced \(lockdown integrity\): .*; fix: $sb_fix"'
secure_tree confidentiality - confidentiality N
doctor_on confidentiality
check "doctor, lockdown confidentiality (no EFI), module loaded: lockdown a problem, what it adds unused, exit 1" \
	eval 'rc_is 1 && problems_are "lockdown confidentiality" &&
	      line_is lockdown confidentiality problem ".*: $ld_what; what confidentiality adds to integrity \(kprobe_events, tracefs, perf, /proc/kcore, bpf reads of kernel memory\) swapscope does not use: the module registers its kprobes itself; fix: $ld_fix" &&
	      line_is secureboot - ok "not booted through EFI: no Secure Boot"'
doctor_on confidentiality -j
check "doctor --json, lockdown confidentiality: subject the level, a fix" \
	json '[(c["subject"], c["result"], c["fix"] is not None) for c in d["checks"] if c["check"] == "lockdown"] == [("confidentiality", "problem", True)]'
