#!/bin/sh
# Runs each unit-test program; fails if any fails. A program that exits
# 77 is reported as SKIP (it prints its reason) and does not fail the run.
# A program still running after PTO_TEST_TIMEOUT seconds (default 600) is
# killed and fails as TIMEOUT, so a hang is a failure, never a stuck CI.
#
# PTO_SAN_LOGS (the sanitizer targets set it): a directory the ASan, UBSan
# and TSan reports of every process go to (log_path), since a test that
# captures stderr would swallow them. After each program, the reports it
# (or a process it started) left are printed under its name, and a report
# fails that program even when its exit status did not.
set -u
limit=${PTO_TEST_TIMEOUT:-600}
pass=0; fail=0; skip=0; failed=""
logs=${PTO_SAN_LOGS:-}
if [ -n "$logs" ]; then
	rm -rf "$logs" && mkdir -p "$logs" || exit 1
	for v in ASAN_OPTIONS UBSAN_OPTIONS TSAN_OPTIONS; do
		eval "export $v=\"\${$v:+\$$v:}log_path=$logs/report\""
	done
fi

# Prints and removes the sanitizer reports in $logs; 1 if there were any.
san_reports() {
	[ -n "$logs" ] || return 0
	found=0
	for f in "$logs"/report*; do
		[ -e "$f" ] || continue
		found=1
		echo "---- $1: sanitizer report $(basename "$f") ----"
		cat "$f"
		rm -f "$f"
	done
	return $found
}

for t in "$@"; do
	name=$(basename "$t")
	timeout -k 10 "$limit" "$t"
	rc=$?
	san_reports "$name" || case $rc in 0|77) rc=1 ;; esac
	case $rc in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)); echo "SKIP: $name" ;;
	124|137) fail=$((fail + 1)); failed="$failed $name(TIMEOUT)"
	   echo "TIMEOUT: $name still running after ${limit}s" ;;
	*) fail=$((fail + 1)); failed="$failed $name" ;;
	esac
done
echo "unit tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || { echo "FAILED:$failed"; exit 1; }
