#!/bin/sh
# Installs the Debian packages a pto build needs, or says how to.
#   scripts/deps.sh user     libpto, tools, examples and unit tests
#                            (clang and its runtimes: the fuzz targets)
#   scripts/deps.sh kernel   + pto.ko and the QEMU kernel tests
#   scripts/deps.sh bench    + make bench's peers (LLVM libomp, GCC
#                            libgomp, LTTng-UST) and its driver (python3,
#                            GNU time)
set -eu

user_pkgs="gcc g++ make pkg-config libdrm-dev libkmod-dev libcmocka-dev man-db groff-base protobuf-compiler zlib1g-dev graphviz clang libclang-rt-dev"
bench_pkgs="clang libomp-dev libgomp1 liblttng-ust-dev lttng-tools python3 time"
kernel_pkgs="linux-headers-amd64 linux-image-amd64 qemu-system-x86 busybox-static cpio kmod linux-source sparse dkms"

case "${1:-user}" in
user) pkgs=$user_pkgs ;;
kernel) pkgs="$user_pkgs $kernel_pkgs" ;;
bench) pkgs="$user_pkgs $bench_pkgs" ;;
*) echo "usage: $0 [user|kernel|bench]" >&2; exit 2 ;;
esac

missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "pto: missing Debian packages:$missing" >&2
	echo "pto: install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "pto: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >&2
