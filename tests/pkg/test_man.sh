#!/bin/sh
# Every man page of the tree renders with `man -l` without a warning
# (groff's -ww), and every function of the public headers is a name in
# the NAME section of some page of section 3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8 MANWIDTH=80
status=0
n=0
for p in "$src"/man/*.[1-8] "$src"/tools/*.1; do
	n=$((n + 1))
	if ! man -l --warnings=w "$p" >"$tmp/out" 2>"$tmp/err" ||
	   [ -s "$tmp/err" ] || [ ! -s "$tmp/out" ]; then
		echo "test_man: FAIL: ${p#"$src"/}:"
		cat "$tmp/err"
		status=1
	fi
done
for p in "$src"/man/*.3; do
	sed -n '/^\.SH NAME/{n;s/ *\\-.*//;s/,/ /g;p;q}' "$p" | tr ' ' '\n'
done | sort -u >"$tmp/documented"
"$here/public_functions.sh" "$src" >"$tmp/declared"
undocumented=$(comm -23 "$tmp/declared" "$tmp/documented")
if [ -n "$undocumented" ]; then
	echo "test_man: FAIL: no man page names:" $undocumented
	status=1
fi
[ "$status" -eq 0 ] && echo "test_man: PASS: $n pages render without warnings;" \
	"$(wc -l <"$tmp/declared") public functions documented"
exit $status
