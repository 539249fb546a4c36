/* OMS order JSON: the detail document (the shape of oms-order-detail.json)
 * and the list row (oms-order-list-page.json, items always null). */
#ifndef SB_ORDER_JSON_H
#define SB_ORDER_JSON_H

#include "buf.h"
#include "jw.h"
#include "plan.h"
#include "store.h"

void order_json_detail(buf *b, const store *s, const struct order_plan *p);
void order_json_list_row(jw *w, const store *s, const struct order_plan *p);

#endif
