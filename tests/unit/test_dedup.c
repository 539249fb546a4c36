/* dedup's parts: version order, the key table, typed key fingerprints, the
 * emitted-keys set with string versions, the state files (torn journal,
 * damaged snapshot, other fields, a snapshot leaving keys out), the journal
 * entries held for acknowledgements, and --latest-only with and without
 * spills.
 * links: cmd/dedup/version.c cmd/dedup/keytab.c cmd/dedup/keyspec.c cmd/dedup/seen.c
 * links: cmd/dedup/state.c cmd/dedup/spillfile.c cmd/dedup/latest.c cmd/dedup/held.c */
#include "dedup/held.h"
#include "dedup/keyspec.h"
#include "dedup/keytab.h"
#include "dedup/latest.h"
#include "dedup/seen.h"
#include "dedup/state.h"
#include "dedup/version.h"
#include "exitcode.h"
#include "log.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static version ver(const char *json)
{
	static cJSON *keep[64];
	static int n;
	cJSON *j = cJSON_Parse(json);
	version v;
	ck_assert_ptr_nonnull(j);
	ck_assert_ptr_null(version_from_json(j, &v));
	/* String versions point into the JSON: keep it alive for the test. */
	cJSON_Delete(keep[n % 64]);
	keep[n++ % 64] = j;
	return v;
}

static int cmp(const char *a, const char *b)
{
	version va = ver(a), vb = ver(b);
	return version_cmp(&va, &vb);
}

START_TEST(versions_timestamps_as_instants)
{
	/* The examples: more digits later, and another zone later still. */
	ck_assert_int_lt(cmp("\"2024-01-02T03:04:05.12Z\"", "\"2024-01-02T03:04:05.1234567Z\""), 0);
	ck_assert_int_lt(cmp("\"2024-01-02T03:04:05.1234567Z\"", "\"2024-01-02T00:04:06-03:00\""), 0);
	ck_assert_int_lt(cmp("\"2024-01-02T03:04:05.12Z\"", "\"2024-01-02T00:04:06-03:00\""), 0);
	ck_assert_int_eq(cmp("\"2024-01-02T03:04:05Z\"", "\"2024-01-02T05:04:05+02:00\""), 0);
	ck_assert_int_eq(cmp("\"2024-01-02T03:04:05.1Z\"", "\"2024-01-02T03:04:05.1000000+00:00\""), 0);
}
END_TEST

START_TEST(versions_numbers_as_numbers)
{
	ck_assert_int_lt(cmp("9", "10"), 0);
	ck_assert_int_lt(cmp("\"9\"", "\"10\""), 0); /* numeric strings are numbers */
	ck_assert_int_eq(cmp("1", "1.0"), 0);
	ck_assert_int_eq(cmp("\"1e3\"", "1000"), 0);
	ck_assert_int_eq(cmp("-0", "0"), 0);
	ck_assert_int_lt(cmp("-2.5", "-2"), 0);
}
END_TEST

START_TEST(versions_strings_bytewise_and_kinds_ordered)
{
	ck_assert_int_lt(cmp("\"abc\"", "\"abd\""), 0);
	ck_assert_int_lt(cmp("\"ab\"", "\"abc\""), 0);
	ck_assert_int_lt(cmp("\"B\"", "\"a\""), 0);
	ck_assert_int_eq(cmp("\"x\"", "\"x\""), 0);
	/* number < timestamp < string */
	ck_assert_int_lt(cmp("99999999999", "\"1970-01-01\""), 0);
	ck_assert_int_lt(cmp("\"2999-01-01\"", "\"a\""), 0);
	ck_assert_int_lt(cmp("1", "\"\""), 0);
	/* "1.", "0x10", " 1" are not decimals: strings */
	ck_assert_int_eq(ver("\"1.\"").kind, VK_STRING);
	ck_assert_int_eq(ver("\"0x10\"").kind, VK_STRING);
	ck_assert_int_eq(ver("\" 1\"").kind, VK_STRING);
}
END_TEST

START_TEST(versions_refused)
{
	const char *bad[] = { "null", "true", "[1]", "{\"a\":1}" };
	version v;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cJSON *j = cJSON_Parse(bad[i]);
		ck_assert_ptr_nonnull(version_from_json(j, &v));
		cJSON_Delete(j);
	}
	ck_assert_str_eq(version_from_json(NULL, &v), "is missing");
	char *big = malloc(VERSION_MAX_STRING + 2);
	memset(big, 'x', VERSION_MAX_STRING + 1);
	ck_assert_ptr_nonnull(version_from_string(big, VERSION_MAX_STRING + 1, &v));
	ck_assert_ptr_null(version_from_string(big, VERSION_MAX_STRING, &v));
	free(big);
}
END_TEST

static fp128 fp_n(uint64_t i)
{
	/* Spread like a hash, but with controllable collisions of the home slot. */
	return fp_make(i * 0x9E3779B97F4A7C15u, i * 0xD6E8FEB86659FD93u);
}

START_TEST(keytab_insert_find_grow)
{
	keytab t;
	bool added;
	keytab_init(&t, true);
	ck_assert_ptr_null(keytab_get(&t, fp_n(1)));
	for (uint64_t i = 1; i <= 100000; i++) {
		keytab_slot s = keytab_put(&t, fp_n(i), &added);
		ck_assert(added);
		s[2] = i;
		keytab_set_tag(s, (unsigned)(i & 3));
	}
	ck_assert_uint_eq(t.count, 100000);
	size_t slots = 0;
	for (int i = 0; i < KEYTAB_SHARDS; i++) {
		ck_assert(t.shard[i].count * 4 <= t.shard[i].cap * 3);
		ck_assert_uint_gt(t.shard[i].count, 0); /* fingerprints spread over every shard */
		slots += t.shard[i].cap;
	}
	for (uint64_t i = 1; i <= 100000; i++) {
		keytab_slot s = keytab_get(&t, fp_n(i));
		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(s[2], i);
		ck_assert_uint_eq(keytab_tag(s), i & 3);
		ck_assert(keytab_fp(s).hi == fp_n(i).hi && keytab_fp(s).lo == fp_n(i).lo);
	}
	keytab_put(&t, fp_n(7), &added);
	ck_assert(!added);
	ck_assert_ptr_null(keytab_get(&t, fp_n(100001)));
	/* Same lo (same home slot), different hi: two keys. */
	fp128 a = fp_make(8, 42), b = fp_make(16, 42);
	keytab_put(&t, a, &added);
	ck_assert(added);
	keytab_put(&t, b, &added);
	ck_assert(added);
	ck_assert_ptr_ne(keytab_get(&t, a), keytab_get(&t, b));
	size_t n = 0;
	KEYTAB_EACH(&t, s)
		n++;
	ck_assert_uint_eq(n, t.count);
	ck_assert_uint_eq(keytab_bytes(&t), slots * 24);
	keytab_free(&t);
}
END_TEST

START_TEST(keytab_bytes_to_add_counts_doubling)
{
	keytab t;
	bool added;
	keytab_init(&t, false);
	/* Shards by the top 6 bits of lo: lo 1..13 all go to shard 0. */
	fp128 other_shard = fp_make(1, UINT64_C(1) << 63);
	ck_assert_uint_eq(keytab_bytes(&t), 0);
	ck_assert_uint_eq(keytab_bytes_to_add(&t, fp_make(1, 1)), 16 * 16);
	for (uint64_t i = 1; i <= 12; i++) /* 16 slots, 3/4 full */
		keytab_put(&t, fp_make(i << 3, i), &added);
	ck_assert_uint_eq(keytab_bytes(&t), 16 * 16);
	ck_assert_uint_eq(keytab_bytes_to_add(&t, fp_make(1, 13)), 16 * 16 + 32 * 16);
	ck_assert_uint_eq(keytab_bytes_to_add(&t, other_shard), 16 * 16 + 16 * 16);
	keytab_put(&t, fp_make(13 << 3, 13), &added);
	ck_assert_uint_eq(keytab_bytes(&t), 32 * 16);
	for (uint64_t i = 1; i <= 13; i++)
		ck_assert_ptr_nonnull(keytab_get(&t, fp_make(i << 3, i)));
	keytab_free(&t);
}
END_TEST

static fp128 key_of(keyspec *k, const char *json, const char **why)
{
	cJSON *j = cJSON_Parse(json);
	fp128 fp = { 0, 0 };
	version v;
	*why = keyspec_read(k, j, &fp, &v);
	cJSON_Delete(j);
	return fp;
}

static bool same_key(keyspec *k, const char *a, const char *b)
{
	const char *w1, *w2;
	fp128 x = key_of(k, a, &w1), y = key_of(k, b, &w2);
	ck_assert_ptr_null(w1);
	ck_assert_ptr_null(w2);
	return x.hi == y.hi && x.lo == y.lo;
}

START_TEST(keys_are_typed)
{
	keyspec k;
	const char *why;
	ck_assert(keyspec_init(&k, "id", NULL));
	ck_assert(!same_key(&k, "{\"id\":1}", "{\"id\":\"1\"}"));
	ck_assert(same_key(&k, "{\"id\":1}", "{\"id\":1.0}"));
	ck_assert(same_key(&k, "{\"id\":\"ab\"}", "{\"id\":\"a\\u0062\"}"));
	ck_assert(!same_key(&k, "{\"id\":true}", "{\"id\":\"true\"}"));
	ck_assert(!same_key(&k, "{\"id\":[1]}", "{\"id\":\"[1]\"}"));
	ck_assert(same_key(&k, "{\"id\":\"\"}", "{\"id\":\"\",\"x\":1}"));
	key_of(&k, "{\"x\":1}", &why);
	ck_assert_str_eq(why, "key field id is missing");
	key_of(&k, "{\"id\":null}", &why);
	ck_assert_str_eq(why, "key field id is null");
	keyspec_free(&k);
}
END_TEST

START_TEST(keys_compound_and_nested)
{
	keyspec k;
	const char *why;
	ck_assert(keyspec_init(&k, "a,b.c", "v"));
	/* Field boundaries count: ("ab","c") is not ("a","bc"). */
	ck_assert(!same_key(&k, "{\"a\":\"ab\",\"b\":{\"c\":\"c\"},\"v\":1}",
			    "{\"a\":\"a\",\"b\":{\"c\":\"bc\"},\"v\":1}"));
	ck_assert(same_key(&k, "{\"b\":{\"c\":2},\"a\":1,\"v\":1}", "{\"a\":1,\"b\":{\"c\":2},\"v\":9}"));
	key_of(&k, "{\"a\":1,\"b\":{\"d\":2},\"v\":1}", &why);
	ck_assert_str_eq(why, "key field b.c is missing");
	key_of(&k, "{\"a\":1,\"b\":{\"c\":2}}", &why);
	ck_assert_str_eq(why, "version field v is missing");
	key_of(&k, "{\"a\":1,\"b\":{\"c\":2},\"v\":false}", &why);
	ck_assert_str_eq(why, "version field v is not a number, timestamp or string");
	buf d = { 0 };
	keyspec_describe(&k, &d);
	ck_assert_str_eq(buf_cstr(&d), "key=a,b.c version=v");
	buf_free(&d);
	keyspec_free(&k);
	const char *bad[] = { "", "a,", ",a", "a..b", ".a", "a." };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_msg(!keyspec_init(&k, bad[i], NULL), "accepted %s", bad[i]);
		keyspec_free(&k);
	}
}
END_TEST

START_TEST(keys_seed_changes_fingerprints)
{
	keyspec a, b;
	const char *why;
	keyspec_init(&a, "id", NULL);
	keyspec_init(&b, "id", NULL);
	b.seed = 1;
	fp128 x = key_of(&a, "{\"id\":5}", &why), y = key_of(&b, "{\"id\":5}", &why);
	ck_assert(x.hi != y.hi || x.lo != y.lo);
	ck_assert_uint_eq(x.hi & 7, 1); /* occupied bit set, tag bits clear */
	keyspec_free(&a);
	keyspec_free(&b);
}
END_TEST

START_TEST(seen_keep_first_and_newest)
{
	seen s;
	version none = { 0 };
	seen_init(&s, false);
	ck_assert_int_eq(seen_offer(&s, fp_n(1), &none, SIZE_MAX), SEEN_NEW);
	ck_assert_int_eq(seen_offer(&s, fp_n(1), &none, SIZE_MAX), SEEN_OLD);
	ck_assert(!seen_is_new(&s, fp_n(1), &none));
	ck_assert(seen_is_new(&s, fp_n(2), &none));
	seen_free(&s);

	seen_init(&s, true);
	version v1 = ver("\"2024-01-02T03:04:05.12Z\""), v2 = ver("\"2024-01-02T00:04:06-03:00\"");
	version s1 = ver("\"b\""), s2 = ver("\"a\""), s3 = ver("\"c\"");
	ck_assert_int_eq(seen_offer(&s, fp_n(1), &v2, SIZE_MAX), SEEN_NEW);
	ck_assert_int_eq(seen_offer(&s, fp_n(1), &v1, SIZE_MAX), SEEN_OLD);
	ck_assert_int_eq(seen_offer(&s, fp_n(1), &v2, SIZE_MAX), SEEN_OLD);
	ck_assert_int_eq(seen_offer(&s, fp_n(1), &s1, SIZE_MAX), SEEN_NEW); /* string > time */
	ck_assert_int_eq(seen_offer(&s, fp_n(1), &s2, SIZE_MAX), SEEN_OLD);
	ck_assert_int_eq(seen_offer(&s, fp_n(1), &s3, SIZE_MAX), SEEN_NEW);
	version back = seen_slot_version(&s, keytab_get(&s.tab, fp_n(1)));
	ck_assert_int_eq(version_cmp(&back, &s3), 0);
	seen_free(&s);
}
END_TEST

START_TEST(seen_string_arena_compacts)
{
	seen s;
	char text[64];
	seen_init(&s, true);
	/* 2000 keys, each updated 30 times with ever larger strings: most of the
	 * arena becomes garbage and is compacted away (more rounds test nothing
	 * more and cost minutes under valgrind). */
	for (int round = 0; round < 30; round++)
		for (uint64_t k = 1; k <= 2000; k++) {
			int n = snprintf(text, sizeof text, "v%05d-padding-padding-%04d", round, (int)k);
			version v;
			ck_assert_ptr_null(version_from_string(text, (size_t)n, &v));
			ck_assert_int_eq(seen_offer(&s, fp_n(k), &v, SIZE_MAX), SEEN_NEW);
		}
	/* 1.6 MB appended in all; at most 1 MiB of garbage is kept. */
	ck_assert_uint_lt(s.strings.len, (1 << 20) + 2000 * 27 * 2);
	for (uint64_t k = 1; k <= 2000; k++) {
		version v = seen_slot_version(&s, keytab_get(&s.tab, fp_n(k)));
		int n = snprintf(text, sizeof text, "v%05d-padding-padding-%04d", 29, (int)k);
		ck_assert_uint_eq(v.len, (size_t)n);
		ck_assert(memcmp(v.str, text, v.len) == 0);
	}
	seen_free(&s);
}
END_TEST

START_TEST(seen_respects_limit)
{
	seen s;
	version none = { 0 };
	seen_init(&s, false);
	uint64_t i = 1;
	while (seen_offer(&s, fp_n(i), &none, 64 * 1024) == SEEN_NEW)
		i++;
	ck_assert_uint_le(seen_bytes(&s), 64 * 1024);
	/* More than one unsharded table could hold: 2048 slots, 3/4 full, while
	 * doubling to 4096 would pass the limit. */
	ck_assert_uint_gt(seen_keys(&s), 1536);
	ck_assert_int_eq(seen_offer(&s, fp_n(1), &none, 64 * 1024), SEEN_OLD);
	seen_free(&s);
}
END_TEST

/* State files in a fresh directory. */
static char dir[64];
static char path[128];

static void state_setup(void)
{
	strcpy(dir, "/tmp/test_dedup.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/state", dir);
}

static void state_teardown(void)
{
	char p[160];
	snprintf(p, sizeof p, "%s.journal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s.tmp", path);
	unlink(p);
	unlink(path);
	rmdir(dir);
}

static state *open_state(seen *s, uint64_t *seed, int *rc)
{
	seen_init(s, true);
	return state_open(path, "key=id version=v", seed, s, rc);
}

/* Appends (key i, version i) entries for i in [from, to) to the journal. */
static void journal_entries(state *st, seen *s, uint64_t from, uint64_t to)
{
	buf pending = { 0 };
	for (uint64_t i = from; i < to; i++) {
		version v = { .kind = VK_NUMBER, .num = (double)i };
		seen_offer(s, fp_n(i), &v, SIZE_MAX);
		state_entry(&pending, fp_n(i), &v);
	}
	ck_assert(state_append(st, &pending));
	buf_free(&pending);
}

static off_t file_size(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 ? sb.st_size : -1;
}

START_TEST(state_round_trip_and_torn_journal)
{
	seen s;
	int rc = 0;
	uint64_t seed = 77;
	char jpath[160];
	snprintf(jpath, sizeof jpath, "%s.journal", path);

	state *st = open_state(&s, &seed, &rc);
	ck_assert_ptr_nonnull(st);
	ck_assert_uint_eq(seed, 77);
	journal_entries(st, &s, 1, 11);
	ck_assert(state_compact(st, &s, NULL));       /* snapshot: keys 1..10 */
	journal_entries(st, &s, 11, 21);        /* journal: keys 11..20 */
	version str = ver("\"zz\"");
	buf pending = { 0 };
	state_entry(&pending, fp_n(5), &str);
	seen_offer(&s, fp_n(5), &str, SIZE_MAX);
	ck_assert(state_append(st, &pending));
	buf_free(&pending);
	state_close(st);
	seen_free(&s);

	/* A crash in mid-append: the last entry is cut short. */
	off_t full = file_size(jpath);
	ck_assert_int_eq(truncate(jpath, full - 3), 0);
	seed = 1;
	st = open_state(&s, &seed, &rc);
	ck_assert_ptr_nonnull(st);
	ck_assert_uint_eq(seed, 77);             /* the state's own seed */
	ck_assert_uint_eq(seen_keys(&s), 20);
	version v5 = seen_slot_version(&s, keytab_get(&s.tab, fp_n(5)));
	ck_assert_int_eq(v5.kind, VK_NUMBER);    /* the torn "zz" update was dropped */
	ck_assert(v5.num == 5);
	/* The torn tail was cut: new entries follow the last good one. */
	journal_entries(st, &s, 21, 22);
	state_close(st);
	seen_free(&s);
	st = open_state(&s, &seed, &rc);
	ck_assert_ptr_nonnull(st);
	ck_assert_uint_eq(seen_keys(&s), 21);
	state_close(st);
	seen_free(&s);
}
END_TEST

/* A crash during compaction, after the new snapshot was renamed into place but
 * before the journal was emptied: the journal's entries are replayed over a
 * snapshot that already holds them, harmlessly (the newer version stays). */
START_TEST(state_compaction_crash_replays_harmlessly)
{
	seen s;
	int rc = 0;
	uint64_t seed = 9;
	char jpath[160], saved[160], cmd[400];
	snprintf(jpath, sizeof jpath, "%s.journal", path);
	snprintf(saved, sizeof saved, "%s.saved", path);

	state *st = open_state(&s, &seed, &rc);
	journal_entries(st, &s, 1, 50);
	version newer = { .kind = VK_NUMBER, .num = 1000 };
	buf pending = { 0 };
	state_entry(&pending, fp_n(3), &newer);
	seen_offer(&s, fp_n(3), &newer, SIZE_MAX);
	ck_assert(state_append(st, &pending));
	buf_free(&pending);
	snprintf(cmd, sizeof cmd, "cp %s %s", jpath, saved);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert(state_compact(st, &s, NULL));
	state_close(st);
	seen_free(&s);
	/* Put the full journal back, as if the crash came before it was emptied. */
	ck_assert_int_eq(rename(saved, jpath), 0);
	st = open_state(&s, &seed, &rc);
	ck_assert_ptr_nonnull(st);
	ck_assert_uint_eq(seen_keys(&s), 49);
	version v3 = seen_slot_version(&s, keytab_get(&s.tab, fp_n(3)));
	ck_assert(v3.num == 1000);
	state_close(st);
	seen_free(&s);
}
END_TEST

START_TEST(state_refuses_other_fields_damage_and_second_user)
{
	seen s, s2;
	int rc = 0;
	uint64_t seed = 5;
	state *st = open_state(&s, &seed, &rc);
	journal_entries(st, &s, 1, 4);
	ck_assert(state_compact(st, &s, NULL));

	/* Locked while the first is open. */
	seen_init(&s2, true);
	ck_assert_ptr_null(state_open(path, "key=id version=v", &seed, &s2, &rc));
	ck_assert_int_eq(rc, VP_EXIT_TEMPFAIL);
	seen_free(&s2);
	state_close(st);
	seen_free(&s);

	seen_init(&s, true);
	ck_assert_ptr_null(state_open(path, "key=orderId version=v", &seed, &s, &rc));
	ck_assert_int_eq(rc, VP_EXIT_CONFIG);
	seen_free(&s);

	/* One flipped byte in the snapshot. */
	int fd = open(path, O_RDWR);
	char c;
	ck_assert_int_eq(pread(fd, &c, 1, 40), 1);
	c ^= 0x10;
	ck_assert_int_eq(pwrite(fd, &c, 1, 40), 1);
	close(fd);
	ck_assert_ptr_null(open_state(&s, &seed, &rc));
	ck_assert_int_eq(rc, VP_EXIT_DATAERR);
	seen_free(&s);
}
END_TEST

typedef struct {
	buf out;
	int n;
} collected;

static void collect(void *ctx, const char *text, size_t len, fp128 fp, const version *v)
{
	collected *c = ctx;
	(void)fp;
	(void)v;
	buf_put(&c->out, text, len);
	buf_putc(&c->out, '\n');
	c->n++;
}

/* Feeds n records over k keys (key i % k, version (i * 7) % 13, padding so
 * that the records outgrow limit) and returns what --latest-only emits. */
static void run_latest(bool versioned, size_t limit, int n, int k, collected *c, unsigned *spills)
{
	latest *l = latest_new(versioned, limit, "/tmp");
	char text[400];
	for (int i = 0; i < n; i++) {
		int key = (i * 31) % k, vv = (i * 7) % 13;
		int len = snprintf(text, sizeof text, "{\"k\":%d,\"v\":%d,\"i\":%d,\"pad\":\"%0200d\"}", key, vv, i, 0);
		version v = { .kind = versioned ? VK_NUMBER : VK_NONE, .num = vv };
		latest_add(l, (uint64_t)i, fp_n((uint64_t)key + 1), &v, text, (size_t)len);
	}
	latest_finish(l, collect, c);
	*spills = latest_spills(l);
	latest_free(l);
}

START_TEST(latest_spill_matches_memory)
{
	for (int versioned = 0; versioned < 2; versioned++) {
		collected mem = { 0 }, disk = { 0 };
		unsigned spills_mem, spills_disk;
		run_latest(versioned, SIZE_MAX, 30000, 9000, &mem, &spills_mem);
		run_latest(versioned, 1 << 20, 30000, 9000, &disk, &spills_disk);
		ck_assert_uint_eq(spills_mem, 0);
		ck_assert_uint_gt(spills_disk, 2);
		ck_assert_int_eq(mem.n, 9000);
		ck_assert_int_eq(disk.n, 9000);
		ck_assert(mem.out.len == disk.out.len && memcmp(mem.out.data, disk.out.data, mem.out.len) == 0);
		buf_free(&mem.out);
		buf_free(&disk.out);
	}
}
END_TEST

START_TEST(latest_picks_newest_then_first)
{
	latest *l = latest_new(true, SIZE_MAX, "/tmp");
	collected c = { 0 };
	const char *recs[][2] = { { "a", "1" }, { "b", "5" }, { "a", "3" }, { "a", "3" }, { "b", "2" } };
	for (int i = 0; i < 5; i++) {
		char text[32];
		int n = snprintf(text, sizeof text, "%s%s#%d", recs[i][0], recs[i][1], i);
		version v = { .kind = VK_NUMBER, .num = atoi(recs[i][1]) };
		latest_add(l, (uint64_t)i, fp_n((uint64_t)recs[i][0][0]), &v, text, (size_t)n);
	}
	latest_finish(l, collect, &c);
	ck_assert_str_eq(buf_cstr(&c.out), "a3#2\nb5#1\n");
	buf_free(&c.out);
	latest_free(l);
}
END_TEST


/* ---- journal entries held for acknowledgements ---- */

static barrier_info bar(const char *run, unsigned long long seq, unsigned long long committed)
{
	barrier_info b = { .seq = seq, .committed = committed };
	snprintf(b.run, sizeof b.run, "%s", run);
	return b;
}

/* Appends the entries of keys from..to-1 (keep-first) to b. */
static void entries(buf *b, uint64_t from, uint64_t to)
{
	version none = { .kind = VK_NONE };
	for (uint64_t i = from; i < to; i++)
		state_entry(b, fp_n(i), &none);
}

/* The keys of an entry buffer, as "1,2,3". */
static const char *keys_of(const buf *b)
{
	static char out[256];
	size_t n = 0;
	out[0] = '\0';
	for (size_t off = 0; off < b->len;) {
		fp128 fp;
		off += state_entry_key(b->data + off, &fp);
		for (uint64_t i = 0; i < 100; i++)
			if (fp.hi == fp_n(i).hi && fp.lo == fp_n(i).lo)
				n += (size_t)snprintf(out + n, sizeof out - n, "%s%llu", n ? "," : "",
						      (unsigned long long)i);
	}
	return out;
}

START_TEST(held_released_once_a_later_barrier_says_acknowledged)
{
	held h;
	buf rel = { 0 };
	held_init(&h);
	entries(&h.open, 1, 3);              /* A B, then barrier 1 */
	barrier_info b = bar("r1", 1, 0);
	held_barrier(&h, &b, &rel);
	ck_assert_uint_eq(rel.len, 0);
	entries(&h.open, 3, 5);              /* C D, then barrier 2: 1 was acknowledged */
	b = bar("r1", 2, 1);
	held_barrier(&h, &b, &rel);
	ck_assert_str_eq(keys_of(&rel), "1,2");
	rel.len = 0;
	entries(&h.open, 5, 6);              /* E, then a barrier that acknowledges nothing new */
	b = bar("r1", 3, 1);
	held_barrier(&h, &b, &rel);
	ck_assert_uint_eq(rel.len, 0);
	size_t before = held_bytes(&h);
	b = bar("r1", 4, 3);                 /* covers 2 and 3 at once, oldest first */
	held_barrier(&h, &b, &rel);
	ck_assert_str_eq(keys_of(&rel), "3,4,5");
	ck_assert_uint_lt(held_bytes(&h), before);
	rel.len = 0;
	entries(&h.open, 6, 7);
	held_end(&h);                        /* never acknowledged: dropped */
	keytab t;
	keytab_init(&t, false);
	held_keys(&h, &t);
	ck_assert_uint_eq(t.count, 1);
	ck_assert_ptr_nonnull(keytab_get(&t, fp_n(6)));
	keytab_free(&t);
	buf_free(&rel);
	held_free(&h);
}
END_TEST

START_TEST(held_dropped_at_another_run)
{
	held h;
	buf rel = { 0 };
	held_init(&h);
	entries(&h.open, 1, 2);
	barrier_info b = bar("r1", 7, 6);
	held_barrier(&h, &b, &rel);
	entries(&h.open, 2, 3);              /* before the new run's first barrier */
	b = bar("r2", 1, 0);
	held_barrier(&h, &b, &rel);          /* r1's stretch can no longer be acknowledged */
	ck_assert_uint_eq(rel.len, 0);
	ck_assert_str_eq(keys_of(&h.dropped), "1");
	b = bar("r2", 2, 1);                 /* r2 acknowledges its barrier 1: what came before it */
	held_barrier(&h, &b, &rel);
	ck_assert_str_eq(keys_of(&rel), "2");
	b = bar("r2", 3, 2);
	rel.len = 0;
	held_barrier(&h, &b, &rel);          /* no records between: nothing */
	ck_assert_uint_eq(rel.len, 0);
	keytab t;
	keytab_init(&t, false);
	held_keys(&h, &t);
	ck_assert_uint_eq(t.count, 1);       /* the dropped key only */
	ck_assert_ptr_nonnull(keytab_get(&t, fp_n(1)));
	keytab_free(&t);
	buf_free(&rel);
	held_free(&h);
}
END_TEST

START_TEST(state_entry_key_reads_every_kind)
{
	buf b = { 0 };
	version vs[4] = { { .kind = VK_NONE }, { .kind = VK_NUMBER, .num = 2.5 }, { .kind = VK_TIME, .ticks = 99 },
			  ver("\"abcdef\"") };
	for (int i = 0; i < 4; i++)
		state_entry(&b, fp_n((uint64_t)i + 10), &vs[i]);
	size_t off = 0;
	for (int i = 0; i < 4; i++) {
		fp128 fp;
		off += state_entry_key(b.data + off, &fp);
		ck_assert(fp.hi == fp_n((uint64_t)i + 10).hi && fp.lo == fp_n((uint64_t)i + 10).lo);
	}
	ck_assert_uint_eq(off, b.len);
	buf_free(&b);
}
END_TEST

START_TEST(state_snapshot_leaves_out_keys_not_journalled)
{
	seen s;
	int rc = 0;
	uint64_t seed = 5;
	state *st = open_state(&s, &seed, &rc);
	journal_entries(st, &s, 1, 11);
	keytab skip;
	keytab_init(&skip, false);
	bool added;
	for (uint64_t i = 11; i < 13; i++) { /* emitted, held: in memory only */
		version v = { .kind = VK_NUMBER, .num = (double)i };
		seen_offer(&s, fp_n(i), &v, SIZE_MAX);
		keytab_put(&skip, fp_n(i), &added);
	}
	ck_assert(state_compact(st, &s, &skip));
	keytab_free(&skip);
	state_close(st);
	seen_free(&s);
	st = open_state(&s, &seed, &rc);
	ck_assert_ptr_nonnull(st);
	ck_assert_uint_eq(seen_keys(&s), 10);
	ck_assert_ptr_null(keytab_get(&s.tab, fp_n(11)));
	state_close(st);
	seen_free(&s);
}
END_TEST

int main(void)
{
	log_init("test_dedup");
	log_set_level("error");
	Suite *s = suite_create("dedup");
	TCase *tc = tcase_create("versions");
	tcase_add_test(tc, versions_timestamps_as_instants);
	tcase_add_test(tc, versions_numbers_as_numbers);
	tcase_add_test(tc, versions_strings_bytewise_and_kinds_ordered);
	tcase_add_test(tc, versions_refused);
	suite_add_tcase(s, tc);
	tc = tcase_create("keys");
	/* 100,000 keys, checked one by one: past Check's 4 s under ASan on a busy machine. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, keytab_insert_find_grow);
	tcase_add_test(tc, keytab_bytes_to_add_counts_doubling);
	tcase_add_test(tc, keys_are_typed);
	tcase_add_test(tc, keys_compound_and_nested);
	tcase_add_test(tc, keys_seed_changes_fingerprints);
	tcase_add_test(tc, seen_keep_first_and_newest);
	tcase_add_test(tc, seen_string_arena_compacts);
	tcase_add_test(tc, seen_respects_limit);
	suite_add_tcase(s, tc);
	tc = tcase_create("state");
	tcase_add_checked_fixture(tc, state_setup, state_teardown);
	tcase_add_test(tc, state_round_trip_and_torn_journal);
	tcase_add_test(tc, state_compaction_crash_replays_harmlessly);
	tcase_add_test(tc, state_refuses_other_fields_damage_and_second_user);
	tcase_add_test(tc, state_entry_key_reads_every_kind);
	tcase_add_test(tc, state_snapshot_leaves_out_keys_not_journalled);
	suite_add_tcase(s, tc);
	tc = tcase_create("held");
	tcase_add_test(tc, held_released_once_a_later_barrier_says_acknowledged);
	tcase_add_test(tc, held_dropped_at_another_run);
	suite_add_tcase(s, tc);
	tc = tcase_create("latest");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, latest_spill_matches_memory);
	tcase_add_test(tc, latest_picks_newest_then_first);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
