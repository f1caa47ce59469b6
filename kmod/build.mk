# pto.ko, built out of tree against the installed Debian kernel headers
# (never `uname -r`: the build machine is not the kernel it loads into).
#   make kmod         build/kmod/pto.ko
#   make kmod-check   W=1 + sparse (C=2) warning-free, checkpatch --strict
#   make test-kmod    the kernel test suite in QEMU (tests/kmod/)

# Recursive (=) so the look-ups run after deps-kernel has installed them.
KDIR      = $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64)))
KVER      = $(patsubst linux-headers-%,%,$(notdir $(KDIR)))
KSRC_TAR  = $(lastword $(sort $(wildcard /usr/src/linux-source-*.tar.xz)))
KMOD_DIR := $(CURDIR)/kmod
KMOD_SRCS := $(wildcard kmod/*.c kmod/*.h) kmod/Kbuild
PTO_KO   := $(O)/kmod/pto.ko

.PHONY: kmod kmod-check test-kmod
kmod: $(PTO_KO)

$(PTO_KO): $(KMOD_SRCS) $(wildcard uapi/*) | deps-kernel
	$(MAKE) -C $(KDIR) M=$(KMOD_DIR) modules
	@mkdir -p $(dir $@)
	cp kmod/pto.ko $@

kmod-check: | deps-kernel
	@mkdir -p $(O)/kmod
	$(MAKE) -C $(KDIR) M=$(KMOD_DIR) clean
	$(MAKE) -C $(KDIR) M=$(KMOD_DIR) W=1 C=2 modules 2>&1 | \
		tee $(O)/kmod/check.log
	@! grep -E 'warning:|error:' $(O)/kmod/check.log
	@mkdir -p $(O)/kmod/checkpatch
	tar -xJf $(KSRC_TAR) -C $(O)/kmod/checkpatch --strip-components=1 \
		--wildcards '*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
	$(O)/kmod/checkpatch/scripts/checkpatch.pl --strict --no-tree \
		--ignore FILE_PATH_CHANGES -f $(filter-out kmod/pto.mod.c,$(KMOD_SRCS))

EXTRA_CLEAN += [ ! -d "$(KDIR)" ] || $(MAKE) -C $(KDIR) M=$(KMOD_DIR) clean;

# kmod-tests and KMOD_TESTS come from tests/kmod/build.mk.
test-kmod: $(PTO_KO) kmod-tests | deps-kernel
	MAKE="$(MAKE)" tests/kmod/run-qemu.sh $(O)/kmod $(KVER) $(PTO_KO) $(KMOD_TESTS)

TEST_TARGETS += test-kmod
