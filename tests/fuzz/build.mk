# Fuzz targets (clang libFuzzer, with ASan and UBSan), one per reader of
# untrusted bytes: tests/fuzz/fuzz_<target>.c, its seed corpus in
# tests/fuzz/<target>/ (a crash once found stays there as a regression
# case). Built in their own BUILD dir (build-fuzz) with clang.
#   make fuzz FUZZ_SECONDS=N   runs each target for N seconds (default 60)
#   make test-fuzz             each for FUZZ_SHORT seconds (default 5);
#                              part of make test
# New inputs go to build-fuzz/corpus/<target>, crashes to
# build-fuzz/crash/<target>-*; a crash fails the run.

FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BUILD   := build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SHORT   ?= 5
FUZZ_BINS     = $(FUZZ_TARGETS:%=$(O)/fuzz/fuzz_%)

.PHONY: fuzz test-fuzz fuzz-bins
fuzz-bins: $(FUZZ_BINS)

# The targets see what ptodump sees: the public headers and uapi/.
$(O)/obj/tests/fuzz/%.o: CPPFLAGS_PTO = -D_GNU_SOURCE -Iuapi -Ilibpto/include \
	-Itools/ptodump $(DRM_CFLAGS)
$(O)/fuzz/fuzz_%: $(O)/obj/tests/fuzz/fuzz_%.o $(PTODUMP_MOD_OBJS) $(LIBPTO_A)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_PTO) -fsanitize=fuzzer -o $@ $< $(PTODUMP_MOD_OBJS) \
		$(LIBPTO_A) $(PTODUMP_LIBS) $(LDLIBS_PTO)

# The sub-make builds with clang; -close_fd_mask=3 keeps the readers'
# messages about bad input out of the log (libFuzzer's own and crash
# reports stay).
fuzz test-fuzz: | deps-user
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang \
		SANITIZE=fuzzer-no-link,address,undefined fuzz-bins
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/corpus/$$t $(FUZZ_BUILD)/crash; \
		echo "fuzz $$t: $(if $(filter test-fuzz,$@),$(FUZZ_SHORT),$(FUZZ_SECONDS)) s"; \
		$(FUZZ_BUILD)/fuzz/fuzz_$$t -close_fd_mask=3 \
			-max_total_time=$(if $(filter test-fuzz,$@),$(FUZZ_SHORT),$(FUZZ_SECONDS)) \
			-artifact_prefix=$(FUZZ_BUILD)/crash/$$t- \
			$(FUZZ_BUILD)/corpus/$$t tests/fuzz/$$t \
			2>$(FUZZ_BUILD)/fuzz-$$t.log || \
		{ tail -n 60 $(FUZZ_BUILD)/fuzz-$$t.log; \
		  echo "fuzz $$t: FAILED (input in $(FUZZ_BUILD)/crash/)"; \
		  exit 1; }; \
		grep -E '^(Done|INFO: seed corpus)' $(FUZZ_BUILD)/fuzz-$$t.log; \
	done

TEST_TARGETS += test-fuzz
EXTRA_CLEAN += rm -rf $(FUZZ_BUILD);
