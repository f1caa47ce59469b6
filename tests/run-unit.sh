#!/bin/sh
# Runs each unit-test program; fails if any fails. A program that exits
# 77 is reported as SKIP (it prints its reason) and does not fail the run.
set -u
pass=0; fail=0; skip=0; failed=""
for t in "$@"; do
	name=$(basename "$t")
	"$t"
	rc=$?
	case $rc in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)); echo "SKIP: $name" ;;
	*) fail=$((fail + 1)); failed="$failed $name" ;;
	esac
done
echo "unit tests: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ] || { echo "FAILED:$failed"; exit 1; }
