/*
 * ptodump through the driver ($PTO_PTODUMP, shipped into the VM): list
 * shows the device, the module and its parameters and live and retained
 * regions, and says when the driver is not loaded; stat and snapshot
 * attach read-only to a region by id and show what the test wrote into
 * it the way the device writers do, on whichever device has the id; a
 * missing region, an id on two devices, a region of another uid and an
 * inaccessible render node are errors with a reason; ptodump never
 * writes to a region.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

#define OPTIONS		"max_retained=5 blocks=2"
#define OTHER_UID	1001
#define NTASKS		5	/* the first 3 in a handed-over buffer */
#define FUNC_ID		7
#define OUT_CAP		16384

static const char *ptodump;

/*
 * Runs ptodump with args (NULL-terminated) as uid (0: as the test),
 * stdout and stderr into out. Returns its exit code, -1 if it did not
 * exit.
 */
static int run_pd(uid_t uid, char *out, const char *const *args)
{
	pid_t pid;

	return kt_exec(uid, ptodump, args, out, OUT_CAP, &pid);
}

/* The first line after the line starting with section that starts with
 * prefix, or NULL.
 */
static const char *line_in(const char *out, const char *section,
			   const char *prefix)
{
	const char *p = strstr(out, section);

	while (p && (p = strchr(p, '\n'))) {
		p++;
		if (!strncmp(p, prefix, strlen(prefix)))
			return p;
	}
	return NULL;
}

static struct pto_pool *pool_of(uint8_t *base, const struct pto_prof_layout *l,
				uint32_t kind, uint32_t i)
{
	return (struct pto_pool *)(base + l->kind[kind].pool_off +
				   (uint64_t)i * l->pool_size);
}

/*
 * Takes the next buffer of pool i from its free queue and makes it the
 * pool's active buffer, as the pool's device writer does.
 */
static struct pto_buf_header *take_buffer(uint8_t *base,
					  const struct pto_prof_layout *l,
					  uint32_t kind, uint32_t i)
{
	struct pto_pool *p = pool_of(base, l, kind, i);
	uint32_t head = p->free_queue.head;
	uint64_t off = p->free_queue.slots[head & (PTO_FREE_QUEUE_SLOTS - 1)];

	/* Frees the slot for the host only after it was read. */
	__atomic_store_n(&p->free_queue.head, head + 1, __ATOMIC_RELEASE);
	p->head.buf_off = off;
	/* The sequence changes only after the offset is valid. */
	__atomic_store_n(&p->head.buf_seq, p->head.buf_seq + 1,
			 __ATOMIC_RELEASE);
	return (struct pto_buf_header *)(base + off);
}

static uint64_t task_id(uint32_t i)
{
	return (1ull << 32) | (100 + i);	/* ring 1 */
}

/*
 * Writes NTASKS AICPU task records of core 0 and their AICore partners:
 * the first three in a buffer handed to the host through ready queue 0,
 * the rest in the active buffers; pool totals count them.
 */
static void fill_tasks(uint8_t *base, const struct pto_prof_layout *l)
{
	struct pto_prof_header *h = (struct pto_prof_header *)base;
	struct pto_ready_queue *rq = &h->ready[0];
	struct pto_buf_header *cpu[2], *core, *b;
	struct pto_ready_entry *e;
	uint32_t i;

	h->counter_freq_hz = 50000000;
	cpu[0] = take_buffer(base, l, PTO_BUF_AICPU_TASK, 0);
	core = take_buffer(base, l, PTO_BUF_AICORE_TASK, 0);
	for (i = 0; i < NTASKS; i++) {
		struct pto_aicpu_task_record *c;
		struct pto_aicore_task_record *a;

		if (i == 3) {
			e = &rq->entries[rq->tail & (PTO_READY_QUEUE_CAP - 1)];
			e->pool_index = 0;
			e->kind = PTO_BUF_AICPU_TASK;
			e->buf_off = (uint64_t)((uint8_t *)cpu[0] - base);
			e->buf_seq = cpu[0]->seq;
			/* The entry is complete before the host sees it. */
			__atomic_store_n(&rq->tail, rq->tail + 1,
					 __ATOMIC_RELEASE);
			cpu[1] = take_buffer(base, l, PTO_BUF_AICPU_TASK, 0);
		}
		b = cpu[i < 3 ? 0 : 1];
		c = (struct pto_aicpu_task_record *)(b + 1) + b->count;
		c->dispatch_time = 1000 + 100 * i;
		c->finish_time = 1095 + 100 * i;
		c->task_id = task_id(i);
		c->func_id = FUNC_ID;
		c->core_type = PTO_CORE_TYPE_AIC;
		c->reg_token = i + 1;
		/* Records visible before they are counted. */
		__atomic_store_n(&b->count, b->count + 1, __ATOMIC_RELEASE);
		a = (struct pto_aicore_task_record *)(core + 1) + core->count;
		a->start_time = 1010 + 100 * i;
		a->end_time = 1080 + 100 * i;
		a->reg_token = i + 1;
		__atomic_store_n(&core->count, core->count + 1,
				 __ATOMIC_RELEASE);
	}
	pool_of(base, l, PTO_BUF_AICPU_TASK, 0)->counters.total = NTASKS;
	pool_of(base, l, PTO_BUF_AICORE_TASK, 0)->counters.total = NTASKS;
}

struct owner {
	int pipefd[2];
	int fill;
};

/* A run that creates a retained region, maybe fills it, then waits. */
static int owner_main(void *p)
{
	struct owner *o = p;
	struct drm_pto_prof_create c;
	uint8_t *base;
	int fd = kt_open(0);

	if (fd < 0 || kt_prof_create(fd, PTO_PROF_CREATE_RETAIN, &c))
		return 1;
	base = kt_map(fd, c.mmap_offset, c.layout.region_size,
		      PROT_READ | PROT_WRITE);
	if (base == MAP_FAILED)
		return 1;
	if (o->fill)
		fill_tasks(base, &c.layout);
	if (write(o->pipefd[1], &c.region_id, sizeof(c.region_id)) !=
	    sizeof(c.region_id))
		return 1;
	for (;;)
		pause();
}

/* Starts an owner run; returns its region id. */
static uint32_t start_owner(int fill, pid_t *pid)
{
	struct owner o = { .fill = fill };
	uint32_t id = 0;

	assert_int_equal(pipe(o.pipefd), 0);
	fflush(NULL);
	*pid = fork();
	assert_true(*pid >= 0);
	if (*pid == 0) {
		signal(SIGSEGV, SIG_DFL);
		_exit(owner_main(&o));
	}
	assert_int_equal(read(o.pipefd[0], &id, sizeof(id)), sizeof(id));
	close(o.pipefd[0]);
	close(o.pipefd[1]);
	return id;
}

static void kill_owner(pid_t pid)
{
	int status;

	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
}

/* "id N  <state> pid P" is in out. */
static int lists_region(const char *out, uint32_t id, const char *state,
			pid_t pid)
{
	char want[96];

	snprintf(want, sizeof(want), "id %u  %-8s pid %d ", id, state,
		 (int)pid);
	return strstr(out, want) != NULL;
}

static void test_list_live_then_retained(void **state)
{
	static const char *const args[] = { "list", NULL };
	char out[OUT_CAP];
	const char *line;
	uint32_t id;
	pid_t pid;

	(void)state;
	id = start_owner(0, &pid);
	assert_int_equal(run_pd(0, out, args), 0);
	assert_non_null(strstr(out, "module pto: live\n"));
	assert_non_null(strstr(out, "    max_retained = 5\n"));
	assert_non_null(strstr(out, "    blocks = 2\n"));
	assert_non_null(strstr(out, "device /dev/dri/renderD"));
	line = line_in(out, "device /dev/dri/renderD", "  cores");
	assert_non_null(line);
	assert_int_equal(strtoul(line + strlen("  cores"), NULL, 10),
			 kt_param(kt_fd, PTO_PARAM_NUM_CORES));
	assert_non_null(strstr(out, "  regions: 1\n"));
	assert_true(lists_region(out, id, "live", pid));

	kill_owner(pid);
	assert_int_equal(run_pd(0, out, args), 0);
	assert_non_null(strstr(out, "  regions: 1\n"));
	assert_true(lists_region(out, id, "retained", pid));
}

static void test_list_driver_not_loaded(void **state)
{
	static const char *const args[] = { "list", NULL };
	char out[OUT_CAP];
	int rc;

	(void)state;
	assert_int_equal(kt_reload(NULL), 0);
	rc = run_pd(0, out, args);
	/* Back to the group's state before checking. */
	assert_int_equal(kt_reload(OPTIONS), 0);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "module pto: not loaded"));
	assert_non_null(strstr(out, "the pto driver is not loaded"));
	assert_null(strstr(out, "device /dev/dri"));
}

static void test_stat_live_counters(void **state)
{
	struct drm_pto_prof_create c;
	struct pto_prof_header *h;
	struct pto_pool *p;
	char out[OUT_CAP], id[16];
	const char *args[] = { "stat", "--id", id, NULL };
	const char *line;
	unsigned long long tot, drop, mis;
	unsigned int pool, thread, depth;
	uint8_t *base;

	(void)state;
	base = kt_own_region(&c);
	h = (struct pto_prof_header *)base;
	p = pool_of(base, &c.layout, PTO_BUF_AICPU_TASK, 1);
	p->counters.total = 1234;
	p->counters.dropped = 56;
	p->counters.mismatch = 7;
	h->ready[1].head = 2;
	h->ready[1].tail = 5;
	snprintf(id, sizeof(id), "%u", c.region_id);
	assert_int_equal(run_pd(0, out, args), 0);

	line = line_in(out, "aicpu_task:", "  1 ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "%u %llu %llu %llu", &pool, &tot, &drop,
				&mis), 4);
	assert_int_equal(tot, 1234);
	assert_int_equal(drop, 56);
	assert_int_equal(mis, 7);
	line = line_in(out, "aicpu_task:", "  sum ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, " sum %llu %llu %llu", &tot, &drop,
				&mis), 3);
	assert_int_equal(tot, 1234);
	line = line_in(out, "AICPU threads:", "  1 ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "%u %u", &thread, &depth), 2);
	assert_int_equal(depth, 3);
	munmap(base, c.layout.region_size);
}

/* The task ids of the task list in dir's l2_swimlane_records.json. */
static int exported_tasks(const char *dir, uint64_t *ids, int cap)
{
	char path[128], buf[OUT_CAP];
	const char *p, *end;
	size_t n;
	FILE *f;
	int count = 0;

	snprintf(path, sizeof(path), "%s/l2_swimlane_records.json", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strstr(buf, "\"tasks\": [");
	if (!p)
		return -1;
	end = strchr(p, ']');
	if (!end)
		return -1;
	while ((p = strstr(p, "\"task_id\": ")) && p < end && count < cap) {
		p += strlen("\"task_id\": ");
		ids[count++] = strtoull(p, NULL, 10);
	}
	return count;
}

static void test_snapshot_retained(void **state)
{
	static const char dir[] = "/tmp/pd_snapshot";
	char out[OUT_CAP], id[16];
	const char *args[] = { "snapshot", "--id", id, "-o", dir, NULL };
	uint64_t ids[NTASKS + 1];
	uint32_t region;
	pid_t pid;
	int n, i;

	(void)state;
	region = start_owner(1, &pid);
	kill_owner(pid);
	snprintf(id, sizeof(id), "%u", region);
	assert_int_equal(run_pd(0, out, args), 0);
	n = exported_tasks(dir, ids, NTASKS + 1);
	assert_int_equal(n, NTASKS);
	for (i = 0; i < NTASKS; i++)
		assert_int_equal(ids[i], task_id(i));
}

static void test_id_missing(void **state)
{
	struct drm_pto_prof_info info[8];
	char out[OUT_CAP], id[16];
	const char *args[] = { "stat", "--id", id, NULL };
	uint32_t missing = 4000000000u;

	(void)state;
	assert_null(kt_find(info, kt_list(kt_fd, info, 8), missing));
	snprintf(id, sizeof(id), "%u", missing);
	assert_int_equal(run_pd(0, out, args), 1);
	assert_non_null(strstr(out, id));
	assert_non_null(strstr(out, "no such region"));
}

/* The render node of pto device index. */
static void node_path(unsigned int index, char *path, size_t cap)
{
	int fd = kt_open_path(index, path, cap);

	assert_true(fd >= 0);
	close(fd);
}

static void test_attach_other_uid(void **state)
{
	struct drm_pto_prof_create c;
	char out[OUT_CAP], id[16], node[64];
	const char *args[] = { "stat", "--id", id, NULL };
	int rc;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	snprintf(id, sizeof(id), "%u", c.region_id);
	node_path(0, node, sizeof(node));
	assert_int_equal(chmod(node, 0666), 0);
	rc = run_pd(OTHER_UID, out, args);
	assert_int_equal(chmod(node, 0600), 0);
	assert_int_equal(rc, 1);
	assert_non_null(strcasestr(out, "permission"));
	assert_non_null(strstr(out, id));
}

static void test_node_not_accessible(void **state)
{
	struct drm_pto_prof_create c;
	char out[OUT_CAP], id[16], node[64];
	const char *args[] = { "stat", "--id", id, NULL };

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	snprintf(id, sizeof(id), "%u", c.region_id);
	node_path(0, node, sizeof(node));
	assert_int_equal(chmod(node, 0600), 0);
	assert_int_equal(run_pd(OTHER_UID, out, args), 1);
	assert_non_null(strstr(out, node));
	assert_non_null(strcasestr(out, "permission denied"));
}

/* list names a pto node the user may not open, with the reason. */
static void test_list_node_not_accessible(void **state)
{
	static const char *const args[] = { "list", NULL };
	char out[OUT_CAP], node[64], want[96];

	(void)state;
	node_path(0, node, sizeof(node));
	assert_int_equal(chmod(node, 0600), 0);
	assert_int_equal(run_pd(OTHER_UID, out, args), 0);
	snprintf(want, sizeof(want), "device %s\n  cannot open: ", node);
	assert_non_null(strstr(out, want));
	assert_non_null(strcasestr(out, "permission denied"));
}

static int fd_dev1 = -1;

/* pto with two devices; fd_dev1 on the second. */
static int setup_two_devices(void **state)
{
	(void)state;
	if (kt_reload("num_devices=2 " OPTIONS))
		return -1;
	fd_dev1 = kt_open(1);
	return fd_dev1 < 0 ? -1 : 0;
}

/* Back to the group's single device, whatever the test left open. */
static int teardown_two_devices(void **state)
{
	(void)state;
	if (fd_dev1 >= 0)
		close(fd_dev1);
	fd_dev1 = -1;
	return kt_reload(OPTIONS);
}

/* --id finds a region on the second device (its own shape shows). */
static void test_id_on_second_device(void **state)
{
	struct drm_pto_prof_create c;
	char out[OUT_CAP], id[16];
	const char *args[] = { "stat", "--id", id, NULL };

	(void)state;
	memset(&c, 0, sizeof(c));
	kt_params(&c.params);
	c.params.num_cores = 3;
	assert_int_equal(kt_ioctl(fd_dev1, DRM_IOCTL_PTO_PROF_CREATE, &c), 0);
	snprintf(id, sizeof(id), "%u", c.region_id);
	assert_int_equal(run_pd(0, out, args), 0);
	assert_non_null(strstr(out, ", 3 cores,"));
}

/* An id both devices have needs --device, which picks one. */
static void test_id_on_two_devices(void **state)
{
	struct drm_pto_prof_create c0, c1;
	char out[OUT_CAP], id[16], node[64];
	const char *args[] = { "stat", "--id", id, NULL };
	const char *dev[] = { "stat", "--id", id, "--device", node, NULL };

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c0), 0);
	assert_int_equal(kt_prof_create(fd_dev1, 0, &c1), 0);
	assert_int_equal(c0.region_id, c1.region_id);
	snprintf(id, sizeof(id), "%u", c0.region_id);
	assert_int_equal(run_pd(0, out, args), 1);
	assert_non_null(strstr(out, "exists on"));
	assert_non_null(strstr(out, "--device"));
	node_path(1, node, sizeof(node));
	assert_int_equal(run_pd(0, out, dev), 0);
	assert_non_null(strstr(out, "region: "));
}

static uint64_t checksum(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static void test_never_writes(void **state)
{
	struct drm_pto_prof_create c;
	char out[OUT_CAP], id[16];
	const char *list[] = { "list", NULL };
	const char *stat[] = { "stat", "--id", id, NULL };
	const char *snap[] = { "snapshot", "--id", id, "-o",
			       "/tmp/pd_readonly", NULL };
	uint8_t *base;
	uint64_t before;

	(void)state;
	base = kt_own_region(&c);
	fill_tasks(base, &c.layout);
	snprintf(id, sizeof(id), "%u", c.region_id);
	before = checksum(base, c.layout.region_size);
	assert_int_equal(run_pd(0, out, list), 0);
	assert_int_equal(run_pd(0, out, stat), 0);
	assert_int_equal(run_pd(0, out, snap), 0);
	assert_int_equal(checksum(base, c.layout.region_size), before);
	munmap(base, c.layout.region_size);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KT_TEST(test_list_live_then_retained),
		KT_TEST(test_list_driver_not_loaded),
		KT_TEST(test_stat_live_counters),
		KT_TEST(test_snapshot_retained),
		KT_TEST(test_id_missing),
		KT_TEST(test_attach_other_uid),
		KT_TEST(test_node_not_accessible),
		KT_TEST(test_list_node_not_accessible),
		cmocka_unit_test_setup_teardown(test_id_on_second_device,
						setup_two_devices,
						teardown_two_devices),
		cmocka_unit_test_setup_teardown(test_id_on_two_devices,
						setup_two_devices,
						teardown_two_devices),
		KT_TEST(test_never_writes),
	};

	ptodump = getenv("PTO_PTODUMP");
	if (!ptodump || access(ptodump, X_OK)) {
		printf("SKIP: kmod_ptodump needs $PTO_PTODUMP, the ptodump "
		       "binary (make test-kmod ships it)\n");
		return 77;
	}
	kt_group_options = OPTIONS;
	return kt_run("kmod_ptodump", tests, sizeof(tests) / sizeof(tests[0]));
}
