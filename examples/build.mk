# examples/build.mk — the example workloads' test hookup and `make run`.

# Keep the examples' objects: make would delete them as intermediates of
# the link rule and recompile them on every run.
.SECONDARY: $(EX_COMMON) $(EXAMPLES:$(O)/examples/%=$(O)/obj/examples/%.o)

# The workload test runs the example binaries; it is compiled with
# their names, so a new example recompiles it.
$(O)/tests/test_workloads: | $(EXAMPLES)
$(O)/obj/tests/unit/test_workloads.o: $(wildcard examples/*.c)
$(O)/obj/tests/unit/test_workloads.o: CFLAGS_EXTRA = \
	-DPTO_EXAMPLES_DIR='"$(O)/examples"' \
	-DPTO_EXAMPLES='"$(notdir $(EXAMPLES))"'

.PHONY: run
# The main job: paged attention on the sim device at full profiling, then
# the report and the Perfetto traces of its profile (ptodump-trace in
# tools/build.mk). Extra flags through RUN_ARGS, e.g.
# make run RUN_ARGS=--size=bench.
RUN_ARGS ?=
RUN_LOG := $(O)/run.log
run: $(O)/examples/paged_attention_unroll $(O)/ptodump
	@rc=0; $< --device=sim --chip-swimlane=4 --chip-json $(RUN_ARGS) \
		> $(RUN_LOG) \
		2>&1 || rc=$$?; cat $(RUN_LOG); \
	[ $$rc -eq 0 ] || { echo "run: failed (exit $$rc)"; exit 1; }; \
	out=$$(sed -n 's/^output: //p' $(RUN_LOG) | tail -n 1); \
	[ -n "$$out" ] || { echo "run: no profile was written"; exit 1; }; \
	echo "Capture: $$out/capture.ptocap"; \
	echo "Records: $$out/l2_swimlane_records.json"; \
	echo "Records (chip swimlane schema):" \
		"$$out/chip_swimlane_records.json"; \
	$(MAKE) --no-print-directory ptodump-trace PTO_OUT="$$out"
