#include "classes.h"
#include "json_file.h"

#include <string.h>
#include <strings.h>

static const char *const names[GW__CLASSES] = { "oms", "catalog", "pricing", "md_scroll", "masterdata", "orders", "other" };

const char *gw_class_name(int c)
{
	return c >= 0 && c < GW__CLASSES ? names[c] : "other";
}

void gw_classes_default(gw_class_cfg cfg[GW__CLASSES])
{
	for (int c = 0; c < GW__CLASSES; c++)
		cfg[c] = (gw_class_cfg){ .window = 60, .concurrency = 32, .pause = 5 };
	cfg[GW_OMS].budget = 6000;
	cfg[GW_OMS].pause = 60;
	cfg[GW_CATALOG].budget = 45000;
	cfg[GW_CATALOG].endpoint_budget = 15000;
	cfg[GW_MD_SCROLL].concurrency = 10;
}

static bool number(const cJSON *o, const char *key, double min, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		return true;
	if (!cJSON_IsNumber(v) || v->valuedouble < min)
		return false;
	*out = v->valuedouble;
	return true;
}

bool gw_classes_load(gw_class_cfg cfg[GW__CLASSES], const char *path, const char **why)
{
	cJSON *root = json_file_load(path);
	if (!root) {
		*why = "cannot read the config file, or it is not a JSON object";
		return false;
	}
	bool ok = true;
	for (const cJSON *it = root->child; it && ok; it = it->next) {
		int c = 0;
		while (c < GW__CLASSES && strcmp(names[c], it->string) != 0)
			c++;
		if (c == GW__CLASSES || !cJSON_IsObject(it)) {
			*why = "classes are oms, catalog, pricing, md_scroll, masterdata, orders, other, each an object";
			ok = false;
			break;
		}
		double conc = cfg[c].concurrency;
		for (const cJSON *k = it->child; k && ok; k = k->next)
			if (strcmp(k->string, "budget") && strcmp(k->string, "endpoint_budget") && strcmp(k->string, "window") &&
			    strcmp(k->string, "concurrency") && strcmp(k->string, "pause"))
				ok = false;
		ok = ok && number(it, "budget", 0, &cfg[c].budget) && number(it, "endpoint_budget", 0, &cfg[c].endpoint_budget) &&
		     number(it, "window", 0.001, &cfg[c].window) && number(it, "concurrency", 1, &conc) &&
		     number(it, "pause", 0, &cfg[c].pause) && conc <= 4096;
		cfg[c].concurrency = (unsigned)conc;
		if (!ok)
			*why = "each class takes budget, endpoint_budget, pause (>= 0), window (> 0), concurrency (1 to 4096)";
	}
	cJSON_Delete(root);
	return ok;
}

static bool prefix(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

int gw_class_of(const char *path)
{
	if (prefix(path, "/api/oms/"))
		return GW_OMS;
	if (prefix(path, "/api/catalog/") || prefix(path, "/api/catalog_system/"))
		return GW_CATALOG;
	if (prefix(path, "/pricing/"))
		return GW_PRICING;
	if (prefix(path, "/api/dataentities/")) {
		const char *last = strrchr(path, '/');
		return strcasecmp(last, "/scroll") == 0 ? GW_MD_SCROLL : GW_MASTERDATA;
	}
	if (prefix(path, "/api/orders/"))
		return GW_ORDERS;
	return GW_OTHER;
}

void gw_endpoint_of(const char *path, char *out, size_t outsz)
{
	size_t n = 0;
	while (*path && n + 2 < outsz) {
		size_t seg = strcspn(path + 1, "/") + 1; /* '/' and the segment */
		size_t digits = strspn(path + 1, "0123456789");
		if (seg > 1 && digits == seg - 1) {
			out[n++] = '/';
			out[n++] = '*';
		} else {
			size_t k = seg < outsz - 1 - n ? seg : outsz - 1 - n;
			memcpy(out + n, path, k);
			n += k;
		}
		path += seg;
	}
	out[n] = '\0';
}
