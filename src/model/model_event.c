// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model (see model.c): vDEVICEs, event queues and page
 * requests.
 *
 *  - IOMMU_VDEVICE_ALLOC (drivers/iommu/iommufd/viommu.c:
 *    iommufd_vdevice_alloc_ioctl): one vDEVICE per device, one per virt_id
 *    per vIOMMU; it holds its vIOMMU. When the device is unbound the
 *    vDEVICE is destroyed and its ID left as a tombstone
 *    (device.c:iommufd_device_remove_vdev).
 *  - IOMMU_VEVENTQ_ALLOC (eventq.c:iommufd_veventq_alloc), the events
 *    (driver.c:iommufd_viommu_report_event, iommufd_private.h:
 *    iommufd_vevent_handler) and their read (eventq.c:
 *    iommufd_veventq_fops_read).
 *  - Page requests (io-pgfault.c:iommu_report_device_fault), their delivery
 *    to a fault queue (eventq.c:iommufd_fault_iopf_handler), read and
 *    response (iommufd_fault_fops_read/write) and the automatic response
 *    when the attachment they came through goes away
 *    (iommufd_auto_response_faults).
 */
#include <errno.h>
#include <linux/iommufd.h>
#include <string.h>

#include "model_int.h"

/* The selftest vEVENT (iommufd_test.h: struct iommu_viommu_event_selftest). */
#define EVENT_DATA_LEN 4u

static struct m_viommu *get_viommu(struct model *m, uint32_t id)
{
	const struct m_obj *o = obj_get(m, T_ID_CTX(id), id & 0xffffff);

	return o && o->type == MO_VIOMMU ? &m->viommu[o->idx] : NULL;
}

/* The object of a vIOMMU's child in slot idx of its kind (-1: none free),
 * and the reference the child holds on the vIOMMU. */
static int child_obj(struct model *m, struct m_viommu *v, uint8_t type,
		     int idx, uint32_t *raw)
{
	int rc;

	if (idx < 0 || should_fail(m))
		return -ENOMEM;
	rc = model_obj_alloc(m, v->ctx, type, (unsigned)idx, raw);
	if (!rc)
		v->users++;
	return rc;
}

/* A free slot of arr claimed for a child of v of the object type
 * (child_obj()), cleared, with its raw ID, used, ctx and v set: 0 with p
 * pointing at it, or the errno. */
#define NEW_CHILD(m, v, arr, type, p)                     \
	({                                                \
		int s_ = FREE_SLOT(arr);                  \
		uint32_t r_;                              \
		int rc_ = child_obj(m, v, type, s_, &r_); \
		if (!rc_) {                               \
			(p) = &(arr)[s_];                 \
			memset((p), 0, sizeof(*(p)));     \
			(p)->raw = r_;                    \
			(p)->used = true;                 \
			(p)->ctx = (v)->ctx;              \
			(p)->v = (v);                     \
		}                                         \
		rc_;                                      \
	})

/* The vIOMMU's IOMMU instance: that of its parent's domain. */
static unsigned viommu_iommu(const struct m_viommu *v)
{
	return v->parent ? v->parent->iommu : 0;
}

/* dev's vDEVICE on v, or NULL: iommufd_viommu_get_vdev_id() */
const struct m_vdev *model_vdev_of(const struct model *m, unsigned dev,
				   const struct m_viommu *v)
{
	for (unsigned i = 0; i < M_MAX_VDEV; i++)
		if (m->vdev[i].used && m->vdev[i].dev == dev &&
		    m->vdev[i].v == v)
			return &m->vdev[i];
	return NULL;
}

/* iommufd_vdevice_alloc_ioctl() */
int model_vdevice_alloc(struct model *m, uint32_t viommu_id, unsigned dev,
			uint64_t virt_id, uint32_t *vdev_id)
{
	struct m_viommu *v;
	struct m_vdev *vd;
	unsigned ctx;
	int rc;

	CLOSED_CHECK(m, viommu_id);
	v = get_viommu(m, viommu_id);
	if (!v)
		return op_end(m, -ENOENT);
	if (dev >= m->p->ndev || m->dev[dev].ctx != (int)v->ctx)
		return op_end(m, -ENOENT); /* iommufd_get_device() */
	ctx = v->ctx;
	if (v->parent && m->p->dev[dev].iommu != viommu_iommu(v))
		return op_end(m, -EINVAL);
	for (unsigned i = 0; i < M_MAX_VDEV; i++) {
		const struct m_vdev *o = &m->vdev[i];

		if (!o->used)
			continue;
		if (o->dev == dev) /* idev->vdev */
			return op_end(m, -EEXIST);
		/* xa_insert() -EBUSY; MB_VDEV_VIRT_ID_SHARED (VIOMMU-1) */
		if (o->v == v && o->virt_id == virt_id &&
		    !bug(m, MB_VDEV_VIRT_ID_SHARED))
			return op_end(m, -EEXIST);
	}
	rc = NEW_CHILD(m, v, m->vdev, MO_VDEVICE, vd);
	if (rc)
		return op_end(m, rc);
	vd->dev = dev;
	vd->virt_id = virt_id;
	*vdev_id = obj_id(ctx, vd->raw);
	return op_end(m, 0);
}

static void vdev_free(struct model *m, struct m_vdev *vd, bool tombstone)
{
	vd->v->users--;
	vd->used = false;
	model_obj_free(m, vd->ctx, vd->raw);
	if (tombstone)
		m->obj[vd->ctx][vd->raw].type = MO_TOMBSTONE;
}

/* iommufd_device_pre_destroy() -> iommufd_device_remove_vdev();
 * MB_VDEV_NO_TOMBSTONE: the ID is freed for reuse (VIOMMU-2). */
void model_event_unbind(struct model *m, unsigned dev)
{
	for (unsigned i = 0; i < M_MAX_VDEV; i++)
		if (m->vdev[i].used && m->vdev[i].dev == dev)
			vdev_free(m, &m->vdev[i],
				  !bug(m, MB_VDEV_NO_TOMBSTONE));
}

/* iommufd_veventq_alloc() */
int model_veventq_alloc(struct model *m, uint32_t viommu_id, uint32_t type,
			uint32_t depth, uint32_t *veventq_id)
{
	struct m_viommu *v;
	struct m_vevq *q;
	int rc;

	CLOSED_CHECK(m, viommu_id);
	if (type == IOMMU_VEVENTQ_TYPE_DEFAULT)
		return op_end(m, -EOPNOTSUPP);
	if (!depth || depth > (1u << 19))
		return op_end(m, -EINVAL);
	v = get_viommu(m, viommu_id);
	if (!v)
		return op_end(m, -ENOENT);
	for (unsigned i = 0; i < M_MAX_VEVQ; i++)
		if (m->vevq[i].used && m->vevq[i].v == v &&
		    m->vevq[i].type == type)
			return op_end(m, -EEXIST);
	rc = NEW_CHILD(m, v, m->vevq, MO_VEVENTQ, q);
	if (rc)
		return op_end(m, rc);
	q->type = type;
	q->depth = depth;
	q->fd_open = true;
	*veventq_id = obj_id(q->ctx, q->raw);
	return op_end(m, 0);
}

int model_fault_queue_open(struct model *m, unsigned ctx, uint32_t *fault_id)
{
	const struct m_obj *o;
	int rc = model_fault_queue_alloc(m, ctx, fault_id);

	if (rc)
		return rc;
	o = obj_get(m, ctx, *fault_id & 0xffffff);
	m->fault[o->idx].fd_open = true;
	m->fault[o->idx].n = 0;
	return 0;
}

/* The queue behind an event queue ID: exactly one of *f, *q is set. */
static int eventq_get(struct model *m, uint32_t id, struct m_fault **f,
		      struct m_vevq **q)
{
	const struct m_obj *o = obj_get(m, T_ID_CTX(id), id & 0xffffff);

	*f = NULL;
	*q = NULL;
	if (o && o->type == MO_FAULT && m->fault[o->idx].fd_open)
		*f = &m->fault[o->idx];
	else if (o && o->type == MO_VEVENTQ && m->vevq[o->idx].fd_open)
		*q = &m->vevq[o->idx];
	else
		return -T_UNSUPPORTED; /* no fd the target opened */
	return 0;
}

static void ev_del(struct m_event *ev, unsigned *n, unsigned i)
{
	memmove(ev + i, ev + i + 1, (--*n - i) * sizeof(*ev));
}

/* iommufd_fault_fops_read(): unread requests in order, each as one
 * struct iommu_hwpt_pgfault with a fresh response cookie. */
static int fault_read(struct model *m, struct m_fault *f, void *buf, size_t len,
		      size_t *n)
{
	const size_t sz = sizeof(struct iommu_hwpt_pgfault);
	size_t done = 0;

	if (len % sz)
		return -ESPIPE;
	for (unsigned i = 0; i < f->n; i++) {
		struct m_event *e = &f->ev[i];
		struct iommu_hwpt_pgfault rec;
		uint32_t cookie = 1;

		if (e->cookie)
			continue;
		if (done + sz > len) {
			if (!done)
				return -EINVAL;
			break;
		}
		/* xa_alloc() into fault->response: the lowest free ID */
		for (bool taken = true; taken; cookie += taken) {
			taken = false;
			for (unsigned k = 0; k < f->n; k++)
				taken |= f->ev[k].cookie == cookie;
		}
		e->cookie = cookie;
		memset(&rec, 0, sizeof(rec));
		rec.flags = IOMMU_PGFAULT_FLAGS_LAST_PAGE |
			    (e->pasid != T_NO_PASID
				     ? IOMMU_PGFAULT_FLAGS_PASID_VALID
				     : 0);
		rec.dev_id = model_dev_id(m, e->dev) & 0xffffff;
		rec.pasid = e->pasid == T_NO_PASID ? 0 : e->pasid;
		rec.grpid = e->grpid;
		rec.perm = e->perm;
		rec.addr = e->addr;
		rec.cookie = cookie;
		memcpy((char *)buf + done, &rec, sz);
		done += sz;
	}
	*n = done;
	return 0;
}

/* iommufd_veventq_fops_read() */
static int vevq_read(struct m_vevq *q, void *buf, size_t len, size_t *n)
{
	const size_t hsz = sizeof(struct iommufd_vevent_header);
	size_t done = 0;

	if (len < hsz)
		return -EINVAL;
	while (q->n) {
		const struct m_event *e = &q->ev[0];
		struct iommufd_vevent_header h = {
			.flags = e->lost ? IOMMU_VEVENTQ_FLAG_LOST_EVENTS : 0,
			.sequence = e->seq,
		};
		size_t need = hsz + (e->lost ? 0 : EVENT_DATA_LEN);

		if (need > len - done) {
			if (!done && !e->lost)
				return -EINVAL;
			break;
		}
		memcpy((char *)buf + done, &h, hsz);
		if (!e->lost) {
			memcpy((char *)buf + done + hsz, &e->data,
			       EVENT_DATA_LEN);
			q->num_events--;
		}
		done += need;
		ev_del(q->ev, &q->n, 0);
	}
	*n = done;
	return 0;
}

int model_eventq_read(struct model *m, uint32_t eventq_id, void *buf,
		      size_t len, size_t *n)
{
	struct m_fault *f;
	struct m_vevq *q;
	int rc = eventq_get(m, eventq_id, &f, &q);

	if (rc)
		return op_end(m, rc);
	return op_end(m, f ? fault_read(m, f, buf, len, n)
			   : vevq_read(q, buf, len, n));
}

/* iommufd_fault_fops_write(): responses in order, each to a read and
 * unanswered request (its cookie), code SUCCESS or INVALID. */
int model_eventq_write(struct model *m, uint32_t eventq_id, const void *buf,
		       size_t len, size_t *n)
{
	const size_t sz = sizeof(struct iommu_hwpt_page_response);
	struct m_fault *f;
	struct m_vevq *q;
	size_t done = 0;
	int rc = eventq_get(m, eventq_id, &f, &q);

	if (rc)
		return op_end(m, rc);
	if (q)
		return op_end(m, -EINVAL); /* no write op: vfs_write() */
	if (len % sz)
		return op_end(m, -ESPIPE);
	while (done < len) {
		struct iommu_hwpt_page_response r;
		int k = -1;

		memcpy(&r, (const char *)buf + done, sz);
		/* MB_FAULT_RESPONSE_ANY_CODE (FAULT-2) */
		if (r.code != IOMMUFD_PAGE_RESP_SUCCESS &&
		    r.code != IOMMUFD_PAGE_RESP_INVALID &&
		    !bug(m, MB_FAULT_RESPONSE_ANY_CODE)) {
			rc = -EINVAL;
			break;
		}
		for (unsigned i = 0; i < f->n && k < 0; i++)
			if (r.cookie && f->ev[i].cookie == r.cookie)
				k = (int)i;
		if (k < 0) {
			rc = -EINVAL;
			break;
		}
		ev_del(f->ev, &f->n, (unsigned)k);
		done += sz;
	}
	if (!done)
		return op_end(m, rc);
	*n = done;
	return op_end(m, 0);
}

int model_eventq_close(struct model *m, uint32_t eventq_id)
{
	struct m_fault *f;
	struct m_vevq *q;
	int rc = eventq_get(m, eventq_id, &f, &q);

	if (rc)
		return rc;
	if (f)
		f->fd_open = false;
	else
		q->fd_open = false;
	return 0;
}

/* The HWPT a request of dev on pasid goes to: find_fault_handler() */
static struct m_hwpt *attached_sw(struct model *m, unsigned dev, uint32_t pasid)
{
	struct m_group *g = &m->group[m->dev[dev].gi];

	if (pasid == T_NO_PASID)
		return g->rid_sw;
	for (unsigned i = 0; i < M_MAX_PSLOT; i++)
		if (g->ps[i].sw && g->ps[i].pasid == pasid)
			return g->ps[i].sw;
	/* A driver with a user-managed PASID table: the PASID's requests go
	 * to a nested HWPT on the RID, never to a paging one.
	 * MB_IOPF_PASID_ANY_RID: to whatever the RID has (FAULT-4). */
	if (iommu_of(m, dev)->user_pasid_table && g->rid_sw &&
	    (g->rid_sw->nested || bug(m, MB_IOPF_PASID_ANY_RID)))
		return g->rid_sw;
	return NULL;
}

/* IOMMU_TEST_OP_TRIGGER_IOPF -> iommu_report_device_fault(): a request
 * with no fault-capable attachment is answered by the core and dropped. */
int model_trigger_iopf(struct model *m, unsigned dev, uint32_t pasid,
		       uint32_t grpid, uint32_t perm, uint64_t addr)
{
	struct m_hwpt *h;
	struct m_fault *f;

	if (dev >= m->p->ndev || m->dev[dev].ctx < 0)
		return op_end(m, -ENOENT);
	h = attached_sw(m, dev, pasid);
	f = h ? h->fault : NULL;
	if (!f || f->n == M_MAX_EVENTS)
		return op_end(m, 0);
	f->ev[f->n++] = (struct m_event){.dev = dev,
					 .pasid = pasid,
					 .grpid = grpid,
					 .perm = perm,
					 .addr = addr,
					 .h = ref_of(h)};
	return op_end(m, 0);
}

/*
 * iommufd_auto_response_faults() on every detach and replace: requests
 * (read or not) that came through an attachment that is gone are answered
 * by the core and leave the queue. MB_DETACH_KEEPS_FAULTS (FAULT-3).
 */
void model_event_sweep(struct model *m)
{
	if (bug(m, MB_DETACH_KEEPS_FAULTS))
		return;
	for (unsigned i = 0; i < M_MAX_FAULT; i++) {
		struct m_fault *f = &m->fault[i];
		bool gone = false;

		for (unsigned k = 0; f->used && k < f->n; k++)
			gone |= !ref_live(&f->ev[k].h) ||
				m->dev[f->ev[k].dev].ctx < 0 ||
				attached_sw(m, f->ev[k].dev, f->ev[k].pasid) !=
					f->ev[k].h.h;
		/* MB_DETACH_ANSWERS_QUEUE: a gone attachment takes every
		 * unread request of the queue with it (FAULT-5) */
		for (unsigned k = 0; gone && k < f->n;)
			if (!f->ev[k].cookie &&
			    bug(m, MB_DETACH_ANSWERS_QUEUE))
				ev_del(f->ev, &f->n, k);
			else
				k++;

		for (unsigned k = 0; f->used && k < f->n;) {
			const struct m_event *e = &f->ev[k];
			bool live = ref_live(&e->h) &&
				    m->dev[e->dev].ctx >= 0 &&
				    attached_sw(m, e->dev, e->pasid) == e->h.h;

			if (live)
				k++;
			else
				ev_del(f->ev, &f->n, k);
		}
	}
}

/* iommufd_vevent_handler(): the lost-events record is only ever last, and
 * any new entry takes its place. */
static void vevq_add(struct m_vevq *q, bool lost, uint32_t data)
{
	if (q->n && q->ev[q->n - 1].lost)
		q->n--;
	q->ev[q->n++] = (struct m_event){
		.lost = lost, .seq = q->sequence, .data = data};
	q->sequence = (q->sequence + 1) & INT32_MAX;
}

/* IOMMU_TEST_OP_TRIGGER_VEVENT -> iommufd_viommu_report_event(): ENOENT
 * unless dev sits on a nested HWPT of a vIOMMU that has its vDEVICE (with
 * a non-zero virt_id), EOPNOTSUPP without a vEVENTQ of the driver's type;
 * past the depth only the lost-events record moves (MB_VEVENT_LOST_UNMARKED:
 * the event is dropped silently, VIOMMU-3). */
int model_trigger_vevent(struct model *m, unsigned dev)
{
	struct m_hwpt *h;
	const struct m_vdev *vd = NULL;
	struct m_vevq *q = NULL;
	uint32_t type;

	if (dev >= m->p->ndev || m->dev[dev].ctx < 0)
		return op_end(m, -ENOENT);
	h = m->group[m->dev[dev].gi].rid_sw;
	if (!h || !h->nested || !h->viommu)
		return op_end(m, -ENOENT);
	vd = model_vdev_of(m, dev, h->viommu);
	if (!vd || !vd->virt_id)
		return op_end(m, -ENOENT);
	type = iommu_of(m, dev)->veventq_type;
	for (unsigned i = 0; i < M_MAX_VEVQ && !q; i++)
		if (m->vevq[i].used && m->vevq[i].v == h->viommu &&
		    m->vevq[i].type == type)
			q = &m->vevq[i];
	if (!q)
		return op_end(m, -EOPNOTSUPP);
	if (q->num_events == q->depth || q->num_events == M_MAX_EVENTS) {
		if (!bug(m, MB_VEVENT_LOST_UNMARKED))
			vevq_add(q, true, 0);
		return op_end(m, 0);
	}
	vevq_add(q, false, (uint32_t)vd->virt_id);
	q->num_events++;
	return op_end(m, 0);
}

/* iommufd_hwpt_alloc() with a vIOMMU as pt_id ->
 * iommufd_viommu_alloc_hwpt_nested(): the driver's alloc_domain_nested
 * with the vIOMMU's data format; the HWPT holds the vIOMMU. */
int model_nested_on_viommu(struct model *m, unsigned dev, unsigned idx,
			   uint32_t flags, uint32_t data_type, const void *data,
			   uint32_t data_len, uint32_t *hwpt_id)
{
	struct m_viommu *v = &m->viommu[idx];
	const struct model_iommu *io = iommu_of(m, dev);
	struct m_hwpt *h;
	int rc;

	if (flags & ~(IOMMU_HWPT_FAULT_ID_VALID | IOMMU_HWPT_ALLOC_PASID))
		return -EOPNOTSUPP;
	if (!v->parent || !io->viommu_nested_type)
		return -EOPNOTSUPP;
	if (data_type != io->viommu_nested_type)
		return -EOPNOTSUPP;
	if (data_len < io->viommu_nested_len)
		return -EINVAL;
	if (!data)
		return -EFAULT;
	rc = model_hwpt_new(m, v->ctx, MO_HWPT_NESTED, &h);
	if (rc)
		return rc;
	h->nested = true;
	h->iotlb_valid = 0xf;
	h->parent = v->parent;
	v->parent->children++;
	h->viommu = v;
	/* MB_NESTED_VIOMMU_UNHELD: no reference on the vIOMMU (VIOMMU-6) */
	h->viommu_held = !bug(m, MB_NESTED_VIOMMU_UNHELD);
	v->users += h->viommu_held;
	h->iommu = v->parent->iommu;
	h->pasid_compat = flags & IOMMU_HWPT_ALLOC_PASID;
	*hwpt_id = obj_id(v->ctx, h->raw);
	return 0;
}

/* iommufd_object_remove() of a vIOMMU: EBUSY while a vDEVICE, vEVENTQ or
 * nested HWPT holds it. */
int model_viommu_destroy(struct model *m, struct m_viommu *v)
{
	/* an mmap of its MMIO region holds it too (iommufd_fops_mmap()) */
	if (v->users || v->maps)
		return -EBUSY;
	if (v->parent)
		v->parent->viommus--;
	model_obj_free(m, v->ctx, v->raw);
	v->used = false;
	return 0;
}

/* DESTROY of a vDEVICE, HW queue or vEVENTQ; a vEVENTQ's open fd holds
 * it. */
int model_event_obj_destroy(struct model *m, const struct m_obj *o)
{
	if (o->type == MO_HW_QUEUE) {
		struct m_hwq *q = &m->hwq[o->idx];

		/* iommufd_hw_queue_depend(): the next queue holds it */
		if (q->deps)
			return -EBUSY;
		if (q->prev)
			q->prev->deps--;
		q->v->users--;
		q->used = false;
		model_obj_free(m, q->ctx, q->raw);
		return 0;
	}
	if (o->type == MO_VDEVICE) {
		vdev_free(m, &m->vdev[o->idx], false);
		return 0;
	}
	if (m->vevq[o->idx].fd_open)
		return -EBUSY;
	m->vevq[o->idx].v->users--;
	m->vevq[o->idx].used = false;
	model_obj_free(m, m->vevq[o->idx].ctx, m->vevq[o->idx].raw);
	return 0;
}

/* iommufd_fops_release(): the context's vDEVICEs and vEVENTQs go first. */
void model_event_ctx_release(struct model *m, unsigned ctx)
{
	RELEASE_CTX(m->vdev, ctx);
	RELEASE_CTX(m->vevq, ctx);
	RELEASE_CTX(m->hwq, ctx);
}

/* An area of a overlapping [iova, last] that a HW queue locks:
 * area->num_locks. MB_HW_QUEUE_UNLOCKED: the pin does not lock (VIOMMU-4). */
bool model_area_locked(const struct model *m, const struct m_ioas *a,
		       uint64_t iova, uint64_t last)
{
	if (bug(m, MB_HW_QUEUE_UNLOCKED))
		return false;
	for (unsigned i = 0; i < a->narea; i++) {
		const struct m_area *ar = &a->area[i];
		uint64_t al = ar->iova + ar->len - 1;

		if (!overlaps(ar->iova, al, iova, last))
			continue;
		for (unsigned k = 0; k < M_MAX_HWQ; k++)
			if (m->hwq[k].used && m->hwq[k].ioas == a &&
			    overlaps(ar->iova, al, m->hwq[k].iova,
				     m->hwq[k].last))
				return true;
	}
	return false;
}

/* Is [iova, last] of a fully mapped? iopt_for_each_contig_area(). */
static bool fully_mapped(const struct m_ioas *a, uint64_t iova, uint64_t last)
{
	uint64_t cur = iova;

	for (unsigned i = 0; i < a->narea && cur <= last; i++) {
		const struct m_area *ar = &a->area[i];

		if (ar->iova > cur)
			return false;
		if (ar->iova + ar->len - 1 >= cur) {
			if (ar->iova + ar->len - 1 >= last)
				return true;
			cur = ar->iova + ar->len;
		}
	}
	return false;
}

/* iommufd_hw_queue_alloc_ioctl() -> iommufd_hw_queue_alloc_phys(): the
 * driver's queue type, then an internal access pinning (and locking) the
 * memory in the parent HWPT's IOAS. */
int model_hw_queue_alloc(struct model *m, uint32_t viommu_id, uint32_t type,
			 uint32_t index, uint64_t iova, uint64_t len,
			 uint32_t *hw_queue_id)
{
	struct m_viommu *v;
	struct m_hwq *q, *prev = NULL;
	uint64_t last;
	unsigned dev_iommu;
	int rc;

	CLOSED_CHECK(m, viommu_id);
	if (type == IOMMU_HW_QUEUE_TYPE_DEFAULT)
		return op_end(m, -EOPNOTSUPP);
	if (!len)
		return op_end(m, -EINVAL);
	if (__builtin_add_overflow(iova, len - 1, &last))
		return op_end(m, -EOVERFLOW);
	v = get_viommu(m, viommu_id);
	if (!v)
		return op_end(m, -ENOENT);
	dev_iommu = viommu_iommu(v);
	if (!v->parent || m->p->iommu[dev_iommu].hw_queue_type != type)
		return op_end(m, -EOPNOTSUPP); /* get_hw_queue_size() 0 */
	if (!fully_mapped(v->parent->ioas, iova, last))
		return op_end(m, -ENOENT); /* iommufd_access_pin_pages() */
	/* the driver's own index rules (selftest.c:mock_hw_queue_init_phys,
	 * tegra241_vintf_hw_queue_init_phys): below its count, free, and
	 * after the previous index, which the new queue then holds */
	if (index >= m->p->iommu[dev_iommu].hw_queue_max)
		return op_end(m, -EINVAL);
	for (unsigned i = 0; i < M_MAX_HWQ; i++) {
		if (!m->hwq[i].used || m->hwq[i].v != v)
			continue;
		if (m->hwq[i].index == index)
			return op_end(m, -EEXIST);
		if (index && m->hwq[i].index == index - 1)
			prev = &m->hwq[i];
	}
	if (index && !prev)
		return op_end(m, -EIO);
	rc = NEW_CHILD(m, v, m->hwq, MO_HW_QUEUE, q);
	if (rc)
		return op_end(m, rc);
	/* MB_HW_QUEUE_NO_DEPEND: the dependency takes no reference
	 * (VIOMMU-7) */
	if (prev && !bug(m, MB_HW_QUEUE_NO_DEPEND)) {
		q->prev = prev;
		prev->deps++;
	}
	q->ioas = v->parent->ioas;
	q->index = index;
	q->iova = iova;
	q->last = last;
	*hw_queue_id = obj_id(q->ctx, q->raw);
	return op_end(m, 0);
}

/* Emulated access: iommufd_access_create() + iommufd_access_pin_pages()
 * (ENOENT unless fully mapped), as selftest.c's ACCESS_PAGES does it. */
int model_access_pin(struct model *m, uint32_t ioas_id, uint64_t iova,
		     uint64_t len, uint32_t *pin)
{
	struct m_ioas *a = get_ioas(m, ioas_id);
	uint64_t last;

	CLOSED_CHECK(m, ioas_id);
	if (!a)
		return op_end(m, -ENOENT);
	if (!len)
		return op_end(m, -EINVAL);
	if (__builtin_add_overflow(iova, len - 1, &last))
		return op_end(m, -EOVERFLOW);
	if (!fully_mapped(a, iova, last))
		return op_end(m, -ENOENT);
	if (m->npin == M_MAX_PIN)
		return op_end(m, -T_UNSUPPORTED);
	/* MB_ACCESS_PIN_UNCHARGED: the pins are neither counted nor
	 * charged (IOAS-22) */
	if (!bug(m, MB_ACCESS_PIN_UNCHARGED)) {
		int rc = model_access_pin_charge(m, a, iova, last);

		if (rc)
			return op_end(m, rc);
	}
	m->pin[m->npin].counted = !bug(m, MB_ACCESS_PIN_UNCHARGED);
	m->pin[m->npin].ioas = a;
	m->pin[m->npin].iova = iova;
	m->pin[m->npin].last = last;
	m->pin[m->npin++].live = true;
	*pin = m->npin;
	return op_end(m, 0);
}

/* selftest.c:iommufd_test_access_item_destroy(): ENOENT for a pin the
 * access no longer has. */
int model_access_unpin(struct model *m, uint32_t pin)
{
	if (!pin || pin > m->npin)
		return op_end(m, -T_UNSUPPORTED);
	if (!m->pin[pin - 1].live)
		return op_end(m, -ENOENT);
	m->pin[pin - 1].live = false;
	return op_end(m, 0);
}

/*
 * iopt_unmap_iova_range() -> iommufd_access_notify_unmap(): an area an
 * emulated access has pinned is not refused; the access is asked to unmap
 * and drops its pins (selftest.c:iommufd_test_access_unmap), then the
 * UNMAP goes on. MB_ACCESS_PIN_BLOCKS: refused EBUSY instead (IOAS-17).
 * Returns non-zero for EBUSY.
 */
int model_access_notify_unmap(struct model *m, const struct m_ioas *a,
			      uint64_t iova, uint64_t last)
{
	for (unsigned i = 0; i < a->narea; i++) {
		const struct m_area *ar = &a->area[i];
		uint64_t al = ar->iova + ar->len - 1;

		if (!overlaps(ar->iova, al, iova, last))
			continue;
		for (unsigned k = 0; k < m->npin; k++) {
			if (!m->pin[k].live || m->pin[k].ioas != a ||
			    !overlaps(ar->iova, al, m->pin[k].iova,
				      m->pin[k].last))
				continue;
			if (bug(m, MB_ACCESS_PIN_BLOCKS))
				return 1;
			m->pin[k].live = false;
		}
	}
	return 0;
}

/* The selftest vIOMMU invalidation entry (iommufd_test.h: struct
 * iommu_viommu_invalidate_selftest). */
struct viommu_inv_entry {
	uint32_t flags, vdev_id, cache_id;
};

#define VIOMMU_INV_FLAG_ALL 1u /* IOMMU_TEST_INVALIDATE_FLAG_ALL */

/*
 * iommufd_hwpt_invalidate() on a vIOMMU -> the driver's cache_invalidate
 * (selftest.c:mock_viommu_cache_invalidate): no op, EOPNOTSUPP; zero
 * entries of the right type check the type only; the whole array is
 * copied (iommu_copy_struct_from_full_user_array(): the type, EINVAL), then
 * handled in order, each entry naming a device by its virt_id through the
 * vIOMMU's vDEVICEs (iommufd_viommu_find_dev(): none, the driver's errno),
 * stopping at the first refused one. MB_VIOMMU_INV_SKIPS_UNKNOWN: an entry naming no
 * vDEVICE is counted and skipped (VIOMMU-5).
 */
int model_viommu_invalidate(struct model *m, unsigned idx, uint32_t data_type,
			    const void *reqs, uint32_t entry_len, uint32_t num,
			    uint32_t *entry_num)
{
	const struct m_viommu *v = &m->viommu[idx];
	const uint32_t type = m->p->iommu[viommu_iommu(v)].viommu_inv_type;
	const size_t sz = sizeof(struct viommu_inv_entry);
	uint32_t i;

	/* arm_vsmmu_cache_invalidate(): no vSID is EIO, and no entries go
	 * to iommu_copy_struct_from_full_user_array() (EINVAL); the mock
	 * answers both EINVAL and 0 */
	const bool arm = type == IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3;
	const int unknown_rc = arm ? -EIO : -EINVAL;

	*entry_num = 0;
	if (!v->parent || !type)
		return -EOPNOTSUPP;
	if (!num && data_type == type && !arm)
		return 0;
	if (data_type != type || !num)
		return -EINVAL;
	/* copy_struct_from_user(): a shorter entry is zero-extended, a
	 * longer one needs a zero tail */
	for (i = 0; i < num; i++)
		for (uint32_t k = sz; k < entry_len; k++)
			if (((const uint8_t *)reqs)[(size_t)i * entry_len + k])
				return -E2BIG;
	for (i = 0; i < num; i++) {
		struct viommu_inv_entry e;
		const struct m_vdev *vd = NULL;

		memset(&e, 0, sz);
		memcpy(&e, (const uint8_t *)reqs + (size_t)i * entry_len,
		       entry_len < sz ? entry_len : sz);
		if (e.flags & ~VIOMMU_INV_FLAG_ALL) {
			*entry_num = i;
			return -EOPNOTSUPP;
		}
		if (e.cache_id > 3) {
			*entry_num = i;
			return -EINVAL;
		}
		for (unsigned k = 0; k < M_MAX_VDEV && !vd; k++)
			if (m->vdev[k].used && m->vdev[k].v == v &&
			    m->vdev[k].virt_id == e.vdev_id)
				vd = &m->vdev[k];
		if (!vd) {
			if (bug(m, MB_VIOMMU_INV_SKIPS_UNKNOWN))
				continue;
			*entry_num = i;
			return unknown_rc;
		}
		if (e.flags & VIOMMU_INV_FLAG_ALL)
			m->dev[vd->dev].cache_valid = 0;
		else
			m->dev[vd->dev].cache_valid &=
				(uint8_t)~(1u << e.cache_id);
	}
	*entry_num = num;
	return 0;
}

int model_dev_cache_check(struct model *m, unsigned dev, unsigned entry,
			  bool valid)
{
	if (dev >= m->p->ndev || m->dev[dev].ctx < 0)
		return -ENOENT;
	if (entry > 3)
		return -EINVAL;
	return !!(m->dev[dev].cache_valid & (1u << entry)) == valid ? 0
								     : -EINVAL;
}

/* The selftest vIOMMU data (iommufd_test.h: struct iommu_viommu_selftest),
 * which the model's vIOMMU takes whatever its type. */
struct viommu_data {
	uint32_t in_data, out_data;
	uint64_t out_mmap_offset, out_mmap_length;
};

/*
 * IOMMU_VIOMMU_ALLOC with data -> mock_viommu_init(): in_data looped back
 * into out_data and the first word of a two-page MMIO region the driver
 * registers (iommufd_viommu_alloc_mmap() -> _iommufd_alloc_mmap(): the
 * lowest free offset from PAGE_SIZE up).
 */
int model_viommu_alloc_data(struct model *m, unsigned dev, uint32_t hwpt_id,
			    uint32_t type, void *data, uint32_t data_len,
			    uint32_t *viommu_id)
{
	struct viommu_data d;
	struct m_viommu *v;
	uint64_t off = M_PAGE;
	int rc = model_viommu_alloc(m, dev, hwpt_id, type, 0, viommu_id);

	if (rc || !data_len)
		return rc;
	v = get_viommu(m, *viommu_id);
	if (data_len < sizeof(d)) {
		model_viommu_destroy(m, v);
		return op_end(m, -EINVAL);
	}
	memcpy(&d, data, sizeof(d));
	for (bool moved = true; moved;) {
		moved = false;
		for (unsigned i = 0; i < M_MAX_VIOMMU; i++) {
			const struct m_viommu *o = &m->viommu[i];

			if (o->used && o->mmio_off && o != v &&
			    overlaps(o->mmio_off, o->mmio_off + o->mmio_len - 1,
				     off, off + 2 * M_PAGE - 1)) {
				off = o->mmio_off + o->mmio_len;
				moved = true;
			}
		}
	}
	v->mmio_off = off;
	v->mmio_len = 2 * M_PAGE;
	v->maps = 0;
	memset(m->mmio[v - m->viommu], 0, sizeof(m->mmio[0]));
	m->mmio[v - m->viommu][0] = d.in_data;
	d.out_data = d.in_data;
	d.out_mmap_offset = off;
	d.out_mmap_length = v->mmio_len;
	memcpy(data, &d, sizeof(d));
	return 0;
}

/*
 * iommufd_fops_mmap(): a page multiple, MAP_SHARED (EINVAL), no PROT_EXEC
 * (EPERM); the offset must fall in a region (ENXIO) and the mapping be
 * exactly that region (ENXIO); the mapping holds the region's owner.
 * MB_MMAP_ANY_LENGTH: any length from the region's start (VIOMMU-9).
 */
int model_ctx_mmap(struct model *m, unsigned ctx, uint64_t offset, size_t len,
		   bool shared, bool exec, void **addr)
{
	if (ctx >= m->p->nctx || ctx_closed(m, ctx))
		return -EBADF;
	if (!len || len % M_PAGE || !shared)
		return -EINVAL;
	if (exec)
		return -EPERM;
	for (unsigned i = 0; i < M_MAX_VIOMMU; i++) {
		struct m_viommu *v = &m->viommu[i];

		if (!v->used || v->ctx != ctx || !v->mmio_off ||
		    offset < v->mmio_off || offset >= v->mmio_off + v->mmio_len)
			continue;
		if (offset != v->mmio_off ||
		    (len != v->mmio_len &&
		     !(bug(m, MB_MMAP_ANY_LENGTH) && len < v->mmio_len)))
			return -ENXIO;
		v->maps++;
		*addr = m->mmio[i];
		return 0;
	}
	return -ENXIO;
}

int model_ctx_munmap(struct model *m, unsigned ctx, void *addr, size_t len)
{
	for (unsigned i = 0; i < M_MAX_VIOMMU; i++)
		if (m->viommu[i].used && m->viommu[i].ctx == ctx &&
		    addr == (void *)m->mmio[i] && m->viommu[i].maps) {
			m->viommu[i].maps--;
			return 0;
		}
	return -EINVAL;
}
