// SPDX-License-Identifier: GPL-2.0
/*
 * The explorer's object-side steps (see explore.c): a second iommufd
 * context (BIND to it, BIND through a second cdev fd, close), nesting
 * (NEST_PARENT, nested HWPTs on a HWPT or a vIOMMU, HWPT_INVALIDATE and the
 * nested IOTLB), fault queues (allocation, FAULT_ID_VALID HWPTs, page
 * requests, read and response), vIOMMU objects (vIOMMU, vDEVICE, vEVENTQ,
 * events, HW queue) and emulated accesses (pin, unpin). Their generation,
 * text form, exhaustive alphabet and observation live here too, so the
 * shared tables (explore_steps.c, explore_gen.c) only hand over to them.
 *
 * Operand fields (struct xop): dev, pasid, ioas, hwpt and iova as for the
 * other steps; buf is the step's own object slot (fault queue q, vIOMMU m,
 * vDEVICE e, vEVENTQ x, HW queue w, access pin p; for nest_alloc the
 * parent's slot); arg is a context (c), a vIOMMU slot, a pattern or a
 * type, as each step says below.
 *
 * The steps run where the universe says obj_ok (the target is the model):
 * elsewhere both sides skip them (-T_UNSUPPORTED, not compared).
 */
#include <errno.h>
#include <linux/iommufd.h>
#include <stdlib.h>
#include <string.h>

#include "explore_int.h"

/* The mock's formats (drivers/iommu/iommufd/iommufd_test.h); every other
 * driver the explorer meets takes VT-d's nested format and SMMUv3's
 * vIOMMU (the model's geometries). */
#define SELFTEST_HW_INFO 0xfeedbeefu
#define SELFTEST_HWPT_DATA 0xdeadu
#define SELFTEST_INVALIDATE 0xdeadbeefu
#define SELFTEST_IOTLB 0xbadbeefu
#define SELFTEST_VIOMMU 0xdeadbeefu
#define SELFTEST_VEVENTQ 0xbeefbeefu
#define SELFTEST_HW_QUEUE 0xdeadbeefu

/* nest_alloc's arg */
#define NEST_NO_DATA 1u
#define NEST_ON_VIOMMU 2u
/* invalidate's arg: 0..3 that IOTLB entry, then these */
#define INV_ALL 4u
#define INV_BAD_MIDDLE 5u
#define INV_NPATTERNS 6u

static const char *const obj_kind_names[X_NKINDS - X_OBJ_FIRST] = {
	[X_BIND_CTX - X_OBJ_FIRST] = "bind_ctx",
	[X_BIND_2FD - X_OBJ_FIRST] = "bind_2fd",
	[X_CLOSE_CTX - X_OBJ_FIRST] = "close_ctx",
	[X_IOAS_CTX - X_OBJ_FIRST] = "ioas_alloc_ctx",
	[X_PARENT_ALLOC - X_OBJ_FIRST] = "parent_alloc",
	[X_NEST_ALLOC - X_OBJ_FIRST] = "nest_alloc",
	[X_INVALIDATE - X_OBJ_FIRST] = "invalidate",
	[X_IOTLB - X_OBJ_FIRST] = "iotlb",
	[X_FAULT_ALLOC - X_OBJ_FIRST] = "fault_alloc",
	[X_HWPT_FAULT - X_OBJ_FIRST] = "hwpt_fault",
	[X_IOPF - X_OBJ_FIRST] = "iopf",
	[X_FAULT_READ - X_OBJ_FIRST] = "fault_read",
	[X_FAULT_RESPOND - X_OBJ_FIRST] = "respond",
	[X_VIOMMU_ALLOC - X_OBJ_FIRST] = "viommu_alloc",
	[X_VDEV_ALLOC - X_OBJ_FIRST] = "vdev_alloc",
	[X_VEVQ_ALLOC - X_OBJ_FIRST] = "veventq_alloc",
	[X_VEVENT - X_OBJ_FIRST] = "vevent",
	[X_VEVQ_READ - X_OBJ_FIRST] = "veventq_read",
	[X_HWQ_ALLOC - X_OBJ_FIRST] = "hwq_alloc",
	[X_ACCESS_PIN - X_OBJ_FIRST] = "pin",
	[X_ACCESS_UNPIN - X_OBJ_FIRST] = "unpin",
	[X_DESTROY_OBJ - X_OBJ_FIRST] = "destroy_obj",
	[X_FD_CLOSE - X_OBJ_FIRST] = "fd_close",
	[X_DMA_AT_VA - X_OBJ_FIRST] = "dma_at_va",
};

/* Slot letters of enum xobj_type in the text form. */
static const char obj_letter[XO_NTYPES] = {'q', 'm', 'e', 'x', 'w', 'p'};

static const char *const code_names[] = {"success", "invalid", "bad"};

void explore_obj_universe(struct universe *u, const struct target_caps *caps)
{
	u->obj_ok = caps->reference_model;
	u->obj_nctx = caps->nctx < T_MAX_CTX ? caps->nctx : T_MAX_CTX;
}

/* --- executing ----------------------------------------------------------- */

static bool selftest(const struct side *s, unsigned dev)
{
	return s->t->caps.dev[dev].hw_info_type == SELFTEST_HW_INFO;
}

static uint32_t pasid_or_rid(uint8_t p)
{
	return p ? p : T_NO_PASID;
}

/* A nested HWPT of the driver's format on parent (a NEST_PARENT HWPT, or
 * a vIOMMU when on_viommu); no data at all with NEST_NO_DATA. */
static int nest_alloc(struct side *s, unsigned dev, uint32_t parent,
		      uint8_t arg, uint32_t *id)
{
	uint32_t data[16] = {0}, type, len;

	if (arg & NEST_NO_DATA)
		return T_CALL(s->t, hwpt_alloc, dev, parent, 0,
			      IOMMU_HWPT_DATA_NONE, NULL, 0, id);
	if (selftest(s, dev)) {
		type = SELFTEST_HWPT_DATA;
		len = 8; /* struct iommu_hwpt_selftest */
		data[0] = SELFTEST_IOTLB;
	} else if (arg & NEST_ON_VIOMMU) {
		type = IOMMU_HWPT_DATA_ARM_SMMUV3;
		len = sizeof(struct iommu_hwpt_arm_smmuv3);
	} else {
		type = IOMMU_HWPT_DATA_VTD_S1;
		len = sizeof(struct iommu_hwpt_vtd_s1);
	}
	return T_CALL(s->t, hwpt_alloc, dev, parent, 0, type, data, len, id);
}

/*
 * One invalidation entry into e: IOTLB entry idx, all of them (idx < 0),
 * or one carrying a flag no driver knows (bad). Mock: { flags, iotlb_id };
 * VT-d: { addr, npages, flags, __reserved }, IOTLB entry k = IOVA page k.
 */
static void inv_entry(bool mock, uint8_t *e, int idx, bool bad)
{
	if (mock) {
		uint32_t w[2] = {idx < 0 ? 1u : 0u,
				 idx < 0 ? 0u : (uint32_t)idx};

		if (bad)
			w[0] = 1u << 30;
		memcpy(e, w, sizeof(w));
	} else {
		struct iommu_hwpt_vtd_s1_invalidate v = {
			.addr = idx < 0 ? 0 : (uint64_t)idx * X_PAGE,
			.npages = idx < 0 ? UINT64_MAX : 1,
			.flags = bad ? 1u << 30 : 0,
		};

		memcpy(e, &v, sizeof(v));
	}
}

static int invalidate(const struct universe *u, struct side *s, uint32_t id,
		      uint8_t pattern, uint32_t *num)
{
	bool mock = selftest(s, u->dev[0]);
	uint32_t elen = mock ? 8 : sizeof(struct iommu_hwpt_vtd_s1_invalidate);
	uint8_t reqs[3 * sizeof(struct iommu_hwpt_vtd_s1_invalidate)] = {0};

	*num = 1;
	if (pattern < INV_ALL) {
		inv_entry(mock, reqs, pattern, false);
	} else if (pattern == INV_ALL) {
		inv_entry(mock, reqs, -1, false);
	} else {
		/* entry 0, a refused one, entry 3: only entry 0 applies */
		inv_entry(mock, reqs, 0, false);
		inv_entry(mock, reqs + elen, 0, true);
		inv_entry(mock, reqs + 2 * elen, 3, false);
		*num = 3;
	}
	return T_CALL(s->t, hwpt_invalidate, id,
		      mock ? SELFTEST_INVALIDATE
			   : IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		      reqs, elen, num);
}

/* out: the valid entries 0..3 of a nested HWPT's IOTLB, as a mask. */
static int iotlb_mask(struct side *s, uint32_t id, int64_t *out)
{
	*out = 0;
	for (unsigned k = 0; k < 4; k++) {
		int ret = T_CALL(s->t, nested_cache_check, id, k, true);

		if (ret == -EINVAL)
			continue;
		if (ret)
			return ret;
		*out |= 1 << k;
	}
	return 0;
}

/* out: the records read; their cookies are kept for respond. */
static int fault_read(struct side *s, unsigned q, int64_t *out)
{
	struct iommu_hwpt_pgfault rec[X_COOKIES];
	size_t n = 0;
	int ret = T_CALL(s->t, eventq_read, s->obj.id[XO_FAULT][q], rec,
			 sizeof(rec), &n);

	if (ret)
		return ret;
	*out = (int64_t)(n / sizeof(rec[0]));
	for (size_t i = 0; i < n / sizeof(rec[0]); i++)
		if (s->obj.ncookie[q] < X_COOKIES)
			s->obj.cookie[q][s->obj.ncookie[q]++] = rec[i].cookie;
	return 0;
}

/* One response to the oldest read request (cookie 0 when none was read);
 * out: the bytes taken. */
static int respond(struct side *s, unsigned q, uint8_t code, int64_t *out)
{
	static const uint32_t codes[] = {IOMMUFD_PAGE_RESP_SUCCESS,
					 IOMMUFD_PAGE_RESP_INVALID, 0xff};
	struct iommu_hwpt_page_response r = {
		.cookie = s->obj.ncookie[q] ? s->obj.cookie[q][0] : 0,
		.code = codes[code % 3],
	};
	size_t n = 0;
	int ret = T_CALL(s->t, eventq_write, s->obj.id[XO_FAULT][q], &r,
			 sizeof(r), &n);

	if (ret)
		return ret;
	*out = (int64_t)n;
	if (n == sizeof(r) && s->obj.ncookie[q])
		memmove(s->obj.cookie[q], s->obj.cookie[q] + 1,
			--s->obj.ncookie[q] * sizeof(uint32_t));
	return 0;
}

/* out: the bytes read, plus 2^16 per lost-events record among them. */
static int vevq_read(struct side *s, uint32_t id, int64_t *out)
{
	const size_t hsz = sizeof(struct iommufd_vevent_header);
	uint8_t buf[8 * (sizeof(struct iommufd_vevent_header) + 4)];
	size_t n = 0;
	int ret = T_CALL(s->t, eventq_read, id, buf, sizeof(buf), &n);

	if (ret)
		return ret;
	*out = (int64_t)n;
	for (size_t off = 0; off + hsz <= n;) {
		struct iommufd_vevent_header h;

		memcpy(&h, buf + off, hsz);
		if (h.flags & IOMMU_VEVENTQ_FLAG_LOST_EVENTS) {
			*out += 1 << 16;
			off += hsz;
		} else {
			off += hsz + 4; /* the selftest event: its virt_id */
		}
	}
	return 0;
}

/* The object in *id goes; forgotten where the universe forgets (see
 * forget_destroyed). */
static int destroy_obj(const struct universe *u, struct side *s, uint32_t *id)
{
	int ret = T_CALL(s->t, destroy, *id);

	if (!ret && u->forget_destroyed)
		*id = 0;
	return ret;
}

static uint32_t viommu_type(const struct side *s, unsigned dev)
{
	return selftest(s, dev) ? SELFTEST_VIOMMU
				: IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
}

/*
 * A RID write at buffer b's own address, the address the model takes for
 * its physical one: an identity domain would let it land (OWN-4), every
 * IOVA slot sits elsewhere. Only on the model: on hardware an IOVA equal
 * to a user address is no physical address, and under a broken identity
 * domain the write would hit whatever RAM has that address.
 * out: 1 landed in b, OUT_BLOCKED, OUT_OTHER.
 */
static int dma_at_va(const struct universe *u, struct side *s, unsigned dev,
		     uint8_t b, int64_t *out)
{
	uint8_t *w = u->buf + (b % X_BUFS) * X_BUF_PAGES * X_PAGE + X_DMA_OFF;
	uint8_t save[X_DMA_LEN], pattern[X_DMA_LEN], zero[X_DMA_LEN] = {0};
	int ret;

	for (unsigned i = 0; i < X_DMA_LEN; i++)
		pattern[i] = (uint8_t)(0xa5 ^ (i * 7));
	memcpy(save, w, X_DMA_LEN);
	memset(w, 0, X_DMA_LEN);
	ret = T_CALL(s->t, dma, dev, T_NO_PASID, DMA_TO_MEMORY, (uintptr_t)w,
		     pattern, X_DMA_LEN, NULL, 0);
	*out = ret				? 0
	       : !memcmp(w, pattern, X_DMA_LEN) ? 1
	       : !memcmp(w, zero, X_DMA_LEN)	? OUT_BLOCKED
						: OUT_OTHER;
	memcpy(w, save, X_DMA_LEN);
	return ret;
}

void explore_obj_exec(const struct universe *u, struct side *s,
		      const struct xop *op, struct xres *r)
{
	struct xobj_side *o = &s->obj;
	struct target *t = s->t;
	unsigned dev = u->dev[op->dev % u->ndev];
	unsigned q = op->buf % X_OBJ_SLOTS, m = op->arg % X_OBJ_SLOTS;
	uint32_t id = 0, num;

	r->out = 0;
	if (!u->obj_ok || op->kind < X_OBJ_FIRST || op->kind >= X_NKINDS) {
		r->ret = -T_UNSUPPORTED;
		return;
	}
	switch (op->kind) {
	case X_BIND_CTX: r->ret = T_CALL(t, bind, dev, op->arg); break;
	case X_BIND_2FD:
		r->ret = T_CALL(t, bind_second_fd, dev, op->arg);
		break;
	case X_CLOSE_CTX: r->ret = T_CALL(t, close_ctx, op->arg); break;
	case X_IOAS_CTX:
		r->ret = T_CALL(t, ioas_alloc, op->arg, &id);
		if (!r->ret)
			s->ioas[op->ioas] = id;
		break;
	case X_PARENT_ALLOC:
		r->ret = T_CALL(t, hwpt_alloc, dev, s->ioas[op->ioas],
				T_HWPT_NEST_PARENT, 0, NULL, 0, &id);
		if (!r->ret)
			s->hwpt[op->hwpt] = id;
		break;
	case X_NEST_ALLOC:
		r->ret = nest_alloc(s, dev,
				    op->arg & NEST_ON_VIOMMU
					    ? o->id[XO_VIOMMU][q]
					    : s->hwpt[op->buf % X_HWPT],
				    op->arg, &id);
		if (!r->ret)
			s->hwpt[op->hwpt] = id;
		break;
	case X_INVALIDATE:
		r->ret = invalidate(u, s, s->hwpt[op->hwpt],
				    op->arg % INV_NPATTERNS, &num);
		r->out = num;
		break;
	case X_IOTLB: r->ret = iotlb_mask(s, s->hwpt[op->hwpt], &r->out); break;
	case X_FAULT_ALLOC:
		r->ret = op->arg ? T_CALL(t, fault_queue_open, 0, &id)
				 : T_CALL(t, fault_queue_alloc, 0, &id);
		if (!r->ret) {
			o->id[XO_FAULT][q] = id;
			o->ncookie[q] = 0;
		}
		break;
	case X_HWPT_FAULT:
		r->ret = T_CALL(t, hwpt_alloc_fault, dev, s->ioas[op->ioas],
				T_HWPT_FAULT_ID_VALID, o->id[XO_FAULT][q], &id);
		if (!r->ret)
			s->hwpt[op->hwpt] = id;
		break;
	case X_IOPF:
		r->ret = T_CALL(
			t, trigger_iopf, dev, pasid_or_rid(op->pasid), 0,
			IOMMU_PGFAULT_PERM_READ | IOMMU_PGFAULT_PERM_WRITE, 0);
		break;
	case X_FAULT_READ: r->ret = fault_read(s, q, &r->out); break;
	case X_FAULT_RESPOND: r->ret = respond(s, q, op->arg, &r->out); break;
	case X_VIOMMU_ALLOC:
		r->ret = T_CALL(t, viommu_alloc, dev, s->hwpt[op->hwpt],
				viommu_type(s, dev), 0, &id);
		if (!r->ret)
			o->id[XO_VIOMMU][q] = id;
		break;
	case X_VDEV_ALLOC:
		/* virt_id 1 or 2: never 0, which no event names */
		r->ret = T_CALL(t, vdevice_alloc, o->id[XO_VIOMMU][m], dev,
				1 + ((op->arg >> 4) & 1), &id);
		if (!r->ret)
			o->id[XO_VDEV][q] = id;
		break;
	case X_VEVQ_ALLOC:
		r->ret =
			T_CALL(t, veventq_alloc, o->id[XO_VIOMMU][m],
			       selftest(s, dev) ? SELFTEST_VEVENTQ
						: IOMMU_VEVENTQ_TYPE_ARM_SMMUV3,
			       1, &id);
		if (!r->ret)
			o->id[XO_VEVQ][q] = id;
		break;
	case X_VEVENT: r->ret = T_CALL(t, trigger_vevent, dev); break;
	case X_VEVQ_READ:
		r->ret = vevq_read(s, o->id[XO_VEVQ][q], &r->out);
		break;
	case X_HWQ_ALLOC:
		r->ret = T_CALL(t, hw_queue_alloc, o->id[XO_VIOMMU][m],
				selftest(s, dev)
					? SELFTEST_HW_QUEUE
					: IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV,
				0, u->iova[op->iova], X_PAGE, &id);
		if (!r->ret)
			o->id[XO_HWQ][q] = id;
		break;
	case X_ACCESS_PIN:
		r->ret = T_CALL(t, access_pin, s->ioas[op->ioas],
				u->iova[op->iova], X_PAGE, u->buf, &id);
		if (!r->ret)
			o->id[XO_PIN][q] = id;
		break;
	case X_ACCESS_UNPIN:
		r->ret = T_CALL(t, access_unpin, o->id[XO_PIN][q]);
		break;
	case X_DESTROY_OBJ:
		r->ret = destroy_obj(u, s, &o->id[op->arg % XO_PIN][q]);
		break;
	case X_FD_CLOSE:
		r->ret = T_CALL(t, eventq_close,
				o->id[op->arg ? XO_VEVQ : XO_FAULT][q]);
		break;
	case X_DMA_AT_VA:
		r->ret = u->dma_ok ? dma_at_va(u, s, dev, op->buf, &r->out)
				   : -T_UNSUPPORTED;
		break;
	}
}

/* --- text form ----------------------------------------------------------- */

void explore_obj_format(const struct xop *op, char *b, size_t len)
{
	const char *k;
	unsigned q = op->buf % X_OBJ_SLOTS, m = op->arg % X_OBJ_SLOTS;

	if (op->kind < X_OBJ_FIRST || op->kind >= X_NKINDS) {
		snprintf(b, len, "?");
		return;
	}
	k = obj_kind_names[op->kind - X_OBJ_FIRST];
	switch (op->kind) {
	case X_BIND_CTX:
	case X_BIND_2FD:
		snprintf(b, len, "%s d%u c%u", k, op->dev, op->arg);
		break;
	case X_CLOSE_CTX: snprintf(b, len, "%s c%u", k, op->arg); break;
	case X_IOAS_CTX:
		snprintf(b, len, "%s i%u c%u", k, op->ioas, op->arg);
		break;
	case X_PARENT_ALLOC:
		snprintf(b, len, "%s h%u d%u i%u", k, op->hwpt, op->dev,
			 op->ioas);
		break;
	case X_NEST_ALLOC:
		snprintf(b, len, "%s h%u d%u %c%u data=%s", k, op->hwpt,
			 op->dev, op->arg & NEST_ON_VIOMMU ? 'm' : 'h', op->buf,
			 op->arg & NEST_NO_DATA ? "none" : "ok");
		break;
	case X_INVALIDATE: {
		static const char *const pat[INV_NPATTERNS] = {
			"0", "1", "2", "3", "all", "bad-middle"};

		snprintf(b, len, "%s h%u entry=%s", k, op->hwpt,
			 pat[op->arg % INV_NPATTERNS]);
		break;
	}
	case X_IOTLB: snprintf(b, len, "%s h%u", k, op->hwpt); break;
	case X_FAULT_ALLOC:
		snprintf(b, len, "%s q%u fd=%s", k, q,
			 op->arg ? "open" : "closed");
		break;
	case X_HWPT_FAULT:
		snprintf(b, len, "%s h%u d%u i%u q%u", k, op->hwpt, op->dev,
			 op->ioas, q);
		break;
	case X_IOPF:
		snprintf(b, len, "%s d%u %s", k, op->dev,
			 op->pasid ? (op->pasid == 1 ? "pasid1" : "pasid2")
				   : "rid");
		break;
	case X_FAULT_READ: snprintf(b, len, "%s q%u", k, q); break;
	case X_FAULT_RESPOND:
		snprintf(b, len, "%s q%u code=%s", k, q,
			 code_names[op->arg % 3]);
		break;
	case X_VIOMMU_ALLOC:
		snprintf(b, len, "%s m%u d%u h%u", k, q, op->dev, op->hwpt);
		break;
	case X_VDEV_ALLOC:
		snprintf(b, len, "%s e%u m%u d%u virt=%u", k, q, m, op->dev,
			 1 + ((op->arg >> 4) & 1));
		break;
	case X_VEVQ_ALLOC: snprintf(b, len, "%s x%u m%u", k, q, m); break;
	case X_VEVENT: snprintf(b, len, "%s d%u", k, op->dev); break;
	case X_VEVQ_READ: snprintf(b, len, "%s x%u", k, q); break;
	case X_HWQ_ALLOC:
		snprintf(b, len, "%s w%u m%u v%u", k, q, m, op->iova);
		break;
	case X_ACCESS_PIN:
		snprintf(b, len, "%s p%u i%u v%u", k, q, op->ioas, op->iova);
		break;
	case X_ACCESS_UNPIN: snprintf(b, len, "%s p%u", k, q); break;
	case X_DESTROY_OBJ:
		snprintf(b, len, "%s %c%u", k, obj_letter[op->arg % XO_PIN], q);
		break;
	case X_FD_CLOSE:
		snprintf(b, len, "%s %c%u", k, op->arg ? 'x' : 'q', q);
		break;
	case X_DMA_AT_VA:
		snprintf(b, len, "%s d%u b%u", k, op->dev, op->buf % X_BUFS);
		break;
	}
}

/* "<letter><digit>" with the digit below max into *v. */
static bool tok_slot(const char *tok, char letter, unsigned max, uint8_t *v)
{
	if (!tok || tok[0] != letter || tok[1] < '0' ||
	    (unsigned)(tok[1] - '0') >= max || tok[2])
		return false;
	*v = (uint8_t)(tok[1] - '0');
	return true;
}

/* "key=" one of names[0..n-1] into *v. */
static bool tok_word(const char *tok, const char *key, const char *const *names,
		     unsigned n, uint8_t *v)
{
	size_t kl = strlen(key);

	if (!tok || strncmp(tok, key, kl) || tok[kl] != '=')
		return false;
	for (unsigned i = 0; i < n; i++)
		if (!strcmp(tok + kl + 1, names[i])) {
			*v = (uint8_t)i;
			return true;
		}
	return false;
}

/* An object slot of one of the types in mask: the type into *type. */
static bool tok_obj(const char *tok, unsigned mask, uint8_t *type, uint8_t *v)
{
	for (unsigned ty = 0; ty < XO_NTYPES; ty++)
		if ((mask & (1u << ty)) &&
		    tok_slot(tok, obj_letter[ty], X_OBJ_SLOTS, v)) {
			*type = (uint8_t)ty;
			return true;
		}
	return false;
}

static bool parse_fields(char **tok, unsigned n, struct xop *op)
{
	static const char *const data[] = {"ok", "none"};
	static const char *const fd[] = {"closed", "open"};
	static const char *const pat[] = {"0", "1",   "2",
					  "3", "all", "bad-middle"};
	static const char *const pasid[] = {"rid", "pasid1", "pasid2"};
	static const char *const virt[] = {"1", "2"};
	uint8_t v = 0, ty = 0;

	switch (op->kind) {
	case X_BIND_CTX:
	case X_BIND_2FD:
		return n == 3 && tok_slot(tok[1], 'd', X_DEVS, &op->dev) &&
		       tok_slot(tok[2], 'c', T_MAX_CTX, &op->arg);
	case X_CLOSE_CTX:
		return n == 2 && tok_slot(tok[1], 'c', T_MAX_CTX, &op->arg);
	case X_IOAS_CTX:
		return n == 3 && tok_slot(tok[1], 'i', X_IOAS, &op->ioas) &&
		       tok_slot(tok[2], 'c', T_MAX_CTX, &op->arg);
	case X_PARENT_ALLOC:
		return n == 4 && tok_slot(tok[1], 'h', X_HWPT, &op->hwpt) &&
		       tok_slot(tok[2], 'd', X_DEVS, &op->dev) &&
		       tok_slot(tok[3], 'i', X_IOAS, &op->ioas);
	case X_NEST_ALLOC:
		if (n != 5 || !tok_slot(tok[1], 'h', X_HWPT, &op->hwpt) ||
		    !tok_slot(tok[2], 'd', X_DEVS, &op->dev) ||
		    !tok_word(tok[4], "data", data, 2, &v))
			return false;
		op->arg = v ? NEST_NO_DATA : 0;
		if (tok_slot(tok[3], 'm', X_OBJ_SLOTS, &op->buf)) {
			op->arg |= NEST_ON_VIOMMU;
			return true;
		}
		return tok_slot(tok[3], 'h', X_HWPT, &op->buf);
	case X_INVALIDATE:
		return n == 3 && tok_slot(tok[1], 'h', X_HWPT, &op->hwpt) &&
		       tok_word(tok[2], "entry", pat, INV_NPATTERNS, &op->arg);
	case X_IOTLB: return n == 2 && tok_slot(tok[1], 'h', X_HWPT, &op->hwpt);
	case X_FAULT_ALLOC:
		return n == 3 && tok_slot(tok[1], 'q', X_OBJ_SLOTS, &op->buf) &&
		       tok_word(tok[2], "fd", fd, 2, &op->arg);
	case X_HWPT_FAULT:
		return n == 5 && tok_slot(tok[1], 'h', X_HWPT, &op->hwpt) &&
		       tok_slot(tok[2], 'd', X_DEVS, &op->dev) &&
		       tok_slot(tok[3], 'i', X_IOAS, &op->ioas) &&
		       tok_slot(tok[4], 'q', X_OBJ_SLOTS, &op->buf);
	case X_IOPF:
		if (n != 3 || !tok_slot(tok[1], 'd', X_DEVS, &op->dev))
			return false;
		for (uint8_t p = 0; p <= X_PASIDS; p++)
			if (!strcmp(tok[2], pasid[p])) {
				op->pasid = p;
				return true;
			}
		return false;
	case X_FAULT_READ:
		return n == 2 && tok_slot(tok[1], 'q', X_OBJ_SLOTS, &op->buf);
	case X_FAULT_RESPOND:
		return n == 3 && tok_slot(tok[1], 'q', X_OBJ_SLOTS, &op->buf) &&
		       tok_word(tok[2], "code", code_names, 3, &op->arg);
	case X_VIOMMU_ALLOC:
		return n == 4 && tok_slot(tok[1], 'm', X_OBJ_SLOTS, &op->buf) &&
		       tok_slot(tok[2], 'd', X_DEVS, &op->dev) &&
		       tok_slot(tok[3], 'h', X_HWPT, &op->hwpt);
	case X_VDEV_ALLOC:
		if (n != 5 || !tok_slot(tok[1], 'e', X_OBJ_SLOTS, &op->buf) ||
		    !tok_slot(tok[2], 'm', X_OBJ_SLOTS, &op->arg) ||
		    !tok_slot(tok[3], 'd', X_DEVS, &op->dev) ||
		    !tok_word(tok[4], "virt", virt, 2, &v))
			return false;
		op->arg |= (uint8_t)(v << 4);
		return true;
	case X_VEVQ_ALLOC:
		return n == 3 && tok_slot(tok[1], 'x', X_OBJ_SLOTS, &op->buf) &&
		       tok_slot(tok[2], 'm', X_OBJ_SLOTS, &op->arg);
	case X_VEVENT: return n == 2 && tok_slot(tok[1], 'd', X_DEVS, &op->dev);
	case X_VEVQ_READ:
		return n == 2 && tok_slot(tok[1], 'x', X_OBJ_SLOTS, &op->buf);
	case X_HWQ_ALLOC:
		return n == 4 && tok_slot(tok[1], 'w', X_OBJ_SLOTS, &op->buf) &&
		       tok_slot(tok[2], 'm', X_OBJ_SLOTS, &op->arg) &&
		       tok_slot(tok[3], 'v', X_IOVAS, &op->iova);
	case X_ACCESS_PIN:
		return n == 4 && tok_slot(tok[1], 'p', X_OBJ_SLOTS, &op->buf) &&
		       tok_slot(tok[2], 'i', X_IOAS, &op->ioas) &&
		       tok_slot(tok[3], 'v', X_IOVAS, &op->iova);
	case X_ACCESS_UNPIN:
		return n == 2 && tok_slot(tok[1], 'p', X_OBJ_SLOTS, &op->buf);
	case X_DESTROY_OBJ:
		if (n != 2 ||
		    !tok_obj(tok[1], (1u << XO_PIN) - 1, &ty, &op->buf))
			return false;
		op->arg = ty;
		return true;
	case X_FD_CLOSE:
		if (n != 2 || !tok_obj(tok[1], 1u << XO_FAULT | 1u << XO_VEVQ,
				       &ty, &op->buf))
			return false;
		op->arg = ty == XO_VEVQ;
		return true;
	case X_DMA_AT_VA:
		return n == 3 && tok_slot(tok[1], 'd', X_DEVS, &op->dev) &&
		       tok_slot(tok[2], 'b', X_BUFS, &op->buf);
	}
	return false;
}

/* tok[0] names the step (op is zeroed): false on no such step or a
 * malformed one. */
bool explore_obj_parse(char **tok, unsigned n, struct xop *op)
{
	for (unsigned k = X_OBJ_FIRST; k < X_NKINDS; k++)
		if (!strcmp(tok[0], obj_kind_names[k - X_OBJ_FIRST])) {
			op->kind = (uint8_t)k;
			return parse_fields(tok, n, op);
		}
	return false;
}

/* The result text of the steps whose out means something. */
bool explore_obj_describe(char *b, size_t len, const struct xop *op,
			  const struct xres *r)
{
	char ret[16];

	snprintf(ret, sizeof(ret), "%s%d", r->ret ? "-" : "",
		 r->ret < 0 ? -r->ret : r->ret);
	switch (op->kind) {
	case X_INVALIDATE:
		snprintf(b, len, "%s handled=%lld", ret, (long long)r->out);
		return true;
	case X_IOTLB:
		snprintf(b, len, "%s valid=0x%llx", ret, (long long)r->out);
		return !r->ret;
	case X_FAULT_READ:
		snprintf(b, len, "%s records=%lld", ret, (long long)r->out);
		return !r->ret;
	case X_FAULT_RESPOND:
		snprintf(b, len, "%s bytes=%lld", ret, (long long)r->out);
		return !r->ret;
	case X_VEVQ_READ:
		snprintf(b, len, "%s bytes=%lld lost=%lld", ret,
			 (long long)(r->out & 0xffff),
			 (long long)(r->out >> 16));
		return !r->ret;
	case X_DMA_AT_VA:
		snprintf(b, len, "%s %s", ret,
			 r->out == 1		 ? "landed"
			 : r->out == OUT_BLOCKED ? "blocked"
						 : "landed-elsewhere");
		return !r->ret;
	}
	return false;
}

/* --- generating ---------------------------------------------------------- */

static unsigned rnd(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

/* A live slot of live[0..n-1] mostly, any one now and then. */
static uint8_t live_slot(uint64_t *s, const bool *live, unsigned n)
{
	unsigned k = rnd(s, n);

	if (rnd(s, 8) == 0)
		return (uint8_t)k;
	for (unsigned i = 0; i < n; i++)
		if (live[(k + i) % n])
			return (uint8_t)((k + i) % n);
	return (uint8_t)k;
}

static bool any(const bool *live, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (live[i])
			return true;
	return false;
}

/*
 * A sequence drawn to a chain takes, half the time, the next step its
 * deepest states need from what the oracle says exists: a vIOMMU's events
 * (NEST_PARENT HWPT, vIOMMU, vDEVICE, vEVENTQ, a nested HWPT on it, then
 * attach, events, reads) or a page request's way (fault queue, fault HWPT,
 * then attach, requests, reads, answers, detach). Twelve specific steps in
 * a row are too rare in a free mix.
 */
static uint8_t chain_next(struct gen_state *g)
{
	static const uint8_t viommu_tail[] = {X_ATTACH_HWPT, X_VEVENT,
					      X_VEVENT,	     X_VEVQ_READ,
					      X_HWQ_ALLOC,   X_NEST_ALLOC};
	static const uint8_t fault_tail[] = {X_ATTACH_HWPT, X_IOPF,
					     X_FAULT_READ,  X_FAULT_RESPOND,
					     X_DETACH,	    X_ATTACH_IOAS};
	const bool(*live)[X_OBJ_SLOTS] = g->obj_live;

	if (g->obj_chain == 1) {
		if (!any(g->hwpt_live, X_HWPT))
			return X_PARENT_ALLOC;
		if (!any(live[XO_VIOMMU], X_OBJ_SLOTS))
			return X_VIOMMU_ALLOC;
		if (!any(live[XO_VDEV], X_OBJ_SLOTS))
			return X_VDEV_ALLOC;
		if (!any(live[XO_VEVQ], X_OBJ_SLOTS))
			return X_VEVQ_ALLOC;
		if (!any(g->nested_live, X_HWPT))
			return X_NEST_ALLOC;
		return viommu_tail[rnd(&g->rng, sizeof(viommu_tail))];
	}
	if (!any(live[XO_FAULT], X_OBJ_SLOTS))
		return X_FAULT_ALLOC;
	if (!any(g->hwpt_live, X_HWPT))
		return X_HWPT_FAULT;
	return fault_tail[rnd(&g->rng, sizeof(fault_tail))];
}

/* Kinds with weights: the chains to deep states (a vIOMMU's event queue)
 * need their allocations often. */
uint8_t explore_obj_kind(const struct universe *u, struct gen_state *g)
{
	if (g->obj_chain && rnd(&g->rng, 2))
		return chain_next(g);

	static const uint8_t table[] = {
		X_BIND_CTX,	 X_BIND_2FD,	 X_CLOSE_CTX,
		X_IOAS_CTX,	 X_PARENT_ALLOC, X_PARENT_ALLOC,
		X_PARENT_ALLOC,	 X_NEST_ALLOC,	 X_NEST_ALLOC,
		X_NEST_ALLOC,	 X_INVALIDATE,	 X_INVALIDATE,
		X_IOTLB,	 X_IOTLB,	 X_FAULT_ALLOC,
		X_FAULT_ALLOC,	 X_HWPT_FAULT,	 X_HWPT_FAULT,
		X_HWPT_FAULT,	 X_IOPF,	 X_IOPF,
		X_FAULT_READ,	 X_FAULT_READ,	 X_FAULT_RESPOND,
		X_FAULT_RESPOND, X_VIOMMU_ALLOC, X_VIOMMU_ALLOC,
		X_VDEV_ALLOC,	 X_VDEV_ALLOC,	 X_VEVQ_ALLOC,
		X_VEVQ_ALLOC,	 X_VEVENT,	 X_VEVENT,
		X_VEVENT,	 X_VEVQ_READ,	 X_VEVQ_READ,
		X_HWQ_ALLOC,	 X_HWQ_ALLOC,	 X_ACCESS_PIN,
		X_ACCESS_PIN,	 X_ACCESS_UNPIN, X_DESTROY_OBJ,
		X_DESTROY_OBJ,	 X_FD_CLOSE,	 X_DMA_AT_VA,
		X_DMA_AT_VA,
	};

	for (unsigned tries = 0; tries < 64; tries++) {
		uint8_t k = table[rnd(&g->rng, sizeof(table))];

		if (!g->kind_on[k])
			continue;
		if (u->obj_nctx < 2 && (k == X_BIND_CTX || k == X_IOAS_CTX))
			continue;
		return k;
	}
	return X_BIND;
}

void explore_obj_operands(const struct universe *u, struct gen_state *g,
			  struct xop *op)
{
	uint64_t *s = &g->rng;
	const bool(*live)[X_OBJ_SLOTS] = g->obj_live;
	bool mapped[X_IOVAS - 1];

	memcpy(mapped, g->iova_mapped, sizeof(mapped));
	op->buf = (uint8_t)rnd(s, X_OBJ_SLOTS);
	op->arg = 0;
	switch (op->kind) {
	case X_BIND_CTX:
	case X_IOAS_CTX:
		op->arg = (uint8_t)(u->obj_nctx > 1 && rnd(s, 4) ? 1 : 0);
		if (op->kind == X_IOAS_CTX)
			op->ioas = (uint8_t)rnd(s, X_IOAS);
		break;
	case X_BIND_2FD:
	case X_CLOSE_CTX:
		op->arg = (uint8_t)rnd(s, u->obj_nctx ? u->obj_nctx : 1);
		break;
	case X_PARENT_ALLOC:
	case X_HWPT_FAULT:
		op->hwpt = (uint8_t)rnd(s, X_HWPT);
		if (op->kind == X_HWPT_FAULT)
			op->buf = live_slot(s, live[XO_FAULT], X_OBJ_SLOTS);
		break;
	case X_NEST_ALLOC:
		op->hwpt = (uint8_t)rnd(s, X_HWPT);
		if ((g->obj_chain == 1 || rnd(s, 2)) &&
		    any(live[XO_VIOMMU], X_OBJ_SLOTS)) {
			op->arg = NEST_ON_VIOMMU;
			op->buf = live_slot(s, live[XO_VIOMMU], X_OBJ_SLOTS);
		} else {
			op->buf = live_slot(s, g->hwpt_live, X_HWPT);
		}
		if (rnd(s, 8) == 0)
			op->arg |= NEST_NO_DATA;
		break;
	case X_INVALIDATE:
	case X_IOTLB:
		op->hwpt = live_slot(s, g->nested_live, X_HWPT);
		op->arg = (uint8_t)rnd(s, INV_NPATTERNS);
		break;
	case X_FAULT_ALLOC: op->arg = rnd(s, 4) != 0; break;
	case X_FAULT_READ:
	case X_FAULT_RESPOND:
		op->buf = live_slot(s, live[XO_FAULT], X_OBJ_SLOTS);
		if (op->kind == X_FAULT_RESPOND)
			op->arg = (uint8_t)rnd(s, 3);
		break;
	case X_VIOMMU_ALLOC:
		op->hwpt = live_slot(s, g->hwpt_live, X_HWPT);
		break;
	case X_VDEV_ALLOC:
	case X_VEVQ_ALLOC:
	case X_HWQ_ALLOC:
		op->arg = live_slot(s, live[XO_VIOMMU], X_OBJ_SLOTS);
		if (op->kind == X_VDEV_ALLOC)
			op->arg |= (uint8_t)(rnd(s, 4) == 0) << 4;
		if (op->kind == X_HWQ_ALLOC)
			op->iova = live_slot(s, mapped, X_IOVAS - 1);
		break;
	case X_VEVQ_READ:
		op->buf = live_slot(s, live[XO_VEVQ], X_OBJ_SLOTS);
		break;
	case X_ACCESS_PIN: op->iova = live_slot(s, mapped, X_IOVAS - 1); break;
	case X_ACCESS_UNPIN:
		op->buf = live_slot(s, live[XO_PIN], X_OBJ_SLOTS);
		break;
	case X_DESTROY_OBJ:
		op->arg = (uint8_t)rnd(s, XO_PIN);
		op->buf = live_slot(s, live[op->arg], X_OBJ_SLOTS);
		break;
	case X_FD_CLOSE:
		op->arg = (uint8_t)rnd(s, 2);
		op->buf = live_slot(s, live[op->arg ? XO_VEVQ : XO_FAULT],
				    X_OBJ_SLOTS);
		break;
	case X_DMA_AT_VA: op->buf = (uint8_t)rnd(s, X_BUFS); break;
	}
}

/* What a step the oracle took (ret 0) made or ended. */
void explore_obj_learn(struct gen_state *g, const struct xop *op)
{
	unsigned q = op->buf % X_OBJ_SLOTS;

	switch (op->kind) {
	case X_HWPT_ALLOC:
	case X_DESTROY_HWPT:
	case X_PARENT_ALLOC:
	case X_HWPT_FAULT:
		g->nested_live[op->hwpt] = false;
		if (op->kind != X_DESTROY_HWPT)
			g->hwpt_live[op->hwpt] = true;
		break;
	case X_NEST_ALLOC:
		g->hwpt_live[op->hwpt] = g->nested_live[op->hwpt] = true;
		break;
	case X_FAULT_ALLOC: g->obj_live[XO_FAULT][q] = true; break;
	case X_VIOMMU_ALLOC: g->obj_live[XO_VIOMMU][q] = true; break;
	case X_VDEV_ALLOC: g->obj_live[XO_VDEV][q] = true; break;
	case X_VEVQ_ALLOC: g->obj_live[XO_VEVQ][q] = true; break;
	case X_HWQ_ALLOC: g->obj_live[XO_HWQ][q] = true; break;
	case X_ACCESS_PIN: g->obj_live[XO_PIN][q] = true; break;
	case X_ACCESS_UNPIN: g->obj_live[XO_PIN][q] = false; break;
	case X_DESTROY_OBJ: g->obj_live[op->arg % XO_PIN][q] = false; break;
	}
}

/* --- exhaustive mode ----------------------------------------------------- */

/* Steps whose hwpt field names a HWPT slot (symmetry reduction). */
bool explore_obj_names_hwpt(const struct xop *op)
{
	return op->kind == X_PARENT_ALLOC || op->kind == X_NEST_ALLOC ||
	       op->kind == X_INVALIDATE || op->kind == X_IOTLB ||
	       op->kind == X_HWPT_FAULT || op->kind == X_VIOMMU_ALLOC;
}

/* The object-side letters of the exhaustive alphabet, after the n others:
 * enough to reach a nested HWPT's IOTLB, a page request's read and answer,
 * a pin, a vIOMMU, and a second context's ownership and close. */
unsigned explore_obj_alphabet(const struct universe *u, struct xop *a,
			      unsigned n, unsigned max)
{
	/* All on HWPT slot 0: a nested HWPT replaces its parent in the slot
	 * (the parent stays, held), so four steps reach an invalidation of
	 * either kind of HWPT. */
	const struct xop add[] = {
		{.kind = X_PARENT_ALLOC},
		{.kind = X_NEST_ALLOC},
		{.kind = X_INVALIDATE, .arg = 1},
		{.kind = X_IOTLB},
		{.kind = X_FAULT_ALLOC, .arg = 1},
		{.kind = X_HWPT_FAULT},
		{.kind = X_IOPF},
		{.kind = X_FAULT_READ},
		{.kind = X_FAULT_RESPOND},
		{.kind = X_ACCESS_PIN},
		{.kind = X_VIOMMU_ALLOC},
		{.kind = X_DESTROY_OBJ},
		{.kind = X_BIND_2FD},
		{.kind = X_CLOSE_CTX},
		/* the second of the same-group pair, to context 1 */
		{.kind = X_BIND_CTX, .dev = 2, .arg = 1},
		{.kind = X_DMA_AT_VA},
		/* the other instance's device (no PASIDs, MSI isolation) */
		{.kind = X_BIND, .dev = 3},
	};

	if (!u->obj_ok)
		return n;
	for (unsigned i = 0; i < sizeof(add) / sizeof(add[0]) && n < max; i++) {
		if ((add[i].kind == X_BIND_CTX && u->obj_nctx < 2) ||
		    add[i].dev >= u->ndev)
			continue;
		a[n++] = add[i];
	}
	return n;
}

/* The observable state folds in the IOTLB of HWPT slots 0 and 1. */
uint64_t explore_obj_observe(const struct universe *u, struct side *s,
			     uint64_t h)
{
	if (!u->obj_ok)
		return h;
	for (uint8_t k = 0; k < 2; k++) {
		struct xop q = {.kind = X_IOTLB, .hwpt = k};
		struct xres r;

		explore_obj_exec(u, s, &q, &r);
		h = (h ^ (uint64_t)(r.ret * 31 + r.out)) * 1099511628211ull;
	}
	return h;
}
