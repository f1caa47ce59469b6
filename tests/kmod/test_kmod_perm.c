/*
 * Who may see, attach to, name in HS_CREATE and release a region. Observe
 * (list, attach, HS_CREATE): the owner's uid, CAP_PERFMON or
 * CAP_SYS_ADMIN. Release: the owner's uid or CAP_SYS_ADMIN. Anyone else
 * gets -EPERM and does not see the region in PROF_LIST. Children drop to
 * other uids.
 */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

#define UID_A 1000
#define UID_B 1001

struct perm_arg {
	uid_t uid;
	int perfmon;		/* keep CAP_PERFMON only */
	uint32_t region_id;
	unsigned long req;	/* ATTACH, RELEASE, HS_CREATE or LIST */
	int expect;		/* LIST: the count */
};

/* Drops every capability except, optionally, CAP_PERFMON. */
static int drop_to(uid_t uid, int perfmon)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { { 0 } };

	if (perfmon && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0))
		return -1;
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return -1;
	if (perfmon) {
		data[CAP_PERFMON / 32].permitted = 1u << (CAP_PERFMON % 32);
		data[CAP_PERFMON / 32].effective = 1u << (CAP_PERFMON % 32);
		if (syscall(SYS_capset, &hdr, data))
			return -1;
	}
	return 0;
}

static int perm_child(void *p)
{
	struct perm_arg *a = p;
	struct drm_pto_prof_attach at = { .region_id = a->region_id };
	struct drm_pto_prof_release rel = { .region_id = a->region_id };
	struct drm_pto_hs_create hs = { .num_cores = 4,
					.prof_region_id = a->region_id };
	struct drm_pto_prof_info info[4];
	int fd = kt_open(0);

	if (fd < 0 || drop_to(a->uid, a->perfmon))
		return 2;
	if (a->req == DRM_IOCTL_PTO_PROF_ATTACH)
		return kt_ioctl(fd, a->req, &at) == a->expect ? 0 : 1;
	if (a->req == DRM_IOCTL_PTO_HS_CREATE)
		return kt_ioctl(fd, a->req, &hs) == a->expect ? 0 : 1;
	if (a->req == DRM_IOCTL_PTO_PROF_LIST)
		return kt_list(fd, info, 4) == a->expect ? 0 : 1;
	return kt_ioctl(fd, a->req, &rel) == a->expect ? 0 : 1;
}

static void check_child(struct perm_arg *a)
{
	int status = kt_in_child(perm_child, a);

	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A uid-A child creates a retained region and exits; returns its id. */
static int create_as_a(void *p)
{
	int *pipefd = p;
	struct drm_pto_prof_create c;
	int fd = kt_open(0);

	if (fd < 0 || drop_to(UID_A, 0))
		return 2;
	if (kt_prof_create(fd, PTO_PROF_CREATE_RETAIN, &c))
		return 1;
	return write(pipefd[1], &c.region_id, sizeof(c.region_id)) ==
	       sizeof(c.region_id) ? 0 : 1;
}

static uint32_t region_of_a(void)
{
	int pipefd[2], status;
	uint32_t id = 0;

	assert_int_equal(pipe(pipefd), 0);
	status = kt_in_child(create_as_a, pipefd);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(read(pipefd[0], &id, sizeof(id)), sizeof(id));
	close(pipefd[0]);
	close(pipefd[1]);
	return id;
}

static void release_root(uint32_t id)
{
	struct drm_pto_prof_release r = { .region_id = id };

	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_RELEASE, &r), 0);
}

static void test_attach_other_uid_refused(void **state)
{
	struct drm_pto_prof_create c;
	struct perm_arg a = { .uid = UID_A, .req = DRM_IOCTL_PTO_PROF_ATTACH,
			      .expect = -EPERM };

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	a.region_id = c.region_id;
	check_child(&a);
	release_root(c.region_id);
}

static void test_release_other_uid_refused(void **state)
{
	struct drm_pto_prof_create c;
	struct perm_arg a = { .uid = UID_A, .req = DRM_IOCTL_PTO_PROF_RELEASE,
			      .expect = -EPERM };

	(void)state;
	assert_int_equal(kt_prof_create(kt_fd, 0, &c), 0);
	a.region_id = c.region_id;
	check_child(&a);
	release_root(c.region_id);
}

static void test_attach_same_uid_allowed(void **state)
{
	struct perm_arg a = { .uid = UID_A, .req = DRM_IOCTL_PTO_PROF_ATTACH,
			      .expect = 0 };

	(void)state;
	a.region_id = region_of_a();
	check_child(&a);
	release_root(a.region_id);
}

static void test_attach_unrelated_uid_refused(void **state)
{
	struct perm_arg a = { .uid = UID_B, .req = DRM_IOCTL_PTO_PROF_ATTACH,
			      .expect = -EPERM };

	(void)state;
	a.region_id = region_of_a();
	check_child(&a);
	release_root(a.region_id);
}

static void test_attach_perfmon_allowed(void **state)
{
	struct perm_arg a = { .uid = UID_B, .perfmon = 1,
			      .req = DRM_IOCTL_PTO_PROF_ATTACH, .expect = 0 };

	(void)state;
	a.region_id = region_of_a();
	check_child(&a);
	release_root(a.region_id);
}

static void test_release_same_uid_allowed(void **state)
{
	struct drm_pto_prof_release r = { 0 };
	struct perm_arg a = { .uid = UID_A, .req = DRM_IOCTL_PTO_PROF_RELEASE,
			      .expect = 0 };

	(void)state;
	a.region_id = region_of_a();
	check_child(&a);
	r.region_id = a.region_id;
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_RELEASE, &r),
			 -ENOENT);
}

/* Root (CAP_SYS_ADMIN) may attach to another uid's region. */
static void test_attach_sys_admin_allowed(void **state)
{
	struct drm_pto_prof_attach at = { 0 };

	(void)state;
	at.region_id = region_of_a();
	assert_int_equal(kt_ioctl(kt_fd, DRM_IOCTL_PTO_PROF_ATTACH, &at), 0);
	release_root(at.region_id);
}

/* PROF_LIST shows only regions the caller may attach to. */
static void test_list_hides_other_uid(void **state)
{
	struct perm_arg a = { .uid = UID_B, .req = DRM_IOCTL_PTO_PROF_LIST,
			      .expect = 0 };

	(void)state;
	a.region_id = region_of_a();
	check_child(&a);
	release_root(a.region_id);
}

static void test_list_same_uid_shows(void **state)
{
	struct perm_arg a = { .uid = UID_A, .req = DRM_IOCTL_PTO_PROF_LIST,
			      .expect = 1 };

	(void)state;
	a.region_id = region_of_a();
	check_child(&a);
	release_root(a.region_id);
}

static void test_list_perfmon_shows(void **state)
{
	struct perm_arg a = { .uid = UID_B, .perfmon = 1,
			      .req = DRM_IOCTL_PTO_PROF_LIST, .expect = 1 };

	(void)state;
	a.region_id = region_of_a();
	check_child(&a);
	release_root(a.region_id);
}

/* HS_CREATE would publish the layout of a region it may not observe. */
static void test_hs_create_other_uid_refused(void **state)
{
	struct perm_arg a = { .uid = UID_B, .req = DRM_IOCTL_PTO_HS_CREATE,
			      .expect = -EPERM };

	(void)state;
	a.region_id = region_of_a();
	check_child(&a);
	release_root(a.region_id);
}

static void test_hs_create_same_uid_allowed(void **state)
{
	struct perm_arg a = { .uid = UID_A, .req = DRM_IOCTL_PTO_HS_CREATE,
			      .expect = 0 };

	(void)state;
	a.region_id = region_of_a();
	check_child(&a);
	release_root(a.region_id);
}

/* CAP_PERFMON observes; it does not release another user's region. */
static void test_release_perfmon_refused(void **state)
{
	struct perm_arg a = { .uid = UID_B, .perfmon = 1,
			      .req = DRM_IOCTL_PTO_PROF_RELEASE,
			      .expect = -EPERM };

	(void)state;
	a.region_id = region_of_a();
	check_child(&a);
	release_root(a.region_id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KT_TEST(test_attach_other_uid_refused),
		KT_TEST(test_release_other_uid_refused),
		KT_TEST(test_attach_same_uid_allowed),
		KT_TEST(test_attach_unrelated_uid_refused),
		KT_TEST(test_attach_perfmon_allowed),
		KT_TEST(test_release_same_uid_allowed),
		KT_TEST(test_attach_sys_admin_allowed),
		KT_TEST(test_list_hides_other_uid),
		KT_TEST(test_list_same_uid_shows),
		KT_TEST(test_list_perfmon_shows),
		KT_TEST(test_hs_create_other_uid_refused),
		KT_TEST(test_hs_create_same_uid_allowed),
		KT_TEST(test_release_perfmon_refused),
	};

	return kt_run("kmod_perm", tests, sizeof(tests) / sizeof(tests[0]));
}
