/* Parsing by option table (cli_table.h): getopt_long's table built from it,
 * then each option's value from argv, its environment variable or its
 * default, checked. */
#include "cli_table.h"
#include "exitcode.h"
#include "buf.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static size_t table_len(const cli_opt *opts)
{
	size_t n = 0;
	while (!cli_opt_end(&opts[n]))
		n++;
	return n;
}

/* getopt's code of option i: its short name, else one above the common codes. */
static int opt_code(const cli_opt *o, size_t i)
{
	return o->short_name ? o->short_name : CLI_OPT_TOOL + (int)i;
}

static bool parse_bool(const cli_common *c, const char *from, const char *s)
{
	if (!strcmp(s, "1") || !strcasecmp(s, "true") || !strcasecmp(s, "yes"))
		return true;
	if (!strcmp(s, "0") || !strcasecmp(s, "false") || !strcasecmp(s, "no"))
		return false;
	cli_usage_error(c, "%s: '%s' is not 1 (true, yes) or 0 (false, no)", from, s);
}

static int parse_choice(const cli_common *c, const cli_opt *o, const char *from, const char *s)
{
	for (int i = 0; o->choices[i]; i++)
		if (strcmp(s, o->choices[i]) == 0)
			return i;
	char list[256] = "";
	for (int i = 0; o->choices[i]; i++)
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", o->choices[i]);
	cli_usage_error(c, "%s: '%s' is not one of %s", from, s, list);
}

static void set_value(const cli_common *c, const cli_opt *o, const char *from, const char *s)
{
	switch (o->type) {
	case CLI_STRING:
	case CLI_PATH:
		*(const char **)o->dest = s;
		break;
	case CLI_FLAG:
		*(bool *)o->dest = parse_bool(c, from, s);
		break;
	case CLI_COUNT: {
		/* A max of (double)LLONG_MAX is 2^63, one past what a long long holds. */
		long long max = o->max >= 0x1p63 ? LLONG_MAX : (long long)o->max;
		*(long long *)o->dest = cli_parse_ll(c, from, s, (long long)o->min, max);
		break;
	}
	case CLI_BYTES: {
		size_t v = cli_parse_bytes(c, from, s);
		if ((double)v < o->min)
			cli_usage_error(c, "%s: '%s' is less than %.0f bytes", from, s, o->min);
		if (o->max && (double)v > o->max)
			cli_usage_error(c, "%s: '%s' is more than %.0f bytes", from, s, o->max);
		*(size_t *)o->dest = v;
		break;
	}
	case CLI_NUMBER:
		*(double *)o->dest = cli_parse_double(c, from, s, o->min, o->max);
		break;
	case CLI_DURATION:
		*(double *)o->dest = cli_parse_duration(c, from, s, o->min, o->max);
		break;
	case CLI_ENUM:
		*(int *)o->dest = parse_choice(c, o, from, s);
		break;
	case CLI_CUSTOM:
		o->parse(o->dest, from, s);
		break;
	case CLI_COMMON:
		break;
	}
}

/* "--name" (or "-c" for a short option only), as errors name an option given
 * on the command line. */
static const char *dashed(char *out, size_t size, const cli_opt *o)
{
	if (o->name)
		snprintf(out, size, "--%s", o->name);
	else
		snprintf(out, size, "-%c", o->short_name);
	return out;
}

static void print_help_and_exit(const cli_spec *s)
{
	const char *format = cli_env("VTEX_PIPES_HELP_FORMAT", "text");
	if (strcmp(format, "roff") == 0)
		cli_table_roff(stdout, s);
	else
		cli_table_help(stdout, s);
	exit(fflush(stdout) == 0 ? VP_EXIT_OK : VP_EXIT_IOERR);
}

int cli_table_parse(cli_common *c, const cli_spec *s, int argc, char **argv)
{
	static const struct option common[] = { CLI_COMMON_LONGOPTS, CLI_INPUT_LONGOPTS };
	size_t n = table_len(s->opts), ncommon = sizeof common / sizeof *common - !s->input;
	struct option *longopts = xcalloc(n + ncommon + 1, sizeof *longopts);
	char *shortopts = xcalloc(2 * n + 4, 1), *p = shortopts;
	const char **given = xcalloc(n ? n : 1, sizeof *given);
	size_t nlong = 0;

	if (s->options_first)
		*p++ = '+';
	for (size_t i = 0; i < n; i++) {
		const cli_opt *o = &s->opts[i];
		bool has_arg = o->type != CLI_FLAG && (o->type != CLI_CUSTOM || o->arg);
		if (o->name)
			longopts[nlong++] = (struct option){ o->name, has_arg ? required_argument : no_argument, 0,
							     opt_code(o, i) };
		if (o->short_name) {
			*p++ = o->short_name;
			if (has_arg)
				*p++ = ':';
		}
	}
	memcpy(longopts + nlong, common, ncommon * sizeof *common);
	strcpy(p, "hV");

	for (size_t i = 0; i < n; i++) {
		const cli_opt *o = &s->opts[i];
		const char *env = o->env ? cli_env(o->env, NULL) : NULL;
		if (o->type == CLI_CUSTOM && env)
			set_value(c, o, o->env, env);
	}
	int code;
	while ((code = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		size_t i = 0;
		while (i < n && opt_code(&s->opts[i], i) != code)
			i++;
		char from[64];
		if (i < n && s->opts[i].given)
			*s->opts[i].given = s->opts[i].name;
		if (i < n && s->opts[i].type == CLI_CUSTOM)
			set_value(c, &s->opts[i], dashed(from, sizeof from, &s->opts[i]), optarg);
		else if (i < n)
			given[i] = s->opts[i].type == CLI_FLAG ? "1" : optarg;
		else if (code == 'h')
			print_help_and_exit(s);
		else if (!cli_common_option(c, code, optarg))
			cli_usage_error(c, "unknown option");
	}

	for (size_t i = 0; i < n; i++) {
		const cli_opt *o = &s->opts[i];
		if (o->type == CLI_CUSTOM)
			continue;
		char dash[64];
		const char *text = given[i], *from = dashed(dash, sizeof dash, o), *env;
		if (!text && o->env && (env = cli_env(o->env, NULL))) {
			text = env;
			from = o->env;
		}
		if (!text)
			text = o->def;
		if (text)
			set_value(c, o, from, text);
	}
	free(given);
	free(shortopts);
	free(longopts);
	return optind;
}
