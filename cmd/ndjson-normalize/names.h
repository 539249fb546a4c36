/* Output names: snake_case conversion of JSON keys, and a cache that maps
 * each distinct key path (row table, enclosing objects, key) to its column
 * name, pre-rendered as `,"name":`, and each array field to its child table.
 * A record's walk looks every key up here, so converting and building names
 * happens once per distinct path, not once per record. */
#ifndef NN_NAMES_H
#define NN_NAMES_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One interned output name (column or table); equal text, same object. */
typedef struct nm_name nm_name;
struct nm_name {
	const char *text;
	size_t len;
	const char *key;          /* `,"text":` ready to copy into a row */
	size_t key_len;
	unsigned long long stamp; /* the last row that used it as a column (collisions) */
	unsigned long long alt_stamp; /* the last row that needed name_k for it ... */
	unsigned alt_next;        /* ... and the next k to try there */
	uint64_t hash;
	nm_name *next;            /* hash chain */
};

/* A table node (the row of a table: parent NULL, table set) or a field node
 * (a key inside that row, or inside an object nested in it). */
typedef struct nm_node nm_node;
struct nm_node {
	nm_node *parent;
	const char *key;          /* raw JSON key (the table name for a root table node) */
	size_t key_len;
	nm_name *col;             /* field: flattened column name within its row ("a__b") */
	nm_name *table;           /* table node: the table name */
	const char *row_prefix;   /* table node: `{"_table":"name","_row_id":"` */
	size_t row_prefix_len;
	nm_node *child;           /* field holding an array: its child table node */
	nm_node *first_seen;      /* the first key met inside this node last time ... */
	nm_node *next_seen;       /* ... and the key that followed this one (lookup shortcut) */
	uint64_t path_hash;       /* field: rowid_path_hash chain from the row; table node: 0 */
	unsigned long long pend_stamp; /* row in which this array field was last queued ... */
	unsigned pend_count;      /* ... and how often in it (a key repeated in one object) */
	uint64_t hash;
	nm_node *next;            /* hash chain */
};

enum nm_link { NM_TABLE, NM_ROW_ID, NM_PARENT_ROW_ID, NM_ROOT_ID, NM_IDX, NM_LINKS };

typedef struct nm_cache nm_cache;

nm_cache *nm_cache_new(void);
void nm_cache_free(nm_cache *c);
/* Memory held; it grows with the number of distinct key paths met. */
size_t nm_cache_bytes(const nm_cache *c);
/* Forgets every node and name (pointers from before become invalid). */
void nm_cache_clear(nm_cache *c);

/* The names of the link columns (to mark them taken in each row). */
nm_name *nm_link(nm_cache *c, enum nm_link which);
/* The node of a root table. */
nm_node *nm_table(nm_cache *c, const char *name);
/* The node of key inside parent (a table node or a field node holding an
 * object); prev is the node of the key before it in the same object (NULL for
 * the first): records of one shape repeat their key order, so the node that
 * followed prev last time is tried before the hash table. */
nm_node *nm_field(nm_cache *c, nm_node *parent, nm_node *prev, const char *key, size_t n);
/* The child table of an array field found in a row of row_table. */
nm_node *nm_child_table(nm_cache *c, nm_node *row_table, nm_node *field);
/* The name base_k (k >= 2), for a column whose name is already taken in a row. */
nm_name *nm_alt(nm_cache *c, const nm_name *base, unsigned k);

/* Appends the snake_case form of key[0..n): word boundaries (fooBar, HTTPCode,
 * item2Name) become '_', ASCII letters are lower-cased, every run of other
 * bytes (not a-z, 0-9) becomes one '_', a trailing '_' is dropped; an empty
 * result is "_", one starting with a digit gets a leading '_'. The result
 * never holds "__", which separates the levels of flattened names. */
void nm_snake(buf *out, const char *key, size_t n);

#endif
