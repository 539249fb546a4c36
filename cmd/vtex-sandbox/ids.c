#include "ids.h"
#include "rng.h"

int64_t store_product_id(const store *s, uint32_t idx)
{
	return 100 + 2 * (int64_t)idx + (int64_t)(mix64(s->seed ^ idx) & 1);
}

int64_t store_sku_id(const store *s, uint32_t idx)
{
	return 1000 + 3 * (int64_t)idx + (int64_t)(mix64(s->seed + idx) % 3);
}

bool store_product_index(const store *s, int64_t id, uint32_t *idx)
{
	if (id < 100 || (id - 100) / 2 >= s->n_products)
		return false;
	*idx = (uint32_t)((id - 100) / 2);
	return store_product_id(s, *idx) == id;
}

bool store_sku_index(const store *s, int64_t id, uint32_t *idx)
{
	if (id < 1000 || (id - 1000) / 3 >= s->n_skus)
		return false;
	*idx = (uint32_t)((id - 1000) / 3);
	return store_sku_id(s, *idx) == id;
}

uint64_t store_order_group(const store *s, uint32_t idx)
{
	unsigned __int128 x = (unsigned __int128)s->group_mul * idx + s->group_add;
	return ORDER_GROUP_SPACE + (uint64_t)(x % ORDER_GROUP_SPACE);
}
