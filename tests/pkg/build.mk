# Packaging checks (tests/pkg/), run by `make test`:
#   test-pkg          install/uninstall in a temporary DESTDIR and a program
#                     built with pkg-config alone; exported symbols equal
#                     the public headers' functions; man pages render clean
#   test-pkg-kernel   pto.ko from the top-level Kbuild (modinfo fields) and
#                     with dkms (add, build) against the Debian headers
PKG_TESTS := tests/pkg/test_install.sh tests/pkg/test_symbols.sh \
	     tests/pkg/test_man.sh
PKG_KERNEL_TESTS := tests/pkg/test_kbuild.sh tests/pkg/test_dkms.sh

.PHONY: test-pkg test-pkg-kernel
test-pkg: libpto tools | deps-user
	@PTO_BUILD=$(O) MAKE="$(MAKE)" tests/run-unit.sh $(PKG_TESTS)

test-pkg-kernel: | deps-kernel
	@PTO_BUILD=$(O) KDIR=$(KDIR) KVER=$(KVER) \
		tests/run-unit.sh $(PKG_KERNEL_TESTS)

TEST_TARGETS += test-pkg test-pkg-kernel
