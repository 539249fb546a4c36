#include "catalog.h"
#include "ids.h"
#include "jw.h"
#include "rng.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Sub-streams of TAG_SKU keyed by product (the SKU stream itself is keyed by SKU). */
#define SKU_COUNT_STREAM (1ULL << 48)
#define SKU_OFFSET_STREAM (2ULL << 48)

static uint32_t draw_category(rng *r)
{
	uint32_t total = 0;
	for (size_t c = 0; c < sb_ncategories; c++)
		total += (uint32_t)sb_categories[c].weight;
	uint32_t x = rng_below(r, total), c = 0;
	while (x >= (uint32_t)sb_categories[c].weight)
		x -= (uint32_t)sb_categories[c++].weight;
	return c;
}

uint32_t catalog_product_category(uint64_t seed, uint32_t idx)
{
	rng r = rng_for(seed, TAG_PRODUCT, idx);
	return draw_category(&r);
}

uint32_t catalog_sku_count(uint64_t seed, uint32_t idx)
{
	const struct category *cat = &sb_categories[catalog_product_category(seed, idx)];
	rng r = rng_for(seed, TAG_SKU, SKU_COUNT_STREAM | idx);
	double u = rng_unit(&r);
	size_t nvals;
	sb_variant_values(cat->variant, &nvals);
	if (u < 0.03)
		return 0; /* a product without SKUs: VTEX lists it with [] */
	if (nvals == 0 || u < 0.33)
		return 1;
	uint32_t max = nvals < 6 ? (uint32_t)nvals : 6;
	return 2 + rng_below(&r, max - 1);
}

void catalog_product(const store *s, uint32_t idx, struct product_info *p)
{
	rng r = rng_for(s->seed, TAG_PRODUCT, idx);
	p->idx = idx;
	p->id = store_product_id(s, idx);
	p->cat = &sb_categories[draw_category(&r)];
	size_t ntypes = 0;
	while (ntypes < NELEM(p->cat->types) && p->cat->types[ntypes])
		ntypes++;
	p->type = p->cat->types[rng_below(&r, (uint32_t)ntypes)];
	p->adjective = sb_adjectives[rng_below(&r, (uint32_t)sb_nadjectives)];
	p->extra = sb_extras[rng_below(&r, (uint32_t)sb_nextras)];
	p->brand = &sb_brands[rng_below(&r, (uint32_t)sb_nbrands)];
	p->active = rng_chance(&r, 0.93);
	p->visible = rng_chance(&r, p->active ? 0.96 : 0.5);
	p->show_without_stock = rng_chance(&r, 0.6);
	p->release = (s->anchor / VT_DAY - rng_range(&r, 20, 1500)) * VT_DAY;
	p->score = (int)rng_range(&r, 0, 10);
	char model[16] = "";
	if (rng_chance(&r, 0.35))
		snprintf(model, sizeof model, " %c%c-%03d", 'A' + (int)rng_below(&r, 26),
			 'A' + (int)rng_below(&r, 26), (int)rng_below(&r, 1000));
	snprintf(p->name, sizeof p->name, "%s %s%s%s%s", p->type, p->adjective, model, *p->extra ? " " : "",
		 p->extra);
}

static void ean13(rng *r, char out[16])
{
	int sum = 0;
	memcpy(out, "789", 3);
	for (int i = 3; i < 12; i++)
		out[i] = (char)('0' + rng_below(r, 10));
	for (int i = 0; i < 12; i++)
		sum += (out[i] - '0') * (i % 2 ? 3 : 1);
	out[12] = (char)('0' + (10 - sum % 10) % 10);
	out[13] = '\0';
}

bool catalog_sku_price_draw(const store *s, uint32_t idx, int64_t *base, int64_t *list)
{
	const struct category *cat = &sb_categories[catalog_product_category(s->seed, s->sku_product[idx])];
	rng r = rng_for(s->seed, TAG_PRICE, idx);
	if (!rng_chance(&r, 0.97))
		return false; /* no price registered: Pricing answers 404 */
	double lo = log(cat->price_min), hi = log(cat->price_max);
	/* Log-scale, leaning to the cheap end of the category's range: most things sold are not TVs. */
	int64_t units = (int64_t)exp(lo + (hi - lo) * pow(rng_unit(&r), 1.8));
	static const int endings[] = { 90, 90, 99, 0, 50 };
	*base = units * 100 + RNG_PICK(&r, endings);
	if (*base < 100)
		*base = 190;
	int64_t over = rng_chance(&r, 0.4) ? (int64_t)rng_range(&r, 10, 45) : 0;
	*list = (*base * (100 + over) / 100) / 10 * 10 + (over ? 9 : 0);
	if (*list < *base)
		*list = *base;
	return true;
}

bool catalog_sku_price(const store *s, uint32_t idx, int64_t *base, int64_t *list)
{
	*base = s->sku_base[idx];
	*list = s->sku_list[idx];
	return *base > 0;
}

static const char *variant_of(const store *s, uint32_t sku, uint32_t product, const struct category *cat)
{
	size_t nvals;
	const char *const *vals = sb_variant_values(cat->variant, &nvals);
	uint32_t first = s->prod_sku_start[product];
	if (!nvals || s->prod_sku_start[product + 1] - first < 2)
		return NULL;
	rng r = rng_for(s->seed, TAG_SKU, SKU_OFFSET_STREAM | product);
	uint32_t off = rng_below(&r, (uint32_t)nvals);
	return vals[(off + sku - first) % nvals];
}

void catalog_sku(const store *s, uint32_t idx, struct sku_info *k, struct product_info *product)
{
	struct product_info own, *pp = product ? product : &own;
	k->idx = idx;
	k->product = s->sku_product[idx];
	catalog_product(s, k->product, pp);
	k->id = store_sku_id(s, idx);
	k->variant = variant_of(s, idx, k->product, pp->cat);
	snprintf(k->name, sizeof k->name, "%s", k->variant ? k->variant : pp->type);
	rng r = rng_for(s->seed, TAG_SKU, idx);
	k->active = rng_chance(&r, pp->active ? 0.94 : 0.3);
	ean13(&r, k->ean);
	k->height = (int)rng_range(&r, 2, 80);
	k->width = (int)rng_range(&r, 5, 90);
	k->length = (int)rng_range(&r, 5, 120);
	k->weight = (int)rng_range(&r, 80, 25000);
	k->created = pp->release + rng_range(&r, 0, 10 * VT_DAY);
	k->priced = catalog_sku_price(s, idx, &k->base, &k->list);
	rng pr = rng_for(s->seed, TAG_PRICE, idx ^ (1ULL << 40));
	k->cost = k->priced ? k->base * rng_range(&pr, 35, 65) / 100 : 0;
}

static void product_name_complete(char *out, size_t n, const struct product_info *p, const struct sku_info *k)
{
	snprintf(out, n, "%s%s%s", p->name, k->variant ? " " : "", k->variant ? k->variant : "");
}

void catalog_json_product(buf *b, const store *s, uint32_t idx, bool with_store_ids)
{
	struct product_info p;
	jw w;
	buf slug = { 0 };
	char tmp[512];

	catalog_product(s, idx, &p);
	text_slug(&slug, p.name, '-');
	jw_init(&w, b);
	jw_obj(&w);
	jw_ki64(&w, "Id", p.id);
	jw_kstr(&w, "Name", p.name);
	jw_ki64(&w, "DepartmentId", p.cat->dept_id);
	jw_ki64(&w, "CategoryId", p.cat->id);
	jw_ki64(&w, "BrandId", p.brand->id);
	snprintf(tmp, sizeof tmp, "%s-%lld", buf_cstr(&slug), (long long)p.id);
	jw_kstr(&w, "LinkId", tmp);
	snprintf(tmp, sizeof tmp, "REF-%06lld", (long long)p.id);
	jw_kstr(&w, "RefId", tmp);
	jw_kbool(&w, "IsVisible", p.visible);
	snprintf(tmp, sizeof tmp, "%s da marca %s, da linha %s. Categoria: %s.", p.name, p.brand->name,
		 p.adjective, p.cat->name);
	jw_kstr(&w, "Description", tmp);
	snprintf(tmp, sizeof tmp, "%s %s.", p.type, p.adjective);
	jw_kstr(&w, "DescriptionShort", tmp);
	jw_ktime(&w, "ReleaseDate", p.release, VTIME_LOCAL0);
	snprintf(tmp, sizeof tmp, "%s,%s,%s", p.type, p.adjective, p.brand->name);
	jw_kstr(&w, "KeyWords", tmp);
	jw_kstr(&w, "Title", p.name);
	jw_kbool(&w, "IsActive", p.active);
	jw_kstr(&w, "TaxCode", "");
	snprintf(tmp, sizeof tmp, "Compre %s na loja %s.", p.name, s->account);
	jw_kstr(&w, "MetaTagDescription", tmp);
	jw_ki64(&w, "SupplierId", 1);
	jw_kbool(&w, "ShowWithoutStock", p.show_without_stock);
	jw_kstr(&w, "AdWordsRemarketingCode", "");
	jw_kstr(&w, "LomadeeCampaignCode", "");
	jw_ki64(&w, "Score", p.score);
	if (with_store_ids) {
		jw_key(&w, "ListStoreId");
		jw_arr(&w);
		jw_i64(&w, 1);
		if (p.idx % 3 == 0)
			jw_i64(&w, 2);
		jw_end(&w);
	}
	jw_end(&w);
	buf_free(&slug);
}

void catalog_json_sku(buf *b, const store *s, uint32_t idx, bool in_list)
{
	struct sku_info k;
	jw w;
	char tmp[64];

	catalog_sku(s, idx, &k, NULL);
	jw_init(&w, b);
	jw_obj(&w);
	jw_ki64(&w, "Id", k.id);
	jw_ki64(&w, "ProductId", store_product_id(s, k.product));
	jw_kbool(&w, "IsActive", k.active);
	jw_kbool(&w, "ActivateIfPossible", true);
	jw_kstr(&w, "Name", k.name);
	snprintf(tmp, sizeof tmp, "SKU-%lld", (long long)k.id);
	jw_kstr(&w, "RefId", tmp);
	jw_knum(&w, "PackagedHeight", k.height + 2);
	jw_knum(&w, "PackagedLength", k.length + 2);
	jw_knum(&w, "PackagedWidth", k.width + 2);
	jw_knum(&w, "PackagedWeightKg", (k.weight + 150) / 1000.0);
	jw_knum(&w, "Height", k.height);
	jw_knum(&w, "Length", k.length);
	jw_knum(&w, "Width", k.width);
	jw_knum(&w, "WeightKg", k.weight / 1000.0);
	jw_knum(&w, "CubicWeight", round(k.height * k.width * k.length / 6000.0 * 1e4) / 1e4);
	jw_kbool(&w, "IsKit", false);
	jw_ktime(&w, "CreationDate", k.created, VTIME_LOCAL0);
	jw_knull(&w, "RewardValue");
	jw_knull(&w, "EstimatedDateArrival");
	jw_kstr(&w, "ManufacturerCode", "");
	jw_ki64(&w, "CommercialConditionId", 1);
	jw_kstr(&w, "MeasurementUnit", "un");
	jw_knum(&w, "UnitMultiplier", 1.0);
	jw_knull(&w, "ModalType");
	jw_kbool(&w, "KitItensSellApart", false);
	jw_key(&w, "Videos");
	jw_arr(&w);
	jw_end(&w);
	if (in_list)
		jw_ktime(&w, "DateUpdated", k.created + 3 * VT_DAY, VTIME_LOCAL0);
	jw_end(&w);
}

void catalog_json_sku_context(buf *b, const store *s, uint32_t idx)
{
	struct sku_info k;
	struct product_info p;
	jw w;
	buf slug = { 0 };
	char tmp[512];

	catalog_sku(s, idx, &k, &p);
	text_slug(&slug, p.name, '-');
	const struct department *dept = sb_department(p.cat->dept_id);
	int64_t file_id = 100000 + (int64_t)idx * 3;

	jw_init(&w, b);
	jw_obj(&w);
	jw_ki64(&w, "Id", k.id);
	jw_ki64(&w, "ProductId", p.id);
	product_name_complete(tmp, sizeof tmp, &p, &k);
	jw_kstr(&w, "NameComplete", tmp);
	jw_kstr(&w, "ComplementName", "");
	jw_kstr(&w, "ProductName", p.name);
	jw_kstr(&w, "ProductDescription", p.name);
	jw_kstr(&w, "SkuName", k.name);
	snprintf(tmp, sizeof tmp, "REF-%06lld", (long long)p.id);
	jw_kstr(&w, "ProductRefId", tmp);
	jw_kstr(&w, "TaxCode", "");
	jw_kbool(&w, "IsActive", k.active);
	jw_kbool(&w, "IsTransported", true);
	jw_kbool(&w, "IsInventoried", true);
	jw_kbool(&w, "IsGiftCardRecharge", false);
	snprintf(tmp, sizeof tmp, "https://%s.vteximg.com.br/arquivos/ids/%lld-55-55/%s.jpg", s->account,
		 (long long)file_id, buf_cstr(&slug));
	jw_kstr(&w, "ImageUrl", tmp);
	snprintf(tmp, sizeof tmp, "/%s-%lld/p", buf_cstr(&slug), (long long)p.id);
	jw_kstr(&w, "DetailUrl", tmp);
	jw_knull(&w, "CSCIdentification");
	jw_kid(&w, "BrandId", p.brand->id);
	jw_kstr(&w, "BrandName", p.brand->name);
	jw_kbool(&w, "IsBrandActive", p.brand->active);
	jw_key(&w, "Dimension");
	jw_obj(&w);
	jw_knum(&w, "cubicweight", round(k.height * k.width * k.length / 6000.0 * 1e4) / 1e4);
	jw_knum(&w, "height", k.height);
	jw_knum(&w, "length", k.length);
	jw_knum(&w, "weight", k.weight);
	jw_knum(&w, "width", k.width);
	jw_end(&w);
	jw_key(&w, "RealDimension");
	jw_obj(&w);
	jw_knum(&w, "realCubicWeight", round((k.height + 2) * (k.width + 2) * (k.length + 2) / 6000.0 * 1e4) / 1e4);
	jw_knum(&w, "realHeight", k.height + 2);
	jw_knum(&w, "realLength", k.length + 2);
	jw_knum(&w, "realWeight", k.weight + 150);
	jw_knum(&w, "realWidth", k.width + 2);
	jw_end(&w);
	jw_kstr(&w, "ManufacturerCode", "");
	jw_kbool(&w, "IsKit", false);
	jw_kraw(&w, "KitItems", "[]");
	jw_kraw(&w, "Services", "[]");
	jw_kraw(&w, "Categories", "[]");
	jw_key(&w, "CategoriesFullPath");
	jw_arr(&w);
	snprintf(tmp, sizeof tmp, "/%d/%d/", dept->id, p.cat->id);
	jw_str(&w, tmp);
	snprintf(tmp, sizeof tmp, "/%d/", dept->id);
	jw_str(&w, tmp);
	jw_end(&w);
	jw_kraw(&w, "Attachments", "[]");
	jw_kraw(&w, "Collections", "[]");
	jw_key(&w, "SkuSellers");
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "SellerId", "1");
	jw_ki64(&w, "StockKeepingUnitId", k.id);
	jw_kid(&w, "SellerStockKeepingUnitId", k.id);
	jw_kbool(&w, "IsActive", k.active);
	jw_ki64(&w, "FreightCommissionPercentage", 0);
	jw_ki64(&w, "ProductCommissionPercentage", 0);
	jw_end(&w);
	jw_end(&w);
	jw_key(&w, "SalesChannels");
	jw_arr(&w);
	jw_i64(&w, 1);
	if (p.idx % 3 == 0)
		jw_i64(&w, 2);
	jw_end(&w);
	jw_key(&w, "Images");
	jw_arr(&w);
	for (int i = 0; i < 2; i++) {
		jw_obj(&w);
		snprintf(tmp, sizeof tmp, "https://%s.vteximg.com.br/arquivos/ids/%lld/%s%s.jpg", s->account,
			 (long long)(file_id + i), buf_cstr(&slug), i ? "-2" : "");
		jw_kstr(&w, "ImageUrl", tmp);
		jw_kstr(&w, "ImageName", i ? "verso" : "");
		jw_ki64(&w, "FileId", file_id + i);
		jw_end(&w);
	}
	jw_end(&w);
	jw_kraw(&w, "Videos", "[]");
	jw_key(&w, "SkuSpecifications");
	jw_arr(&w);
	if (k.variant) {
		jw_obj(&w);
		jw_ki64(&w, "FieldId", 100 + p.cat->variant);
		jw_kstr(&w, "FieldName", sb_variant_label(p.cat->variant));
		jw_key(&w, "FieldValueIds");
		jw_arr(&w);
		jw_i64(&w, 1000 + (int64_t)(k.variant[0] & 0x7f));
		jw_end(&w);
		jw_key(&w, "FieldValues");
		jw_arr(&w);
		jw_str(&w, k.variant);
		jw_end(&w);
		jw_kbool(&w, "IsFilter", true);
		jw_ki64(&w, "FieldGroupId", 11);
		jw_kstr(&w, "FieldGroupName", "Especificações");
		jw_end(&w);
	}
	jw_end(&w);
	jw_key(&w, "ProductSpecifications");
	jw_arr(&w);
	jw_obj(&w);
	jw_ki64(&w, "FieldId", 23);
	jw_kstr(&w, "FieldName", "Fabricante");
	jw_kraw(&w, "FieldValueIds", "[]");
	jw_key(&w, "FieldValues");
	jw_arr(&w);
	jw_str(&w, p.brand->name);
	jw_end(&w);
	jw_kbool(&w, "IsFilter", false);
	jw_ki64(&w, "FieldGroupId", 17);
	jw_kstr(&w, "FieldGroupName", "Geral");
	jw_end(&w);
	jw_end(&w);
	jw_kstr(&w, "ProductClustersIds", p.idx % 4 == 0 ? "135,142" : "135");
	jw_kraw(&w, "PositionsInClusters", "{}");
	jw_kraw(&w, "ProductClusterNames", "{}");
	jw_kraw(&w, "ProductClusterHighlights", "{}");
	snprintf(tmp, sizeof tmp, "/%d/%d/", dept->id, p.cat->id);
	jw_kstr(&w, "ProductCategoryIds", tmp);
	jw_kbool(&w, "IsDirectCategoryActive", true);
	jw_knull(&w, "ProductGlobalCategoryId");
	jw_key(&w, "ProductCategories");
	jw_obj(&w);
	snprintf(tmp, sizeof tmp, "%d", p.cat->id);
	jw_kstr(&w, tmp, p.cat->name);
	snprintf(tmp, sizeof tmp, "%d", dept->id);
	jw_kstr(&w, tmp, dept->name);
	jw_end(&w);
	jw_ki64(&w, "CommercialConditionId", 1);
	jw_knum(&w, "RewardValue", 0.0);
	jw_key(&w, "AlternateIds");
	jw_obj(&w);
	jw_kstr(&w, "Ean", k.ean);
	snprintf(tmp, sizeof tmp, "SKU-%lld", (long long)k.id);
	jw_kstr(&w, "RefId", tmp);
	jw_end(&w);
	jw_key(&w, "AlternateIdValues");
	jw_arr(&w);
	jw_str(&w, k.ean);
	jw_str(&w, tmp);
	jw_end(&w);
	jw_knull(&w, "EstimatedDateArrival");
	jw_kstr(&w, "MeasurementUnit", "un");
	jw_knum(&w, "UnitMultiplier", 1.0);
	jw_kstr(&w, "InformationSource", "Indexer");
	jw_knull(&w, "ModalType");
	snprintf(tmp, sizeof tmp, "%s, %s", p.type, p.brand->name);
	jw_kstr(&w, "KeyWords", tmp);
	jw_ktime(&w, "ReleaseDate", p.release, VTIME_LOCAL0);
	jw_kbool(&w, "ProductIsVisible", p.visible);
	jw_kbool(&w, "ShowIfNotAvailable", p.show_without_stock);
	jw_kbool(&w, "IsProductActive", p.active);
	jw_ki64(&w, "ProductFinalScore", p.score);
	jw_end(&w);
	buf_free(&slug);
}

bool catalog_json_price(buf *b, const store *s, uint32_t idx)
{
	struct sku_info k;
	jw w;

	catalog_sku(s, idx, &k, NULL);
	if (!k.priced)
		return false;
	rng r = rng_for(s->seed, TAG_PRICE, idx ^ (2ULL << 40));
	jw_init(&w, b);
	jw_obj(&w);
	jw_kid(&w, "itemId", k.id);
	jw_kunits(&w, "listPrice", k.list);
	jw_kunits(&w, "costPrice", k.cost);
	jw_ki64(&w, "markup", k.cost ? (k.base * 100 / k.cost) - 100 : 0);
	jw_kunits(&w, "basePrice", k.base);
	jw_key(&w, "fixedPrices");
	jw_arr(&w);
	if (rng_chance(&r, 0.3)) { /* a dated promotion on the main trade policy */
		vtime_t from = (s->anchor / VT_DAY - rng_range(&r, 0, 20)) * VT_DAY + 14 * VT_HOUR + 30 * VT_MIN;
		jw_obj(&w);
		jw_kstr(&w, "tradePolicyId", "1");
		jw_kunits(&w, "value", k.base * rng_range(&r, 70, 95) / 100);
		jw_knull(&w, "listPrice");
		jw_ki64(&w, "minQuantity", 1);
		jw_key(&w, "dateRange");
		jw_obj(&w);
		jw_ktime(&w, "from", from, VTIME_Z0);
		jw_ktime(&w, "to", from + rng_range(&r, 3, 30) * VT_DAY, VTIME_Z0);
		jw_end(&w);
		jw_end(&w);
	}
	if (rng_chance(&r, 0.15)) { /* a second trade policy with its own price */
		jw_obj(&w);
		jw_kstr(&w, "tradePolicyId", "2");
		jw_kunits(&w, "value", k.base * rng_range(&r, 90, 110) / 100);
		jw_knull(&w, "listPrice");
		jw_ki64(&w, "minQuantity", 1);
		jw_end(&w);
	}
	jw_end(&w);
	jw_end(&w);
	return true;
}

bool catalog_json_computed_price(buf *b, const store *s, uint32_t idx, const char *table)
{
	struct sku_info k;
	jw w;

	catalog_sku(s, idx, &k, NULL);
	if (!k.priced)
		return false;
	jw_init(&w, b);
	jw_obj(&w);
	jw_kstr(&w, "tradePolicyId", table);
	jw_kunits(&w, "listPrice", k.list);
	jw_kunits(&w, "costPrice", k.cost);
	jw_kunits(&w, "sellingPrice", k.base);
	jw_ktime(&w, "priceValidUntil", (s->anchor / VT_DAY + 365) * VT_DAY, VTIME_Z0);
	jw_end(&w);
	return true;
}
