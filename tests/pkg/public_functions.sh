#!/bin/sh
# Prints, sorted, the functions the public headers (libpto/include/*.h)
# declare with PTO_API: what libpto.so must export, and what the man
# pages must document. Reads the preprocessed headers, so it does not
# depend on how a declaration is laid out.
#   public_functions.sh <source dir>
set -eu
src=$1
for h in "$src"/libpto/include/*.h; do echo "#include \"$h\""; done |
	${CC:-cc} -E -P -D_GNU_SOURCE -I"$src/libpto/include" -I"$src/uapi" \
		$(pkg-config --cflags libdrm) -x c - |
	tr '\n' ' ' | tr ';{}' '\n\n\n' |
	grep 'visibility *( *"default" *)' |
	sed 's/__attribute__ *( *( *visibility *( *"default" *) *) *)//; s/(.*//' |
	awk '{ n = $NF; sub(/^\*+/, "", n); print n }' | sort -u
