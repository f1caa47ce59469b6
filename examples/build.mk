# examples/build.mk — link the example workloads, `make run`.
#
# The top-level Makefile compiles examples/*.c and examples/common/*.c.
# This fragment replaces its link rule: an example is linked only when
# libpto.a defines pto_run (the runtime). Until then each example prints
# why it was not linked and build/examples/SKIPPED records the reason,
# which tests/unit/test_workloads.c reports as a SKIP.

EX_SKIPPED := $(O)/examples/SKIPPED
EX_HAS_RUNTIME = nm -g --defined-only $(LIBPTO_A) 2>/dev/null | \
	grep -q ' T pto_run$$'

# libpto.a brings the drm backend along, hence libdrm and libkmod.
EX_LINK = $(CC) $(CFLAGS_PTO) -o $@ $< $(EX_COMMON) $(LIBPTO_A) \
	  $(DRM_LIBS) $(KMOD_LIBS) $(LDLIBS_PTO)

$(O)/examples/%: $(O)/obj/examples/%.o $(EX_COMMON) $(LIBPTO_A)
	@mkdir -p $(dir $@)
	@if $(EX_HAS_RUNTIME); then \
		echo '$(EX_LINK)'; \
		$(EX_LINK) && rm -f $(EX_SKIPPED); \
	else \
		echo "examples: $(LIBPTO_A) does not define pto_run yet;" \
			"not linking $(notdir $@)"; \
		echo "libpto.a does not define pto_run (runtime not built)" \
			> $(EX_SKIPPED); \
	fi

# Keep the objects of the examples: make would delete them as
# intermediates of the link rule and recompile them on every run.
.SECONDARY: $(EX_COMMON) $(EXAMPLES:$(O)/examples/%=$(O)/obj/examples/%.o)

# The workload test runs the example binaries; it is compiled with
# their names, so a new example recompiles it.
$(O)/tests/test_workloads: | $(EXAMPLES)
$(O)/obj/tests/unit/test_workloads.o: $(wildcard examples/*.c)
$(O)/obj/tests/unit/test_workloads.o: CFLAGS_EXTRA = \
	-DPTO_EXAMPLES_DIR='"$(O)/examples"' \
	-DPTO_EXAMPLES='"$(notdir $(EXAMPLES))"'

.PHONY: run
# The main job: paged attention on the sim device at full profiling.
# Extra flags through RUN_ARGS, e.g. make run RUN_ARGS=--size=bench.
RUN_ARGS ?=
run: $(O)/examples/paged_attention_unroll
	@if [ ! -x $< ]; then \
		echo "run: $< was not linked: $$(cat $(EX_SKIPPED))"; \
		exit 1; \
	fi
	$< --device=sim --chip-swimlane=4 $(RUN_ARGS)
