#include "presets.h"

#include <string.h>

/* Orders and clients: key + version, so each version of a record is its own
 * bronze row (append-only; silver keeps the latest). A payload without the
 * version (an OMS list row) falls back to its content hash. Products carry no
 * version: the content hash is the version, so an unchanged product fetched
 * again gets the same id and a changed one a new id. A hook event is
 * identified by (OrderId, State, CurrentChange or else LastChange); feed
 * items spell these in camelCase. */
#define FIELDS(...) .fields = { __VA_ARGS__ }
#define CONTENT .fields = { NULL }

static const preset presets[] = {
	{ .entity = "order", .root = "orders",
	  .key = { .n = 2, .parts = {
		{ FIELDS("orderId") },
		{ FIELDS("lastChange"), .instant = true, .else_content = true } } } },
	{ .entity = "product", .root = "products",
	  .key = { .n = 2, .parts = {
		{ FIELDS("Id", "productId", "ProductId") },
		{ CONTENT } } } },
	{ .entity = "client", .root = "clients",
	  .key = { .n = 2, .parts = {
		{ FIELDS("id") },
		{ FIELDS("updatedIn"), .instant = true, .else_content = true } } } },
	{ .entity = "hook", .root = "order_hooks",
	  .key = { .n = 3, .parts = {
		{ FIELDS("OrderId", "orderId") },
		{ FIELDS("State", "state") },
		{ FIELDS("CurrentChange", "currentChange", "LastChange", "lastChange"), .instant = true } } } },
};

const preset *preset_find(const char *name)
{
	for (size_t i = 0; i < sizeof presets / sizeof *presets; i++)
		if (strcmp(presets[i].entity, name) == 0)
			return &presets[i];
	return NULL;
}

const char *preset_names(void)
{
	return "order, product, client, hook";
}
