# pto — top-level build. `make help` lists the targets.
#
# Userspace is C11 with -Wall -Wextra -Werror. Each component may add a
# <dir>/build.mk fragment for its own targets; the generic rules below
# pick up sources by directory so most changes need no Makefile edit.

BUILD    ?= build
CC       ?= cc
CXX      ?= c++
O        := $(abspath $(BUILD))

WARN     := -Wall -Wextra -Werror
CSTD     := -std=c11
OPT      ?= -O2 -g
# A sanitizer build (make check-asan etc. set it, in its own BUILD dir):
# -fsanitize=$(SANITIZE), and PTO_SANITIZE naming it for the tests that
# must skip under one.
SANITIZE ?=
# gcc warns that TSan does not model atomic_thread_fence; the one fence
# (the doorbell's Dekker, rt_futex.h) orders atomics only, which TSan
# checks as atomics anyway.
SAN_FLAGS := $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
	     -fno-sanitize-recover=all -DPTO_SANITIZE='"$(SANITIZE)"') \
	     $(if $(findstring thread,$(SANITIZE)),-Wno-tsan)
# Recursive (=) so pkg-config runs after deps-user has installed it.
DRM_CFLAGS  = $(shell pkg-config --cflags libdrm)
DRM_LIBS    = $(shell pkg-config --libs libdrm)
KMOD_LIBS   = $(shell pkg-config --libs libkmod)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka)
CPPFLAGS_PTO = -D_GNU_SOURCE -Iuapi -Ilibpto/include -Ilibpto/src \
	       -Ifirmware $(DRM_CFLAGS)
CFLAGS_PTO  = $(CSTD) $(WARN) $(OPT) -pthread -fPIC -fvisibility=hidden \
	      -MMD -MP $(SAN_FLAGS)
LDLIBS_PTO  = -pthread -lm

.PHONY: all help deps-user deps-kernel libpto tools examples tests \
	test test-unit clean check-asan check-ubsan check-tsan check-asan-ubsan
all: libpto tools examples tests

help:
	@echo "make             libpto, firmware, tools, examples, test programs"
	@echo "make test        every test (unit, kernel tests in QEMU, short"
	@echo "                 fuzz runs)"
	@echo "make test-unit   cmocka unit and sim integration tests"
	@echo "make check-asan  test-unit (and the examples) under ASan, in"
	@echo "                 build-asan/; check-ubsan, check-tsan and"
	@echo "                 check-asan-ubsan likewise"
	@echo "make fuzz        each fuzz target for FUZZ_SECONDS (default 60)"
	@echo "make kmod        pto.ko against the installed Debian headers"
	@echo "make test-kmod   kernel tests under QEMU"
	@echo "make run         the main job: a profiled workload on sim"
	@echo "make install     libpto, headers, libpto.pc, ptodump, man pages"
	@echo "                 (PREFIX, DESTDIR, LIBDIR, MANDIR...; see install.mk)"
	@echo "make uninstall   removes what make install installed"
	@echo "make kmod-install pto.ko into /lib/modules/<KVER>/updates, depmod"
	@echo "make install-dkms pto.ko sources into /usr/src/pto-<version>"
	@echo "make bench       the benchmark table (bench-quick: a subset)"
	@echo "make clean"

deps-user:
	@scripts/deps.sh user
deps-kernel:
	@scripts/deps.sh kernel

# ---- libpto (runtime, sim and drm devices, firmware, shared layout) ---
LIBPTO_SRCS := $(wildcard libpto/src/*.c) $(wildcard firmware/*.c) \
	       uapi/pto_layout.c
LIBPTO_OBJS := $(LIBPTO_SRCS:%.c=$(O)/obj/%.o)
LIBPTO_A    := $(O)/libpto.a
LIBPTO_SO   := $(O)/libpto.so.0

$(O)/obj/%.o: %.c | deps-user
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_PTO) $(CFLAGS_PTO) $(CFLAGS_EXTRA) -c $< -o $@

# firmware/ sees only uapi/ and itself: the build enforces the layering.
$(O)/obj/firmware/%.o: CPPFLAGS_PTO = -Iuapi -Ifirmware

$(LIBPTO_A): $(LIBPTO_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(LIBPTO_SO): $(LIBPTO_OBJS) libpto/libpto.map
	$(CC) -shared $(SAN_FLAGS) -Wl,-soname,libpto.so.0 \
		-Wl,--version-script,libpto/libpto.map -o $@ $(LIBPTO_OBJS) \
		$(DRM_LIBS) $(LDLIBS_PTO)
	ln -sf libpto.so.0 $(O)/libpto.so

# pkg-config file for building against this tree:
# PKG_CONFIG_PATH=build pkg-config --cflags --libs libpto
PTO_VERSION := $(shell sed -n 's/^\#define PTO_VERSION_[A-Z]* //p' \
		 libpto/include/pto.h | paste -sd.)
# The lines it shares with the installed one (install.mk).
PTO_PC_COMMON := 'Name: libpto' \
	'Description: run and profile task graphs on a pto device' \
	'Version: $(PTO_VERSION)' 'Requires.private: libdrm' \
	'Libs.private: -pthread -lm'
$(O)/libpto.pc: libpto/include/pto.h Makefile
	@mkdir -p $(O)
	printf '%s\n' $(PTO_PC_COMMON) \
		'Cflags: -I$(CURDIR)/libpto/include -I$(CURDIR)/uapi' \
		'Libs: -L$(O) -Wl,-rpath,$(O) -lpto' > $@

libpto: $(LIBPTO_A) $(LIBPTO_SO) $(O)/libpto.pc

# ---- tools: tools/ptodump/*.c -> build/ptodump -------------------------
# Tools see the public headers and uapi/ only (the layout function of
# uapi/pto_layout.c is built in) and link the shared library, found next
# to the binary or in ../lib.
PTODUMP_OBJS := $(patsubst %.c,$(O)/obj/%.o,$(wildcard tools/ptodump/*.c))
TOOLS := $(if $(PTODUMP_OBJS),$(O)/ptodump)
# What ptodump's modules link against besides libpto (also for the tests
# and fuzz targets that link them).
PTODUMP_LIBS = $(DRM_LIBS) $(KMOD_LIBS) -lz
tools: $(TOOLS)
$(O)/obj/tools/%.o: CPPFLAGS_PTO = -D_GNU_SOURCE -Iuapi -Ilibpto/include \
	$(DRM_CFLAGS)
$(O)/ptodump: $(PTODUMP_OBJS) $(O)/obj/uapi/pto_layout.o $(LIBPTO_SO)
	$(CC) $(CFLAGS_PTO) -o $@ $(PTODUMP_OBJS) $(O)/obj/uapi/pto_layout.o \
		-L$(O) -lpto -Wl,-rpath,'$$ORIGIN:$$ORIGIN/../lib' \
		$(PTODUMP_LIBS) $(LDLIBS_PTO)

# ---- examples: examples/<name>.c (+ examples/common/*.c) ---------------
EX_COMMON := $(patsubst %.c,$(O)/obj/%.o,$(wildcard examples/common/*.c))
EXAMPLES  := $(patsubst examples/%.c,$(O)/examples/%,$(wildcard examples/*.c))
examples: $(EXAMPLES)
$(O)/examples/%: $(O)/obj/examples/%.o $(EX_COMMON) $(LIBPTO_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_PTO) -o $@ $< $(EX_COMMON) $(LIBPTO_A) $(DRM_LIBS) \
		$(LDLIBS_PTO)

# ---- unit tests: tests/unit/test_*.c (+ tests/unit/support/*.c) --------
UT_SUPPORT := $(patsubst %.c,$(O)/obj/%.o,$(wildcard tests/unit/support/*.c))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(O)/tests/%,\
		$(wildcard tests/unit/test_*.c))
tests: $(UNIT_TESTS)
$(O)/tests/%: $(O)/obj/tests/unit/%.o $(UT_SUPPORT) $(LIBPTO_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_PTO) -o $@ $< $(UT_SUPPORT) $(LIBPTO_A) \
		$(CMOCKA_LIBS) $(DRM_LIBS) $(KMOD_LIBS) $(LDLIBS_PTO)
# The header tests compile uapi/ and libpto/src/rt*.h with the same
# compilers make uses.
$(O)/obj/tests/unit/test_uapi_headers.o \
$(O)/obj/tests/unit/test_rt_headers.o: CFLAGS_EXTRA = \
	-DPTO_SRCDIR='"$(CURDIR)"' -DPTO_CC='"$(CC)"' -DPTO_CXX='"$(CXX)"' \
	-DPTO_DRM_CFLAGS='"$(DRM_CFLAGS)"'

test-unit: tests
	@tests/run-unit.sh $(UNIT_TESTS)

# ---- sanitizers: the userspace suite under one, in its own build dir ---
# Reports fail the run (-fno-sanitize-recover, halt_on_error); tests
# that bound RSS or time skip under a sanitizer and say why. Reports go to
# files in build-*/sanitizer-reports/ (tests that capture stderr would
# swallow them), which tests/run-unit.sh prints under the test's name.
SAN_asan       := address
SAN_ubsan      := undefined
SAN_tsan       := thread
SAN_asan-ubsan := address,undefined
TSAN_SUPP      := $(wildcard $(CURDIR)/tests/tsan.supp)
export ASAN_OPTIONS  ?= detect_leaks=1
export UBSAN_OPTIONS ?= print_stacktrace=1
export TSAN_OPTIONS  ?= halt_on_error=1:second_deadlock_stack=1$(if \
			$(TSAN_SUPP),:suppressions=$(TSAN_SUPP))
EXTRA_CLEAN += rm -rf build-asan build-ubsan build-tsan build-asan-ubsan;
check-asan check-ubsan check-tsan check-asan-ubsan: check-%:
	@PTO_SAN_LOGS=$(CURDIR)/build-$*/sanitizer-reports \
		$(MAKE) --no-print-directory BUILD=build-$* \
		SANITIZE=$(SAN_$*) test-unit

# ---- component fragments (kmod, run, bench, ...) -----------------------
TEST_TARGETS := test-unit
-include $(wildcard */build.mk) $(wildcard tests/*/build.mk)
include install.mk

test: $(TEST_TARGETS)

clean:
	rm -rf $(BUILD)
	$(EXTRA_CLEAN)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
