/* Temporary files of --latest-only: unlinked as soon as created (nothing is
 * left behind, whatever happens), holding candidate records with their key,
 * version, first-seen position and read position. Written and read by this
 * process only, so in host byte order. A write or read error ends the process
 * with exit status 74 (logged). */
#ifndef DEDUP_SPILLFILE_H
#define DEDUP_SPILLFILE_H

#include "buf.h"
#include "fingerprint.h"
#include "version.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* One candidate: the key's first-seen position and this record's own. */
typedef struct {
	uint64_t first, ord;
	fp128 fp;
	version v;
	const char *text;
	size_t len;
} lrec;

/* A new empty temporary file in dir, open for writing then reading. */
FILE *spill_create(const char *dir);
void spill_write(FILE *f, const lrec *r);
/* Ends writing and rewinds for reading. */
void spill_rewind(FILE *f);
/* Reads the next record into r (its strings live in hold); false at the end. */
bool spill_read(FILE *f, lrec *r, buf *hold);
/* Bytes written to spill files so far, for the logs and metrics. */
unsigned long long spill_bytes_written(void);

#endif
