#include "order_json.h"
#include "catalog.h"
#include "client.h"
#include "ids.h"
#include "names.h"
#include "rng.h"
#include "text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Ids inside an order (payments, items, ...) come from this stream. */
#define STREAM_IDS (2ULL << 40)

static void hex_id(rng *r, char out[33])
{
	text_hex(rng_next(r), rng_next(r), 32, 1, out);
}

/* "Visa, Vale": the distinct payment names of the active transaction. */
static void order_payment_names(const struct order_plan *p, char *out, size_t n)
{
	const struct plan_tx *tx = &p->tx[p->ntx - 1];
	out[0] = '\0';
	for (int i = 0; i < tx->npay; i++) {
		const char *name = sb_pay_methods[tx->pay[i].method].name;
		if (i == 1 && tx->pay[1].method == tx->pay[0].method)
			continue;
		size_t len = strlen(out);
		snprintf(out + len, n - len, "%s%s", i ? ", " : "", name);
	}
}

static void put_address(jw *w, const store *s, const struct order_plan *p, const struct client_info *c,
			const char *address_id)
{
	const struct city *city = &sb_cities[p->city];
	char tmp[160];
	rng r = rng_for(s->seed, TAG_ORDER, (3ULL << 40) | p->idx); /* postal code, number, coordinates */
	jw_obj(w);
	jw_kstr(w, "addressType", "residential");
	snprintf(tmp, sizeof tmp, "%s %s", c->first, c->last);
	jw_kstr(w, "receiverName", tmp);
	jw_kstr(w, "addressId", address_id);
	jw_knull(w, "versionId");
	jw_knull(w, "entityId");
	snprintf(tmp, sizeof tmp, "%s%03u-%03u", city->postal_prefix, rng_below(&r, 1000), rng_below(&r, 1000));
	jw_kstr(w, "postalCode", tmp);
	jw_kstr(w, "city", city->name);
	jw_kstr(w, "state", city->state);
	jw_kstr(w, "country", "BRA");
	jw_kstr(w, "street", sb_streets[p->street]);
	snprintf(tmp, sizeof tmp, "%u", 1 + rng_below(&r, 3000));
	jw_kstr(w, "number", tmp);
	jw_kstr(w, "neighborhood", sb_neighborhoods[p->neighborhood]);
	if (p->idx % 3)
		jw_kstr(w, "complement", p->idx % 3 == 1 ? "Apto 12" : "Bloco B, casa 3");
	else
		jw_knull(w, "complement");
	jw_knull(w, "reference");
	jw_key(w, "geoCoordinates");
	jw_arr(w);
	jw_num(w, -43.0 - rng_below(&r, 10000) / 1000.0);
	jw_num(w, -15.0 - rng_below(&r, 10000) / 1000.0);
	jw_end(w);
	jw_end(w);
}

static void put_pickup_none(jw *w)
{
	jw_key(w, "pickupStoreInfo");
	jw_obj(w);
	jw_knull(w, "additionalInfo");
	jw_knull(w, "address");
	jw_knull(w, "dockId");
	jw_knull(w, "friendlyName");
	jw_kbool(w, "isPickupStore", false);
	jw_end(w);
}

static void put_shipping(jw *w, const store *s, const struct order_plan *p, const struct client_info *c, rng *ids)
{
	char address_id[33], tmp[32];
	hex_id(ids, address_id);
	snprintf(tmp, sizeof tmp, "%ubd", p->shipping_days);
	jw_key(w, "shippingData");
	jw_obj(w);
	jw_kstr(w, "id", "shippingData");
	jw_key(w, "address");
	put_address(w, s, p, c, address_id);
	jw_key(w, "logisticsInfo");
	jw_arr(w);
	for (int i = 0; i < p->nitems; i++) {
		const struct plan_item *it = &p->items[i];
		jw_obj(w);
		jw_ki64(w, "itemIndex", i);
		jw_kstr(w, "selectedSla", "Normal");
		jw_kstr(w, "lockTTL", "10d");
		jw_ki64(w, "price", it->shipping);
		jw_ki64(w, "listPrice", it->shipping);
		jw_ki64(w, "sellingPrice", it->shipping);
		jw_knull(w, "deliveryWindow");
		jw_kstr(w, "deliveryCompany", sb_couriers[p->courier]);
		jw_kstr(w, "shippingEstimate", tmp);
		jw_ktime(w, "shippingEstimateDate", p->created + (vtime_t)p->shipping_days * VT_DAY, VTIME_OFFSET7);
		jw_key(w, "slas");
		jw_arr(w);
		jw_obj(w);
		jw_kstr(w, "id", "Normal");
		jw_kstr(w, "name", "Normal");
		jw_kstr(w, "shippingEstimate", tmp);
		jw_knull(w, "deliveryWindow");
		jw_ki64(w, "price", it->shipping);
		jw_kstr(w, "deliveryChannel", "delivery");
		put_pickup_none(w);
		jw_kstr(w, "polygonName", "");
		jw_kstr(w, "lockTTL", "10d");
		jw_knull(w, "pickupPointId");
		jw_kstr(w, "transitTime", "3d");
		jw_knum(w, "pickupDistance", 0.0);
		jw_end(w);
		jw_end(w);
		jw_kraw(w, "shipsTo", "[\"BRA\"]");
		jw_key(w, "deliveryIds");
		jw_arr(w);
		jw_obj(w);
		jw_kstr(w, "courierId", "1");
		jw_kstr(w, "courierName", sb_couriers[p->courier]);
		jw_kstr(w, "dockId", "1");
		jw_ki64(w, "quantity", it->qty);
		jw_kstr(w, "warehouseId", "1_1");
		jw_kstr(w, "accountCarrierName", s->account);
		jw_kraw(w, "kitItemDetails", "[]");
		jw_end(w);
		jw_end(w);
		jw_kraw(w, "deliveryChannels", "[{\"id\":\"delivery\",\"stockBalance\":0}]");
		jw_kstr(w, "deliveryChannel", "delivery");
		put_pickup_none(w);
		jw_kstr(w, "addressId", address_id);
		jw_knull(w, "versionId");
		jw_knull(w, "entityId");
		jw_kstr(w, "polygonName", "");
		jw_knull(w, "pickupPointId");
		jw_kstr(w, "transitTime", "3d");
		jw_end(w);
	}
	jw_end(w);
	jw_knull(w, "trackingHints");
	jw_key(w, "selectedAddresses");
	jw_arr(w);
	put_address(w, s, p, c, address_id);
	jw_end(w);
	jw_key(w, "contactInformation");
	jw_arr(w);
	jw_obj(w);
	jw_kstr(w, "id", "0");
	jw_kstr(w, "email", c->masked_email);
	jw_kstr(w, "firstName", c->first);
	jw_kstr(w, "lastName", c->last);
	jw_kstr(w, "phone", c->phone + 1);
	jw_kstr(w, "document", c->document);
	jw_kstr(w, "documentType", "cpf");
	jw_kstr(w, "entityId", c->user_id);
	jw_knull(w, "versionId");
	jw_end(w);
	jw_end(w);
	jw_end(w);
}

static void put_payment(jw *w, const store *s, const struct order_plan *p, const struct plan_payment *pay,
			rng *ids)
{
	const struct pay_method *m = &sb_pay_methods[pay->method];
	char id[33], tmp[160];
	hex_id(ids, id);
	jw_obj(w);
	jw_kstr(w, "id", id);
	jw_kstr(w, "paymentSystem", m->id);
	jw_kstr(w, "paymentSystemName", m->name);
	jw_ki64(w, "value", pay->value);
	jw_ki64(w, "installments", pay->installments);
	jw_ki64(w, "referenceValue", pay->value);
	jw_knull(w, "cardHolder");
	jw_knull(w, "cardNumber");
	if (m->kind == PG_CARD) {
		snprintf(tmp, sizeof tmp, "%s%04u", pay->method == 0 ? "41" : pay->method == 1 ? "54" : "37",
			 (unsigned)(rng_next(ids) % 10000));
		jw_kstr(w, "firstDigits", tmp);
		snprintf(tmp, sizeof tmp, "%04u", (unsigned)(rng_next(ids) % 10000));
		jw_kstr(w, "lastDigits", tmp);
		jw_knull(w, "cvv2");
		snprintf(tmp, sizeof tmp, "%02u", (unsigned)(1 + rng_next(ids) % 12));
		jw_kstr(w, "expireMonth", tmp);
		snprintf(tmp, sizeof tmp, "%u", (unsigned)(2027 + rng_next(ids) % 6));
		jw_kstr(w, "expireYear", tmp);
	} else {
		jw_knull(w, "firstDigits");
		jw_knull(w, "lastDigits");
		jw_knull(w, "cvv2");
		jw_knull(w, "expireMonth");
		jw_knull(w, "expireYear");
	}
	if (m->kind == PG_BOLETO) {
		snprintf(tmp, sizeof tmp, "https://%s.vtexpayments.com.br/BankIssuedInvoice/Transaction/%s/Payment/%s/Installment/1",
			 s->account, id, id);
		jw_kstr(w, "url", tmp);
	} else {
		jw_knull(w, "url");
	}
	if (m->kind == PG_GIFTCARD) {
		snprintf(tmp, sizeof tmp, "%u", (unsigned)(rng_next(ids) % 100000));
		jw_kstr(w, "giftCardId", tmp);
		jw_kstr(w, "giftCardName", "Vale-presente");
		jw_kstr(w, "giftCardCaption", "Vale-presente da loja");
		snprintf(tmp, sizeof tmp, "****-****-%04u", (unsigned)(rng_next(ids) % 10000));
		jw_kstr(w, "redemptionCode", tmp);
	} else {
		jw_knull(w, "giftCardId");
		jw_knull(w, "giftCardName");
		jw_knull(w, "giftCardCaption");
		jw_knull(w, "redemptionCode");
	}
	jw_kstr(w, "group", m->group);
	snprintf(tmp, sizeof tmp, "%u", (unsigned)(rng_next(ids) % 100000000));
	jw_kstr(w, "tid", tmp);
	if (m->kind == PG_BOLETO)
		jw_ktime(w, "dueDate", (p->created / VT_DAY + 3) * VT_DAY, VTIME_LOCAL0);
	else
		jw_knull(w, "dueDate");
	jw_key(w, "connectorResponses");
	jw_obj(w);
	if (m->kind == PG_CARD || m->kind == PG_PIX) {
		jw_kstr(w, "Tid", tmp);
		jw_kstr(w, "ReturnCode", "200");
		jw_kstr(w, "Message", "logMessage");
		snprintf(tmp, sizeof tmp, "%06u", (unsigned)(rng_next(ids) % 1000000));
		jw_kstr(w, "authId", tmp);
	}
	jw_end(w);
	jw_knull(w, "giftCardProvider");
	jw_kbool(w, "giftCardAsDiscount", false);
	jw_knull(w, "koinUrl");
	jw_knull(w, "accountId");
	jw_knull(w, "parentAccountId");
	jw_knull(w, "bankIssuedInvoiceIdentificationNumber");
	jw_knull(w, "bankIssuedInvoiceIdentificationNumberFormatted");
	jw_knull(w, "bankIssuedInvoiceBarCodeNumber");
	jw_knull(w, "bankIssuedInvoiceBarCodeType");
	jw_knull(w, "billingAddress");
	jw_knull(w, "paymentOrigin");
	jw_end(w);
}

static void put_payments(jw *w, const store *s, const struct order_plan *p, rng *ids)
{
	char id[33];
	jw_key(w, "paymentData");
	jw_obj(w);
	jw_key(w, "transactions");
	jw_arr(w);
	for (int t = 0; t < p->ntx; t++) {
		const struct plan_tx *tx = &p->tx[t];
		hex_id(ids, id);
		jw_obj(w);
		jw_kbool(w, "isActive", tx->active);
		jw_kstr(w, "transactionId", id);
		jw_kstr(w, "merchantName", s->account);
		jw_key(w, "payments");
		jw_arr(w);
		for (int i = 0; i < tx->npay; i++)
			put_payment(w, s, p, &tx->pay[i], ids);
		jw_end(w);
		jw_end(w);
	}
	jw_end(w);
	jw_kraw(w, "giftCards", "[]");
	jw_end(w);
}

static void put_item(jw *w, const store *s, const struct order_plan *p, int i, const char *group, rng *ids)
{
	const struct plan_item *it = &p->items[i];
	struct sku_info k;
	struct product_info pr;
	char tmp[512], id[33];
	buf slug = { 0 };

	catalog_sku(s, it->sku, &k, &pr);
	text_slug(&slug, pr.name, '-');
	hex_id(ids, id);
	jw_obj(w);
	jw_kstr(w, "uniqueId", id);
	jw_kid(w, "id", k.id);
	jw_kid(w, "productId", pr.id);
	jw_kstr(w, "ean", k.ean);
	snprintf(tmp, sizeof tmp, "00-%s-01", group);
	jw_kstr(w, "lockId", tmp);
	jw_kraw(w, "itemAttachment", "{\"content\":{},\"name\":null}");
	jw_kraw(w, "attachments", "[]");
	jw_ki64(w, "quantity", it->qty);
	jw_kstr(w, "seller", "1");
	snprintf(tmp, sizeof tmp, "%s%s%s", pr.name, k.variant ? " " : "", k.variant ? k.variant : "");
	jw_kstr(w, "name", tmp);
	snprintf(tmp, sizeof tmp, "SKU-%lld", (long long)k.id);
	jw_kstr(w, "refId", tmp);
	jw_ki64(w, "price", it->price);
	jw_ki64(w, "listPrice", it->list_price);
	jw_knull(w, "manualPrice");
	jw_key(w, "priceTags");
	jw_arr(w);
	if (it->selling_price != it->price) {
		int64_t off = (it->selling_price - it->price) * it->qty;
		char guid[37];
		jw_obj(w);
		jw_kstr(w, "name", "DISCOUNT@MARKETPLACE");
		jw_ki64(w, "value", off);
		jw_kbool(w, "isPercentual", false);
		jw_kstr(w, "identifier", text_guid(rng_next(ids), rng_next(ids), guid));
		jw_kunits(w, "rawValue", off);
		jw_knull(w, "rate");
		jw_knull(w, "jurisCode");
		jw_knull(w, "jurisType");
		jw_knull(w, "jurisName");
		jw_end(w);
	}
	jw_end(w);
	snprintf(tmp, sizeof tmp, "https://%s.vteximg.com.br/arquivos/ids/%lld-55-55/%s.jpg", s->account,
		 100000 + (long long)it->sku * 3, buf_cstr(&slug));
	jw_kstr(w, "imageUrl", tmp);
	snprintf(tmp, sizeof tmp, "/%s-%lld/p", buf_cstr(&slug), (long long)pr.id);
	jw_kstr(w, "detailUrl", tmp);
	jw_kraw(w, "components", "[]");
	jw_kraw(w, "bundleItems", "[]");
	jw_kraw(w, "params", "[]");
	jw_kraw(w, "offerings", "[]");
	jw_kraw(w, "attachmentOfferings", "[]");
	jw_kid(w, "sellerSku", k.id);
	jw_ktime(w, "priceValidUntil", (p->created / VT_DAY + 365) * VT_DAY, VTIME_OFFSET7);
	jw_ki64(w, "commission", 0);
	jw_ki64(w, "tax", 0);
	jw_knull(w, "preSaleDate");
	jw_key(w, "additionalInfo");
	jw_obj(w);
	jw_kstr(w, "brandName", pr.brand->name);
	jw_kid(w, "brandId", pr.brand->id);
	snprintf(tmp, sizeof tmp, "/%d/%d/", pr.cat->dept_id, pr.cat->id);
	jw_kstr(w, "categoriesIds", tmp);
	jw_key(w, "categories");
	jw_arr(w);
	jw_obj(w);
	jw_ki64(w, "id", pr.cat->id);
	jw_kstr(w, "name", pr.cat->name);
	jw_end(w);
	jw_obj(w);
	jw_ki64(w, "id", pr.cat->dept_id);
	jw_kstr(w, "name", sb_department(pr.cat->dept_id)->name);
	jw_end(w);
	jw_end(w);
	jw_kstr(w, "productClusterId", "135");
	jw_kstr(w, "commercialConditionId", "1");
	jw_key(w, "dimension");
	jw_obj(w);
	jw_knum(w, "cubicweight", round(k.height * k.width * k.length / 6000.0 * 1e4) / 1e4);
	jw_knum(w, "height", k.height);
	jw_knum(w, "length", k.length);
	jw_knum(w, "weight", k.weight);
	jw_knum(w, "width", k.width);
	jw_end(w);
	jw_knull(w, "offeringInfo");
	jw_knull(w, "offeringType");
	jw_knull(w, "offeringTypeId");
	jw_end(w);
	jw_kstr(w, "measurementUnit", "un");
	jw_knum(w, "unitMultiplier", 1.0);
	jw_ki64(w, "sellingPrice", it->selling_price);
	jw_kbool(w, "isGift", false);
	jw_knull(w, "shippingPrice");
	jw_ki64(w, "rewardValue", 0);
	jw_ki64(w, "freightCommission", 0);
	jw_key(w, "priceDefinition");
	jw_obj(w);
	jw_key(w, "sellingPrices");
	jw_arr(w);
	jw_obj(w);
	jw_ki64(w, "value", it->selling_price);
	jw_ki64(w, "quantity", it->qty);
	jw_end(w);
	jw_end(w);
	jw_ki64(w, "calculatedSellingPrice", it->selling_price);
	jw_ki64(w, "total", it->selling_price * it->qty);
	jw_knull(w, "reason");
	jw_end(w);
	jw_kstr(w, "taxCode", "");
	jw_knull(w, "parentItemIndex");
	jw_knull(w, "parentAssemblyBinding");
	jw_knull(w, "callCenterOperator");
	jw_knull(w, "serialNumbers");
	jw_kraw(w, "assemblies", "[]");
	jw_ki64(w, "costPrice", it->price * 55 / 100);
	jw_end(w);
	buf_free(&slug);
}

static void put_item_metadata(jw *w, const store *s, const struct order_plan *p)
{
	jw_key(w, "itemMetadata");
	jw_obj(w);
	jw_key(w, "Items");
	jw_arr(w);
	for (int i = 0; i < p->nitems; i++) {
		struct sku_info k;
		struct product_info pr;
		char tmp[256];
		catalog_sku(s, p->items[i].sku, &k, &pr);
		jw_obj(w);
		jw_kid(w, "Id", k.id);
		jw_kstr(w, "Seller", "1");
		jw_kstr(w, "Name", pr.name);
		jw_kstr(w, "SkuName", k.name);
		jw_kid(w, "ProductId", pr.id);
		snprintf(tmp, sizeof tmp, "SKU-%lld", (long long)k.id);
		jw_kstr(w, "RefId", tmp);
		jw_kstr(w, "Ean", k.ean);
		snprintf(tmp, sizeof tmp, "https://%s.vteximg.com.br/arquivos/ids/%lld-55-55/sku.jpg", s->account,
			 100000 + (long long)p->items[i].sku * 3);
		jw_kstr(w, "ImageUrl", tmp);
		snprintf(tmp, sizeof tmp, "/produto-%lld/p", (long long)pr.id);
		jw_kstr(w, "DetailUrl", tmp);
		jw_kraw(w, "AssemblyOptions", "[]");
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

static void put_packages(jw *w, const store *s, const struct order_plan *p, const char *group, rng *ids)
{
	vtime_t invoiced = plan_time_of(p, ST_INVOICED);
	char tmp[160];
	jw_key(w, "packageAttachment");
	jw_obj(w);
	jw_key(w, "packages");
	jw_arr(w);
	if (invoiced) {
		unsigned number = (unsigned)(10000 + p->idx);
		jw_obj(w);
		jw_key(w, "items");
		jw_arr(w);
		for (int i = 0; i < p->nitems; i++) {
			jw_obj(w);
			jw_ki64(w, "itemIndex", i);
			jw_ki64(w, "quantity", p->items[i].qty);
			jw_ki64(w, "price", p->items[i].selling_price);
			jw_kstr(w, "description", "");
			jw_knum(w, "unitMultiplier", 1.0);
			jw_end(w);
		}
		jw_end(w);
		jw_kstr(w, "courier", sb_couriers[p->courier]);
		snprintf(tmp, sizeof tmp, "%u", number);
		jw_kstr(w, "invoiceNumber", tmp);
		jw_ki64(w, "invoiceValue", p->value);
		snprintf(tmp, sizeof tmp, "https://%s.example.com/invoices/%u.pdf", s->account, number);
		jw_kstr(w, "invoiceUrl", tmp);
		jw_ktime(w, "issuanceDate", invoiced - 30 * VT_SEC, VTIME_OFFSET7);
		snprintf(tmp, sizeof tmp, "BR%09uXX", (unsigned)(rng_next(ids) % 1000000000));
		jw_kstr(w, "trackingNumber", tmp);
		snprintf(tmp, sizeof tmp, "352%s%011u", group, number);
		jw_kstr(w, "invoiceKey", tmp);
		jw_knull(w, "trackingUrl");
		jw_kstr(w, "embeddedInvoice", "");
		jw_kstr(w, "type", "Output");
		jw_knull(w, "courierStatus");
		jw_kstr(w, "cfop", "5102");
		jw_kraw(w, "restitutions", "{}");
		jw_ki64(w, "volumes", 1);
		jw_kbool(w, "EnableInferItems", false);
		jw_end(w);
	}
	jw_end(w);
	jw_end(w);
}

static void put_totals(jw *w, const struct order_plan *p)
{
	static const char *const ids[] = { "Items", "Discounts", "Shipping", "Tax" };
	static const char *const names[] = { "Total dos Itens", "Total dos Descontos", "Total do Frete", "Total da Taxa" };
	int64_t v[] = { p->items_total, p->discounts_total, p->shipping_total, p->tax_total };
	jw_key(w, "totals");
	jw_arr(w);
	for (int i = 0; i < 4; i++) {
		jw_obj(w);
		jw_kstr(w, "id", ids[i]);
		jw_kstr(w, "name", names[i]);
		jw_ki64(w, "value", v[i]);
		jw_end(w);
	}
	jw_end(w);
}

void order_json_detail(buf *b, const store *s, const struct order_plan *p)
{
	struct client_info c;
	char order_id[40], group[16], tmp[256], hex[33];
	rng ids = rng_for(s->seed, TAG_ORDER, STREAM_IDS | p->idx);
	jw w;
	enum ostate st = plan_state(p);
	vtime_t canceled = plan_time_of(p, ST_CANCELED);
	vtime_t cancel_started = plan_time_of(p, ST_CANCEL);

	client_info(s, p->client, &c);
	plan_order_id(s, p->idx, p->affiliate, order_id);
	snprintf(group, sizeof group, "%013llu", (unsigned long long)store_order_group(s, p->idx));

	jw_init(&w, b);
	jw_obj(&w);
	jw_kstr(&w, "orderId", order_id);
	snprintf(tmp, sizeof tmp, "%u", 500000 + p->idx);
	jw_kstr(&w, "sequence", tmp);
	if (p->affiliate) {
		snprintf(tmp, sizeof tmp, "%s-01", group);
		jw_kstr(&w, "marketplaceOrderId", tmp);
	} else {
		jw_kstr(&w, "marketplaceOrderId", "");
	}
	snprintf(tmp, sizeof tmp, "http://oms.vtexinternal.com.br/api/oms?an=%s", s->account);
	jw_kstr(&w, "marketplaceServicesEndpoint", tmp);
	snprintf(tmp, sizeof tmp, "00-%s-01", group);
	jw_kstr(&w, "sellerOrderId", tmp);
	jw_kstr(&w, "origin", p->affiliate ? "Fulfillment" : "Marketplace");
	jw_kstr(&w, "affiliateId", plan_affiliates[p->affiliate]);
	snprintf(tmp, sizeof tmp, "%u", p->sales_channel);
	jw_kstr(&w, "salesChannel", tmp);
	jw_knull(&w, "merchantName");
	jw_kstr(&w, "status", ostate_name(st));
	jw_kbool(&w, "workflowIsInError", false);
	jw_kstr(&w, "statusDescription", ostate_description(st));
	jw_ki64(&w, "value", p->value);
	jw_ktime(&w, "creationDate", p->created, VTIME_OFFSET6);
	jw_ktime(&w, "lastChange", plan_last_change(p), VTIME_OFFSET7);
	jw_kstr(&w, "orderGroup", group);
	snprintf(tmp, sizeof tmp, "atendimento@%s.example.com", s->account);
	jw_kstr(&w, "followUpEmail", tmp);
	jw_knull(&w, "lastMessage");
	jw_kstr(&w, "hostname", s->account);
	jw_kbool(&w, "isCompleted", true);
	jw_ki64(&w, "roundingError", 0);
	jw_kstr(&w, "orderFormId", text_hex(rng_next(&ids), rng_next(&ids), 32, 0, hex));
	jw_kbool(&w, "allowCancellation", st < ST_HANDLING);
	jw_kbool(&w, "allowEdition", false);
	jw_kbool(&w, "isCheckedIn", false);
	jw_ktime_or_null(&w, "authorizedDate", plan_time_of(p, ST_APPROVED), VTIME_OFFSET7);
	jw_ktime_or_null(&w, "invoicedDate", plan_time_of(p, ST_INVOICED), VTIME_OFFSET7);
	const char *reason = p->path == PATH_UNPAID ? "Pagamento não confirmado no prazo."
			   : p->path == PATH_WINDOW_CANCEL ? "Cliente desistiu da compra."
							   : "Item fora de estoque.";
	if (cancel_started)
		jw_kstr(&w, "cancelReason", reason);
	else
		jw_knull(&w, "cancelReason");
	jw_knull(&w, "checkedInPickupPointId");
	put_totals(&w, p);
	jw_key(&w, "sellers");
	jw_arr(&w);
	jw_obj(&w);
	jw_kstr(&w, "id", "1");
	jw_kstr(&w, "name", s->account);
	jw_kstr(&w, "logo", "");
	snprintf(tmp, sizeof tmp, "http://fulfillment.vtexcommerce.com.br/api/fulfillment?an=%s", s->account);
	jw_kstr(&w, "fulfillmentEndpoint", tmp);
	jw_end(&w);
	jw_end(&w);
	jw_key(&w, "clientPreferencesData");
	jw_obj(&w);
	jw_kstr(&w, "locale", "pt-BR");
	jw_kbool(&w, "optinNewsLetter", c.newsletter);
	jw_end(&w);
	if (cancel_started) {
		jw_key(&w, "cancellationData");
		jw_obj(&w);
		jw_kbool(&w, "RequestedByUser", p->path != PATH_UNPAID && p->path != PATH_HANDLING_CANCEL);
		jw_kbool(&w, "RequestedBySystem", p->path == PATH_UNPAID);
		jw_kbool(&w, "RequestedBySellerNotification", p->path == PATH_HANDLING_CANCEL);
		jw_kbool(&w, "RequestedByPaymentNotification", false);
		jw_kstr(&w, "Reason", reason);
		jw_ktime(&w, "CancellationDate", canceled ? canceled : cancel_started, VTIME_Z7);
		jw_end(&w);
	} else {
		jw_knull(&w, "cancellationData");
	}
	jw_knull(&w, "taxData");
	jw_knull(&w, "subscriptionData");
	put_item_metadata(&w, s, p);
	jw_key(&w, "marketplace");
	jw_obj(&w);
	snprintf(tmp, sizeof tmp, "http://oms.vtexinternal.com.br/api/oms?an=%s", s->account);
	jw_kstr(&w, "baseURL", tmp);
	jw_knull(&w, "isCertified");
	jw_kstr(&w, "name", s->account);
	jw_end(&w);
	jw_kraw(&w, "storePreferencesData",
		"{\"countryCode\":\"BRA\",\"currencyCode\":\"BRL\",\"currencyFormatInfo\":{\"CurrencyDecimalDigits\":2,"
		"\"CurrencyDecimalSeparator\":\",\",\"CurrencyGroupSeparator\":\".\",\"CurrencyGroupSize\":3,"
		"\"StartsWithCurrencySymbol\":true},\"currencyLocale\":1046,\"currencySymbol\":\"R$\","
		"\"timeZone\":\"E. South America Standard Time\"}");
	jw_knull(&w, "customData");
	jw_knull(&w, "commercialConditionData");
	jw_knull(&w, "openTextField");
	jw_knull(&w, "invoiceData");
	jw_knull(&w, "changesAttachment");
	jw_knull(&w, "callCenterOperatorData");
	put_packages(&w, s, p, group, &ids);
	put_payments(&w, s, p, &ids);
	put_shipping(&w, s, p, &c, &ids);
	jw_key(&w, "ratesAndBenefitsData");
	jw_obj(&w);
	jw_kstr(&w, "id", "ratesAndBenefitsData");
	jw_kraw(&w, "rateAndBenefitsIdentifiers", "[]");
	jw_end(&w);
	if (p->idx % 4 == 0) {
		static const char *const sources[] = { "google", "fb", "instagram", "newsletter" };
		jw_key(&w, "marketingData");
		jw_obj(&w);
		jw_kstr(&w, "id", "marketingData");
		jw_kstr(&w, "utmSource", sources[(p->idx / 4) % 4]);
		jw_knull(&w, "utmPartner");
		jw_kstr(&w, "utmMedium", "cpc");
		jw_kstr(&w, "utmCampaign", "promoção-verão");
		jw_knull(&w, "coupon");
		jw_kstr(&w, "utmiCampaign", " ");
		jw_kstr(&w, "utmipage", " ");
		jw_kstr(&w, "utmiPart", " ");
		jw_kraw(&w, "marketingTags", "[]");
		jw_end(&w);
	} else {
		jw_knull(&w, "marketingData");
	}
	jw_knull(&w, "giftRegistryData");
	jw_key(&w, "clientProfileData");
	jw_obj(&w);
	jw_kstr(&w, "id", "clientProfileData");
	jw_kstr(&w, "email", c.masked_email);
	jw_kstr(&w, "firstName", c.first);
	jw_kstr(&w, "lastName", c.last);
	jw_kstr(&w, "documentType", "cpf");
	jw_kstr(&w, "document", c.document);
	jw_kstr(&w, "phone", c.phone);
	jw_kstr_or_null(&w, "corporateName", c.corporate ? c.corporate_name : NULL);
	jw_kstr_or_null(&w, "tradeName", c.corporate ? c.trade_name : NULL);
	jw_kstr_or_null(&w, "corporateDocument", c.corporate ? c.corporate_document : NULL);
	jw_kstr_or_null(&w, "stateInscription", c.corporate ? c.state_registration : NULL);
	jw_knull(&w, "corporatePhone");
	jw_kbool(&w, "isCorporate", c.corporate);
	jw_kstr(&w, "userProfileId", c.user_id);
	jw_knull(&w, "userProfileVersion");
	jw_knull(&w, "customerClass");
	jw_knull(&w, "customerCode");
	jw_end(&w);
	jw_key(&w, "items");
	jw_arr(&w);
	for (int i = 0; i < p->nitems; i++)
		put_item(&w, s, p, i, group, &ids);
	jw_end(&w);
	jw_kraw(&w, "marketplaceItems", "[]");
	jw_end(&w);
}

void order_json_list_row(jw *w, const store *s, const struct order_plan *p)
{
	const char *first, *last;
	char tmp[160];
	enum ostate st = plan_state(p);
	vtime_t authorized = plan_time_of(p, ST_APPROVED);

	client_names(s, p->client, &first, &last);
	jw_obj(w);
	jw_kstr(w, "orderId", plan_order_id(s, p->idx, p->affiliate, tmp));
	jw_ktime(w, "creationDate", p->created, VTIME_OFFSET0);
	snprintf(tmp, sizeof tmp, "%s %s", first, last);
	jw_kstr(w, "clientName", tmp);
	jw_knull(w, "items");
	jw_ki64(w, "totalValue", p->value);
	order_payment_names(p, tmp, sizeof tmp);
	jw_kstr(w, "paymentNames", tmp);
	jw_kstr(w, "status", ostate_name(st));
	jw_kstr(w, "statusDescription", ostate_description(st));
	if (p->affiliate) {
		snprintf(tmp, sizeof tmp, "%013llu-01", (unsigned long long)store_order_group(s, p->idx));
		jw_kstr(w, "marketPlaceOrderId", tmp);
	} else {
		jw_knull(w, "marketPlaceOrderId");
	}
	snprintf(tmp, sizeof tmp, "%u", 500000 + p->idx);
	jw_kstr(w, "sequence", tmp);
	snprintf(tmp, sizeof tmp, "%u", p->sales_channel);
	jw_kstr(w, "salesChannel", tmp);
	jw_kstr(w, "affiliateId", plan_affiliates[p->affiliate]);
	jw_kstr(w, "origin", p->affiliate ? "Fulfillment" : "Marketplace");
	jw_kbool(w, "workflowInErrorState", false);
	jw_kbool(w, "workflowInRetry", false);
	jw_knull(w, "lastMessageUnread");
	if (authorized && !plan_time_of(p, ST_CANCEL))
		jw_ktime(w, "ShippingEstimatedDate", p->created + (vtime_t)p->shipping_days * VT_DAY, VTIME_OFFSET0);
	else
		jw_knull(w, "ShippingEstimatedDate");
	jw_knull(w, "ShippingEstimatedDateMax");
	jw_knull(w, "ShippingEstimatedDateMin");
	jw_kbool(w, "orderIsComplete", true);
	jw_knull(w, "listId");
	jw_knull(w, "listType");
	jw_ktime_or_null(w, "authorizedDate", authorized, VTIME_OFFSET0);
	jw_knull(w, "callCenterOperatorName");
	jw_ki64(w, "totalItems", p->total_items);
	jw_kstr(w, "currencyCode", "BRL");
	jw_end(w);
}
