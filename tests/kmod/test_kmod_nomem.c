/*
 * Creation that fails for lack of memory leaves nothing charged (pto
 * loaded with a 1 MiB per-file limit and 24 blocks, so a handshake
 * region of every core spans a dozen pages). A child in a memory cgroup
 * (v1, OOM killer off, so a charge that does not fit fails with -ENOMEM
 * instead of killing) retries HS_CREATE with the limit a little higher
 * each time: some attempts fail while allocating the object, some while
 * mapping its pages. Afterwards the whole byte limit must be free.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

#define LIMIT		(1u << 20)
#define MEMCG_DIR	"/tmp/kt_memcg"
#define GROUP		MEMCG_DIR "/pto"
/* Bound of the child's run: only a regression ever reaches it. */
#define WAIT_MS		120000

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Writes a limit through an open fd; 0 or -errno. */
static int set_limit(int fd, long long bytes)
{
	char buf[32];
	int len = snprintf(buf, sizeof(buf), "%lld", bytes);

	return pwrite(fd, buf, (size_t)len, 0) == len ? 0 : -errno;
}

static long long usage(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return -1;
	buf[n] = 0;
	return atoll(buf);
}

/* Exit codes name the step that went wrong. */
static int nomem_child(void *arg)
{
	struct drm_pto_hs_create hs;
	struct drm_pto_bo_create bo = { .size = LIMIT };
	struct drm_gem_close gc = { 0 };
	volatile char stack[65536];
	int fd, limit_fd, usage_fd, k, failures = 0, ret;
	long long u;

	(void)arg;
	fd = kt_open(0);
	if (fd < 0)
		return 2;
	if (write_str(GROUP "/memory.oom_control", "1"))
		return 3;
	limit_fd = open(GROUP "/memory.limit_in_bytes", O_WRONLY | O_CLOEXEC);
	usage_fd = open(GROUP "/memory.usage_in_bytes", O_RDONLY | O_CLOEXEC);
	if (limit_fd < 0 || usage_fd < 0)
		return 4;
	if (write_str(GROUP "/cgroup.procs", "0"))
		return 5;
	/* Fault in the stack now: a user fault must not meet the limit. */
	memset((char *)stack, 1, sizeof(stack));
	for (k = 0; k < 24; k++) {
		/*
		 * A limit below the usage fails (nothing to reclaim) but
		 * drains the charges cached per CPU, which would otherwise be
		 * spent without meeting the limit.
		 */
		set_limit(limit_fd, usage(usage_fd) - (1 << 20));
		u = usage(usage_fd);
		if (u < 0 || set_limit(limit_fd, u + k * 4096LL))
			return 6;
		memset(&hs, 0, sizeof(hs));
		hs.num_cores = PTO_MAX_CORES;
		ret = kt_ioctl(fd, DRM_IOCTL_PTO_HS_CREATE, &hs);
		if (set_limit(limit_fd, -1))
			return 7;
		if (ret == -ENOMEM) {
			failures++;
			continue;
		}
		if (ret)
			return 8;
		gc.handle = hs.handle;
		if (kt_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc))
			return 9;
	}
	if (!failures)
		return 10;	/* no failure provoked: nothing shown */
	/* Every failed attempt freed its object: the limit is whole. */
	if (kt_ioctl(fd, DRM_IOCTL_PTO_BO_CREATE, &bo))
		return 11;
	close(fd);
	return 0;
}

static void test_hs_create_nomem_leaves_no_charge(void **state)
{
	struct pollfd p = { .events = POLLIN };
	int status, ready;
	pid_t pid;

	(void)state;
	mkdir(MEMCG_DIR, 0700);
	if (mount("none", MEMCG_DIR, "cgroup", 0, "memory") && errno != EBUSY)
		fail_msg("mount of the v1 memory cgroup: %s", strerror(errno));
	assert_true(mkdir(GROUP, 0700) == 0 || errno == EEXIST);

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(nomem_child(NULL));
	p.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	assert_true(p.fd >= 0);
	ready = poll(&p, 1, WAIT_MS);
	close(p.fd);
	if (ready != 1)
		kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	rmdir(GROUP);
	umount(MEMCG_DIR);
	assert_int_equal(ready, 1);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KT_TEST(test_hs_create_nomem_leaves_no_charge),
	};

	kt_group_options = "file_byte_limit=1048576 blocks=24";
	return kt_run("kmod_nomem", tests, sizeof(tests) / sizeof(tests[0]));
}
