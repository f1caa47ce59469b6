#!/bin/busybox sh
# /init of the pto.ko test VM: mount, run every test program (they load
# pto as modprobe does, from the image's module tree), print the result
# marker and the kernel log, power off.
/bin/busybox --install -s /bin
export PATH=/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmp /tmp
# A task stuck in D state is reported (and fails the suite) within 30 s.
echo 30 >/proc/sys/kernel/hung_task_timeout_secs

export PTO_PTODUMP=/bin/ptodump
export PTO_EXAMPLES_DIR=/bin
programs=0; failed=0; failed_names=""
echo "PTO-KMOD-BEGIN"
for t in /tests/test_*; do
	name=${t##*/}
	echo "PTO-KMOD-PROGRAM: $name"
	"$t"
	rc=$?
	programs=$((programs + 1))
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + 1)); failed_names="$failed_names $name"
		echo "PTO-KMOD-PROGRAM-FAILED: $name rc=$rc"
	fi
done
echo "PTO-KMOD-RESULT: programs=$programs failed=$failed$failed_names"
echo "PTO-DMESG-BEGIN"
dmesg
echo "PTO-DMESG-END"
poweroff -f
