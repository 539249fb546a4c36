{#- Every non-null value is a lower-case e-mail address (macros/email.sql).
    `where` limits the rows checked, e.g. to those flagged valid. -#}
{% test valid_email(model, column_name) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
  and not {{ is_valid_email(column_name) }}
{% endtest %}
