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
		$(LIBPTO_A) $(CMOCKA_LIBS) $(PTODUMP_LIBS) $(LDLIBS_PTO)

# Keep the test objects between builds (they are intermediate here).
.SECONDARY: $(patsubst tests/unit/%.c,$(O)/obj/tests/unit/%.o,\
	$(wildcard tests/unit/test_ptodump_*.c)) $(UT_SUPPORT)

# Post-processing of a profiled run (for `make run` and users):
#   make ptodump-trace PTO_OUT=outputs/<run>
# prints the report, then writes report.md, merged_swimlane.json,
# merged_swimlane.pftrace (from the capture: with the host's spans),
# critical_path_observed.json and the
# dependency graph (deps_graph.html, or deps_graph.dot without Graphviz)
# next to the records and prints their paths.
.PHONY: ptodump-trace
ptodump-trace: $(O)/ptodump
	@test -n "$(PTO_OUT)" || \
		{ echo "usage: make ptodump-trace PTO_OUT=<run dir>"; exit 2; }
	@$(O)/ptodump report $(PTO_OUT)/l2_swimlane_records.json
	@$(O)/ptodump convert -q $(PTO_OUT)/l2_swimlane_records.json
	@$(O)/ptodump convert -q --format=proto \
		-o $(PTO_OUT)/merged_swimlane.pftrace $(PTO_OUT)/capture.ptocap
	@$(O)/ptodump report --format=md -o $(PTO_OUT)/report.md \
		$(PTO_OUT)/l2_swimlane_records.json
	@$(O)/ptodump convert -q --critical-path \
		$(PTO_OUT)/l2_swimlane_records.json
	@echo "Report (Markdown): $(PTO_OUT)/report.md"
	@echo "Perfetto trace: $(PTO_OUT)/merged_swimlane.json"
	@echo "Perfetto trace (with the host's spans):" \
		"$(PTO_OUT)/merged_swimlane.pftrace"
	@echo "Perfetto trace (critical path):" \
		"$(PTO_OUT)/critical_path_observed.json"
	@if [ ! -f $(PTO_OUT)/deps.json ]; then :; \
	elif command -v dot >/dev/null; then $(O)/ptodump deps \
		--format=html $(PTO_OUT)/l2_swimlane_records.json; \
	else $(O)/ptodump deps --format=dot \
		-o $(PTO_OUT)/deps_graph.dot \
		$(PTO_OUT)/l2_swimlane_records.json && \
		echo "Dependency graph: $(PTO_OUT)/deps_graph.dot" \
		"(install graphviz to render it)"; fi

# The protoc test finds its schema (tests/perfetto/) in the source tree,
# the fixed-capture test its capture (tests/unit/data/).
$(O)/obj/tests/unit/test_ptodump_protoc.o \
$(O)/obj/tests/unit/test_ptodump_fixed.o: CFLAGS_EXTRA = -Itools/ptodump \
	-DPTODUMP_BIN='"$(O)/ptodump"' -DPTO_SRCDIR='"$(CURDIR)"'
