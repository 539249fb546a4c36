#include "vpath.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void vpath_free(vpath *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->segs[i].key);
		free(p->segs[i].value);
	}
	free(p->segs);
	free(p->text);
	*p = (vpath){ 0 };
}

static vpath_seg *add_seg(vpath *p, seg_kind kind)
{
	p->segs = xrealloc(p->segs, (p->n + 1) * sizeof *p->segs);
	vpath_seg *s = &p->segs[p->n++];
	*s = (vpath_seg){ .kind = kind };
	return s;
}

bool vpath_parse(vpath *p, const char *text, const char **err)
{
	*p = (vpath){ .text = xstrdup(text) };
	const char *s = text;

	if (!*s) {
		*err = "empty path";
		goto fail;
	}
	while (*s) {
		if (p->n >= VPATH_MAX_SEGS) {
			*err = "path too deep (at most 32 segments)";
			goto fail;
		}
		if (*s == '[') {
			const char *end = strchr(s, ']');
			if (!end) {
				*err = "'[' without ']'";
				goto fail;
			}
			const char *in = s + 1;
			size_t n = (size_t)(end - in);
			const char *eq = memchr(in, '=', n);
			if (p->n == 0) {
				*err = "a path cannot start with '['";
				goto fail;
			}
			if (n == 0) {
				add_seg(p, SEG_EACH);
			} else if (eq) {
				if (eq == in || memchr(in, '[', n)) {
					*err = "'[FIELD=VALUE]' needs a field name";
					goto fail;
				}
				vpath_seg *g = add_seg(p, SEG_SELECT);
				g->key = xstrndup(in, (size_t)(eq - in));
				g->value = xstrndup(eq + 1, (size_t)(end - eq - 1));
			} else {
				char *e;
				errno = 0;
				long v = strtol(in, &e, 10);
				if (e != end || errno || v < 0 || *in == '-' || *in == '+' || *in == ' ') {
					*err = "'[...]' holds neither nothing, an index nor FIELD=VALUE";
					goto fail;
				}
				add_seg(p, SEG_INDEX)->index = v;
			}
			s = end + 1;
			if (*s == '.') {
				s++;
				if (!*s || *s == '.' || *s == '[') {
					*err = "empty key after '.'";
					goto fail;
				}
			} else if (*s && *s != '[') {
				*err = "']' must be followed by '.', '[' or the end";
				goto fail;
			}
			continue;
		}
		size_t n = strcspn(s, ".[]");
		if (n == 0) {
			*err = s[0] == ']' ? "']' without '['" : "empty key";
			goto fail;
		}
		add_seg(p, SEG_KEY)->key = xstrndup(s, n);
		s += n;
		if (*s == '.') {
			s++;
			if (!*s) {
				*err = "path ends with '.'";
				goto fail;
			}
			if (*s == '.' || *s == '[') {
				*err = "empty key";
				goto fail;
			}
		} else if (*s == ']') {
			*err = "']' without '['";
			goto fail;
		}
	}
	return true;
fail:
	vpath_free(p);
	return false;
}

static const cJSON *object_get(const cJSON *obj, const char *key)
{
	for (const cJSON *c = obj->child; c; c = c->next)
		if (c->string && strcmp(c->string, key) == 0)
			return c;
	return NULL;
}

/* Does element el's field equal the selector's value (as a string, or as the number it spells)? */
static bool selects(const cJSON *el, const vpath_seg *s)
{
	if (!cJSON_IsObject(el))
		return false;
	const cJSON *f = object_get(el, s->key);
	if (!f)
		return false;
	if (cJSON_IsString(f))
		return strcmp(f->valuestring, s->value) == 0;
	if (cJSON_IsNumber(f)) {
		char *e;
		double d = strtod(s->value, &e);
		return *s->value && !*e && d == f->valuedouble;
	}
	if (cJSON_IsBool(f))
		return strcmp(s->value, cJSON_IsTrue(f) ? "true" : "false") == 0;
	return false;
}

typedef struct {
	const vpath *p;
	bool missing;
	vpath_visit fn;
	void *ctx;
	vpath_where where;
} walk_state;

static bool walk(walk_state *w, const cJSON *node, size_t i)
{
	if (i == w->p->n) {
		w->where.depth = i;
		return w->fn(node, &w->where, w->ctx);
	}
	const vpath_seg *s = &w->p->segs[i];
	switch (s->kind) {
	case SEG_KEY: {
		const cJSON *c = cJSON_IsObject(node) ? object_get(node, s->key) : NULL;
		if (c)
			return walk(w, c, i + 1);
		break;
	}
	case SEG_EACH: {
		if (!cJSON_IsArray(node))
			break;
		long k = 0;
		for (const cJSON *c = node->child; c; c = c->next, k++) {
			w->where.idx[i] = k;
			if (!walk(w, c, i + 1))
				return false;
		}
		return true;
	}
	case SEG_INDEX: {
		if (!cJSON_IsArray(node))
			break;
		long k = 0;
		const cJSON *c = node->child;
		while (c && k < s->index) {
			c = c->next;
			k++;
		}
		if (c) {
			w->where.idx[i] = k;
			return walk(w, c, i + 1);
		}
		break;
	}
	case SEG_SELECT: {
		if (!cJSON_IsArray(node))
			break;
		long k = 0;
		bool any = false;
		for (const cJSON *c = node->child; c; c = c->next, k++) {
			if (!selects(c, s))
				continue;
			any = true;
			w->where.idx[i] = k;
			if (!walk(w, c, i + 1))
				return false;
		}
		if (any)
			return true;
		break;
	}
	}
	/* Stopped short. Nothing is missing where the walk was still to go
	 * through an [] (items[].id asks each item for an id, not for items:
	 * the rule on the array says whether it must be there), or below a
	 * null (the rule on the parent says whether it may be null). */
	if (!w->missing || cJSON_IsNull(node))
		return true;
	for (size_t k = i; k < w->p->n; k++)
		if (w->p->segs[k].kind == SEG_EACH)
			return true;
	w->where.depth = i;
	return w->fn(NULL, &w->where, w->ctx);
}

bool vpath_walk(const cJSON *root, const vpath *p, bool missing, vpath_visit fn, void *ctx)
{
	walk_state w = { .p = p, .missing = missing, .fn = fn, .ctx = ctx, .where = { .path = p } };
	return walk(&w, root, 0);
}

void vpath_where_format(const vpath_where *w, buf *b)
{
	size_t n = w->depth < w->path->n ? w->depth + 1 : w->path->n;
	for (size_t i = 0; i < n; i++) {
		const vpath_seg *s = &w->path->segs[i];
		bool walked = i < w->depth;
		switch (s->kind) {
		case SEG_KEY:
			if (i)
				buf_putc(b, '.');
			buf_puts(b, s->key);
			break;
		case SEG_EACH:
			if (walked)
				buf_printf(b, "[%ld]", w->idx[i]);
			else
				buf_puts(b, "[]");
			break;
		case SEG_INDEX:
			buf_printf(b, "[%ld]", s->index);
			break;
		case SEG_SELECT:
			if (walked)
				buf_printf(b, "[%ld]", w->idx[i]);
			else
				buf_printf(b, "[%s=%s]", s->key, s->value);
			break;
		}
	}
}
