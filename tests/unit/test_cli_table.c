/* Option tables (lib/cli_table.h): argv over environment over default, the
 * bounds and their usage errors, sizes and durations, --help and roff.
 * links: tests/unit/child.c */
#include "child.h"
#include "cli_table.h"
#include "exitcode.h"

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *name;
	long long count;
	size_t size;
	double wait;
	bool on;
} vals;

static cli_common common = { .tool = "t" };

#define TABLE(v)                                                                                        \
	{                                                                                               \
		{ .name = "name", .short_name = 'n', .type = CLI_STRING, .dest = &(v)->name, .arg = "NAME", \
		  .env = "T_NAME", .help = "a name" },                                                  \
		{ .name = "count", .short_name = 'c', .type = CLI_COUNT, .dest = &(v)->count, .arg = "N", \
		  .env = "T_COUNT", .def = "3", .min = 1, .max = 10,                                     \
		  .help = "how many times the thing is done, a long line that the help wraps at eighty columns" }, \
		{ .name = "size", .type = CLI_BYTES, .dest = &(v)->size, .arg = "SIZE", .def = "1M",     \
		  .min = 1024, .help = "a size" },                                                      \
		{ .name = "wait", .type = CLI_DURATION, .dest = &(v)->wait, .arg = "SEC", .min = 0,       \
		  .max = 3600, .help = "how long" },                                                    \
		{ .name = "on", .type = CLI_FLAG, .dest = &(v)->on, .env = "T_ON", .help = "switch it on" }, \
		{ 0 },                                                                                  \
	}

/* Parses argv (NULL-terminated) against spec. */
static int parse_spec(const cli_spec *spec, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	optind = 0;
	return cli_table_parse(&common, spec, argc, argv);
}

/* Parses argv against the test table. */
static int parse(vals *v, char **argv)
{
	const cli_opt opts[] = TABLE(v);
	const cli_spec spec = { .synopsis = "Usage: t [OPTION]...\n\n", .epilogue = "\nSee t(1).\n",
				.opts = opts };
	return parse_spec(&spec, argv);
}

typedef struct {
	const cli_spec *spec;
	char **argv;
} spec_args;

static void parse_in_child(void *ctx)
{
	spec_args *a = ctx;
	parse_spec(a->spec, a->argv);
}

/* Parses argv against spec in a child; returns its exit status, its stderr in err. */
static int spec_exit(const cli_spec *spec, char **argv, char *err, size_t errsize)
{
	spec_args a = { spec, argv };
	return child_exit(parse_in_child, &a, err, errsize);
}

/* spec_exit with the test table. */
static int parse_exit(char **argv, char *err, size_t errsize)
{
	vals v = { 0 };
	const cli_opt opts[] = TABLE(&v);
	const cli_spec spec = { .synopsis = "", .epilogue = "", .opts = opts };
	return spec_exit(&spec, argv, err, errsize);
}

/* What write(f, spec) writes (--help or roff), to be freed. */
static char *render(const cli_spec *spec, void (*write)(FILE *, const cli_spec *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	write(f, spec);
	fclose(f);
	return text;
}

/* render with the test table. */
static char *render_table(void (*write)(FILE *, const cli_spec *))
{
	vals v = { 0 };
	const cli_opt opts[] = TABLE(&v);
	const cli_spec spec = { .synopsis = "Usage: t [OPTION]...\n\n", .epilogue = "\nSee t(1).\n",
				.opts = opts, .input = true };
	return render(&spec, write);
}

START_TEST(argv_over_env_over_default)
{
	vals v = { 0 };
	unsetenv("T_COUNT");
	unsetenv("T_ON");
	char *a0[] = { "t", "file", NULL };
	ck_assert_int_eq(parse(&v, a0), 1);
	ck_assert_int_eq(v.count, 3);
	ck_assert_uint_eq(v.size, 1 << 20);
	ck_assert(!v.on);
	ck_assert_ptr_null(v.name);

	setenv("T_COUNT", "7", 1);
	setenv("T_NAME", "from-env", 1);
	setenv("T_ON", "yes", 1);
	ck_assert_int_eq(parse(&v, a0), 1);
	ck_assert_int_eq(v.count, 7);
	ck_assert_str_eq(v.name, "from-env");
	ck_assert(v.on);

	char *a1[] = { "t", "-c", "9", "--name=given", NULL };
	ck_assert_int_eq(parse(&v, a1), 4);
	ck_assert_int_eq(v.count, 9);
	ck_assert_str_eq(v.name, "given");
	unsetenv("T_COUNT");
	unsetenv("T_NAME");
	unsetenv("T_ON");
}
END_TEST

START_TEST(bounds_are_usage_errors)
{
	char err[512];
	char *a0[] = { "t", "--count", "11", NULL };
	ck_assert_int_eq(parse_exit(a0, err, sizeof err), VP_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "t: --count: 11 is out of range (1 to 10)"));
	ck_assert_ptr_nonnull(strstr(err, "Try 't --help'"));

	setenv("T_COUNT", "x", 1);
	char *a1[] = { "t", NULL };
	ck_assert_int_eq(parse_exit(a1, err, sizeof err), VP_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "t: T_COUNT: 'x' is not a whole number"));
	unsetenv("T_COUNT");

	setenv("T_ON", "maybe", 1);
	ck_assert_int_eq(parse_exit(a1, err, sizeof err), VP_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "T_ON: 'maybe' is not 1"));
	unsetenv("T_ON");

	char *a2[] = { "t", "--size", "512", NULL };
	ck_assert_int_eq(parse_exit(a2, err, sizeof err), VP_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "--size: '512' is less than 1024 bytes"));
	char *a3[] = { "t", "--nope", NULL };
	ck_assert_int_eq(parse_exit(a3, err, sizeof err), VP_EXIT_USAGE);
}
END_TEST

START_TEST(sizes_and_durations)
{
	vals v = { 0 };
	char *a0[] = { "t", "--size", "64K", "--wait", "1.5", NULL };
	parse(&v, a0);
	ck_assert_uint_eq(v.size, 64 << 10);
	ck_assert(v.wait == 1.5);
	char *a1[] = { "t", "--size", "2M", "--wait", "5m", NULL };
	parse(&v, a1);
	ck_assert_uint_eq(v.size, 2 << 20);
	ck_assert(v.wait == 300);
	char *a2[] = { "t", "--wait", "1h", NULL };
	parse(&v, a2);
	ck_assert(v.wait == 3600);

	char err[512];
	char *a3[] = { "t", "--wait", "2h", NULL };
	ck_assert_int_eq(parse_exit(a3, err, sizeof err), VP_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "--wait: '2h' is out of range (0 to 3600 seconds)"));
	char *a4[] = { "t", "--wait", "5x", NULL };
	ck_assert_int_eq(parse_exit(a4, err, sizeof err), VP_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "'5x' is not a duration"));
	char *a5[] = { "t", "--size", "12Q", NULL };
	ck_assert_int_eq(parse_exit(a5, err, sizeof err), VP_EXIT_USAGE);
}
END_TEST

/* A repeatable option: each value joins the list. */
static void add_item(void *dest, const char *from, const char *value)
{
	char *list = dest;
	snprintf(list + strlen(list), 64 - strlen(list), "%s%s=%s", *list ? " " : "", from, value);
}

/* A custom option without an argument: in argv order with the others. */
static void clear_items(void *dest, const char *from, const char *value)
{
	ck_assert_str_eq(from, "--clear");
	ck_assert_ptr_null(value);
	*(char *)dest = '\0';
}

START_TEST(numbers_choices_and_custom)
{
	static const char *const kinds[] = { "none", "bearer", "basic", NULL };
	double rate = 0;
	int kind = 0;
	char items[64] = "";
	const char *given = NULL;
	long long big = 0;
	const cli_opt opts[] = {
		{ .name = "rate", .type = CLI_NUMBER, .dest = &rate, .arg = "R", .min = 0, .max = 1e6, .help = "r" },
		{ .name = "big", .type = CLI_COUNT, .dest = &big, .arg = "N", .min = 0, .max = (double)LLONG_MAX,
		  .help = "b" },
		{ .name = "auth", .type = CLI_ENUM, .dest = &kind, .arg = "KIND", .choices = kinds,
		  .def = "none", .help = "a" },
		{ .name = "item", .short_name = 'i', .type = CLI_CUSTOM, .dest = items, .arg = "X",
		  .env = "T_ITEMS", .parse = add_item, .given = &given, .heading = "Items", .help = "i" },
		{ .name = "clear", .type = CLI_CUSTOM, .dest = items, .parse = clear_items, .help = "c" },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = "", .epilogue = "", .opts = opts };
	setenv("T_ITEMS", "e", 1);
	char *argv[] = { "t", "-i", "x", "--clear", "-i", "a", "--rate", "2.5", "--item=b", "--auth", "basic",
			 "--big", "9223372036854775807", NULL };
	ck_assert_int_eq(parse_spec(&spec, argv), 13);
	ck_assert(rate == 2.5);
	ck_assert_int_eq(big, LLONG_MAX);
	ck_assert_int_eq(kind, 2);
	ck_assert_str_eq(items, "--item=a --item=b");
	ck_assert_str_eq(given, "item");
	char *help = render(&spec, cli_table_help), *roff = render(&spec, cli_table_roff);
	ck_assert_ptr_nonnull(strstr(help, "a (default none)\nItems:\n  -i, --item X"));
	ck_assert_ptr_nonnull(strstr(help, "\n      --clear             c\n"));
	ck_assert_ptr_nonnull(strstr(roff, ".SS Items\n.TP\n.BR \\-i"));
	free(help);
	free(roff);
	unsetenv("T_ITEMS");

	char *bad[] = { "t", "--auth", "digest", NULL };
	char err[256];
	ck_assert_int_eq(spec_exit(&spec, bad, err, sizeof err), VP_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "t: --auth: 'digest' is not one of none, bearer, basic"));
}
END_TEST

/* kcat's style: options by a letter only, and options end at the first operand. */
START_TEST(short_options_only_and_options_first)
{
	long long n = 0;
	bool quick = false;
	const cli_opt opts[] = {
		{ .short_name = 'p', .type = CLI_COUNT, .dest = &n, .arg = "N", .min = 0, .max = 9, .help = "a number" },
		{ .short_name = 'q', .type = CLI_FLAG, .dest = &quick, .help = "quick" },
		{ 0 },
	};
	const cli_spec spec = { .synopsis = "", .epilogue = "", .opts = opts, .options_first = true };
	char *argv[] = { "t", "-qp", "3", "operand", "-p", "4", NULL };
	ck_assert_int_eq(parse_spec(&spec, argv), 3);
	ck_assert_int_eq(n, 3);
	ck_assert(quick);

	char *bad[] = { "t", "-p", "x", NULL };
	char err[256];
	ck_assert_int_eq(spec_exit(&spec, bad, err, sizeof err), VP_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "t: -p: 'x' is not a whole number"));

	char *help = render(&spec, cli_table_help), *roff = render(&spec, cli_table_roff);
	ck_assert(strncmp(help, "  -p N                    a number\n  -q                      quick\n", 64) == 0);
	ck_assert(strncmp(roff, ".TP\n.BI \\-p \" N\"\na number.\n.TP\n.B \\-q\nquick.\n", 38) == 0);
	free(help);
	free(roff);
}
END_TEST

START_TEST(help_from_the_table)
{
	char *h = render_table(cli_table_help);
	ck_assert(strncmp(h, "Usage: t [OPTION]...\n\n  -n, --name NAME         a name (env T_NAME)\n", 64) == 0);
	ck_assert_ptr_nonnull(strstr(h, "  -c, --count N           how many times the thing is done, a long line that the\n"
					"                          help wraps at eighty columns (env T_COUNT; default 3)\n"));
	ck_assert_ptr_nonnull(strstr(h, "      --size SIZE         a size (default 1M)\n"));
	ck_assert_ptr_nonnull(strstr(h, "      --on                switch it on (env T_ON=1)\n"));
	ck_assert_ptr_nonnull(strstr(h, "      --max-line SIZE"));
	ck_assert_ptr_nonnull(strstr(h, "      --metrics-file PATH write Prometheus metrics"));
	ck_assert_ptr_nonnull(strstr(h, "  -V, --version           show the version and exit\n\nSee t(1).\n"));
	for (const char *line = h; *line; line = strchr(line, '\n') + 1)
		ck_assert_int_le((int)strcspn(line, "\n"), 80);
	free(h);
}
END_TEST

START_TEST(roff_from_the_table)
{
	char *r = render_table(cli_table_roff);
	ck_assert_ptr_nonnull(strstr(r, ".TP\n.BR \\-c \", \" \\-\\-count \" \" \\fIN\\fR\nhow many times"));
	ck_assert_ptr_nonnull(strstr(r, "Environment:\n.BR \"T_COUNT\" ;\ndefault\n.BR \"3\" .\n"));
	ck_assert_ptr_nonnull(strstr(r, ".TP\n.B \\-\\-on\nswitch it on.\nEnvironment:\n.BR \"T_ON=1\" .\n"));
	ck_assert_ptr_nonnull(strstr(r, ".TP\n.BI \\-\\-max\\-line \" SIZE\"\nAn input line"));
	ck_assert_ptr_null(strstr(r, "Usage"));
	free(r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cli_table");
	TCase *tc = tcase_create("cli_table");
	tcase_add_test(tc, argv_over_env_over_default);
	tcase_add_test(tc, bounds_are_usage_errors);
	tcase_add_test(tc, sizes_and_durations);
	tcase_add_test(tc, numbers_choices_and_custom);
	tcase_add_test(tc, short_options_only_and_options_first);
	tcase_add_test(tc, help_from_the_table);
	tcase_add_test(tc, roff_from_the_table);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
