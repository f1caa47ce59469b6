/*
 * pto.ko as installed by `make kmod-install` (run-qemu.sh installs it into
 * the image's module tree and runs depmod there): modprobe loads it with
 * its dependencies and the given parameters, modinfo shows its
 * description, author, license, version and every parameter with a
 * description, and modprobe -r removes it.
 */
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "kt.h"
#include "pto.h"

#define OUT_CAP		8192
#define STR(x)		#x
#define XSTR(x)		STR(x)
#define PKG_VERSION	XSTR(PTO_VERSION_MAJOR) "." XSTR(PTO_VERSION_MINOR) \
			"." XSTR(PTO_VERSION_PATCH)

static char out[OUT_CAP];

static int run(const char *path, const char *const *args)
{
	pid_t pid;

	return kt_exec(0, path, args, out, sizeof(out), &pid);
}

/* The first line of a sysfs file of the module, or "" if none. */
static const char *sys(const char *file)
{
	static char buf[128];
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s", file);
	buf[0] = 0;
	f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/* Each test starts and ends with pto not loaded. */
static int unloaded(void **state)
{
	(void)state;
	return kt_loaded() ? kt_unload() : 0;
}

static void modprobe_pto(void)
{
	const char *const args[] = { "pto", NULL };

	assert_int_equal(run("/sbin/modprobe", args), 0);
}

static void test_modprobe_with_parameters(void **state)
{
	const char *const args[] = { "pto", "num_devices=2", "blocks=3", NULL };
	int fd;

	(void)state;
	assert_int_equal(run("/sbin/modprobe", args), 0);
	assert_true(kt_loaded());
	assert_string_equal(sys("pto/parameters/num_devices"), "2");
	assert_string_equal(sys("pto/parameters/blocks"), "3");
	assert_string_equal(sys("pto/version"), PKG_VERSION);
	/* Its dependencies came with it. */
	assert_string_equal(sys("drm_shmem_helper/initstate"), "live");
	fd = kt_open(1);
	assert_true(fd >= 0);
	assert_int_equal(kt_param(fd, PTO_PARAM_NUM_BLOCKS), 3);
	close(fd);
}

static void test_modinfo(void **state)
{
	const char *const args[] = { "pto", NULL };
	char line[300];
	const char *p;
	struct dirent *e;
	DIR *d;
	int n = 0;

	(void)state;
	modprobe_pto();
	assert_int_equal(run("/sbin/modinfo", args), 0);
	assert_non_null(strstr(out, "/updates/pto.ko\n"));
	assert_non_null(strstr(out, "\ndescription:    pto "));
	assert_non_null(strstr(out, "\nauthor:         "));
	assert_non_null(strstr(out, "\nlicense:        GPL\n"));
	assert_non_null(strstr(out, "\nversion:        " PKG_VERSION "\n"));
	/* Every parameter the loaded module has, with a description. */
	d = opendir("/sys/module/pto/parameters");
	assert_non_null(d);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(line, sizeof(line), "\nparm:           %s:", e->d_name);
		p = strstr(out, line);
		if (!p)
			print_error("no parm line for %s\n", e->d_name);
		assert_non_null(p);
		/* "name:description (type)": a description, not only a type */
		assert_true(p[strlen(line)] != ' ' && p[strlen(line)] != '(');
		n++;
	}
	closedir(d);
	assert_true(n >= 6);
}

static void test_modprobe_remove(void **state)
{
	const char *const args[] = { "-r", "pto", NULL };

	(void)state;
	modprobe_pto();
	assert_true(kt_loaded());
	assert_int_equal(run("/sbin/modprobe", args), 0);
	assert_false(kt_loaded());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_modprobe_with_parameters,
						unloaded, unloaded),
		cmocka_unit_test_setup_teardown(test_modinfo, unloaded,
						unloaded),
		cmocka_unit_test_setup_teardown(test_modprobe_remove, unloaded,
						unloaded),
	};

	if (geteuid() != 0) {
		printf("SKIP: kmod_modprobe loads pto.ko and needs root (make test-kmod runs it in QEMU)\n");
		return 77;
	}
	return cmocka_run_group_tests_name("kmod_modprobe", tests, NULL, NULL);
}
