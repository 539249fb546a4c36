#include "client.h"
#include "jw.h"
#include "names.h"
#include "rng.h"
#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Sub-streams of TAG_CLIENT: the profile, its phone per version, its alias. */
#define STREAM_PHONE (2ULL << 40)
#define STREAM_ALIAS (3ULL << 40)

static const char *const field_names[CLF__COUNT] = {
	"id", "accountId", "accountName", "dataEntityId", "email", "firstName", "lastName", "document",
	"documentType", "phone", "homePhone", "isCorporate", "corporateName", "tradeName",
	"corporateDocument", "stateRegistration", "isNewsletterOptIn", "localeDefault", "userId",
	"createdIn", "createdBy", "updatedIn", "updatedBy", "lastInteractionIn", "lastInteractionBy",
	"followers", "tags",
};

int cl_field_lookup(const char *name, size_t len)
{
	for (int i = 0; i < CLF__COUNT; i++)
		if (strlen(field_names[i]) == len && memcmp(field_names[i], name, len) == 0)
			return i;
	return -1;
}


/* Brazilian CPF / CNPJ with valid check digits. */
static void cpf(rng *r, char out[16])
{
	int d[11];
	for (int i = 0; i < 9; i++)
		d[i] = (int)rng_below(r, 10);
	for (int k = 9; k < 11; k++) {
		int sum = 0;
		for (int i = 0; i < k; i++)
			sum += d[i] * (k + 1 - i);
		d[k] = (sum * 10) % 11 % 10;
	}
	for (int i = 0; i < 11; i++)
		out[i] = (char)('0' + d[i]);
	out[11] = '\0';
}

static void cnpj(rng *r, char out[16])
{
	static const int w1[12] = { 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2 };
	static const int w2[13] = { 6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2 };
	int d[14], sum = 0;
	for (int i = 0; i < 8; i++)
		d[i] = (int)rng_below(r, 10);
	d[8] = d[9] = d[10] = 0;
	d[11] = 1;
	for (int i = 0; i < 12; i++)
		sum += d[i] * w1[i];
	d[12] = sum % 11 < 2 ? 0 : 11 - sum % 11;
	sum = 0;
	for (int i = 0; i < 13; i++)
		sum += d[i] * w2[i];
	d[13] = sum % 11 < 2 ? 0 : 11 - sum % 11;
	for (int i = 0; i < 14; i++)
		out[i] = (char)('0' + d[i]);
	out[14] = '\0';
}

/* The names come after the two GUIDs in the client's stream. */
static void draw_names(rng *r, const char **first, const char **last)
{
	*first = sb_first_names[rng_below(r, (uint32_t)sb_nfirst_names)];
	*last = sb_last_names[rng_below(r, (uint32_t)sb_nlast_names)];
}

void client_names(const store *s, uint32_t idx, const char **first, const char **last)
{
	rng r = rng_for(s->seed, TAG_CLIENT, idx);
	for (int i = 0; i < 4; i++)
		rng_next(&r);
	draw_names(&r, first, last);
}

void client_info(const store *s, uint32_t idx, struct client_info *c)
{
	const client_rec *cr = store_client(s, idx);
	rng r = rng_for(s->seed, TAG_CLIENT, idx);
	buf slug = { 0 };

	memset(c, 0, sizeof *c);
	c->idx = idx;
	c->account = s->account;
	text_guid(rng_next(&r), rng_next(&r), c->id);
	text_guid(rng_next(&r), rng_next(&r), c->user_id);
	rng acc = rng_for(s->seed, TAG_GUID, 0);
	text_guid(rng_next(&acc), rng_next(&acc), c->account_id);
	text_guid(rng_next(&acc), rng_next(&acc), c->author_id);
	const char *first, *last;
	draw_names(&r, &first, &last);
	snprintf(c->first, sizeof c->first, "%s", first);
	snprintf(c->last, sizeof c->last, "%s", last);

	text_slug(&slug, c->first, '.');
	if (!slug.len)
		buf_puts(&slug, "cliente");
	size_t first_len = slug.len;
	buf_putc(&slug, '.');
	text_slug(&slug, c->last, '.');
	if (slug.len == first_len + 1)
		slug.len--;
	const char *domain = sb_email_domains[rng_below(&r, (uint32_t)sb_nemail_domains)];
	snprintf(c->email, sizeof c->email, "%s%u@%s", buf_cstr(&slug), 100 + idx, domain);
	if (rng_chance(&r, 0.03)) { /* typed with capitals: pipelines must lower-case */
		c->email[0] = (char)toupper((unsigned char)c->email[0]);
		char *at = strchr(c->email, '@');
		at[1] = (char)toupper((unsigned char)at[1]);
	}
	buf_free(&slug);

	cpf(&r, c->document);
	c->newsletter = rng_chance(&r, 0.35);
	c->corporate = rng_chance(&r, 0.04);
	if (c->corporate) {
		snprintf(c->corporate_name, sizeof c->corporate_name, "%s %s Comércio Ltda", c->last,
			 sb_brands[rng_below(&r, (uint32_t)sb_nbrands)].name);
		snprintf(c->trade_name, sizeof c->trade_name, "%s & Cia", c->last);
		cnpj(&r, c->corporate_document);
		snprintf(c->state_registration, sizeof c->state_registration, "%09u", rng_below(&r, 1000000000));
	}
	uint32_t version = atomic_load_explicit(&((client_rec *)cr)->version, memory_order_relaxed);
	rng ph = rng_for(s->seed, TAG_CLIENT, STREAM_PHONE | ((uint64_t)version << 32) | idx);
	snprintf(c->phone, sizeof c->phone, "+55%02u9%08u", 11 + rng_below(&ph, 89), rng_below(&ph, 100000000));
	rng al = rng_for(s->seed, TAG_CLIENT, STREAM_ALIAS | idx);
	char hex[33];
	text_hex(rng_next(&al), rng_next(&al), 32, 0, hex);
	snprintf(c->masked_email, sizeof c->masked_email, "%s@ct.vtex.com.br", hex);

	c->created = cr->created_in;
	c->updated = atomic_load_explicit(&((client_rec *)cr)->updated_in, memory_order_relaxed);
	c->last_interaction = atomic_load_explicit(&((client_rec *)cr)->last_interaction, memory_order_relaxed);
}

struct cl_value client_field(const struct client_info *c, enum cl_field f)
{
	struct cl_value v = { .kind = CV_STR };
	switch (f) {
	case CLF_ID: v.s = c->id; break;
	case CLF_ACCOUNT_ID: v.s = c->account_id; break;
	case CLF_ACCOUNT_NAME: v.s = c->account; break;
	case CLF_DATA_ENTITY_ID: v.s = "CL"; break;
	case CLF_EMAIL: v.s = c->email; break;
	case CLF_FIRST_NAME: v.s = c->first; break;
	case CLF_LAST_NAME: v.s = c->last; break;
	case CLF_DOCUMENT: v.s = c->document; break;
	case CLF_DOCUMENT_TYPE: v.s = "CPF"; break;
	case CLF_PHONE: v.s = c->phone; break;
	case CLF_HOME_PHONE: v.kind = CV_NULL; break;
	case CLF_IS_CORPORATE: v.kind = CV_BOOL; v.b = c->corporate; break;
	case CLF_CORPORATE_NAME: if (c->corporate) v.s = c->corporate_name; else v.kind = CV_NULL; break;
	case CLF_TRADE_NAME: if (c->corporate) v.s = c->trade_name; else v.kind = CV_NULL; break;
	case CLF_CORPORATE_DOCUMENT: if (c->corporate) v.s = c->corporate_document; else v.kind = CV_NULL; break;
	case CLF_STATE_REGISTRATION: if (c->corporate) v.s = c->state_registration; else v.kind = CV_NULL; break;
	case CLF_IS_NEWSLETTER_OPT_IN: v.kind = CV_BOOL; v.b = c->newsletter; break;
	case CLF_LOCALE_DEFAULT: v.s = "pt-BR"; break;
	case CLF_USER_ID: v.s = c->user_id; break;
	case CLF_CREATED_IN: v.kind = CV_DATE; v.t = c->created; break;
	case CLF_CREATED_BY: v.s = c->author_id; break;
	case CLF_UPDATED_IN: v.kind = c->updated ? CV_DATE : CV_NULL; v.t = c->updated; break;
	case CLF_UPDATED_BY: if (c->updated) v.s = c->author_id; else v.kind = CV_NULL; break;
	case CLF_LAST_INTERACTION_IN: v.kind = CV_DATE; v.t = c->last_interaction; break;
	case CLF_LAST_INTERACTION_BY: v.s = c->author_id; break;
	case CLF_FOLLOWERS: case CLF_TAGS: v.kind = CV_LIST; break;
	default: v.kind = CV_NULL;
	}
	return v;
}

void client_json(buf *b, const struct client_info *c, uint32_t mask)
{
	jw w;
	jw_init(&w, b);
	jw_obj(&w);
	for (int f = 0; f < CLF__COUNT; f++) {
		if (!(mask & (1u << f)))
			continue;
		jw_key(&w, field_names[f]);
		struct cl_value v = client_field(c, (enum cl_field)f);
		switch (v.kind) {
		case CV_STR: jw_str(&w, v.s); break;
		case CV_BOOL: jw_bool(&w, v.b); break;
		case CV_DATE: jw_time(&w, v.t, VTIME_Z7); break;
		case CV_LIST: jw_raw(&w, "[]"); break;
		default: jw_null(&w);
		}
	}
	jw_end(&w);
}
