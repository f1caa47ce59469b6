/*
 * Creation that fails for lack of memory leaves nothing charged (pto
 * loaded with a 1 MiB per-file limit and 24 blocks, so a handshake
 * region of every core spans a dozen pages). A child in a memory cgroup
 * (v1, OOM killer off, so a charge that does not fit fails with -ENOMEM
 * instead of killing) runs HS_CREATE while the parent sets the limit a
 * little higher each time: some attempts fail while allocating the
 * object, some while mapping its pages. Afterwards the whole byte limit
 * must be free.
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
/* Bound of each wait: only a regression ever reaches it. */
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

/*
 * In the cgroup: one HS_CREATE of every core per command read from cmd,
 * its result written to res; at the end of the commands, a BO of the
 * whole byte limit. Exit codes name the step that went wrong.
 */
static int nomem_child(int cmd, int res)
{
	struct drm_pto_hs_create hs;
	struct drm_pto_bo_create bo = { .size = LIMIT };
	struct drm_gem_close gc = { 0 };
	volatile char stack[65536];
	int fd, k, ret;

	fd = kt_open(0);
	if (fd < 0)
		return 2;
	if (write_str(GROUP "/cgroup.procs", "0"))
		return 3;
	/* Fault in the stack now, not while the limit is tight. */
	memset((char *)stack, 1, sizeof(stack));
	while (read(cmd, &k, sizeof(k)) == sizeof(k)) {
		memset(&hs, 0, sizeof(hs));
		hs.num_cores = PTO_MAX_CORES;
		ret = kt_ioctl(fd, DRM_IOCTL_PTO_HS_CREATE, &hs);
		if (!ret) {
			gc.handle = hs.handle;
			if (kt_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc))
				return 4;
		}
		if (write(res, &ret, sizeof(ret)) != sizeof(ret))
			return 5;
	}
	/* Every failed attempt freed its object: the limit is whole. */
	if (kt_ioctl(fd, DRM_IOCTL_PTO_BO_CREATE, &bo))
		return 6;
	close(fd);
	return 0;
}

/* Waits up to ms for fd to be readable: 1, or 0 on timeout. */
static int readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms);
}

static void test_hs_create_nomem_leaves_no_charge(void **state)
{
	int cmd[2], res[2], limit_fd, usage_fd, pidfd, status, k, ret;
	int failures = 0;
	pid_t pid;

	(void)state;
	mkdir(MEMCG_DIR, 0700);
	if (mount("none", MEMCG_DIR, "cgroup", 0, "memory") && errno != EBUSY)
		fail_msg("mount of the v1 memory cgroup: %s", strerror(errno));
	assert_true(mkdir(GROUP, 0700) == 0 || errno == EEXIST);
	assert_int_equal(write_str(GROUP "/memory.oom_control", "1"), 0);
	limit_fd = open(GROUP "/memory.limit_in_bytes", O_WRONLY | O_CLOEXEC);
	usage_fd = open(GROUP "/memory.usage_in_bytes", O_RDONLY | O_CLOEXEC);
	assert_true(limit_fd >= 0 && usage_fd >= 0);
	assert_int_equal(pipe(cmd), 0);
	assert_int_equal(pipe(res), 0);

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(cmd[1]);
		close(res[0]);
		_exit(nomem_child(cmd[0], res[1]));
	}
	close(cmd[0]);
	close(res[1]);
	/* Round -1, unlimited, faults in what the child's loop touches. */
	for (k = -1; k < 24; k++) {
		/*
		 * A limit below the usage fails (nothing to reclaim) but
		 * drains the charges cached per CPU, which would otherwise be
		 * spent without meeting the limit. Then the usage plus k
		 * pages: some attempts fail allocating the object, some
		 * mapping its pages.
		 */
		if (k >= 0) {
			set_limit(limit_fd, usage(usage_fd) - (1 << 20));
			assert_int_equal(set_limit(limit_fd, usage(usage_fd) +
						   k * 4096LL), 0);
		}
		assert_int_equal(write(cmd[1], &k, sizeof(k)), sizeof(k));
		/*
		 * A fault of the child's own memory waits for room (the OOM
		 * killer is off): give it room if no answer comes soon.
		 */
		if (readable(res[0], 5000) != 1)
			assert_int_equal(set_limit(limit_fd, -1), 0);
		assert_int_equal(readable(res[0], WAIT_MS), 1);
		assert_int_equal(read(res[0], &ret, sizeof(ret)), sizeof(ret));
		assert_int_equal(set_limit(limit_fd, -1), 0);
		if (ret == -ENOMEM && k >= 0)
			failures++;
		else
			assert_int_equal(ret, 0);
	}
	close(cmd[1]);
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	assert_true(pidfd >= 0);
	if (readable(pidfd, WAIT_MS) != 1)
		kill(pid, SIGKILL);
	close(pidfd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(res[0]);
	close(limit_fd);
	close(usage_fd);
	rmdir(GROUP);
	umount(MEMCG_DIR);
	/* Without a failure the test would show nothing. */
	assert_true(failures > 0);
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
