# Kernel test programs (cmocka, run inside QEMU by `make test-kmod`):
# tests/kmod/test_*.c (+ tests/kmod/support/*.c) -> build/kmod/tests/test_*
KT_SUPPORT := $(patsubst %.c,$(O)/obj/%.o,$(wildcard tests/kmod/support/*.c)) \
	      $(O)/obj/uapi/pto_layout.o
KMOD_TESTS := $(patsubst tests/kmod/%.c,$(O)/kmod/tests/%,\
		$(wildcard tests/kmod/test_*.c))

.PHONY: kmod-tests
kmod-tests: $(KMOD_TESTS)

$(O)/kmod/tests/%: $(O)/obj/tests/kmod/%.o $(KT_SUPPORT)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_PTO) -o $@ $< $(KT_SUPPORT) $(CMOCKA_LIBS) \
		$(DRM_LIBS) $(KMOD_LIBS) $(LDLIBS_PTO)
$(O)/obj/tests/kmod/%.o: CFLAGS_EXTRA = -Itests/kmod/support
$(O)/obj/tests/kmod/support/%.o: CFLAGS_EXTRA = -Itests/kmod/support
# Keep the objects (intermediate in the pattern chain) between builds.
.SECONDARY: $(patsubst tests/kmod/%.c,$(O)/obj/tests/kmod/%.o,\
	    $(wildcard tests/kmod/test_*.c))

# Binaries the test programs run, shipped into the VM's /bin by
# run-qemu.sh (which reads the list from the environment).
KMOD_EXTRA_BINS := $(O)/ptodump $(O)/examples/paged_attention_unroll \
		   $(O)/examples/mixed_pipeline
export KMOD_EXTRA_BINS
kmod-tests: $(KMOD_EXTRA_BINS)
