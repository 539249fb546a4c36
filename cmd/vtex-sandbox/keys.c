#include "keys.h"
#include "buf.h"
#include "secret.h"

#include <string.h>

bool keyring_add(keyring *k, const char *key, const char *token, const char **err)
{
	if (k->n == KEYS_MAX) {
		*err = "too many app keys (at most 16)";
		return false;
	}
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->key[i], key) == 0) {
			*err = "an app key is given twice";
			return false;
		}
	k->key[k->n] = xstrdup(key);
	k->token[k->n] = xstrdup(token);
	k->n++;
	return true;
}

bool keyring_add_list(keyring *k, const char *list, const char **err)
{
	static const char space[] = " \t\r\n";
	const char *p = list + strspn(list, space);
	while (*p) {
		size_t len = strcspn(p, space);
		const char *eq = memchr(p, '=', len);
		if (!eq || eq == p || eq + 1 == p + len) {
			*err = "app keys must be APPKEY=APPTOKEN pairs separated by white space";
			return false;
		}
		char *pair = xstrndup(p, len);
		pair[eq - p] = '\0';
		bool ok = keyring_add(k, pair, pair + (eq - p) + 1, err);
		secret_free(pair);
		if (!ok)
			return false;
		p += len;
		p += strspn(p, space);
	}
	return true;
}

int keyring_find(const keyring *k, const char *key, const char *token)
{
	int found = -1;
	for (size_t i = 0; i < k->n; i++) {
		bool match = secret_equal(key, k->key[i]);
		match &= secret_equal(token, k->token[i]);
		if (match && found < 0)
			found = (int)i;
	}
	return found;
}

void keyring_free(keyring *k)
{
	for (size_t i = 0; i < k->n; i++) {
		secret_free(k->key[i]);
		secret_free(k->token[i]);
	}
	k->n = 0;
}
