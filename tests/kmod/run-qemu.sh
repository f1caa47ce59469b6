#!/bin/sh
# Runs the pto.ko test programs inside QEMU on the installed Debian kernel.
#   run-qemu.sh <work dir> <kernel version> <pto.ko> <test program>...
# Builds <work dir>/initramfs.cpio.gz (busybox, kmod's modprobe, modinfo
# and depmod, a module tree of drm.ko and drm_shmem_helper.ko into which
# `make kmod-install` installs pto.ko and runs depmod, the programs, the
# binaries listed in $KMOD_EXTRA_BINS (into /bin) and every shared library
# they need), boots
# /boot/vmlinuz-<version> under software emulation, keeps the serial log in
# <work dir>/serial.log and exits 0 only if every program passed and the
# kernel log has no WARNING, BUG, Oops, refcount, list-corruption or
# hung-task line.
#
# The kernel runs with SLUB debugging (red zones, poisoning, sanity
# checks, user tracking: slub_debug) and page poisoning (page_poison=1)
# so use-after-free and overruns surface as BUG lines; init.sh lowers the
# hung-task timeout. Debian's kernel has no kmemleak (DEBUG_KMEMLEAK),
# KASAN, KFENCE, DEBUG_PAGEALLOC, lockdep (PROVE_LOCKING) or fault
# injection, so those checks are not available here.
set -eu
work=$1 kver=$2 ko=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
kernel=/boot/vmlinuz-$kver
drmdir=kernel/drivers/gpu/drm
moddir=/lib/modules/$kver/$drmdir
root=$work/initramfs
log=$work/serial.log
timeout_s=${PTO_QEMU_TIMEOUT:-900}

[ -r "$kernel" ] || { echo "test-kmod: $kernel not readable" >&2; exit 1; }
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/dev" "$root/proc" "$root/sys" \
	 "$root/tmp" "$root/tests" "$root/lib/modules/$kver/$drmdir"
cp /bin/busybox "$root/bin/busybox"
cp "$here/init.sh" "$root/init"
cp /lib/modules/"$kver"/modules.order /lib/modules/"$kver"/modules.builtin* \
	"$root/lib/modules/$kver/"

# The DRM core modules, decompressed when the kernel ships them compressed.
for m in drm drm_shmem_helper; do
	src=$(ls "$moddir/$m.ko"* 2>/dev/null | head -n 1)
	[ -n "$src" ] || { echo "test-kmod: no $m.ko in $moddir" >&2; exit 1; }
	dst=$root/lib/modules/$kver/$drmdir/$m.ko
	case $src in
	*.xz) xz -dc "$src" >"$dst" ;;
	*.zst) zstd -qdc "$src" >"$dst" ;;
	*.gz) gzip -dc "$src" >"$dst" ;;
	*) cp "$src" "$dst" ;;
	esac
done
deps=$(grep "^kernel/drivers/gpu/drm/drm_shmem_helper.ko[^:]*:" "/lib/modules/$kver/modules.dep" |
       cut -d: -f2)
for d in $deps; do
	case $d in */drm.ko*) ;; *) echo "test-kmod: unexpected dependency $d" >&2
		exit 1 ;; esac
done

# pto.ko as a packager installs it; depmod there resolves its dependencies.
# -o: install the given file as it is, never rebuild it.
${MAKE:-make} -s -C "$here/../.." -o "$ko" kmod-install DESTDIR="$root" KVER="$kver" \
	PTO_KO="$ko" >/dev/null

# A program into <dir> of the image, with its shared libraries (ldd lists
# the loader too); a library found next to the program ($ORIGIN) goes
# next to it in the image too.
ship() {
	cp "$1" "$root/$2/"
	ldd "$1" | awk '/=> \//{print $3} /^\t\//{print $1}' | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
		[ "$(dirname "$lib")" != "$(dirname "$1")" ] ||
			cp -L "$lib" "$root/$2/"
	done
}
for t in "$@"; do
	ship "$t" tests
done
# kmod's tools (/sbin before busybox's /bin on the VM's PATH).
kmod=$(command -v kmod)
ship "$kmod" sbin
for t in modprobe modinfo depmod insmod rmmod lsmod; do
	ln -s kmod "$root/sbin/$t"
done
# Binaries the programs run: $KMOD_EXTRA_BINS (tests/kmod/build.mk) -> /bin.
for b in ${KMOD_EXTRA_BINS:-}; do
	ship "$b" bin
done
# Merged-/usr layouts resolve the loader through /lib64 or /lib.
[ -e /lib64 ] && [ ! -e "$root/lib64" ] && ln -s lib "$root/lib64"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -1 >"$work/initramfs.cpio.gz"

echo "test-kmod: booting $kernel (log: $log)"
set +e
# One TCG thread runs both vCPUs: with a thread per vCPU, QEMU 7.2 can
# keep running a stale translation of kernel text that the other vCPU
# has just patched (a jump label flipped by int3 patching, as creating
# and closing per-task perf events does on every --pmu run); the kernel's
# int3 handler then sees the instruction already restored and returns to
# it, forever, on both vCPUs (seen: both CPUs looping in exc_int3 at the
# perf_sched_events site of finish_task_switch, memory holding the jmp).
# no_timer_check: under host load the emulated timer can miss the boot
# check and the kernel panics ("IO-APIC + timer doesn't work").
timeout --foreground -k 10 "$timeout_s" qemu-system-x86_64 \
	-accel tcg,thread=single -m 1024 -smp 2 \
	-nographic -no-reboot -monitor none -serial stdio \
	-kernel "$kernel" -initrd "$work/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 quiet no_timer_check slub_debug=FZPU page_poison=1" \
	</dev/null >"$log" 2>&1
qrc=$?
set -e
tr -d '\r' <"$log" >"$log.tmp" && mv "$log.tmp" "$log"
sed -n '/PTO-KMOD-BEGIN/,/PTO-KMOD-RESULT/p' "$log" | grep -v '^\[ *\(RUN\|OK\) *\]'

result=$(grep -o 'PTO-KMOD-RESULT:.*' "$log" || true)
if [ -z "$result" ]; then
	echo "test-kmod: FAIL: no result (qemu exit $qrc; timeout is 124)"
	tail -n 40 "$log"
	exit 1
fi
passed=$(grep -o '\[  PASSED  \] [0-9]* test' "$log" | awk '{s += $4} END {print s + 0}')
failed=$(grep -o '\[  FAILED  \] [0-9]* test' "$log" | awk '{s += $4} END {print s + 0}')
bad=$(sed -n '/PTO-DMESG-BEGIN/,/PTO-DMESG-END/p' "$log" |
      grep -E 'WARNING:|BUG:|Oops|refcount|list_add corruption|list_del corruption|general protection|UBSAN|KASAN|cut here|blocked for more than|hung_task' || true)
echo "test-kmod: $passed tests passed, $failed failed; $result"
status=0
case $result in *" failed=0"*) ;; *) status=1 ;; esac
if [ -n "$bad" ]; then
	echo "test-kmod: FAIL: kernel log:"
	echo "$bad"
	status=1
fi
[ "$status" -eq 0 ] && echo "test-kmod: PASS" || echo "test-kmod: FAIL"
exit $status
