/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to src/model: the reference model's state and the helpers its
 * pieces (model.c, model_attach.c, model_ioas.c, model_hwpt.c, model_dma.c)
 * share. The public API stays in model.h.
 *
 * Everything lives in fixed arrays inside struct model: no allocation per
 * op, so the explorer can run millions of ops per second.
 */
#ifndef IC_MODEL_INT_H
#define IC_MODEL_INT_H

#include <errno.h>

#include "model.h"

#define M_PAGE 4096ull		/* PAGE_SIZE and the smallest IOPTE */
#define M_HPAGE (2ull << 20)	/* HPAGE_SIZE (iopt_alloc_iova) */
#define M_MAX_OBJ 64		/* per context; raw IDs 1..63 */
#define M_MAX_IOAS 16
#define M_MAX_HWPT 24
#define M_MAX_AREA 64
#define M_MAX_PTE 96
#define M_MAX_DIRTY 256
#define M_MAX_PSLOT 8		/* PASID attachments per group */
#define M_MAX_FAULT 4		/* fault queue objects */
#define M_MAX_VIOMMU 4
#define M_MAX_VDEV 8		/* vDEVICE objects */
#define M_MAX_VEVQ 4		/* vEVENTQ objects */
#define M_MAX_EVENTS 16		/* entries one event queue holds */
#define M_MAX_HWQ 4		/* HW queue objects */
#define M_MAX_PIN 8		/* emulated-access pins */
#define M_FAULT_PASID 1024	/* selftest.c: mock_domain_set_dev_pasid_nop() */
#define M_MAX_USED (M_MAX_AREA + 2 * M_MAX_HWPT + T_MAX_DEVS * MODEL_MAX_RESV)
#define M_INJ_RC (-ENOMEM)	/* what a failed kernel allocation returns */

enum { MO_FREE, MO_IOAS, MO_HWPT_PAGING, MO_HWPT_NESTED, MO_DEVICE, MO_FAULT,
       MO_VIOMMU, MO_VDEVICE, MO_VEVENTQ, MO_HW_QUEUE,
       /* iommufd_object_tombstone_user(): an ID no lookup finds and no
	* allocation takes (a vDEVICE whose device was unbound) */
       MO_TOMBSTONE };

/* What the hardware translates through: a slot plus its generation, so a
 * reference to a destroyed and reused HWPT is seen as gone. */
struct m_ref {
	struct m_hwpt *h;
	uint32_t gen;
};

/* IOMMU_VIOMMU_ALLOC's object: it holds its NEST_PARENT HWPT. */
struct m_viommu {
	bool used;
	unsigned ctx;
	uint32_t raw;
	struct m_hwpt *parent; /* NULL with MB_VIOMMU_PARENT_UNHELD */
	unsigned users; /* vDEVICEs, vEVENTQs and nested HWPTs on it */
	/* The driver's MMIO region (iommufd_viommu_alloc_mmap()): its
	 * offset in the fd (0: none), length, and the mmaps of it. */
	uint64_t mmio_off;
	uint64_t mmio_len;
	unsigned maps;
};

/* IOMMU_VDEVICE_ALLOC's object: dev as virt_id on a vIOMMU. */
struct m_vdev {
	bool used;
	unsigned ctx;
	uint32_t raw;
	struct m_viommu *v;
	unsigned dev;
	uint64_t virt_id;
};

/* One entry of an event queue: a page request (fault queue; cookie 0
 * until read, then its response cookie) or a vEVENT / the lost-events
 * record (vEVENTQ). */
struct m_event {
	bool lost;
	uint32_t seq;
	uint32_t data; /* vEVENT: the selftest event, the virt_id */
	unsigned dev;
	uint32_t pasid, grpid, perm;
	uint64_t addr;
	uint32_t cookie;
	struct m_ref h; /* the HWPT the fault was delivered through */
};

/* IOMMU_HW_QUEUE_ALLOC's object: its memory in the parent's IOAS is
 * pinned by an internal access that locks the areas (no UNMAP). */
struct m_hwq {
	bool used;
	unsigned ctx;
	uint32_t raw;
	struct m_viommu *v;
	struct m_ioas *ioas;
	uint32_t index;
	uint64_t iova, last;
	struct m_hwq *prev; /* the queue it depends on (index - 1) */
	unsigned deps;	    /* queues that depend on it */
};

/* IOMMU_VEVENTQ_ALLOC's object. */
struct m_vevq {
	bool used;
	unsigned ctx;
	uint32_t raw;
	struct m_viommu *v;
	uint32_t type, depth;
	bool fd_open;
	unsigned num_events; /* normal entries queued (at most depth) */
	uint32_t sequence;
	unsigned n; /* ev[0..n): the deliver list, lost record last */
	struct m_event ev[M_MAX_EVENTS + 1];
};

/* IOMMU_FAULT_QUEUE_ALLOC's object; its fd is closed at once (the model
 * delivers no faults), so only HWPTs hold it. */
struct m_fault {
	bool used;
	unsigned ctx;
	uint32_t raw;
	unsigned users; /* HWPTs allocated with FAULT_ID_VALID on it */
	bool fd_open;	/* fault_queue_open: its fd holds it too */
	unsigned n;	/* ev[0..n): unread (cookie 0) and read, unanswered */
	struct m_event ev[M_MAX_EVENTS];
};

struct m_area {
	uint64_t iova, len;
	uintptr_t uva;
	uint32_t prot;	     /* T_MAP_READABLE | T_MAP_WRITEABLE */
	bool pages_writable; /* iopt_pages->writable of the original MAP */
	/* IOMMU_IOAS_MAP_FILE: uva is the model's own shared mapping of the
	 * file; file_start the file offset at iova (IOVA allocation aligns
	 * to it, as iopt_alloc_area_pages() does); pin_err what pinning
	 * returns for a file memfd_pin_folios() refuses (0: pinnable). */
	int pin_err;
	bool file;
	uint64_t file_start;
	/* The iopt_pages the area maps (COPY shares the source's): its
	 * number, and where it charges pinned pages (enum m_acct, fixed
	 * at MAP time as iopt_alloc_pages() and iopt_map_pages() do). */
	uint32_t pages_id;
	uint8_t acct;
};

/* iopt_pages->account_mode */
enum m_acct { M_ACCT_NONE, M_ACCT_USER, M_ACCT_MM };

struct m_pte {
	uint64_t iova, len;
	uintptr_t uva;
	uint32_t prot;
	bool stale; /* MB_STALE_UNMAP: left behind by an unmap */
};

struct m_ioas {
	bool used;
	unsigned ctx;
	uint32_t raw;
	unsigned narea; /* sorted by iova, disjoint */
	struct m_area area[M_MAX_AREA];
	unsigned nallowed; /* sorted, disjoint */
	struct iova_range allowed[T_MAX_RANGES];
	uint32_t resv_devs; /* devices whose reserved regions are in here */
	bool no_large;	    /* IOMMU_OPTION_HUGE_PAGES = 0 */
	unsigned nref;	    /* HWPTs referencing it (obj.users) */
	unsigned nlinked;   /* HWPTs in iopt->domains */
	bool was_linked;    /* a domain has been added (MB_DETACH_KEEPS_PINS) */
};

struct m_hwpt {
	bool used;
	bool nested;
	bool linked; /* paging: iopt_table_add_domain() done */
	bool auto_domain;
	bool pasid_compat, nest_parent, dirty_cap, dirty_on;
	unsigned ctx;
	uint32_t raw;
	uint32_t gen; /* bumped on every allocation of this slot */
	uint32_t seq; /* creation order (ioas->hwpt_list order) */
	unsigned iommu;
	struct m_ioas *ioas;	 /* paging */
	struct m_hwpt *parent; /* nested */
	struct m_fault *fault; /* FAULT_ID_VALID: its fault queue */
	struct m_viommu *viommu; /* nested on a vIOMMU */
	uint8_t iotlb_valid;	 /* nested: IOTLB entries 0..3 still valid */
	bool viommu_held;	 /* the reference on viommu is taken */
	unsigned users;	   /* device attachments (RID and PASID) */
	unsigned children; /* nested HWPTs on it */
	unsigned viommus;  /* vIOMMUs on it */
	unsigned npte;
	struct m_pte pte[M_MAX_PTE];
	unsigned ndirty;
	uint64_t dirty[M_MAX_DIRTY]; /* dirty IOMMU pages (iova) */
};

struct m_pslot {
	uint32_t pasid;
	struct m_hwpt *sw; /* igroup->pasid_attach; NULL = not attached */
	uint32_t devmask;  /* attach->device_array */
	struct m_ref hw;
	uint32_t seq; /* when hw was last set (MB_SHARED_PASID_TABLE) */
};

struct m_group {
	uint32_t num;
	uint32_t members;
	int owner; /* context owning DMA, -1: none (default domain) */
	unsigned nbound;
	struct m_hwpt *rid_sw;
	uint32_t rid_devmask;
	struct m_ref rid_hw;
	struct m_ref rid_hw_old; /* MB_REPLACE_KEEPS_OLD */
	struct m_pslot ps[M_MAX_PSLOT];
};

struct m_dev {
	unsigned gi;
	int ctx; /* bound to, -1: not bound */
	uint32_t raw;
	bool rid_attached; /* vdev->iommufd_attached */
	uint8_t cache_valid; /* the mock device's cache entries 0..3 */
	unsigned npasid;   /* vdev->pasids */
	uint32_t pasid[M_MAX_PSLOT];
};

/* VFIO's PASID IDA holds PASID 0 (the RID to iommufd, PASID-11). */
bool model_dev_has_pasid0(const struct m_dev *d);

struct m_obj {
	uint8_t type;
	uint8_t idx;
};

#define M_MAX_FMAP 256

struct model {
	const struct model_profile *p;
	unsigned ngroup;
	struct m_group group[T_MAX_DEVS];
	struct m_dev dev[T_MAX_DEVS];
	struct m_obj obj[T_MAX_CTX][M_MAX_OBJ];
	struct m_ioas ioas[M_MAX_IOAS];
	struct m_hwpt hwpt[M_MAX_HWPT];
	struct m_fault fault[M_MAX_FAULT];
	struct m_viommu viommu[M_MAX_VIOMMU];
	/* Each vIOMMU's MMIO pages as an mmap shows them (slot i). */
	uint32_t mmio[M_MAX_VIOMMU][2 * M_PAGE / 4];
	struct m_vdev vdev[M_MAX_VDEV];
	struct m_vevq vevq[M_MAX_VEVQ];
	struct m_hwq hwq[M_MAX_HWQ];
	/* Emulated-access pins (access_pin); pin i + 1. A pin dropped on
	 * UNMAP stays allocated with live false. */
	unsigned npin;
	struct {
		struct m_ioas *ioas;
		uint64_t iova, last;
		bool live, counted; /* counted: in VmPin (IOAS-22) */
	} pin[M_MAX_PIN];
	bool tomb[T_MAX_CTX][M_MAX_OBJ]; /* freed IDs (MB_DESTROY_TWICE_OK) */
	bool identity[T_MAX_DEVS];	  /* per group: MB_BIND_IDENTITY */
	/* The context's /dev/iommu fd was closed while devices held it
	 * (OBJ-10): its IDs answer EBADF until the last one unbinds. */
	bool closed[T_MAX_CTX];
	/* model_pasid_replace_fault(): the driver fakes ENOMEM on every
	 * second set_dev_pasid of PASID M_FAULT_PASID, as the mock does */
	bool pasid_fault[T_MAX_DEVS];
	bool pasid_fault_next[T_MAX_DEVS];
	/* IOMMU_OPTION_RLIMIT_MODE: 1 = IOPT_PAGES_ACCOUNT_MM */
	bool rlimit_mm[T_MAX_CTX];
	/* The task's CAP_IPC_LOCK dropped, and its RLIMIT_MEMLOCK (bytes)
	 * when memlock_limited (memlock_set); the last iopt_pages number. */
	bool no_ipc_lock, memlock_limited;
	uint64_t memlock_limit;
	uint32_t pages_seq;
	unsigned fail_nth; /* armed fault injection, 0: off */
	bool allow_unsafe; /* iommufd.allow_unsafe_interrupts */
	/* MAP_FILE's mappings of the file, unmapped on reset and free (a
	 * long explorer run maps thousands). */
	unsigned nfmap;
	struct { void *p; size_t len; } fmap[M_MAX_FMAP];
	uint32_t seq;
};

/* Small helpers several pieces use: inline here rather than exported. */

static inline bool bug(const struct model *m, enum model_bug b)
{
	return m->p->bug == b;
}

/* MB_WRAP_EINVAL: an overflow check that reports EINVAL (IOAS-11). */
static inline int e_overflow(const struct model *m)
{
	return bug(m, MB_WRAP_EINVAL) ? -EINVAL : -EOVERFLOW;
}

static inline const struct model_iommu *iommu_of(const struct model *m,
						 unsigned d)
{
	return &m->p->iommu[m->p->dev[d].iommu];
}

static inline unsigned popcount(uint32_t v)
{
	return (unsigned)__builtin_popcount(v);
}

static inline bool overlaps(uint64_t s1, uint64_t l1, uint64_t s2, uint64_t l2)
{
	return s1 <= l2 && s2 <= l1;
}

/* Fault injection: each kernel allocation / driver call is one point. */
static inline bool should_fail(struct model *m)
{
	if (!m->fail_nth)
		return false;
	if (--m->fail_nth)
		return false;
	return true;
}

static inline uint32_t obj_id(unsigned ctx, uint32_t raw)
{
	return T_ID_MAKE(ctx, raw);
}

/* iommufd_get_object(): ENOENT for a missing ID or a wrong type. */
static inline const struct m_obj *obj_get(const struct model *m, unsigned ctx,
					  uint32_t raw)
{
	if (ctx >= m->p->nctx || raw == 0 || raw >= M_MAX_OBJ ||
	    m->obj[ctx][raw].type == MO_FREE ||
	    m->obj[ctx][raw].type == MO_TOMBSTONE)
		return NULL;
	return &m->obj[ctx][raw];
}

/* An ID (or context) of a closed /dev/iommu: the fd is gone, EBADF. */
static inline bool ctx_closed(const struct model *m, unsigned ctx)
{
	return ctx < T_MAX_CTX && m->closed[ctx];
}

/* Fault injection covers only the op that follows inject_fail_nth. */
static inline int op_end(struct model *m, int rc)
{
	m->fail_nth = 0;
	return rc;
}

#define CLOSED_CHECK(m, id)                                                 \
	do {                                                                \
		if (ctx_closed(m, T_ID_CTX(id)))                            \
			return op_end(m, -EBADF);                           \
	} while (0)

static inline struct m_ioas *get_ioas(struct model *m, uint32_t id)
{
	const struct m_obj *o = obj_get(m, T_ID_CTX(id), id & 0xffffff);

	if (!o || o->type != MO_IOAS)
		return NULL;
	return &m->ioas[o->idx];
}

static inline struct m_hwpt *get_hwpt_paging(struct model *m, uint32_t id)
{
	const struct m_obj *o = obj_get(m, T_ID_CTX(id), id & 0xffffff);

	if (!o || o->type != MO_HWPT_PAGING)
		return NULL;
	return &m->hwpt[o->idx];
}

static inline unsigned hwpt_idx(const struct model *m, const struct m_hwpt *h)
{
	return (unsigned)(h - m->hwpt);
}

/* find_hwpt_paging(): a nested HWPT's paging side is its parent. */
static inline struct m_hwpt *paging_of(struct m_hwpt *h)
{
	return h && h->nested ? h->parent : h;
}

static inline bool ref_live(const struct m_ref *r)
{
	return r->h && r->h->gen == r->gen;
}

static inline struct m_ref ref_of(struct m_hwpt *h)
{
	struct m_ref r = { h, h ? h->gen : 0 };

	return r;
}

static inline uint64_t ioas_align(const struct m_ioas *a)
{
	/* iopt_calculate_iova_alignment(): every modelled domain has a 4K
	 * smallest page; disabling large pages forces PAGE_SIZE. */
	return (a->nlinked || a->no_large) ? M_PAGE : 1;
}

/* Defined in one piece, used by others. */

/* model.c: objects */
int model_obj_alloc(struct model *m, unsigned ctx, uint8_t type, unsigned idx,
		    uint32_t *raw);
void model_obj_free(struct model *m, unsigned ctx, uint32_t raw);
int model_lookup_err(const struct model *m, uint32_t id);
int model_hwpt_new(struct model *m, unsigned ctx, uint8_t type,
		   struct m_hwpt **out);

/* model.c: reserved ranges */
unsigned model_collect_resv(const struct model *m, const struct m_ioas *a,
			    struct iova_range *out);
bool model_resv_hit(const struct model *m, const struct m_ioas *a,
		    uint64_t start, uint64_t last);
bool model_area_hit(const struct m_ioas *a, uint64_t start, uint64_t last);
int model_enforce_dev_resv(struct model *m, struct m_ioas *a, unsigned d);
uint64_t model_ioas_align_reported(const struct model *m,
				   const struct m_ioas *a);
void model_sort_ranges(struct iova_range *r, unsigned n);

/* The index of a free slot of arr, -1 when all are used. */
#define FREE_SLOT(arr)                                                    \
	({                                                                \
		int i_ = -1;                                              \
		for (unsigned k_ = 0;                                     \
		     k_ < sizeof(arr) / sizeof((arr)[0]) && i_ < 0; k_++) \
			if (!(arr)[k_].used)                              \
				i_ = (int)k_;                             \
		i_;                                                       \
	})

/* A free slot of arr claimed for a new object of the type in context ctx
 * (model_obj_alloc()), with its raw ID, used and ctx set: 0 with p pointing
 * at it, or the errno. */
#define NEW_SLOT(m, ctx, arr, type, p)                                    \
	({                                                                \
		int s_ = FREE_SLOT(arr), rc_ = -ENOMEM;                   \
		if (s_ >= 0)                                              \
			rc_ = model_obj_alloc(m, ctx, type, (unsigned)s_, \
					      &(arr)[s_].raw);            \
		if (!rc_) {                                               \
			(p) = &(arr)[s_];                                 \
			(p)->used = true;                                 \
			(p)->ctx = (ctx);                                 \
		}                                                         \
		rc_;                                                      \
	})

/* Every used slot of arr that belongs to context ctx is marked free. */
#define RELEASE_CTX(arr, ctx)                                              \
	do {                                                               \
		for (unsigned k_ = 0; k_ < sizeof(arr) / sizeof((arr)[0]); \
		     k_++)                                                 \
			if ((arr)[k_].used && (arr)[k_].ctx == (ctx))      \
				(arr)[k_].used = false;                    \
	} while (0)

/* model.c: page tables */
void model_ioas_pte_add(struct model *m, struct m_ioas *a,
			const struct m_area *ar);
void model_ioas_pte_del(struct model *m, struct m_ioas *a,
			const struct m_area *ar);
int model_add_domain(struct model *m, struct m_hwpt *h, bool skip_fill);

/* model_attach.c */
void model_hwpt_free(struct model *m, struct m_hwpt *h);
int model_paging_alloc(struct model *m, struct m_ioas *a, unsigned d,
		       uint32_t pasid, uint32_t flags, bool immediate,
		       bool user_data, struct m_hwpt **out);

/* model_ioas.c */
void model_area_remove(struct model *m, struct m_ioas *a, unsigned i);

/* model_event.c: vDEVICEs, event queues, page requests */
int model_viommu_destroy(struct model *m, struct m_viommu *v);
int model_event_obj_destroy(struct model *m, const struct m_obj *o);
void model_event_unbind(struct model *m, unsigned dev);
void model_event_sweep(struct model *m);
void model_event_ctx_release(struct model *m, unsigned ctx);
/* Pinned-page accounting (model_acct.c): the charge mode of a new MAP in
 * ctx; the charge of pinning what becomes pinned when `fill` (an IOAS
 * about to get its first domain) and `extra` (pieces about to go into an
 * IOAS with one) join: 0, or -ENOMEM past RLIMIT_MEMLOCK. */
uint8_t model_acct_mode(const struct model *m, unsigned ctx);
int model_pin_charge(const struct model *m, const struct m_ioas *fill,
		     const struct m_area *extra, unsigned nextra);
int model_access_pin_charge(const struct model *m, const struct m_ioas *a,
			    uint64_t iova, uint64_t last);
bool model_area_locked(const struct model *m, const struct m_ioas *a,
		       uint64_t iova, uint64_t last);
int model_access_notify_unmap(struct model *m, const struct m_ioas *a,
			      uint64_t iova, uint64_t last);
int model_nested_on_viommu(struct model *m, unsigned dev, unsigned idx,
			   uint32_t flags, uint32_t data_type,
			   const void *data, uint32_t data_len,
			   uint32_t *hwpt_id);
const struct m_vdev *model_vdev_of(const struct model *m, unsigned dev,
				   const struct m_viommu *v);
int model_viommu_invalidate(struct model *m, unsigned idx, uint32_t data_type,
			    const void *reqs, uint32_t entry_len, uint32_t num,
			    uint32_t *entry_num);

/* model_dma.c */
void model_hw_resolve(const struct model *m, unsigned dev, uint32_t pasid,
		      struct m_hwpt **h, struct m_hwpt **fallback);

#endif
