// SPDX-License-Identifier: MIT
/*
 * ptodump list: pto render nodes (found by driver name through libdrm),
 * the pto module's state and parameters (libkmod, sysfs), and each
 * device's live and retained profiling regions (PROF_LIST).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <getopt.h>
#include <inttypes.h>
#include <libkmod.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pto_reader.h"
#include "pd_drm.h"
#include "pd_region.h"
#include "ptodump.h"

static const char list_usage[] =
"usage: ptodump list\n"
"Lists pto devices, the pto kernel module and its parameters, and the\n"
"profiling regions of each device (live, or retained after their owner\n"
"exited), and the sim backend's regions in shared memory ($PTO_SHM_DIR,\n"
"default /dev/shm), which stat and snapshot read with --region FILE.\n"
"Without the driver it says so and succeeds.\n"
"  -h, --help   this text\n";

static void list_params(void)
{
	const char *dir = "/sys/module/" PTO_DRIVER_NAME "/parameters";
	struct dirent *de;
	char path[512], val[256];
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(val, sizeof(val), f)) {
			val[strcspn(val, "\n")] = 0;
			printf("    %s = %s\n", de->d_name, val);
		}
		fclose(f);
	}
	closedir(d);
}

/* Prints the module state; 1 when it is loaded. */
static int list_module(void)
{
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	struct kmod_module *mod = NULL;
	int state = -1, loaded;

	if (ctx && !kmod_module_new_from_name(ctx, PTO_DRIVER_NAME, &mod))
		state = kmod_module_get_initstate(mod);
	loaded = state >= 0;
	printf("module %s: %s\n", PTO_DRIVER_NAME,
	       state < 0 ? "not loaded" : kmod_module_initstate_str(state));
	if (loaded)
		list_params();
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return loaded;
}

static void list_regions(int fd)
{
	static const char *const states[] = { "live", "retained" };
	struct drm_pto_prof_info *v = NULL;
	uint32_t n = 0, i;
	int r = pd_drm_regions(fd, &v, &n);

	if (r) {
		printf("  regions: cannot list (%s)\n", strerror(-r));
		return;
	}
	printf("  regions: %u\n", n);
	for (i = 0; i < n; i++)
		printf("    id %u  %-8s pid %u uid %u  %" PRIu64 " bytes  "
		       "%u cores %u threads  dfx_flags 0x%" PRIx64 "\n",
		       v[i].region_id, v[i].state <= 1 ? states[v[i].state] :
		       "?", v[i].owner_pid, v[i].owner_uid, (uint64_t)v[i].size,
		       v[i].num_cores, v[i].num_aicpu_threads,
		       (uint64_t)v[i].dfx_flags);
	free(v);
}

static void list_node(const char *path)
{
	static const struct { uint32_t p; const char *name; } params[] = {
		{ PTO_PARAM_DEVICE_INDEX, "device index" },
		{ PTO_PARAM_ABI_VERSION, "abi" },
		{ PTO_PARAM_NUM_BLOCKS, "blocks" },
		{ PTO_PARAM_NUM_CORES, "cores" },
		{ PTO_PARAM_NUM_AICPU_THREADS, "aicpu threads" },
		{ PTO_PARAM_COUNTER_FREQ, "counter Hz" },
		{ PTO_PARAM_MAX_RETAINED, "max retained" },
		{ PTO_PARAM_CAPABILITIES, "capabilities" },
	};
	int fd = pd_drm_open(path);
	uint64_t v;
	size_t i;

	printf("device %s\n", path);
	if (fd < 0) {
		printf("  cannot open: %s\n", strerror(-fd));
		return;
	}
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		if (pto_drm_node_param(fd, params[i].p, &v))
			continue;
		if (params[i].p == PTO_PARAM_ABI_VERSION)
			printf("  %-14s %u.%u\n", params[i].name,
			       (unsigned int)(v >> 16), (unsigned int)(v & 0xffff));
		else if (params[i].p == PTO_PARAM_CAPABILITIES)
			printf("  %-14s 0x%" PRIx64 "\n", params[i].name, v);
		else
			printf("  %-14s %" PRIu64 "\n", params[i].name, v);
	}
	list_regions(fd);
	close(fd);
}

/* The sim backend's regions: shared-memory files of running processes. */
static void list_sim_regions(void)
{
	const char *dir = getenv("PTO_SHM_DIR");
	static const char *const state[] = { "created", "running", "stopped" };
	size_t plen = strlen(PTO_SIM_REGION_PREFIX);
	struct dirent *de;
	struct pd_region r;
	char path[1024];
	int pid, n = 0;
	unsigned int id;
	DIR *d;

	if (!dir || !*dir)
		dir = PTO_SIM_REGION_DIR;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, PTO_SIM_REGION_PREFIX, plen) ||
		    sscanf(de->d_name + plen, "%d.%u", &pid, &id) != 2)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (!n++)
			printf("sim regions (ptodump stat|snapshot --region "
			       "FILE):\n");
		if (pd_region_load_file(&r, path)) {
			printf("  %s: %s\n", path, r.err);
			pd_region_close(&r);
			continue;
		}
		printf("  %s: region %u of pid %d (%s), %zu bytes, level %u, "
		       "%s\n", path, id, pid, kill(pid, 0) && errno == ESRCH ?
		       "exited" : "alive", r.size, r.h->level,
		       r.h->run_state <= PTO_RUN_STOPPED ?
		       state[r.h->run_state] : "?");
		pd_region_close(&r);
	}
	if (d)
		closedir(d);
	if (!n)
		printf("no sim regions in %s\n", dir);
}

int pd_cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pd_node nodes[PD_MAX_NODES];
	int c, n, i, loaded;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(list_usage, stdout);
			return PD_EXIT_OK;
		}
		return pd_usage_error("list");
	}
	if (optind != argc) {
		pd_err("list: unexpected argument '%s'", argv[optind]);
		return pd_usage_error("list");
	}
	loaded = list_module();
	n = pd_drm_find(nodes, PD_MAX_NODES);
	if (!n)
		printf("no pto devices%s; runs use the sim backend\n",
		       loaded ? "" : " (the pto driver is not loaded)");
	for (i = 0; i < n; i++)
		list_node(nodes[i].path);
	list_sim_regions();
	return PD_EXIT_OK;
}
