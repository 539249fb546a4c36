#include "plan.h"
#include "catalog.h"
#include "ids.h"
#include "names.h"
#include "rng.h"
#include "timefmt.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const state_names[ST__COUNT] = {
	"order-created", "on-order-completed", "payment-pending", "payment-approved", "window-to-cancel",
	"ready-for-handling", "start-handling", "handling", "invoice", "invoiced", "request-cancel", "cancel",
	"canceled", "on-order-completed-ffm", "waiting-for-order-authorization", "approve-payment",
	"waiting-for-seller-decision", "waiting-ffmt-authorization", "waiting-for-authorization",
	"waiting-for-manual-authorization", "authorize-fulfillment", "order-create-error", "order-creation-error",
	"window-to-change-seller", "waiting-for-mkt-authorization", "waiting-seller-handling",
	"invoice-after-cancellation-deny", "order-accepted", "replaced", "cancellation-requested",
	"waiting-for-sellers-confirmation",
};

static const char *const state_descriptions[ST__COUNT] = {
	"Processando", "Processando", "Pagamento Pendente", "Pagamento Aprovado", "Carência para Cancelamento",
	"Pronto para o manuseio", "Iniciar Manuseio", "Preparando Entrega", "Verificando Envio", "Faturado",
	"Solicitar Cancelamento", "Cancelando", "Cancelado", "Processando", "Aguardando autorização do pedido",
	"Aprovar pagamento", "Aguardando decisão do seller", "Aguardando autorização de fulfillment",
	"Aguardando autorização", "Aguardando autorização manual", "Autorizar fulfillment", "Erro na criação",
	"Erro na criação", "Carência para troca de seller", "Aguardando autorização do marketplace",
	"Aguardando manuseio do seller", "Faturado após cancelamento negado", "Pedido aceito", "Substituído",
	"Cancelamento solicitado", "Aguardando confirmação dos sellers",
};

const char *ostate_name(enum ostate st) { return state_names[st]; }
const char *ostate_description(enum ostate st) { return state_descriptions[st]; }

bool ostate_parse(const char *name, size_t len, enum ostate *st)
{
	for (int i = 0; i < ST__COUNT; i++)
		if (strlen(state_names[i]) == len && memcmp(state_names[i], name, len) == 0) {
			*st = (enum ostate)i;
			return true;
		}
	return false;
}

static const uint8_t path_invoiced[] = { ST_CREATED, ST_COMPLETED, ST_PENDING, ST_APPROVED, ST_WINDOW,
					 ST_READY, ST_START_HANDLING, ST_HANDLING, ST_INVOICE, ST_INVOICED };
static const uint8_t path_unpaid[] = { ST_CREATED, ST_COMPLETED, ST_PENDING, ST_CANCEL, ST_CANCELED };
static const uint8_t path_window_cancel[] = { ST_CREATED, ST_COMPLETED, ST_PENDING, ST_APPROVED,
					      ST_WINDOW, ST_CANCEL, ST_CANCELED };
static const uint8_t path_request_cancel[] = { ST_CREATED, ST_COMPLETED, ST_PENDING, ST_APPROVED, ST_WINDOW,
					       ST_READY, ST_REQUEST_CANCEL, ST_CANCEL, ST_CANCELED };
static const uint8_t path_stuck[] = { ST_CREATED, ST_COMPLETED, ST_PENDING, ST_APPROVED, ST_WINDOW,
				      ST_READY, ST_START_HANDLING, ST_HANDLING };
static const uint8_t path_handling_cancel[] = { ST_CREATED, ST_COMPLETED, ST_PENDING, ST_APPROVED, ST_WINDOW,
						ST_READY, ST_START_HANDLING, ST_HANDLING, ST_CANCEL, ST_CANCELED };
static const uint8_t path_rare_auth[] = { ST_CREATED, ST_COMPLETED, ST_WAIT_ORDER_AUTH, ST_APPROVE_PAYMENT,
					 ST_PENDING, ST_WAIT_AUTH, ST_APPROVED, ST_WINDOW_CHANGE_SELLER, ST_INVOICE,
					 ST_INVOICED };
static const uint8_t path_rare_seller[] = { ST_CREATED, ST_WAIT_MANUAL_AUTH, ST_WAIT_MKT_AUTH, ST_APPROVED,
					   ST_WAIT_SELLER_DECISION, ST_WAIT_SELLERS_CONFIRMATION,
					   ST_WAIT_SELLER_HANDLING, ST_HANDLING, ST_INVOICE, ST_INVOICED };
static const uint8_t path_rare_ffmt[] = { ST_CREATED, ST_COMPLETED_FFM, ST_WAIT_FFMT_AUTH, ST_AUTHORIZE_FFMT,
					 ST_ACCEPTED, ST_READY, ST_CANCELLATION_REQUESTED,
					 ST_INVOICE_AFTER_CANCEL_DENY, ST_INVOICE, ST_INVOICED };
static const uint8_t path_rare_error[] = { ST_CREATED, ST_CREATE_ERROR, ST_CREATION_ERROR, ST_REPLACED, ST_CANCEL,
					  ST_CANCELED };

static const struct {
	const uint8_t *steps;
	uint8_t n;
} paths[] = {
	[PATH_INVOICED] = { path_invoiced, NELEM(path_invoiced) },
	[PATH_UNPAID] = { path_unpaid, NELEM(path_unpaid) },
	[PATH_WINDOW_CANCEL] = { path_window_cancel, NELEM(path_window_cancel) },
	[PATH_REQUEST_CANCEL] = { path_request_cancel, NELEM(path_request_cancel) },
	[PATH_STUCK_HANDLING] = { path_stuck, NELEM(path_stuck) },
	[PATH_HANDLING_CANCEL] = { path_handling_cancel, NELEM(path_handling_cancel) },
	[PATH_RARE_AUTH] = { path_rare_auth, NELEM(path_rare_auth) },
	[PATH_RARE_SELLER] = { path_rare_seller, NELEM(path_rare_seller) },
	[PATH_RARE_FFMT] = { path_rare_ffmt, NELEM(path_rare_ffmt) },
	[PATH_RARE_ERROR] = { path_rare_error, NELEM(path_rare_error) },
};

bool opath_has(enum opath path, enum ostate st)
{
	for (int k = 0; k < paths[path].n; k++)
		if (paths[path].steps[k] == st)
			return true;
	return false;
}

const struct pay_method sb_pay_methods[] = {
	{ "2", "Visa", "creditCard", PG_CARD },           { "4", "Mastercard", "creditCard", PG_CARD },
	{ "1", "American Express", "creditCard", PG_CARD }, { "6", "Boleto Bancário", "bankInvoice", PG_BOLETO },
	{ "125", "Pix", "instantPayment", PG_PIX },      { "16", "Vale", "giftCard", PG_GIFTCARD },
};
enum { PM_VISA, PM_MASTER, PM_AMEX, PM_BOLETO, PM_PIX, PM_GIFT };

const char *const plan_affiliates[] = { "", "SCP", "MNC" };

/* How the customer pays; drawn first from the timeline stream because the
 * order's fate (approval delay, unpaid cancellation) depends on it. */
enum paychoice { PAY_CARD, PAY_PIX, PAY_BOLETO, PAY_CARD_GIFT, PAY_TWO_CARDS };

static enum paychoice draw_paychoice(rng *r)
{
	double u = rng_unit(r);
	return u < 0.55 ? PAY_CARD : u < 0.75 ? PAY_PIX : u < 0.90 ? PAY_BOLETO : u < 0.95 ? PAY_CARD_GIFT : PAY_TWO_CARDS;
}

static vtime_t step_duration(rng *r, enum ostate from, enum ostate to, enum paychoice pay)
{
	switch (from) {
	case ST_CREATED: return rng_range(r, VT_SEC, 4 * VT_SEC);
	case ST_COMPLETED: return rng_range(r, VT_SEC, 3 * VT_SEC);
	case ST_PENDING:
		if (to == ST_CANCEL) /* payment never came */
			return pay == PAY_BOLETO ? rng_range(r, 4 * VT_DAY, 6 * VT_DAY)
			     : pay == PAY_PIX    ? rng_range(r, VT_HOUR, VT_HOUR + 5 * VT_MIN)
						 : rng_range(r, VT_MIN, 10 * VT_MIN);
		return pay == PAY_BOLETO ? rng_range(r, 4 * VT_HOUR, 3 * VT_DAY)
		     : pay == PAY_PIX    ? rng_range(r, 20 * VT_SEC, 20 * VT_MIN)
					 : rng_range(r, 5 * VT_SEC, 3 * VT_MIN);
	case ST_APPROVED: return rng_range(r, VT_SEC, 5 * VT_SEC);
	case ST_WINDOW:
		return to == ST_CANCEL ? rng_range(r, 2 * VT_MIN, 29 * VT_MIN) : rng_range(r, 30 * VT_MIN, 32 * VT_MIN);
	case ST_READY:
		return to == ST_REQUEST_CANCEL ? rng_range(r, VT_HOUR, 2 * VT_DAY) : rng_range(r, 10 * VT_MIN, 2 * VT_DAY);
	case ST_REQUEST_CANCEL: return rng_range(r, 10 * VT_MIN, VT_DAY);
	case ST_START_HANDLING: return rng_range(r, VT_SEC, 10 * VT_SEC);
	case ST_HANDLING: return rng_range(r, 2 * VT_HOUR, 3 * VT_DAY);
	case ST_INVOICE: return rng_range(r, 5 * VT_SEC, 90 * VT_SEC);
	case ST_CANCEL: return rng_range(r, 2 * VT_SEC, 40 * VT_SEC);
	default: return VT_SEC;
	}
}

/* The order's fate: payment choice, workflow path and the generated schedule. */
static enum paychoice plan_fate(const store *s, uint32_t idx, vtime_t created, struct order_plan *p);

void plan_schedule(const store *s, uint32_t idx, vtime_t created, struct order_plan *p)
{
	plan_fate(s, idx, created, p);
}

static enum paychoice plan_fate(const store *s, uint32_t idx, vtime_t created, struct order_plan *p)
{
	rng r = rng_for(s->seed, TAG_TIMELINE, idx);
	enum paychoice pay = draw_paychoice(&r);
	double u = rng_unit(&r);
	double unpaid = pay == PAY_BOLETO ? 0.25 : pay == PAY_PIX ? 0.08 : 0.03;
	if (u < unpaid)
		p->path = PATH_UNPAID;
	else if (u < unpaid + 0.03)
		p->path = PATH_WINDOW_CANCEL;
	else if (u < unpaid + 0.05)
		p->path = PATH_REQUEST_CANCEL;
	else if (u < unpaid + 0.06)
		p->path = PATH_STUCK_HANDLING;
	else
		p->path = PATH_INVOICED;

	/* Late orders draw from a stream of their own: everything else about them stays as it was. */
	rng late = rng_for(s->seed, TAG_LATE, idx);
	vtime_t delay = 0;
	enum ostate wait_in = ST__COUNT; /* the state a late order waits in */
	if ((p->path == PATH_INVOICED || p->path == PATH_REQUEST_CANCEL) && rng_chance(&late, PLAN_LATE_SHARE)) {
		wait_in = p->path == PATH_INVOICED ? ST_HANDLING : ST_READY;
		if (p->path == PATH_INVOICED && rng_chance(&late, PLAN_LATE_CANCEL_SHARE))
			p->path = PATH_HANDLING_CANCEL;
		delay = rng_range(&late, PLAN_LATE_MIN_DAYS * VT_DAY, PLAN_LATE_MAX_DAYS * VT_DAY);
	}
	/* Rare paths draw from a stream of their own: the other orders stay as they were. */
	rng rare = rng_for(s->seed, TAG_RARE, idx);
	if (p->path == PATH_INVOICED && wait_in == ST__COUNT && rng_chance(&rare, PLAN_RARE_SHARE))
		p->path = (enum opath)(PATH_RARE_AUTH + rng_below(&rare, 3));
	else if (p->path == PATH_UNPAID && rng_chance(&rare, PLAN_RARE_SHARE))
		p->path = PATH_RARE_ERROR;
	p->steps = paths[p->path].steps;
	p->nsteps = paths[p->path].n;
	p->late_step = 0;
	p->sched[0] = created;
	for (int k = 1; k < p->nsteps; k++) {
		p->sched[k] = p->sched[k - 1] +
			      step_duration(&r, (enum ostate)p->steps[k - 1], (enum ostate)p->steps[k], pay);
		if (p->steps[k - 1] == wait_in && !p->late_step) {
			p->late_step = (uint8_t)k;
			p->sched[k] += delay;
		}
	}
	return pay;
}

uint8_t plan_realized_at(const struct order_plan *p, vtime_t at)
{
	uint8_t k = 1;
	while (k < p->nsteps && p->sched[k] <= at)
		k++;
	return k;
}

static void plan_state_now(const store *s, uint32_t idx, struct order_plan *p)
{
	const order_rec *o = store_order(s, idx);
	const order_live *live = atomic_load_explicit(&((order_rec *)o)->live, memory_order_acquire);
	if (live) { /* only the published steps: the live thread may be writing the next one */
		p->realized = atomic_load_explicit(&((order_live *)live)->realized, memory_order_acquire);
		memcpy(p->time, live->time, p->realized * sizeof *p->time);
	} else {
		p->realized = plan_realized_at(p, s->anchor);
		memcpy(p->time, p->sched, sizeof p->time);
	}
}

enum ostate plan_current_state(const store *s, uint32_t idx)
{
	struct order_plan p;
	plan_fate(s, idx, store_order(s, idx)->created, &p);
	plan_state_now(s, idx, &p);
	return plan_state(&p);
}

vtime_t plan_time_of(const struct order_plan *p, enum ostate st)
{
	for (int k = 0; k < p->realized; k++)
		if (p->steps[k] == st)
			return p->time[k];
	return 0;
}

uint8_t plan_affiliate(uint64_t seed, uint32_t idx)
{
	rng r = rng_for(seed, TAG_ORDER, (1ULL << 40) | idx);
	return rng_chance(&r, 0.06) ? (uint8_t)(1 + rng_below(&r, NELEM(plan_affiliates) - 1)) : 0;
}

char *plan_order_id(const store *s, uint32_t idx, uint8_t affiliate, char *out)
{
	snprintf(out, 40, "%s%s%013llu-01", plan_affiliates[affiliate], affiliate ? "-" : "",
		 (unsigned long long)store_order_group(s, idx));
	return out;
}

static uint16_t draw_quantity(rng *r)
{
	double u = rng_unit(r);
	return u < 0.75 ? 1 : u < 0.9 ? 2 : u < 0.98 ? (uint16_t)rng_range(r, 3, 5) : (uint16_t)rng_range(r, 6, 12);
}

static uint8_t draw_item_count(rng *r)
{
	double u = rng_unit(r);
	return u < 0.45 ? 1 : u < 0.70 ? 2 : u < 0.82 ? 3 : u < 0.95 ? (uint8_t)rng_range(r, 4, 6)
							 : (uint8_t)rng_range(r, 7, 20);
}

static uint8_t installments_for(rng *r, int64_t value)
{
	return (uint8_t)(value >= 30000 ? rng_range(r, 1, 10) : value >= 10000 ? rng_range(r, 1, 3) : 1);
}

static void set_payments(struct plan_tx *tx, rng *r, enum paychoice pay, int64_t value)
{
	tx->active = true;
	tx->npay = 1;
	uint8_t card = rng_chance(r, 0.55) ? PM_VISA : rng_chance(r, 0.8) ? PM_MASTER : PM_AMEX;
	struct plan_payment *a = &tx->pay[0], *b = &tx->pay[1];
	a->value = value;
	a->installments = 1;
	switch (pay) {
	case PAY_PIX: a->method = PM_PIX; break;
	case PAY_BOLETO: a->method = PM_BOLETO; break;
	case PAY_CARD_GIFT:
		if (value > 1000) {
			tx->npay = 2;
			b->method = PM_GIFT;
			b->installments = 1;
			b->value = rng_range(r, 500, value / 2);
			a->value = value - b->value;
		}
		a->method = card;
		a->installments = installments_for(r, a->value);
		break;
	case PAY_TWO_CARDS:
		if (value > 2000) {
			tx->npay = 2;
			b->method = card == PM_VISA ? PM_MASTER : PM_VISA;
			b->value = value * rng_range(r, 30, 70) / 100;
			a->value = value - b->value;
			b->installments = installments_for(r, b->value);
		}
		a->method = card;
		a->installments = installments_for(r, a->value);
		break;
	default:
		a->method = card;
		a->installments = installments_for(r, value);
	}
}

void plan_build(const store *s, uint32_t idx, vtime_t created, uint32_t client, struct order_plan *p)
{
	rng r = rng_for(s->seed, TAG_ORDER, idx);

	p->idx = idx;
	p->created = created;
	p->client = client;
	p->affiliate = plan_affiliate(s->seed, idx);
	p->sales_channel = p->affiliate == 0 && rng_chance(&r, 0.08) ? 2 : 1;
	enum paychoice pay = plan_fate(s, idx, created, p);
	p->realized = plan_realized_at(p, s->anchor);
	memcpy(p->time, p->sched, sizeof p->time);

	p->nitems = draw_item_count(&r);
	p->items_total = p->discounts_total = p->shipping_total = p->tax_total = 0;
	p->total_items = 0;
	for (int i = 0; i < p->nitems; i++) {
		struct plan_item *it = &p->items[i];
		/* Popular SKUs sell more: skew the draw towards the start of the list. */
		double u = rng_unit(&r);
		uint32_t k = (uint32_t)(s->n_priced * u * sqrt(u)); /* u^1.5 */
		it->sku = s->priced_skus[k < s->n_priced ? k : s->n_priced - 1];
		it->qty = draw_quantity(&r);
		catalog_sku_price(s, it->sku, &it->price, &it->list_price);
		it->selling_price = rng_chance(&r, 0.2) ? it->price * (100 - rng_range(&r, 5, 30)) / 100 : it->price;
		p->items_total += it->price * it->qty;
		p->discounts_total += (it->selling_price - it->price) * it->qty;
		p->total_items += it->qty;
	}
	int64_t goods = p->items_total + p->discounts_total;
	bool free_shipping = (goods >= 29900 && rng_chance(&r, 0.5)) || rng_chance(&r, 0.2);
	p->shipping_total = free_shipping ? 0 : rng_range(&r, 99, 499) * 10;
	int64_t left = p->shipping_total;
	for (int i = 0; i < p->nitems; i++) { /* freight split by quantity; the last item takes the rest */
		struct plan_item *it = &p->items[i];
		it->shipping = i == p->nitems - 1 ? left : p->shipping_total * it->qty / p->total_items;
		left -= it->shipping;
	}
	p->value = goods + p->shipping_total + p->tax_total;

	p->ntx = 1;
	bool failed_first = (pay == PAY_CARD || pay == PAY_TWO_CARDS) && rng_chance(&r, 0.08);
	if (failed_first) { /* a declined card, then a second attempt that went through */
		p->ntx = 2;
		set_payments(&p->tx[0], &r, PAY_CARD, p->value);
		p->tx[0].active = false;
	}
	set_payments(&p->tx[p->ntx - 1], &r, pay, p->value);

	p->city = (uint8_t)rng_below(&r, (uint32_t)sb_ncities);
	p->street = (uint8_t)rng_below(&r, (uint32_t)sb_nstreets);
	p->neighborhood = (uint8_t)rng_below(&r, (uint32_t)sb_nneighborhoods);
	p->courier = (uint8_t)rng_below(&r, (uint32_t)sb_ncouriers);
	p->shipping_days = (uint16_t)rng_range(&r, 2, 12);
}

void plan_load(const store *s, uint32_t idx, struct order_plan *p)
{
	const order_rec *o = store_order(s, idx);
	plan_build(s, idx, o->created, o->client, p);
	plan_state_now(s, idx, p);
}
