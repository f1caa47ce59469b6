/* Helpers of the pto.ko test programs (see kt.h). */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <libkmod.h>
#include <xf86drm.h>

#include "kt.h"

int kt_load(const char *options)
{
	const char *path = getenv("PTO_KO");
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	int ret;

	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return -ENOMEM;
	/* $PTO_KO: that file; otherwise as modprobe does, from the module
	 * tree and its modules.dep, dependencies first.
	 */
	if (path) {
		ret = kmod_module_new_from_path(ctx, path, &mod);
		if (!ret)
			ret = kmod_module_insert_module(mod, 0, options);
	} else {
		ret = kmod_module_new_from_name(ctx, "pto", &mod);
		if (!ret)
			ret = kmod_module_probe_insert_module(mod,
				KMOD_PROBE_FAIL_ON_LOADED, options, NULL,
				NULL, NULL);
	}
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

int kt_unload(void)
{
	struct kmod_ctx *ctx;
	struct kmod_module *mod = NULL;
	int ret;

	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return -ENOMEM;
	/* A refused removal is an expected result here, not an error. */
	kmod_set_log_priority(ctx, LOG_CRIT);
	ret = kmod_module_new_from_name(ctx, "pto", &mod);
	if (!ret)
		ret = kmod_module_remove_module(mod, 0);
	if (mod)
		kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

int kt_loaded(void)
{
	struct stat st;

	return stat("/sys/module/pto", &st) == 0;
}

int kt_ioctl(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) ? -errno : 0;
}

uint64_t kt_param(int fd, uint32_t param)
{
	struct drm_pto_get_param gp = { .param = param };

	if (kt_ioctl(fd, DRM_IOCTL_PTO_GET_PARAM, &gp))
		return UINT64_MAX;
	return gp.value;
}

int kt_open(unsigned int index)
{
	char path[64];

	return kt_open_path(index, path, sizeof(path));
}

/* The first pto node "/dev/dri/<name><minor>" of device index, minor in
 * [first, first + 64); fd or -ENODEV.
 */
static int kt_open_node(const char *name, int first, unsigned int index,
			char *path, size_t cap)
{
	int minor, fd;

	for (minor = first; minor < first + 64; minor++) {
		drmVersionPtr v;
		int match;

		snprintf(path, cap, "/dev/dri/%s%d", name, minor);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		match = v && !strcmp(v->name, PTO_DRIVER_NAME);
		drmFreeVersion(v);
		if (match && kt_param(fd, PTO_PARAM_DEVICE_INDEX) == index)
			return fd;
		close(fd);
	}
	return -ENODEV;
}

int kt_open_path(unsigned int index, char *path, size_t cap)
{
	return kt_open_node("renderD", 128, index, path, cap);
}

int kt_open_primary(unsigned int index)
{
	char path[64];

	return kt_open_node("card", 0, index, path, sizeof(path));
}

void kt_params(struct pto_prof_params *p)
{
	unsigned int k;

	memset(p, 0, sizeof(*p));
	p->num_cores = 6;
	p->num_aicpu_threads = 2;
	p->dfx_flags = PTO_DFX_FLAGS_OF_LEVEL(PTO_LEVEL_MAX);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		p->records_per_buffer[k] = 16;
		p->buffers_per_pool[k] = 3;
	}
}

int kt_prof_create(int fd, uint32_t flags, struct drm_pto_prof_create *c)
{
	memset(c, 0, sizeof(*c));
	kt_params(&c->params);
	c->flags = flags;
	return kt_ioctl(fd, DRM_IOCTL_PTO_PROF_CREATE, c);
}

void *kt_map(int fd, uint64_t offset, size_t length, int prot)
{
	return mmap(NULL, length, prot, MAP_SHARED, fd, (off_t)offset);
}

void *kt_own_region(struct drm_pto_prof_create *c)
{
	void *p;

	assert_int_equal(kt_prof_create(kt_fd, 0, c), 0);
	p = kt_map(kt_fd, c->mmap_offset, c->layout.region_size,
		   PROT_READ | PROT_WRITE);
	assert_true(p != MAP_FAILED);
	return p;
}

int kt_list(int fd, struct drm_pto_prof_info *info, uint32_t cap)
{
	struct drm_pto_prof_list l = {
		.entries = (uintptr_t)info,
		.count = cap,
	};
	int ret = kt_ioctl(fd, DRM_IOCTL_PTO_PROF_LIST, &l);

	return ret ? ret : (int)l.count;
}

const struct drm_pto_prof_info *kt_find(const struct drm_pto_prof_info *info,
					int n, uint32_t id)
{
	int i;

	for (i = 0; i < n; i++)
		if (info[i].region_id == id)
			return &info[i];
	return NULL;
}

int kt_in_child(int (*fn)(void *arg), void *arg)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* cmocka catches SIGSEGV; a child must die of it instead. */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

int kt_exec(uid_t uid, const char *path, const char *const *args,
	    char *out, size_t cap, pid_t *pid)
{
	const char *argv[16] = { path };
	int pipefd[2], status, i;
	size_t len = 0;
	ssize_t n;

	for (i = 0; args[i] && i < 14; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	if (pipe(pipefd))
		return -1;
	fflush(NULL);
	*pid = fork();
	if (*pid < 0)
		return -1;
	if (*pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		close(pipefd[0]);
		close(pipefd[1]);
		if (uid && (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
			    setresuid(uid, uid, uid)))
			_exit(126);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	while (len < cap - 1 &&
	       (n = read(pipefd[0], out + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = 0;
	/* More output than expected: the program dies of SIGPIPE, a failure. */
	close(pipefd[0]);
	if (waitpid(*pid, &status, 0) != *pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

int kt_reload(const char *options)
{
	if (kt_fd >= 0)
		close(kt_fd);
	kt_fd = -1;
	if ((kt_loaded() && kt_unload()) || (options && kt_load(options)))
		return -1;
	if (options)
		kt_fd = kt_open(0);
	return options && kt_fd < 0 ? -1 : 0;
}

const char *kt_group_options = "";
int kt_fd = -1;

int kt_group_setup(void **state)
{
	(void)state;
	if (kt_loaded() && kt_unload())
		return -1;
	if (kt_load(kt_group_options))
		return -1;
	kt_fd = kt_open(0);
	return kt_fd < 0 ? -1 : 0;
}

int kt_group_teardown(void **state)
{
	(void)state;
	if (kt_fd >= 0)
		close(kt_fd);
	kt_fd = -1;
	return kt_unload() ? -1 : 0;
}

int kt_test_teardown(void **state)
{
	struct drm_pto_prof_info info[64];
	struct drm_pto_prof_release r = { 0 };
	int i, n;

	(void)state;
	n = kt_list(kt_fd, info, 64);
	for (i = 0; i < n && i < 64; i++) {
		r.region_id = info[i].region_id;
		kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_RELEASE, &r);
	}
	return 0;
}

int kt_run(const char *name, const struct CMUnitTest *tests, size_t n)
{
	if (geteuid() != 0) {
		printf("SKIP: %s loads pto.ko and needs root (make test-kmod runs it in QEMU)\n",
		       name);
		return 77;
	}
	return _cmocka_run_group_tests(name, tests, n, kt_group_setup,
				       kt_group_teardown);
}
