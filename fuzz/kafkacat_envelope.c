/* libFuzzer target: kafka-cat's -J envelope decoder (what -P -J reads).
 * links: cmd/kafka-cat/envelope.c
 *
 * The input is one line. Checks: a decoded envelope encodes again and that
 * encoding decodes to the same key, value, headers, partition and timestamp
 * (what -C -J | -P -J relies on); a refusal always has a reason. */
#include "kafka-cat/envelope.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static bool same(kc_bytes a, kc_bytes b)
{
	if (!a.data || !b.data)
		return !a.data && !b.data;
	return a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kc_envelope e, f;
	const char *why = kc_envelope_decode(&e, (const char *)data, size);
	if (why)
		return *why ? 0 : (abort(), 0);
	buf b = { 0 };
	kc_msg m = e.msg;
	if (!m.topic)
		m.topic = "t", m.topic_len = 1;
	kc_envelope_encode(&b, &m);
	if (kc_envelope_decode(&f, b.data, b.len))
		abort();
	if (!same(e.msg.key, f.msg.key) || !same(e.msg.value, f.msg.value) || e.msg.nheaders != f.msg.nheaders ||
	    e.msg.partition != f.msg.partition || e.msg.timestamp != f.msg.timestamp)
		abort();
	for (size_t i = 0; i < e.msg.nheaders; i++)
		if (!same(e.msg.headers[i].name, f.msg.headers[i].name) || !same(e.msg.headers[i].value, f.msg.headers[i].value))
			abort();
	kc_envelope_free(&e);
	kc_envelope_free(&f);
	buf_free(&b);
	return 0;
}
