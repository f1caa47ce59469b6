// SPDX-License-Identifier: MIT
/*
 * ptodump deps: the dependency viewer. Text or Graphviz DOT on stdout (or
 * a file); SVG and HTML are rendered by Graphviz's dot program, which is
 * optional: without it those two formats fail with a message saying so.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pd_deps.h"
#include "pd_inputs.h"
#include "ptodump.h"

static const char deps_usage[] =
"usage: ptodump deps [options] RECORDS_JSON\n"
"Shows the task dependency graph of a run: tasks, kernels, fanin/fanout.\n"
"  -f, --format FMT      text (default: SUMMARY, TASK INDEX, TASK DETAILS),\n"
"                        dot (Graphviz), svg or html (rendered by Graphviz's\n"
"                        dot, which must be installed)\n"
"  -e, --edges MODE      full (default; implied edges dashed in DOT) or\n"
"                        reduced (transitive reduction: edges a longer path\n"
"                        implies are left out)\n"
"  -o, --output FILE     output path (default: stdout for text and dot,\n"
"                        deps_graph.svg / deps_graph.html next to the input)\n"
"      --func-names FILE name map (default: name_map.json next to the\n"
"                        input, if any)\n"
"      --deps-json FILE  dependency edges (default: deps.json next to the\n"
"                        input)\n"
"  -h, --help            this text\n";

enum { FMT_TEXT, FMT_DOT, FMT_SVG, FMT_HTML };

/* Runs dot -Tsvg on dotfile into svgfile. 0, or PD_EXIT_ERR (printed). */
static int render(const char *dotfile, const char *svgfile)
{
	int st;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		pd_err("deps: fork: %s", strerror(errno));
		return PD_EXIT_ERR;
	}
	if (!pid) {
		execlp("dot", "dot", "-Tsvg", "-o", svgfile, dotfile,
		       (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
		pd_err("deps: Graphviz dot did not finish");
		return PD_EXIT_ERR;
	}
	if (WEXITSTATUS(st) == 127) {
		pd_err("deps: Graphviz 'dot' not found in PATH: install "
		       "graphviz (scripts/deps.sh) or use --format=dot");
		return PD_EXIT_ERR;
	}
	if (WEXITSTATUS(st)) {
		pd_err("deps: Graphviz dot failed (exit %d)", WEXITSTATUS(st));
		return PD_EXIT_ERR;
	}
	return 0;
}

static void html_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

/* An HTML page: the summary as text, then the SVG inline. */
static int write_html(FILE *f, const struct pd_deps_view *v, const char *svg)
{
	char *text = NULL, *svgtext = NULL, *tag;
	size_t tlen = 0, slen = 0;
	FILE *mem = open_memstream(&text, &tlen);
	FILE *in = fopen(svg, "r");
	int r = PD_EXIT_ERR;

	if (!mem || !in)
		goto out;
	pd_deps_text(mem, v);
	r = fclose(mem) ? PD_EXIT_ERR : 0;
	mem = NULL;
	if (r)
		goto out;
	r = PD_EXIT_ERR;
	if (fseek(in, 0, SEEK_END) || (long)(slen = (size_t)ftell(in)) < 0 ||
	    fseek(in, 0, SEEK_SET))
		goto out;
	svgtext = malloc(slen + 1);
	if (!svgtext || fread(svgtext, 1, slen, in) != slen)
		goto out;
	svgtext[slen] = 0;
	tag = strstr(svgtext, "<svg");
	fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
	      "<title>pto task dependencies</title></head><body>\n", f);
	fputs("<div>", f);
	fputs(tag ? tag : svgtext, f);
	fputs("</div>\n<pre>", f);
	html_text(f, text);
	fputs("</pre>\n</body></html>\n", f);
	r = 0;
out:
	if (mem)
		fclose(mem);
	if (in)
		fclose(in);
	free(text);
	free(svgtext);
	if (r)
		pd_err("deps: cannot build the HTML page: %s", strerror(errno));
	return r;
}

/* DOT to a temporary file, dot renders it to SVG (out, or a second
 * temporary file wrapped into HTML at out). */
static int write_rendered(const struct pd_deps_view *v, int fmt,
			  const char *out)
{
	const char *tmp = getenv("TMPDIR");
	char dotf[4096], svgf[4096];
	int fd, sfd = -1, r = PD_EXIT_ERR;
	FILE *f;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(dotf, sizeof(dotf), "%s/ptodump-deps-XXXXXX", tmp);
	snprintf(svgf, sizeof(svgf), "%s/ptodump-svg-XXXXXX", tmp);
	fd = mkstemp(dotf);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f) {
		pd_err("deps: temporary file: %s", strerror(errno));
		if (fd >= 0) {
			close(fd);
			remove(dotf);
		}
		return PD_EXIT_ERR;
	}
	pd_deps_dot(f, v);
	if (fclose(f)) {
		pd_err("deps: %s: %s", dotf, strerror(errno));
		goto out;
	}
	if (fmt == FMT_SVG) {
		r = render(dotf, out);
		goto out;
	}
	sfd = mkstemp(svgf);
	if (sfd < 0) {
		pd_err("deps: temporary file: %s", strerror(errno));
		goto out;
	}
	close(sfd);
	r = render(dotf, svgf);
	if (!r) {
		f = fopen(out, "w");
		if (!f) {
			pd_err("%s: %s", out, strerror(errno));
			r = PD_EXIT_ERR;
		} else {
			r = write_html(f, v, svgf);
			if (fclose(f) && !r) {
				pd_err("%s: %s", out, strerror(errno));
				r = PD_EXIT_ERR;
			}
		}
	}
out:
	remove(dotf);
	if (sfd >= 0)
		remove(svgf);
	if (r)
		remove(out);
	return r;
}

static int write_plain(const struct pd_deps_view *v, int fmt, const char *out)
{
	FILE *f = out ? fopen(out, "w") : stdout;

	if (!f) {
		pd_err("%s: %s", out, strerror(errno));
		return PD_EXIT_ERR;
	}
	if (fmt == FMT_DOT)
		pd_deps_dot(f, v);
	else
		pd_deps_text(f, v);
	if (out ? fclose(f) : fflush(f)) {
		pd_err("%s: %s", out ? out : "stdout", strerror(errno));
		return PD_EXIT_ERR;
	}
	return 0;
}

static int parse_opt(int c, const char *arg, int *fmt, int *edges)
{
	static const char *const fmts[] = { "text", "dot", "svg", "html" };
	size_t i;

	if (c == 'f') {
		for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
			if (!strcmp(arg, fmts[i])) {
				*fmt = (int)i;
				return 0;
			}
		pd_err("deps: unknown format '%s' (text, dot, svg or html)",
		       arg);
		return -EINVAL;
	}
	if (!strcmp(arg, "full") || !strcmp(arg, "reduced")) {
		*edges = arg[0] == 'r' ? PD_EDGES_REDUCED : PD_EDGES_FULL;
		return 0;
	}
	pd_err("deps: unknown edge mode '%s' (full or reduced)", arg);
	return -EINVAL;
}

int pd_cmd_deps(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "edges", required_argument, NULL, 'e' },
		{ "output", required_argument, NULL, 'o' },
		{ "func-names", required_argument, NULL, 'n' },
		{ "deps-json", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *names = NULL, *deps = NULL;
	struct pd_deps_view v = { 0 };
	struct pd_dgraph dg;
	struct pd_inputs in;
	struct pd_group *g;
	char defout[4096];
	size_t ng;
	int c, fmt = FMT_TEXT, edges = PD_EDGES_FULL, r;

	while ((c = getopt_long(argc, argv, "f:e:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
		case 'e':
			if (parse_opt(c, optarg, &fmt, &edges))
				return PD_EXIT_USAGE;
			break;
		case 'o': out = optarg; break;
		case 'n': names = optarg; break;
		case 'd': deps = optarg; break;
		case 'h':
			fputs(deps_usage, stdout);
			return PD_EXIT_OK;
		default:
			return pd_usage_error("deps");
		}
	}
	if (optind != argc - 1) {
		pd_err("deps: expected one records file");
		return pd_usage_error("deps");
	}
	if (pd_inputs_load(&in, argv[optind], deps, names, NULL))
		return PD_EXIT_ERR;
	if (!in.have_deps) {
		pd_err("deps: %s: no dependency edges (deps.json) to show",
		       argv[optind]);
		pd_inputs_free(&in);
		return PD_EXIT_ERR;
	}
	if (pd_groups_build(&in.m, &g, &ng)) {
		pd_err("out of memory");
		pd_inputs_free(&in);
		return PD_EXIT_ERR;
	}
	r = pd_dgraph_build(&dg, g, ng, &in.deps);
	if (r) {
		pd_err("deps: %s", r == -ELOOP ? "the edges form a cycle: not a "
		       "task graph" : "out of memory");
		r = PD_EXIT_ERR;
		goto out;
	}
	v.dg = &dg;
	v.m = &in.m;
	v.g = g;
	v.names = in.have_names ? &in.names : NULL;
	v.edges = edges;
	if (out && !strcmp(out, "-"))
		out = NULL;
	if (fmt == FMT_TEXT || fmt == FMT_DOT) {
		r = write_plain(&v, fmt, out);
	} else {
		if (!out) {
			pd_sibling(argv[optind], fmt == FMT_SVG ?
				   "deps_graph.svg" : "deps_graph.html",
				   defout, sizeof(defout));
			out = defout;
		}
		r = write_rendered(&v, fmt, out);
		if (!r)
			printf("Dependency graph: %s\n", out);
	}
	pd_dgraph_free(&dg);
out:
	free(g);
	pd_inputs_free(&in);
	return r ? PD_EXIT_ERR : PD_EXIT_OK;
}
