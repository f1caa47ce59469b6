#!/bin/sh
# Runs each unit-test program; fails if any fails. A program that exits
# 77 is reported as SKIP (it prints its reason) and does not fail the run.
# A program still running after PTO_TEST_TIMEOUT seconds (default 600) is
# killed and fails as TIMEOUT, so a hang is a failure, never a stuck CI.
set -u
limit=${PTO_TEST_TIMEOUT:-600}
pass=0; fail=0; skip=0; failed=""
for t in "$@"; do
	name=$(basename "$t")
	timeout -k 10 "$limit" "$t"
	rc=$?
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
