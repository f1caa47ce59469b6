# ptodump tests: tests/unit/test_ptodump_*.c link the tool's modules
# (everything but main.o) and run the built binary, whose path they get
# as PTODUMP_BIN.
PTODUMP_MOD_OBJS := $(filter-out $(O)/obj/tools/ptodump/main.o,$(PTODUMP_OBJS))

$(O)/obj/tests/unit/test_ptodump_%.o: CFLAGS_EXTRA = \
	-Itools/ptodump -DPTODUMP_BIN='"$(O)/ptodump"'

$(O)/tests/test_ptodump_%: $(O)/obj/tests/unit/test_ptodump_%.o \
		$(UT_SUPPORT) $(PTODUMP_MOD_OBJS) $(LIBPTO_A) $(O)/ptodump
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_PTO) -o $@ $< $(UT_SUPPORT) $(PTODUMP_MOD_OBJS) \
		$(LIBPTO_A) $(CMOCKA_LIBS) $(DRM_LIBS) $(KMOD_LIBS) $(LDLIBS_PTO)

# Keep the test objects between builds (they are intermediate here).
.SECONDARY: $(patsubst tests/unit/%.c,$(O)/obj/tests/unit/%.o,\
	$(wildcard tests/unit/test_ptodump_*.c)) $(UT_SUPPORT)
