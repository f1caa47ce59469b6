# bench/build.mk — `make bench` and `make bench-quick` (never part of
# `make test`): every speed that matters, side by side with OpenMP
# (libgomp, libomp) and LTTng-UST, in one table (bench/bench.py).
#
# The programs: pto_graph (public API), omp_graph twice (GCC libgomp,
# clang + LLVM libomp), pto_graph against a libpto built with profiling
# compiled out, rec_cost (the profiling writers, linked against libpto's
# internals) and its LTTng-UST twin.

BENCH_DIR  := $(O)/bench
BENCH_OMP_CFLAGS := $(CSTD) $(WARN) -O2 -D_GNU_SOURCE
BENCH_PROGS := $(BENCH_DIR)/pto_graph $(BENCH_DIR)/pto_graph_noprof \
	       $(BENCH_DIR)/omp_graph_gomp $(BENCH_DIR)/omp_graph_llvm \
	       $(BENCH_DIR)/lttng_cost
BENCH_ARGS ?=

.PHONY: bench bench-quick bench-build deps-bench
deps-bench:
	@scripts/deps.sh bench

# rec_cost links libpto internals: when they change under it, its rows
# say n/a and the rest of the table still runs.
bench-build: $(BENCH_PROGS) $(O)/ptodump $(EXAMPLES)
	@$(MAKE) --no-print-directory $(BENCH_DIR)/rec_cost || { \
		rm -f $(BENCH_DIR)/rec_cost; \
		echo "bench: rec_cost did not build: its rows are n/a"; }

bench: bench-build
	@python3 bench/bench.py --build $(O) $(BENCH_ARGS)
bench-quick: bench-build
	@python3 bench/bench.py --build $(O) --quick $(BENCH_ARGS)

$(BENCH_DIR)/pto_graph: bench/pto_graph.c bench/graph.h $(LIBPTO_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_PTO) $(CFLAGS_PTO) -o $@ $< $(LIBPTO_A) \
		$(DRM_LIBS) $(LDLIBS_PTO)

# libpto with every profiling call compiled out (PTO_PROF_COMPILED_OUT).
BENCH_NOPROF_OBJS := $(LIBPTO_SRCS:%.c=$(BENCH_DIR)/noprof/%.o)
$(BENCH_DIR)/noprof/%.o: %.c | deps-user
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_PTO) $(CFLAGS_PTO) -DPTO_PROF_COMPILED_OUT -c $< -o $@
$(BENCH_DIR)/pto_graph_noprof: bench/pto_graph.c bench/graph.h \
		$(BENCH_NOPROF_OBJS)
	$(CC) $(CPPFLAGS_PTO) $(CFLAGS_PTO) -o $@ $< $(BENCH_NOPROF_OBJS) \
		$(DRM_LIBS) $(LDLIBS_PTO)

$(BENCH_DIR)/omp_graph_gomp: bench/omp_graph.c bench/graph.h | deps-bench
	@mkdir -p $(dir $@)
	gcc $(BENCH_OMP_CFLAGS) -fopenmp -o $@ $<
$(BENCH_DIR)/omp_graph_llvm: bench/omp_graph.c bench/graph.h | deps-bench
	@mkdir -p $(dir $@)
	clang $(BENCH_OMP_CFLAGS) -fopenmp=libomp -o $@ $<

$(BENCH_DIR)/rec_cost: bench/rec_cost.c bench/graph.h $(LIBPTO_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_PTO) $(CFLAGS_PTO) -o $@ $< $(LIBPTO_A) \
		$(DRM_LIBS) $(LDLIBS_PTO)

$(BENCH_DIR)/lttng_cost: bench/lttng_cost.c bench/lttng_tp.h bench/graph.h \
		| deps-bench
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_OMP_CFLAGS) -Ibench -o $@ $< -llttng-ust -ldl

# Header dependencies of the programs and of the no-profiling objects.
-include $(wildcard $(BENCH_DIR)/*.d) $(BENCH_NOPROF_OBJS:.o=.d)
