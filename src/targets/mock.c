// SPDX-License-Identifier: GPL-2.0
/*
 * The mock target: the kernel's iommufd selftest driver (CONFIG_IOMMUFD_TEST)
 * behind the ops table. Generic iommufd ops go straight to /dev/iommu; the
 * device-side ops, which VFIO performs on a real device, map onto the
 * IOMMU_TEST_CMD ops of the mock driver:
 *
 *  bind     IOAS_ALLOC (a private "park" IOAS) + MOCK_DOMAIN_FLAGS on it
 *           (creates, binds and attaches a mock device), then the real RID
 *           detach: PASID_DETACH with pasid 0 (IOMMU_NO_PASID) calls
 *           iommufd_device_detach(idev, IOMMU_NO_PASID), the function
 *           VFIO's DETACH reaches, and the park IOAS goes. A bound device is
 *           then unattached as after VFIO's BIND.
 *  attach   RID: PASID_ATTACH / PASID_REPLACE with pasid 0 (the RID attach
 *           and replace iommufd_device_attach/replace do for VFIO), replace
 *           when attached. PASID: PASID_REPLACE when the PASID is attached,
 *           PASID_ATTACH otherwise (as VFIO does).
 *  detach   RID: PASID_DETACH with pasid 0 (the real RID detach). PASID:
 *           PASID_DETACH.
 *  unbind   PASID_DETACH of each attached PASID (VFIO's unbind does the
 *           same: iommufd_device_detach per PASID), IOMMU_DESTROY of the
 *           selftest object (iommufd_selftest_destroy: the RID detach,
 *           iommufd_device_unbind with its release of DMA ownership and
 *           the PASID-table check, deletion of the mock device). The
 *           selftest destroy itself detaches only the RID: with a PASID
 *           still attached, iommufd_device_unbind cannot destroy the
 *           device object (each attachment holds a reference) and WARNs.
 *           A later bind creates a new mock device (a new group).
 *  dma      a translation probe, not a DMA: PASID_CHECK_HWPT finds the HWPT
 *           the kernel has on the RID/PASID, MD_CHECK_MAP asks the mock
 *           domain whether each page of the IOVA range translates to a user
 *           page this target ever mapped there; the bytes are then copied
 *           in user space, so the caller still judges by memory.
 *
 * Each mock device is its own iommu group; all sit behind the one mock
 * IOMMU instance.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../uapi/fail_nth.h"
#include "../uapi/mock_cmd.h"
#include "target.h"

#ifdef HAVE_IOMMUFD_TEST_H

#include <linux/iommufd.h>

#include "../uapi/iommufd.h"

#define MOCK_DEFAULT_DEVS 4
#define MAX_RECS 4096
#define MAX_PASIDS 32
#define MAX_HWPTS 512
#define MAX_EQS 16
#define PG 4096ull

/* One mapping this target made (map or copy), kept after unmap so that a
 * stale translation is still found by the probe. */
struct map_rec {
	uint8_t ctx;
	uint32_t ioas; /* raw */
	uint64_t iova, len;
	uintptr_t uva;
	uint32_t flags;
};

struct mdev {
	uint32_t dev_flags; /* MOCK_DEV_* */
	bool bound;
	unsigned ctx;
	uint32_t stdev, idev; /* raw IDs in ctx */
	bool rid_attached;
	unsigned npasid;
	uint32_t pasid[MAX_PASIDS]; /* attached PASIDs, as VFIO's ida */
};

struct mock {
	int fd[T_MAX_CTX];
	int nth_fd;
	struct mdev dev[T_MAX_DEVS];
	unsigned nrec;
	struct map_rec rec[MAX_RECS];
	/* HWPT IDs seen per context: candidates for PASID_CHECK_HWPT. */
	unsigned nhwpt[T_MAX_CTX];
	uint32_t hwpt[T_MAX_CTX][MAX_HWPTS];
	/* Emulated accesses (access_pin): pin i + 1 is item of access fd. */
	unsigned npin;
	struct { unsigned ctx; int fd; uint32_t item; } pin[MAX_EQS];
	/* Event queue fds kept open (veventq_alloc, fault_queue_open). */
	unsigned neq;
	struct { uint32_t id; int fd; } eq[MAX_EQS];
};

static struct mock *M(struct target *t)
{
	return t->priv;
}

/* Device dev, or NULL when the target has no such device. */
static struct mdev *mdev_of(struct target *t, unsigned dev)
{
	return dev < t->caps.ndev ? &M(t)->dev[dev] : NULL;
}

/* Context and raw kernel ID of a target ID. An ID whose top byte names no
 * context goes to context 0 unchanged, so the kernel judges it. */
static unsigned id_ctx(struct target *t, uint32_t id)
{
	return T_ID_CTX(id) < t->caps.nctx ? T_ID_CTX(id) : 0;
}

static uint32_t raw_id(struct target *t, uint32_t id)
{
	return T_ID_CTX(id) < t->caps.nctx ? id & 0xffffffu : id;
}

static int ctx_fd(struct target *t, uint32_t id)
{
	return M(t)->fd[id_ctx(t, id)];
}

static void note_hwpt(struct target *t, unsigned ctx, uint32_t raw)
{
	struct mock *m = M(t);

	for (unsigned i = 0; i < m->nhwpt[ctx]; i++)
		if (m->hwpt[ctx][i] == raw)
			return;
	if (m->nhwpt[ctx] < MAX_HWPTS)
		m->hwpt[ctx][m->nhwpt[ctx]++] = raw;
}

static void add_rec(struct target *t, unsigned ctx, uint32_t ioas,
		    uint64_t iova, uint64_t len, uintptr_t uva, uint32_t flags)
{
	struct mock *m = M(t);

	if (m->nrec == MAX_RECS) /* forget the oldest half */
		memmove(m->rec, m->rec + MAX_RECS / 2,
			(m->nrec -= MAX_RECS / 2) * sizeof(m->rec[0]));
	m->rec[m->nrec++] = (struct map_rec){ ctx, ioas, iova, len, uva, flags };
}

/* --- generic /dev/iommu ops ------------------------------------------------ */

static int m_ioas_alloc(struct target *t, unsigned ctx, uint32_t *ioas_id)
{
	uint32_t raw;
	int ret;

	if (ctx >= t->caps.nctx)
		return -T_UNSUPPORTED;
	ret = ufd_ioas_alloc(M(t)->fd[ctx], &raw);
	if (!ret)
		*ioas_id = T_ID_MAKE(ctx, raw);
	return ret;
}

/* Is raw ID the object the target made to stand in for VFIO (the
 * selftest object that is the device)? */
static bool scaffolding(struct target *t, unsigned ctx, uint32_t raw)
{
	for (unsigned i = 0; i < t->caps.ndev; i++) {
		const struct mdev *d = &M(t)->dev[i];

		if (d->bound && d->ctx == ctx && raw == d->stdev)
			return true;
	}
	return false;
}

static int m_destroy(struct target *t, uint32_t id)
{
	/* A case may not destroy the mock's stand-ins for VFIO: IOMMU_DESTROY
	 * of the selftest object would delete the device itself. */
	if (scaffolding(t, id_ctx(t, id), raw_id(t, id)))
		return -T_UNSUPPORTED;
	return ufd_destroy(ctx_fd(t, id), raw_id(t, id));
}

static int m_ioas_map(struct target *t, uint32_t ioas_id, uint32_t flags,
		      void *uva, uint64_t len, uint64_t *iova)
{
	int ret = ufd_ioas_map(ctx_fd(t, ioas_id), raw_id(t, ioas_id), flags,
				   uva, len, iova);

	if (!ret)
		add_rec(t, id_ctx(t, ioas_id), raw_id(t, ioas_id), *iova, len,
			(uintptr_t)uva, flags);
	return ret;
}

static int m_ioas_unmap(struct target *t, uint32_t ioas_id, uint64_t iova,
			uint64_t len, uint64_t *unmapped)
{
	return ufd_ioas_unmap(ctx_fd(t, ioas_id), raw_id(t, ioas_id), iova, len,
				  unmapped);
}

static int m_ioas_copy(struct target *t, uint32_t dst_ioas, uint32_t src_ioas,
		       uint32_t flags, uint64_t src_iova, uint64_t len,
		       uint64_t *dst_iova)
{
	unsigned ctx = id_ctx(t, dst_ioas), n;
	int ret;

	ret = ufd_ioas_copy(ctx_fd(t, dst_ioas), raw_id(t, dst_ioas),
				raw_id(t, src_ioas), flags, src_iova, len, dst_iova);
	if (ret)
		return ret;
	/* The copy's pages are the source mappings' pages. */
	if (id_ctx(t, src_ioas) != ctx)
		return 0;
	n = M(t)->nrec;
	for (unsigned i = 0; i < n; i++) {
		struct map_rec r = M(t)->rec[i];
		uint64_t lo, hi;

		if (r.ctx != ctx || r.ioas != raw_id(t, src_ioas))
			continue;
		lo = r.iova > src_iova ? r.iova : src_iova;
		hi = r.iova + r.len < src_iova + len ? r.iova + r.len :
						       src_iova + len;
		if (lo >= hi)
			continue;
		add_rec(t, ctx, raw_id(t, dst_ioas), *dst_iova + (lo - src_iova),
			hi - lo, r.uva + (lo - r.iova), flags);
	}
	return 0;
}

static int m_iova_ranges(struct target *t, uint32_t ioas_id,
			 struct iova_range *ranges, unsigned *n,
			 uint64_t *alignment)
{
	struct iommu_iova_range *r = calloc(*n ? *n : 1, sizeof(*r));
	uint32_t num = *n;
	int ret;

	if (!r)
		return -ENOMEM;
	ret = ufd_ioas_iova_ranges(ctx_fd(t, ioas_id), raw_id(t, ioas_id), r, &num,
				   alignment);
	for (unsigned i = 0; !ret && i < num && i < *n; i++)
		ranges[i] = (struct iova_range){ r[i].start, r[i].last };
	if (!ret || ret == -EMSGSIZE)
		*n = num;
	free(r);
	return ret;
}

static int m_allow_iovas(struct target *t, uint32_t ioas_id,
			 const struct iova_range *ranges, unsigned n)
{
	struct iommu_iova_range *r = calloc(n ? n : 1, sizeof(*r));
	int ret;

	if (!r)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		r[i] = (struct iommu_iova_range){ .start = ranges[i].start,
						  .last = ranges[i].last };
	ret = ufd_ioas_allow_iovas(ctx_fd(t, ioas_id), raw_id(t, ioas_id), r, n);
	free(r);
	return ret;
}

static int m_hwpt_alloc_nested_fault(struct target *t, unsigned dev,
				     uint32_t pt_id, uint32_t flags,
				     uint32_t fault_id, uint32_t data_type,
				     const void *data, uint32_t data_len,
				     uint32_t *hwpt_id)
{
	struct mdev *d = mdev_of(t, dev);
	uint32_t raw;
	int ret;

	if (!d || !d->bound)
		return -T_UNSUPPORTED; /* no device ID to name */
	/* An ID of another context is looked up in this one, as the
	 * kernel would: it judges. */
	ret = ufd_hwpt_alloc(M(t)->fd[d->ctx], flags, d->idev, raw_id(t, pt_id),
			     data_type, data, data_len,
			     fault_id ? raw_id(t, fault_id) : 0, &raw);
	if (!ret) {
		note_hwpt(t, d->ctx, raw);
		*hwpt_id = T_ID_MAKE(d->ctx, raw);
	}
	return ret;
}

static int m_hwpt_alloc(struct target *t, unsigned dev, uint32_t pt_id,
			uint32_t flags, uint32_t data_type, const void *data,
			uint32_t data_len, uint32_t *hwpt_id)
{
	return m_hwpt_alloc_nested_fault(t, dev, pt_id, flags, 0, data_type,
					 data, data_len, hwpt_id);
}

static int m_hwpt_alloc_fault(struct target *t, unsigned dev, uint32_t pt_id,
			      uint32_t flags, uint32_t fault_id,
			      uint32_t *hwpt_id)
{
	return m_hwpt_alloc_nested_fault(t, dev, pt_id, flags, fault_id,
					 IOMMU_HWPT_DATA_NONE, NULL, 0,
					 hwpt_id);
}

/* IOMMU_FAULT_QUEUE_ALLOC; keep: the fd stays open for eventq_*. */
static int fault_queue(struct target *t, unsigned ctx, uint32_t *fault_id,
		       bool keep);

static int m_fault_queue_alloc(struct target *t, unsigned ctx,
			       uint32_t *fault_id)
{
	return fault_queue(t, ctx, fault_id, false);
}

static int m_option_rlimit_mode(struct target *t, unsigned ctx, bool set,
				uint64_t *val)
{
	if (ctx >= t->caps.nctx)
		return -T_UNSUPPORTED;
	return ufd_option(M(t)->fd[ctx], IOMMU_OPTION_RLIMIT_MODE,
			  set ? IOMMU_OPTION_OP_SET : IOMMU_OPTION_OP_GET, 0,
			  val);
}

/* The probe finds a translation by the user page it maps to: a shared
 * mapping of the file gives its pages a user address to compare against
 * (and to copy the probe's bytes through). */
static int m_ioas_map_file(struct target *t, uint32_t ioas_id, uint32_t flags,
			   int fd, uint64_t start, uint64_t len, uint64_t *iova)
{
	const uint64_t off = start % PG;
	void *view;
	int ret;

	ret = ufd_ioas_map_file(ctx_fd(t, ioas_id), raw_id(t, ioas_id), flags,
				fd, start, len, iova);
	if (ret)
		return ret;
	view = mmap(NULL, len + off, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    (off_t)(start - off));
	if (view != MAP_FAILED)
		add_rec(t, id_ctx(t, ioas_id), raw_id(t, ioas_id), *iova, len,
			(uintptr_t)view + off, flags);
	return 0;
}

static int m_ioas_change_process(struct target *t, unsigned ctx, bool in_child)
{
	if (ctx >= t->caps.nctx)
		return -T_UNSUPPORTED;
	return in_child ? ufd_ioas_change_process_in_child(M(t)->fd[ctx]) :
			  ufd_ioas_change_process(M(t)->fd[ctx]);
}

static int m_change_process_handoff(struct target *t, unsigned ctx,
				    uint64_t child_limit, int64_t *to_child,
				    int64_t *from_parent, int *back)
{
	if (ctx >= t->caps.nctx)
		return -EINVAL;
	return ufd_ioas_change_process_handoff(M(t)->fd[ctx], child_limit,
					       to_child, from_parent, back);
}

/* selftest.c: mock_domain_set_dev_pasid_nop() fakes ENOMEM on the second
 * set_dev_pasid of PASID 1024 after the first. */
static int m_pasid_replace_fault(struct target *t, unsigned dev,
				 uint32_t *pasid)
{
	if (dev >= t->caps.ndev || t->caps.dev[dev].max_pasid_log2 <= 10)
		return -T_UNSUPPORTED;
	*pasid = 1024;
	return 0;
}

/*
 * IOMMU_TEST_OP_DIRTY: the mock domain logs the pages as written. The op
 * marks the one IOPTE holding each page_size step, so it steps by the
 * mock's IOPTE (MOCK_PAGE_SIZE, 2 KiB): every IOPTE of a written page is
 * dirty, as after a device write of the whole page, and a bitmap finer
 * than PAGE_SIZE sees the whole page (DIRTY-7).
 */
#define MOCK_IOPTE 2048ull
static int m_mark_dirty(struct target *t, uint32_t hwpt_id, uint64_t iova,
			uint64_t len)
{
	uint64_t bitmap[16];
	uint64_t n = len / MOCK_IOPTE;

	if (!n || n > 64 * 16 || len % PG || iova % PG)
		return -T_UNSUPPORTED;
	memset(bitmap, 0xff, sizeof(bitmap));
	return mock_cmd_dirty(ctx_fd(t, hwpt_id), raw_id(t, hwpt_id), iova, len,
			      MOCK_IOPTE, bitmap, NULL);
}

static int m_viommu_alloc(struct target *t, unsigned dev, uint32_t hwpt_id,
			  uint32_t type, uint32_t flags, uint32_t *viommu_id)
{
	struct mdev *d = mdev_of(t, dev);
	uint32_t raw;
	int ret;

	if (!d || !d->bound)
		return -T_UNSUPPORTED;
	ret = ufd_viommu_alloc_flags(M(t)->fd[d->ctx], flags, type, d->idev,
				     raw_id(t, hwpt_id), &raw);
	if (!ret)
		*viommu_id = T_ID_MAKE(d->ctx, raw);
	return ret;
}

static int m_vdevice_alloc(struct target *t, uint32_t viommu_id, unsigned dev,
			   uint64_t virt_id, uint32_t *vdev_id)
{
	struct mdev *d = mdev_of(t, dev);
	uint32_t raw;
	int ret;

	if (!d || !d->bound)
		return -T_UNSUPPORTED;
	ret = ufd_vdevice_alloc(M(t)->fd[d->ctx], raw_id(t, viommu_id),
				d->idev, virt_id, &raw);
	if (!ret)
		*vdev_id = T_ID_MAKE(d->ctx, raw);
	return ret;
}

/* Keep an event queue's fd; one the table has no room for is closed
 * (the queue then works as fault_queue_alloc's does). */
static void eq_keep(struct target *t, uint32_t id, int fd)
{
	struct mock *m = M(t);

	if (m->neq == MAX_EQS) {
		close(fd);
		return;
	}
	m->eq[m->neq].id = id;
	m->eq[m->neq++].fd = fd;
}

static int fault_queue(struct target *t, unsigned ctx, uint32_t *fault_id,
		       bool keep)
{
	uint32_t raw;
	int fd, ret;

	if (ctx >= t->caps.nctx)
		return -T_UNSUPPORTED;
	ret = ufd_fault_queue_alloc(M(t)->fd[ctx], &raw, &fd);
	if (ret)
		return ret;
	*fault_id = T_ID_MAKE(ctx, raw);
	if (keep)
		eq_keep(t, *fault_id, fd);
	else
		close(fd);
	return 0;
}

static int eq_fd(struct target *t, uint32_t id)
{
	for (unsigned i = 0; i < M(t)->neq; i++)
		if (M(t)->eq[i].id == id)
			return M(t)->eq[i].fd;
	return -1;
}

static int m_veventq_alloc(struct target *t, uint32_t viommu_id, uint32_t type,
			   uint32_t depth, uint32_t *veventq_id)
{
	uint32_t raw;
	int fd, ret;

	ret = ufd_veventq_alloc(ctx_fd(t, viommu_id), raw_id(t, viommu_id),
				type, depth, &raw, &fd);
	if (ret)
		return ret;
	*veventq_id = T_ID_MAKE(id_ctx(t, viommu_id), raw);
	eq_keep(t, *veventq_id, fd);
	return 0;
}

static int m_fault_queue_open(struct target *t, unsigned ctx,
			      uint32_t *fault_id)
{
	return fault_queue(t, ctx, fault_id, true);
}

static int m_eventq_read(struct target *t, uint32_t eventq_id, void *buf,
			 size_t len, size_t *n)
{
	int fd = eq_fd(t, eventq_id);

	return fd < 0 ? -T_UNSUPPORTED : ufd_eventq_read(fd, buf, len, n);
}

static int m_eventq_write(struct target *t, uint32_t eventq_id,
			  const void *buf, size_t len, size_t *n)
{
	int fd = eq_fd(t, eventq_id);

	return fd < 0 ? -T_UNSUPPORTED : ufd_eventq_write(fd, buf, len, n);
}

static int m_eventq_close(struct target *t, uint32_t eventq_id)
{
	struct mock *m = M(t);

	for (unsigned i = 0; i < m->neq; i++) {
		if (m->eq[i].id != eventq_id)
			continue;
		close(m->eq[i].fd);
		m->eq[i] = m->eq[--m->neq];
		return 0;
	}
	return -T_UNSUPPORTED;
}

static int m_trigger_iopf(struct target *t, unsigned dev, uint32_t pasid,
			  uint32_t grpid, uint32_t perm, uint64_t addr)
{
	struct mdev *d = mdev_of(t, dev);

	if (!d || !d->bound)
		return -T_UNSUPPORTED;
	return mock_cmd_trigger_iopf(M(t)->fd[d->ctx], d->idev,
				     pasid == T_NO_PASID ? 0 : pasid, grpid,
				     perm, addr);
}

static int m_trigger_vevent(struct target *t, unsigned dev)
{
	struct mdev *d = mdev_of(t, dev);

	if (!d || !d->bound)
		return -T_UNSUPPORTED;
	return mock_cmd_trigger_vevent(M(t)->fd[d->ctx], d->idev);
}

static int m_hw_queue_alloc(struct target *t, uint32_t viommu_id, uint32_t type,
			    uint32_t index, uint64_t iova, uint64_t len,
			    uint32_t *hw_queue_id)
{
	uint32_t raw;
	int ret = ufd_hw_queue_alloc(ctx_fd(t, viommu_id), raw_id(t, viommu_id),
				     type, index, iova, len, &raw);

	if (!ret)
		*hw_queue_id = T_ID_MAKE(id_ctx(t, viommu_id), raw);
	return ret;
}

static int m_access_pin(struct target *t, uint32_t ioas_id, uint64_t iova,
			uint64_t len, const void *uva, uint32_t *pin)
{
	struct mock *m = M(t);
	int fd, afd, ret;
	uint32_t item;

	if (m->npin == MAX_EQS)
		return -T_UNSUPPORTED;
	fd = ctx_fd(t, ioas_id);
	ret = mock_cmd_create_access(fd, raw_id(t, ioas_id), &afd);
	if (ret)
		return ret;
	ret = mock_cmd_access_pages(fd, afd, iova, len, uva, &item);
	if (ret) {
		close(afd);
		return ret;
	}
	m->pin[m->npin].ctx = id_ctx(t, ioas_id);
	m->pin[m->npin].fd = afd;
	m->pin[m->npin++].item = item;
	*pin = m->npin;
	return 0;
}

static int m_access_unpin(struct target *t, uint32_t pin)
{
	struct mock *m = M(t);

	if (!pin || pin > m->npin)
		return -T_UNSUPPORTED;
	return mock_cmd_destroy_access_pages(m->fd[m->pin[pin - 1].ctx],
					     m->pin[pin - 1].fd,
					     m->pin[pin - 1].item);
}

static int m_nested_cache_check(struct target *t, uint32_t hwpt_id,
				unsigned entry, bool valid)
{
	return mock_cmd_check_iotlb(ctx_fd(t, hwpt_id), raw_id(t, hwpt_id),
				    entry, valid ? MOCK_IOTLB_DEFAULT : 0);
}

static int m_viommu_alloc_data(struct target *t, unsigned dev,
			       uint32_t hwpt_id, uint32_t type, void *data,
			       uint32_t data_len, uint32_t *viommu_id)
{
	struct mdev *d = mdev_of(t, dev);
	uint32_t raw;
	int ret;

	if (!d || !d->bound)
		return -T_UNSUPPORTED;
	ret = ufd_viommu_alloc(M(t)->fd[d->ctx], type, d->idev,
			       raw_id(t, hwpt_id), data, data_len, &raw);
	if (!ret)
		*viommu_id = T_ID_MAKE(d->ctx, raw);
	return ret;
}

static int m_ctx_mmap(struct target *t, unsigned ctx, uint64_t offset,
		      size_t len, bool shared, bool exec, void **addr)
{
	if (ctx >= t->caps.nctx)
		return -T_UNSUPPORTED;
	return ufd_mmap(M(t)->fd[ctx], offset, len, shared, exec, addr);
}

static int m_ctx_munmap(struct target *t, unsigned ctx, void *addr,
			size_t len)
{
	return ufd_munmap(addr, len);
}

static int m_dev_cache_check(struct target *t, unsigned dev, unsigned entry,
			     bool valid)
{
	struct mdev *d = mdev_of(t, dev);

	if (!d || !d->bound)
		return -T_UNSUPPORTED;
	return mock_cmd_check_dev_cache(M(t)->fd[d->ctx], d->idev, entry,
					valid ? MOCK_DEV_CACHE_DEFAULT : 0);
}

static int m_hwpt_invalidate(struct target *t, uint32_t hwpt_id,
			     uint32_t data_type, const void *reqs,
			     uint32_t entry_len, uint32_t *entry_num)
{
	return ufd_hwpt_invalidate(ctx_fd(t, hwpt_id), raw_id(t, hwpt_id),
				       data_type, reqs, entry_len, entry_num);
}

/* IOMMU_GET_HW_INFO on dev's context with flags and in_type as given. */
static int m_get_hw_info(struct target *t, unsigned dev, uint32_t flags,
			 uint32_t in_type, void *data, uint32_t *data_len,
			 struct ufd_hw_info *out)
{
	struct mdev *d = mdev_of(t, dev);

	if (!d || !d->bound)
		return -T_UNSUPPORTED;
	return ufd_get_hw_info(M(t)->fd[d->ctx], d->idev, flags, in_type, data,
			       data_len, out);
}

static int m_hw_info(struct target *t, unsigned dev, void *data,
		     uint32_t *data_len, uint64_t *caps, uint8_t *max_pasid_log2)
{
	struct ufd_hw_info out = { 0 };
	int ret = m_get_hw_info(t, dev, 0, 0, data, data_len, &out);

	if (!ret && caps)
		*caps = out.capabilities;
	if (!ret && max_pasid_log2)
		*max_pasid_log2 = out.max_pasid_log2;
	return ret;
}

static int m_hw_info_type(struct target *t, unsigned dev, uint32_t flags,
			  uint32_t in_type, uint32_t *out_type)
{
	struct ufd_hw_info out = { 0 };
	uint32_t len = 0;
	int ret = m_get_hw_info(t, dev, flags, in_type, NULL, &len, &out);

	if (!ret)
		*out_type = out.data_type;
	return ret;
}

static int m_option_huge_pages(struct target *t, uint32_t ioas_id, bool set,
			       uint64_t *val)
{
	return ufd_option(ctx_fd(t, ioas_id), IOMMU_OPTION_HUGE_PAGES,
			  set ? IOMMU_OPTION_OP_SET : IOMMU_OPTION_OP_GET,
			  raw_id(t, ioas_id), val);
}

static int m_set_dirty_tracking(struct target *t, uint32_t hwpt_id,
				bool enable)
{
	return ufd_hwpt_set_dirty_tracking(ctx_fd(t, hwpt_id),
					       raw_id(t, hwpt_id), enable);
}

static int m_get_dirty_bitmap(struct target *t, uint32_t hwpt_id,
			      uint64_t iova, uint64_t len, uint64_t page_size,
			      uint32_t flags, uint64_t *bitmap)
{
	return ufd_hwpt_get_dirty_bitmap(ctx_fd(t, hwpt_id), raw_id(t, hwpt_id),
					 flags, iova, len, page_size, bitmap);
}

static int m_raw_ioctl(struct target *t, unsigned ctx, unsigned long cmd,
		       void *arg)
{
	if (ctx >= t->caps.nctx)
		return -T_UNSUPPORTED;
	return ufd_raw(M(t)->fd[ctx], cmd, arg);
}

/* --- devices --------------------------------------------------------------- */

static int m_bind(struct target *t, unsigned dev, unsigned ctx)
{
	struct mdev *d = mdev_of(t, dev);
	uint32_t pt, park;
	int fd, ret;

	if (!d || ctx >= t->caps.nctx)
		return -T_UNSUPPORTED;
	if (d->bound) /* there is no cdev fd to bind twice */
		return -T_UNSUPPORTED;
	fd = M(t)->fd[ctx];
	/* The mock device is born attached; the real RID detach leaves it as
	 * VFIO's BIND does, and takes the park IOAS's auto HWPT with it. */
	ret = ufd_ioas_alloc(fd, &park);
	if (ret)
		return ret;
	ret = mock_cmd_domain(fd, park, d->dev_flags, &d->stdev, &pt, &d->idev);
	if (!ret) {
		ret = mock_cmd_pasid_detach(fd, d->stdev, 0);
		if (ret)
			ufd_destroy(fd, d->stdev);
	}
	ufd_destroy(fd, park);
	if (ret)
		return ret;
	d->ctx = ctx;
	d->npasid = 0;
	d->rid_attached = false;
	d->bound = true;
	return 0;
}

static int pasid_index(const struct mdev *d, uint32_t pasid)
{
	for (unsigned i = 0; i < d->npasid; i++)
		if (d->pasid[i] == pasid)
			return i;
	return -1;
}

static void pasid_forget(struct mdev *d, uint32_t pasid)
{
	int i = pasid_index(d, pasid);

	if (i >= 0)
		d->pasid[i] = d->pasid[--d->npasid];
}

static int m_unbind(struct target *t, unsigned dev)
{
	struct mdev *d = mdev_of(t, dev);
	int fd, ret;

	if (!d)
		return -T_UNSUPPORTED;
	if (!d->bound) /* closing a cdev that was never bound */
		return 0;
	fd = M(t)->fd[d->ctx];
	while (d->npasid) {
		ret = mock_cmd_pasid_detach(fd, d->stdev, d->pasid[0]);
		if (ret)
			return ret;
		pasid_forget(d, d->pasid[0]);
	}
	ret = ufd_destroy(fd, d->stdev);
	if (ret)
		return ret;
	d->bound = false;
	d->rid_attached = false;
	return 0;
}

static int m_attach(struct target *t, unsigned dev, uint32_t pasid,
		    uint32_t pt_id, uint32_t *out_pt)
{
	struct mdev *d = mdev_of(t, dev);
	uint32_t pt = raw_id(t, pt_id);
	int fd, ret;

	if (!d || !d->bound)
		return -T_UNSUPPORTED; /* no device ID: VFIO would refuse */
	/* The mock's PASID op with 0 is its RID op (IOMMU_NO_PASID), not
	 * VFIO's PASID IDA: PASID 0 through VFIO (PASID-11) has no form
	 * here. */
	if (pasid == 0)
		return -T_UNSUPPORTED;
	/* An ID of another context is looked up in this one, as the
	 * kernel would: it judges. */
	fd = M(t)->fd[d->ctx];
	if (pasid == T_NO_PASID) {
		ret = d->rid_attached ? mock_cmd_pasid_replace(fd, d->stdev, 0, &pt) :
					mock_cmd_pasid_attach(fd, d->stdev, 0, &pt);
		if (!ret)
			d->rid_attached = true;
	} else if (pasid_index(d, pasid) >= 0) {
		ret = mock_cmd_pasid_replace(fd, d->stdev, pasid, &pt);
	} else {
		if (d->npasid == MAX_PASIDS)
			return -T_UNSUPPORTED;
		ret = mock_cmd_pasid_attach(fd, d->stdev, pasid, &pt);
		if (!ret)
			d->pasid[d->npasid++] = pasid;
	}
	if (ret)
		return ret;
	note_hwpt(t, d->ctx, pt);
	if (out_pt)
		*out_pt = T_ID_MAKE(d->ctx, pt);
	return 0;
}

static int m_detach(struct target *t, unsigned dev, uint32_t pasid)
{
	struct mdev *d = mdev_of(t, dev);
	int ret;

	if (!d || !d->bound || pasid == 0) /* pasid 0: see m_attach */
		return -T_UNSUPPORTED;
	if (pasid == T_NO_PASID) {
		/* The real RID detach; like VFIO, a detach of an unattached
		 * RID succeeds (the kernel finds nothing to detach). */
		ret = mock_cmd_pasid_detach(M(t)->fd[d->ctx], d->stdev, 0);
		if (!ret)
			d->rid_attached = false;
		return ret;
	}
	/* Unlike VFIO, ask the kernel even for a PASID never attached. */
	ret = mock_cmd_pasid_detach(M(t)->fd[d->ctx], d->stdev, pasid);
	if (!ret)
		pasid_forget(d, pasid);
	return ret;
}

/* --- the translation probe ------------------------------------------------- */

/* The HWPT the kernel has on dev's pasid: 0 when detached,
 * -1 when none of the HWPTs this target knows matches. */
static int64_t attached_hwpt(struct target *t, struct mdev *d, uint32_t pasid)
{
	int fd = M(t)->fd[d->ctx];
	uint32_t p = pasid == T_NO_PASID ? 0 : pasid;

	if (!mock_cmd_pasid_check_hwpt(fd, d->stdev, p, 0))
		return 0;
	for (unsigned i = 0; i < M(t)->nhwpt[d->ctx]; i++) {
		uint32_t h = M(t)->hwpt[d->ctx][i];

		if (!mock_cmd_pasid_check_hwpt(fd, d->stdev, p, h))
			return h;
	}
	return -1;
}

/* The user page the mock domain translates iova (page-aligned) to, among
 * those ever mapped at it; 0 when none. *flags gets the mapping's flags. */
static uintptr_t translate(struct target *t, struct mdev *d, uint32_t hwpt,
			   uint64_t iova, uint32_t *flags)
{
	struct mock *m = M(t);

	for (unsigned i = m->nrec; i-- > 0;) {
		const struct map_rec *r = &m->rec[i];
		uintptr_t uva;

		if (r->ctx != d->ctx || iova < r->iova ||
		    iova - r->iova >= r->len)
			continue;
		uva = r->uva + (iova - r->iova);
		if (uva % PG)
			continue;
		if (!mock_cmd_check_map(m->fd[d->ctx], hwpt, iova, PG,
					(void *)uva)) {
			*flags = r->flags;
			return uva;
		}
	}
	return 0;
}

static int m_dma(struct target *t, unsigned dev, uint32_t pasid,
		 enum dma_dir dir, uint64_t iova, void *buf, size_t len,
		 char *evidence, size_t evidence_len)
{
	struct mdev *d = mdev_of(t, dev);
	bool write = dir == DMA_TO_MEMORY;
	size_t done = 0, landed = 0;
	char pas[24] = "rid", ev[8];
	int64_t hwpt;

	if (!d)
		return -T_UNSUPPORTED;
	if (!evidence) {
		evidence = ev;
		evidence_len = sizeof(ev);
	}
	if (pasid != T_NO_PASID)
		snprintf(pas, sizeof(pas), "pasid %u", pasid);
	if (!d->bound) {
		snprintf(evidence, evidence_len,
			 "probe, not DMA: device not bound: blocked");
		return 0;
	}
	hwpt = attached_hwpt(t, d, pasid);
	if (hwpt <= 0) {
		snprintf(evidence, evidence_len,
			 "probe, not DMA: PASID_CHECK_HWPT: %s %s: blocked", pas,
			 hwpt ? "on an HWPT unknown to the target" :
				"detached");
		return 0;
	}
	/* Page by page: a page translates or it does not. */
	while (done < len) {
		uint64_t a = iova + done, page = a & ~(PG - 1);
		size_t n = PG - (a - page);
		uint32_t flags = 0;
		uintptr_t uva;

		if (n > len - done)
			n = len - done;
		uva = translate(t, d, hwpt, page, &flags);
		if (uva && (flags & (write ? T_MAP_WRITEABLE : T_MAP_READABLE))) {
			void *mem = (char *)uva + (a - page);

			if (write)
				memcpy(mem, (char *)buf + done, n);
			else
				memcpy((char *)buf + done, mem, n);
			landed += n;
			if (write) { /* the mock "hardware" sets the dirty bit */
				uint64_t bit = 1;

				mock_cmd_dirty(M(t)->fd[d->ctx], hwpt, page, PG,
					       PG, &bit, NULL);
			}
		}
		done += n;
	}
	snprintf(evidence, evidence_len,
		 "probe, not DMA: %s on hwpt %u, MD_CHECK_MAP: %zu/%zu bytes translate%s, copied in user space",
		 pas, (unsigned)hwpt, landed, len,
		 landed ? " (permission from the map flags)" : "");
	return 0;
}

/* --- optional ops ---------------------------------------------------------- */

static int m_inject_fail_nth(struct target *t, unsigned nth)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%u", nth);

	if (M(t)->nth_fd < 0)
		return -T_UNSUPPORTED;
	return pwrite(M(t)->nth_fd, buf, n, 0) == n ? 0 : -errno;
}

static int m_probe(struct target *t, unsigned op, unsigned dev, uint32_t a,
		   uint64_t b, uint64_t c)
{
	struct mdev *d = mdev_of(t, dev);

	switch (op) {
	case MOCK_PROBE_CHECK_MAP:
		return mock_cmd_check_map(ctx_fd(t, a), raw_id(t, a), b, PG,
					  (void *)(uintptr_t)c);
	case MOCK_PROBE_PASID_CHECK_HWPT:
		if (!d || !d->bound)
			return -T_UNSUPPORTED;
		return mock_cmd_pasid_check_hwpt(M(t)->fd[d->ctx], d->stdev,
						 a == T_NO_PASID ? 0 : a,
						 raw_id(t, (uint32_t)b));
	case MOCK_PROBE_CHECK_REFS:
		return mock_cmd_check_refs(M(t)->fd[0], (void *)(uintptr_t)b,
					   c, a);
	case MOCK_PROBE_ADD_RESERVED:
		return mock_cmd_add_reserved(ctx_fd(t, a), raw_id(t, a), b, c);
	}
	return -T_UNSUPPORTED;
}

static void m_close(struct target *t)
{
	struct mock *m = M(t);

	for (unsigned i = 0; i < t->caps.ndev; i++)
		if (m->dev[i].bound)
			m_unbind(t, i);
	for (unsigned i = 0; i < m->neq; i++)
		close(m->eq[i].fd);
	for (unsigned i = 0; i < m->npin; i++)
		close(m->pin[i].fd);
	for (unsigned i = 0; i < t->caps.nctx; i++)
		close(m->fd[i]);
	if (m->nth_fd >= 0)
		close(m->nth_fd);
	free(m);
	free(t);
}

static const struct target_ops mock_ops = {
	.name = "mock",
	.ioas_alloc = m_ioas_alloc,
	.destroy = m_destroy,
	.ioas_map = m_ioas_map,
	.ioas_unmap = m_ioas_unmap,
	.ioas_copy = m_ioas_copy,
	.iova_ranges = m_iova_ranges,
	.allow_iovas = m_allow_iovas,
	.hwpt_alloc = m_hwpt_alloc,
	.hwpt_invalidate = m_hwpt_invalidate,
	.hw_info = m_hw_info,
	.ioas_option_huge_pages = m_option_huge_pages,
	.set_dirty_tracking = m_set_dirty_tracking,
	.get_dirty_bitmap = m_get_dirty_bitmap,
	.raw_ioctl = m_raw_ioctl,
	.bind = m_bind,
	.unbind = m_unbind,
	.attach = m_attach,
	.detach = m_detach,
	.dma = m_dma,
	.inject_fail_nth = m_inject_fail_nth,
	.probe = m_probe,
	.close = m_close,
	.fault_queue_alloc = m_fault_queue_alloc,
	.hwpt_alloc_fault = m_hwpt_alloc_fault,
	.option_rlimit_mode = m_option_rlimit_mode,
	.ioas_map_file = m_ioas_map_file,
	.ioas_change_process = m_ioas_change_process,
	.pasid_replace_fault = m_pasid_replace_fault,
	.mark_dirty = m_mark_dirty,
	.hw_info_type = m_hw_info_type,
	.viommu_alloc = m_viommu_alloc,
	.vdevice_alloc = m_vdevice_alloc,
	.veventq_alloc = m_veventq_alloc,
	.fault_queue_open = m_fault_queue_open,
	.eventq_read = m_eventq_read,
	.eventq_write = m_eventq_write,
	.eventq_close = m_eventq_close,
	.trigger_iopf = m_trigger_iopf,
	.trigger_vevent = m_trigger_vevent,
	.nested_cache_check = m_nested_cache_check,
	.hwpt_alloc_nested_fault = m_hwpt_alloc_nested_fault,
	.dev_cache_check = m_dev_cache_check,
	.viommu_alloc_data = m_viommu_alloc_data,
	.ctx_mmap = m_ctx_mmap,
	.ctx_munmap = m_ctx_munmap,
	.hw_queue_alloc = m_hw_queue_alloc,
	.access_pin = m_access_pin,
	.access_unpin = m_access_unpin,
	.pin_counters = t_proc_pin_counters,
	.memlock_set = t_proc_memlock_set,
	.change_process_handoff = m_change_process_handoff,
};

/* --- open ------------------------------------------------------------------ */

/*
 * Ask HW_INFO of a throw-away mock device created with dev_flags, and
 * measure what its attach takes out of an IOAS's IOVA ranges: iommufd
 * reserves everything outside the mock domain's aperture, which user space
 * meets exactly as it meets a device's reserved regions (ranges shrink,
 * overlapping maps fail EADDRINUSE), so that is reported as dc->resv.
 */
static int query_dev(int fd, uint32_t dev_flags, struct dev_caps *dc)
{
	uint32_t ioas, stdev, hwpt, idev, len = 0, n = T_MAX_RANGES;
	struct iommu_iova_range r[T_MAX_RANGES];
	struct ufd_hw_info out = { 0 };
	uint64_t next = 0;
	bool top = true;
	int ret;

	ret = ufd_ioas_alloc(fd, &ioas);
	if (ret)
		return ret;
	ret = mock_cmd_domain(fd, ioas, dev_flags, &stdev, &hwpt, &idev);
	if (ret)
		goto out;
	ret = ufd_get_hw_info(fd, idev, 0, 0, NULL, &len, &out);
	if (!ret) {
		dc->max_pasid_log2 = out.max_pasid_log2;
		dc->dirty_tracking =
			out.capabilities & IOMMU_HW_CAP_DIRTY_TRACKING;
		dc->hw_info_type = out.data_type;
		ret = ufd_ioas_iova_ranges(fd, ioas, r, &n, NULL);
	}
	dc->nresv = 0;
	for (unsigned i = 0; !ret && i < n && i < T_MAX_RANGES; i++) {
		if (r[i].start > next && dc->nresv < T_MAX_RANGES)
			dc->resv[dc->nresv++] =
				(struct iova_range){ next, r[i].start - 1 };
		if (r[i].last == UINT64_MAX) {
			top = false;
			break;
		}
		next = r[i].last + 1;
	}
	if (!ret && top && dc->nresv < T_MAX_RANGES)
		dc->resv[dc->nresv++] = (struct iova_range){ next, UINT64_MAX };
	ufd_destroy(fd, stdev);
out:
	ufd_destroy(fd, ioas);
	return ret;
}

struct target *mock_target_open(const struct target_config *cfg, char *why,
				size_t why_len, bool *skip)
{
	unsigned ndev = cfg->mock_devices ? cfg->mock_devices :
					    MOCK_DEFAULT_DEVS;
	struct dev_caps pasid_caps = { 0 }, plain_caps = { 0 };
	struct target *t;
	struct utsname u;
	struct mock *m;
	int ret;

	*skip = true;
	if (access("/dev/iommu", F_OK)) {
		snprintf(why, why_len, "no /dev/iommu");
		return NULL;
	}
	if (access("/sys/bus/iommufd_mock", F_OK)) {
		snprintf(why, why_len,
			 "no /sys/bus/iommufd_mock: kernel lacks CONFIG_IOMMUFD_TEST");
		return NULL;
	}
	*skip = false;
	if (ndev > T_MAX_DEVS) {
		snprintf(why, why_len, "--mock-devices %u: at most %d", ndev,
			 T_MAX_DEVS);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	m = calloc(1, sizeof(*m));
	if (!t || !m) {
		free(t);
		free(m);
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	t->ops = &mock_ops;
	t->priv = m;
	m->nth_fd = -1;
	for (unsigned i = 0; i < T_MAX_CTX; i++) {
		m->fd[i] = ufd_open();
		if (m->fd[i] < 0) {
			snprintf(why, why_len, "open /dev/iommu: %s",
				 strerror(-m->fd[i]));
			goto err;
		}
		t->caps.nctx++;
	}

	ret = query_dev(m->fd[0], MOCK_DEV_PASID, &pasid_caps);
	if (!ret)
		ret = query_dev(m->fd[0], MOCK_DEV_NO_DIRTY, &plain_caps);
	if (ret) {
		snprintf(why, why_len, "creating a mock device: %s",
			 strerror(-ret));
		goto err;
	}

	t->caps.target = "mock";
	t->caps.profile = "iommufd_selftest";
	t->caps.ndev = ndev;
	/* The last of three or more is the odd one out: no PASID, no dirty
	 * tracking, for the negative PASID and dirty cases. */
	for (unsigned i = 0; i < ndev; i++) {
		bool plain = ndev >= 3 && i == ndev - 1;
		struct dev_caps *dc = &t->caps.dev[i];

		*dc = plain ? plain_caps : pasid_caps;
		snprintf(dc->name, sizeof(dc->name), "mock%u", i);
		dc->group = i;	/* each mock device is its own group */
		dc->iommu = 0;	/* one mock IOMMU instance */
		dc->dma = true; /* a probe, see caps.dma */
		/* The contract's view: iommufd reserves what lies outside the
		 * mock domain's aperture (selftest.c MOCK_APERTURE_*), a
		 * constant of the test driver, not a value it reports. */
		dc->nresv_required = 2;
		dc->resv_required[0] =
			(struct iova_range){ 0, MOCK_IOVA_START - 1 };
		dc->resv_required[1] =
			(struct iova_range){ MOCK_IOVA_LAST + 1, UINT64_MAX };
		dc->resv_required_why[0] = "below the mock aperture";
		dc->resv_required_why[1] = "above the mock aperture";
		/* iommufd_test.h: the mock's hw_info blob. */
		dc->hw_info_known = true;
		dc->hw_info_type_expected = MOCK_HW_INFO_TYPE;
		dc->hw_info_len_expected = MOCK_HW_INFO_LEN;
		/* selftest.c: a MOCK_FLAGS_DEVICE_PASID device has
		 * pasid-num-bits MOCK_PASID_WIDTH (the mock IOMMU allows as
		 * many), any other none; only MOCK_FLAGS_DEVICE_NO_DIRTY
		 * takes IOMMU_CAP_DIRTY_TRACKING away (mock_domain_capable). */
		dc->pasid_known = dc->dirty_known = true;
		dc->max_pasid_log2_expected = plain ? 0 : MOCK_PASID_WIDTH_BITS;
		dc->dirty_expected = !plain;
		m->dev[i].dev_flags = plain ? MOCK_DEV_NO_DIRTY : MOCK_DEV_PASID;
	}
	t->caps.dma = DMA_PROBED;
	t->caps.dma_max_len = 1 << 20;
	t->caps.dma_iova_limit = MOCK_IOVA_LAST + 1;
	t->caps.pasid_uapi = true; /* IOMMU_TEST_OP_PASID_*, not VFIO's */
	t->caps.hwpt_alloc = true;
	t->caps.pins_user_memory = true;
	t->caps.hidden_objects = true; /* bind's park IOAS and domain */
	t->caps.iommu_aperture[0] = (struct iova_range){ MOCK_IOVA_START,
							 MOCK_IOVA_LAST };
	m->nth_fd = fail_nth_open("fail_iommufd");
	t->caps.fault_inject = m->nth_fd >= 0;
	if (!uname(&u))
		snprintf(t->caps.kernel_release,
			 sizeof(t->caps.kernel_release), "%.63s", u.release);
	snprintf(t->caps.notes, sizeof(t->caps.notes),
		 "iommufd selftest driver; one group per device; DMA is a translation probe; resv = outside the mock aperture; %s",
		 ndev >= 3 ? "last device without PASID/dirty" :
			     "all devices PASID-capable");
	return t;

err:
	for (unsigned i = 0; i < t->caps.nctx; i++)
		close(m->fd[i]);
	free(m);
	free(t);
	return NULL;
}

#else /* !HAVE_IOMMUFD_TEST_H */

struct target *mock_target_open(const struct target_config *cfg, char *why,
				size_t why_len, bool *skip)
{
	*skip = true;
	snprintf(why, why_len, "built without iommufd_test.h (set KERNEL_SRC)");
	return NULL;
}

#endif
