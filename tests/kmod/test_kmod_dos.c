/*
 * No client can wedge the device: a PROF_LIST whose destination page
 * fault is held open (userfaultfd here; FUSE-backed memory does the same
 * unprivileged) blocks only its own caller. Meanwhile another process,
 * unprivileged, creates, lists, attaches, releases, closes and exits, and
 * a root process reads the debugfs listing.
 * Every wait is bounded, so a regression fails instead of hanging.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

/* Bound of each wait: only a regression ever reaches it. */
#define WAIT_MS		60000
#define OTHER_UID	65534

struct holder {
	int fd;
	struct drm_pto_prof_info *entries;	/* in the held page */
	int ret;
	uint32_t count;
};

/* PROF_LIST into the registered page: blocks until the fault is served. */
static void *holder_run(void *p)
{
	struct holder *h = p;
	struct drm_pto_prof_list l = {
		.entries = (uintptr_t)h->entries,
		.count = 1,
	};

	h->ret = kt_ioctl(h->fd, DRM_IOCTL_PTO_PROF_LIST, &l);
	h->count = l.count;
	return NULL;
}

/* Every region path of the device, as an unprivileged process. */
static int other_user(void *arg)
{
	struct drm_pto_prof_create c;
	struct drm_pto_prof_info info[8];
	struct drm_pto_prof_attach at = { 0 };
	struct drm_pto_prof_release r = { 0 };
	struct drm_pto_hs_create hs = { .num_cores = 4 };
	int fd = kt_open(0);

	(void)arg;
	if (fd < 0 || setgroups(0, NULL) ||
	    setresgid(OTHER_UID, OTHER_UID, OTHER_UID) ||
	    setresuid(OTHER_UID, OTHER_UID, OTHER_UID))
		return 2;
	if (kt_prof_create(fd, 0, &c) || kt_list(fd, info, 8) < 1)
		return 3;
	at.region_id = c.region_id;
	hs.prof_region_id = c.region_id;
	if (kt_ioctl(fd, DRM_IOCTL_PTO_PROF_ATTACH, &at) ||
	    kt_ioctl(fd, DRM_IOCTL_PTO_HS_CREATE, &hs))
		return 4;
	r.region_id = c.region_id;
	if (kt_ioctl(fd, DRM_IOCTL_PTO_PROF_RELEASE, &r))
		return 5;
	/* A second region stays live until close drops it. */
	if (kt_prof_create(fd, 0, &c))
		return 6;
	return close(fd) ? 7 : 0;
}

/* Reads the device's debugfs region listing to the end (as root). */
static int debugfs_reader(void *arg)
{
	char path[96], line[256];
	struct stat st;
	FILE *f;

	(void)arg;
	if (fstat(kt_fd, &st))
		return 2;
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/pto_regions",
		 minor(st.st_rdev));
	f = fopen(path, "r");
	if (!f)
		return 3;
	while (fgets(line, sizeof(line), f))
		;
	return fclose(f) ? 4 : 0;
}

/* Runs fn in a child; its pid. */
static pid_t spawn(int (*fn)(void *arg))
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(fn(NULL));
	return pid;
}

/* A pidfd becomes readable when its process exits. */
static int wait_exit(pid_t pid, int timeout_ms)
{
	struct pollfd p = { .events = POLLIN };
	int ret;

	p.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (p.fd < 0)
		return -1;
	ret = poll(&p, 1, timeout_ms);
	close(p.fd);
	return ret;
}

static void test_held_list_fault_blocks_nobody_else(void **state)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_zeropage zero = { .mode = 0 };
	struct pollfd pfd = { .events = POLLIN };
	struct drm_pto_prof_create c;
	struct uffd_msg msg;
	struct holder h = { .fd = kt_fd };
	pthread_t thread;
	long page = sysconf(_SC_PAGESIZE);
	int uffd, status, exited, reader_status, read_done;
	uint32_t listed;
	pid_t pid, reader;
	char *mem;

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	assert_true(uffd >= 0);
	assert_int_equal(ioctl(uffd, UFFDIO_API, &api), 0);
	mem = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	reg.range.start = (uintptr_t)mem;
	reg.range.len = (uint64_t)page;
	assert_int_equal(ioctl(uffd, UFFDIO_REGISTER, &reg), 0);

	h.entries = (struct drm_pto_prof_info *)mem;
	assert_int_equal(pthread_create(&thread, NULL, holder_run, &h), 0);
	/* The holder is now inside PROF_LIST, faulting on mem. */
	pfd.fd = uffd;
	assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
	assert_int_equal(read(uffd, &msg, sizeof(msg)), sizeof(msg));
	assert_int_equal(msg.event, UFFD_EVENT_PAGEFAULT);
	assert_true(msg.arg.pagefault.address - (uintptr_t)mem <
		    (uint64_t)page);

	pid = spawn(other_user);
	assert_true(pid >= 0);
	exited = wait_exit(pid, WAIT_MS);
	reader = spawn(debugfs_reader);
	assert_true(reader >= 0);
	read_done = wait_exit(reader, WAIT_MS);

	/* Serve the fault whatever happened, so nothing is left hanging. */
	zero.range = reg.range;
	assert_int_equal(ioctl(uffd, UFFDIO_ZEROPAGE, &zero), 0);
	assert_int_equal(pthread_join(thread, NULL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(waitpid(reader, &reader_status, 0), reader);
	listed = h.entries[0].region_id;
	close(uffd);
	munmap(mem, (size_t)page);

	assert_int_equal(exited, 1);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(read_done, 1);
	assert_true(WIFEXITED(reader_status));
	assert_int_equal(WEXITSTATUS(reader_status), 0);
	assert_int_equal(h.ret, 0);
	assert_int_equal(h.count, 1);
	assert_int_equal(listed, c.region_id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KT_TEST(test_held_list_fault_blocks_nobody_else),
	};

	return kt_run("kmod_dos", tests, sizeof(tests) / sizeof(tests[0]));
}
