/* The VTEX entity presets of --entity: root table and how root ids are made.
 * Child tables need no preset: every array becomes one by the generic rule
 * (orders__items, orders__totals, orders__payment_data__transactions__payments,
 * products__skus, ...); the man page lists them. */
#ifndef NN_PRESETS_H
#define NN_PRESETS_H

#include "keyspec.h"

typedef struct {
	const char *entity;  /* the --entity name */
	const char *root;    /* root table */
	key_spec key;
} preset;

/* NULL when name is not a preset. */
const preset *preset_find(const char *name);
/* "order, product, client, hook" for messages. */
const char *preset_names(void);

#endif
