/* Word lists the generated store draws from: a small category tree with the
 * product types each category sells, brands, and people and places, with the
 * accents, apostrophes, quotes and non-Latin scripts real stores hold. */
#ifndef SB_NAMES_H
#define SB_NAMES_H

#include <stddef.h>

enum variant_kind { VAR_NONE, VAR_CLOTHING, VAR_SHOES, VAR_COLOR, VAR_VOLTAGE, VAR_VOLUME };

struct department {
	int id;
	const char *name;
};

struct category {
	int id, dept_id;
	const char *name;
	const char *types[6]; /* product types sold there, NULL-terminated */
	enum variant_kind variant;
	int price_min, price_max; /* whole currency units */
	int weight;               /* how many of the store's products are in it, relatively */
};

struct brand {
	int id;
	const char *name;
	int active;
};

struct city {
	const char *name, *state, *postal_prefix;
};

extern const struct category sb_categories[];
extern const size_t sb_ncategories;
extern const struct brand sb_brands[];
extern const size_t sb_nbrands;
extern const char *const sb_adjectives[];
extern const size_t sb_nadjectives;
extern const char *const sb_extras[];
extern const size_t sb_nextras;
extern const char *const sb_first_names[];
extern const size_t sb_nfirst_names;
extern const char *const sb_last_names[];
extern const size_t sb_nlast_names;
extern const struct city sb_cities[];
extern const size_t sb_ncities;
extern const char *const sb_streets[];
extern const size_t sb_nstreets;
extern const char *const sb_neighborhoods[];
extern const size_t sb_nneighborhoods;
extern const char *const sb_email_domains[];
extern const size_t sb_nemail_domains;
extern const char *const sb_couriers[];
extern const size_t sb_ncouriers;

const struct department *sb_department(int id);
/* The variant values of a kind (sizes, colours, ...); *n is 0 for VAR_NONE. */
const char *const *sb_variant_values(enum variant_kind kind, size_t *n);
const char *sb_variant_label(enum variant_kind kind);

#endif
