/* libFuzzer target: lib/ndjson_reader on arbitrary bytes.
 *
 * The input reaches the reader through a SOCK_SEQPACKET socket in packets of
 * 1 to 16 bytes (chosen by the first byte), one packet per read(2): lines
 * then span reads in every possible way, deterministically; the first
 * byte's high bits set a small --max-line (8 to 248 bytes). Checks: each
 * line is NUL-terminated, holds no '\n', numbers only grow, a line reported
 * as an object parses as one, is no longer than the maximum, is UTF-8 under
 * the input rule (json_text.h), and every string and member name in it
 * decodes to whole UTF-8 (no NUL cut it short); a line refused as overlong
 * hands on at most its first KiB. */
#include "json_text.h"
#include "ndjson_reader.h"
#include "utf8.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { MAX_PACKETS = 64 };

/* Every decoded string and name is valid UTF-8 (cJSON decodes \u escapes). */
static void check_strings(const cJSON *v)
{
	for (; v; v = v->next) {
		if (v->string && !utf8_valid(v->string, strlen(v->string)))
			abort();
		if (cJSON_IsString(v) && !utf8_valid(v->valuestring, strlen(v->valuestring)))
			abort();
		check_strings(v->child);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int sv[2];
	if (size < 1 || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		return 0;
	size_t chunk = 1 + data[0] % 16;
	size_t max = 8 + (size_t)(data[0] >> 4) * 16;
	data++, size--;
	/* Few enough packets to fit in the socket buffer without a reader. */
	if (size / chunk >= MAX_PACKETS)
		chunk = size / MAX_PACKETS + 1;
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;
		if (write(sv[0], data + off, n) != (ssize_t)n)
			abort();
	}
	close(sv[0]);

	ndjson_reader_set_max_line(max);
	ndjson_reader *r = ndjson_reader_open(sv[1], "fuzz");
	ndjson_line line;
	cJSON *obj;
	size_t last = 0;
	enum ndjson_status st;
	while ((st = ndjson_next_object(r, &line, &obj)) == NDJSON_OK || st == NDJSON_BAD) {
		if (line.text[line.len] != '\0' || memchr(line.text, '\n', line.len) || line.lineno <= last)
			abort();
		last = line.lineno;
		if (st == NDJSON_OK) {
			if (!cJSON_IsObject(obj) || line.len > max || json_text_problem(line.text, line.len))
				abort();
			check_strings(obj->child);
			cJSON_Delete(obj);
		} else if (obj || !line.reason) {
			abort();
		} else if (strncmp(line.reason, "line of ", 8) == 0 && line.len > 1024) {
			abort();
		}
	}
	if (st != NDJSON_EOF)
		abort();
	ndjson_reader_close(r);
	close(sv[1]);
	return 0;
}
