#!/bin/sh
# The dynamic symbols libpto.so exports are exactly the functions its
# public headers declare (public_functions.sh), each under a LIBPTO_
# version node of libpto.map.
#   PTO_BUILD=<build dir> test_symbols.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
so=${PTO_BUILD:?}/libpto.so.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$here/public_functions.sh" "$here/../.." >"$tmp/declared"
# Defined dynamic symbols; the version node itself is an absolute (A) one.
nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' >"$tmp/versioned"
sed 's/@.*//' "$tmp/versioned" | sort -u >"$tmp/exported"
status=0
if ! cmp -s "$tmp/declared" "$tmp/exported"; then
	echo "test_symbols: FAIL: exported (>) and declared (<) differ:"
	diff "$tmp/declared" "$tmp/exported" | grep '^[<>]'
	status=1
fi
if grep -v '@@LIBPTO_' "$tmp/versioned"; then
	echo "test_symbols: FAIL: exported without a LIBPTO_ version (above)"
	status=1
fi
[ "$status" -eq 0 ] &&
	echo "test_symbols: PASS: $(wc -l <"$tmp/exported") functions exported, as declared"
exit $status
