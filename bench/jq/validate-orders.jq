# A few of ndjson-validate's order rules (rules/order.json) in jq, for
# bench/35-validate.sh: orderId shaped as VTEX makes it, items present with
# integer quantities >= 1 and prices >= 0, a customer e-mail, value equal to
# the sum of the totals and the Items total equal to the items' price x
# quantity (1 cent of tolerance). Prints the records that keep them all.
def email_ok: type == "string" and test("^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$");
def order_id_ok: type == "string" and test("^([A-Za-z0-9]{1,10}-)?([0-9]{6,20}|v[0-9]+[a-z]+)-[0-9]{2}$");
select(
  (.orderId | order_id_ok)
  and (.items | type == "array" and length > 0)
  and all(.items[]; (.quantity | type == "number" and . >= 1 and . == floor) and (.price | type == "number" and . >= 0))
  and (.clientProfileData.email | email_ok)
  and ((.value - ([.totals[].value] | add)) | fabs <= 1)
  and (((.totals[] | select(.id == "Items") | .value) - ([.items[] | .price * .quantity] | add)) | fabs <= 1)
)
