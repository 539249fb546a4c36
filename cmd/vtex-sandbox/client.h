/* Customers: Master Data v1 CL documents, a pure function of (seed, index)
 * plus the dates kept in client_rec. The real e-mail lives here; orders carry
 * a Conversation Tracker alias and userProfileId == CL.userId. */
#ifndef SB_CLIENT_H
#define SB_CLIENT_H

#include "buf.h"
#include "store.h"

#include <stdbool.h>
#include <stdint.h>

enum cl_field {
	CLF_ID, CLF_ACCOUNT_ID, CLF_ACCOUNT_NAME, CLF_DATA_ENTITY_ID, CLF_EMAIL, CLF_FIRST_NAME,
	CLF_LAST_NAME, CLF_DOCUMENT, CLF_DOCUMENT_TYPE, CLF_PHONE, CLF_HOME_PHONE, CLF_IS_CORPORATE,
	CLF_CORPORATE_NAME, CLF_TRADE_NAME, CLF_CORPORATE_DOCUMENT, CLF_STATE_REGISTRATION,
	CLF_IS_NEWSLETTER_OPT_IN, CLF_LOCALE_DEFAULT, CLF_USER_ID, CLF_CREATED_IN, CLF_CREATED_BY,
	CLF_UPDATED_IN, CLF_UPDATED_BY, CLF_LAST_INTERACTION_IN, CLF_LAST_INTERACTION_BY, CLF_FOLLOWERS,
	CLF_TAGS, CLF__COUNT
};
#define CL_FIELDS_ALL ((1u << CLF__COUNT) - 1)
/* What a scroll or search returns without _fields (the shape of VTEX's scroll example). */
#define CL_FIELDS_DEFAULT ((1u << CLF_ID) | (1u << CLF_ACCOUNT_ID) | (1u << CLF_ACCOUNT_NAME) | (1u << CLF_DATA_ENTITY_ID))

enum cl_kind { CV_NULL, CV_STR, CV_BOOL, CV_DATE, CV_LIST };
struct cl_value {
	enum cl_kind kind;
	const char *s;
	bool b;
	vtime_t t;
};

struct client_info {
	uint32_t idx;
	const char *account;
	char id[37], user_id[37], account_id[37], author_id[37];
	char first[64], last[64], email[160], masked_email[64];
	char document[16], phone[20];
	char corporate_name[160], trade_name[80], corporate_document[16], state_registration[16];
	bool corporate, newsletter;
	vtime_t created, updated, last_interaction;
};

/* Index of a field name, or -1. */
int cl_field_lookup(const char *name, size_t len);
const char *cl_field_name(enum cl_field f);

void client_info(const store *s, uint32_t idx, struct client_info *c);
struct cl_value client_field(const struct client_info *c, enum cl_field f);
/* One CL document with the fields in mask (bit per enum cl_field). */
void client_json(buf *b, const struct client_info *c, uint32_t mask);

#endif
