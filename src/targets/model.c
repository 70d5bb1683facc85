// SPDX-License-Identifier: GPL-2.0
/*
 * The "model" target: the ops table over the reference model (src/model).
 * Every op forwards; --profile picks the model profile.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../model/model.h"
#include "target.h"

static struct model *M(struct target *t)
{
	return t->priv;
}

static int mt_ioas_alloc(struct target *t, unsigned ctx, uint32_t *id)
{
	return model_ioas_alloc(M(t), ctx, id);
}

static int mt_destroy(struct target *t, uint32_t id)
{
	return model_destroy(M(t), id);
}

static int mt_ioas_map(struct target *t, uint32_t ioas, uint32_t flags,
		       void *uva, uint64_t len, uint64_t *iova)
{
	return model_ioas_map(M(t), ioas, flags, uva, len, iova);
}

static int mt_ioas_unmap(struct target *t, uint32_t ioas, uint64_t iova,
			 uint64_t len, uint64_t *unmapped)
{
	return model_ioas_unmap(M(t), ioas, iova, len, unmapped);
}

static int mt_ioas_copy(struct target *t, uint32_t dst, uint32_t src,
			uint32_t flags, uint64_t src_iova, uint64_t len,
			uint64_t *dst_iova)
{
	return model_ioas_copy(M(t), dst, src, flags, src_iova, len, dst_iova);
}

static int mt_iova_ranges(struct target *t, uint32_t ioas,
			  struct iova_range *ranges, unsigned *n,
			  uint64_t *alignment)
{
	return model_iova_ranges(M(t), ioas, ranges, n, alignment);
}

static int mt_allow_iovas(struct target *t, uint32_t ioas,
			  const struct iova_range *ranges, unsigned n)
{
	return model_allow_iovas(M(t), ioas, ranges, n);
}

static int mt_hwpt_alloc(struct target *t, unsigned dev, uint32_t pt_id,
			 uint32_t flags, uint32_t data_type, const void *data,
			 uint32_t data_len, uint32_t *hwpt_id)
{
	return model_hwpt_alloc(M(t), dev, pt_id, flags, data_type, data,
				data_len, hwpt_id);
}

static int mt_hwpt_alloc_fault(struct target *t, unsigned dev, uint32_t pt_id,
			       uint32_t flags, uint32_t fault_id,
			       uint32_t *hwpt_id)
{
	return model_hwpt_alloc_fault(M(t), dev, pt_id, flags, fault_id,
				      hwpt_id);
}

static int mt_fault_queue_alloc(struct target *t, unsigned ctx,
				uint32_t *fault_id)
{
	return model_fault_queue_alloc(M(t), ctx, fault_id);
}

static int mt_option_rlimit_mode(struct target *t, unsigned ctx, bool set,
				 uint64_t *val)
{
	return model_option_rlimit_mode(M(t), ctx, set, val);
}

static int mt_ioas_map_file(struct target *t, uint32_t ioas_id,
			    uint32_t flags, int fd, uint64_t start,
			    uint64_t len, uint64_t *iova)
{
	return model_ioas_map_file(M(t), ioas_id, flags, fd, start, len, iova);
}

static int mt_ioas_change_process(struct target *t, unsigned ctx,
				  bool in_child)
{
	return model_ioas_change_process(M(t), ctx);
}

static int mt_pasid_replace_fault(struct target *t, unsigned dev,
				  uint32_t *pasid)
{
	return model_pasid_replace_fault(M(t), dev, pasid);
}

static int mt_mark_dirty(struct target *t, uint32_t hwpt_id, uint64_t iova,
			 uint64_t len)
{
	return model_mark_dirty(M(t), hwpt_id, iova, len);
}

static int mt_viommu_alloc(struct target *t, unsigned dev, uint32_t hwpt_id,
			   uint32_t type, uint32_t flags, uint32_t *viommu_id)
{
	return model_viommu_alloc(M(t), dev, hwpt_id, type, flags, viommu_id);
}

static int mt_hwpt_invalidate(struct target *t, uint32_t hwpt_id,
			      uint32_t data_type, const void *reqs,
			      uint32_t entry_len, uint32_t *entry_num)
{
	return model_hwpt_invalidate(M(t), hwpt_id, data_type, reqs,
				     entry_len, entry_num);
}

static int mt_hw_info(struct target *t, unsigned dev, void *data,
		      uint32_t *data_len, uint64_t *caps,
		      uint8_t *max_pasid_log2)
{
	return model_hw_info(M(t), dev, data, data_len, caps, max_pasid_log2);
}

static int mt_hw_info_type(struct target *t, unsigned dev, uint32_t flags,
			   uint32_t in_type, uint32_t *out_type)
{
	return model_hw_info_in_type(M(t), dev, flags, in_type, out_type);
}

static int mt_option_huge_pages(struct target *t, uint32_t ioas, bool set,
				uint64_t *val)
{
	return model_ioas_option_huge_pages(M(t), ioas, set, val);
}

static int mt_set_dirty_tracking(struct target *t, uint32_t hwpt_id,
				 bool enable)
{
	return model_set_dirty_tracking(M(t), hwpt_id, enable);
}

static int mt_get_dirty_bitmap(struct target *t, uint32_t hwpt_id,
			       uint64_t iova, uint64_t len, uint64_t page_size,
			       uint32_t flags, uint64_t *bitmap)
{
	return model_get_dirty_bitmap(M(t), hwpt_id, iova, len, page_size,
				      flags, bitmap);
}

static int mt_raw_ioctl(struct target *t, unsigned ctx, unsigned long cmd,
			void *arg)
{
	return model_raw_ioctl(M(t), ctx, cmd, arg);
}

static int mt_bind(struct target *t, unsigned dev, unsigned ctx)
{
	return model_bind(M(t), dev, ctx);
}

static int mt_unbind(struct target *t, unsigned dev)
{
	return model_unbind(M(t), dev);
}

static int mt_close_ctx(struct target *t, unsigned ctx)
{
	return model_close_ctx(M(t), ctx);
}

static int mt_bind_second_fd(struct target *t, unsigned dev, unsigned ctx)
{
	return model_bind_second_fd(M(t), dev, ctx);
}

static int mt_attach(struct target *t, unsigned dev, uint32_t pasid,
		     uint32_t pt_id, uint32_t *out_pt)
{
	return model_attach(M(t), dev, pasid, pt_id, out_pt);
}

static int mt_detach(struct target *t, unsigned dev, uint32_t pasid)
{
	return model_detach(M(t), dev, pasid);
}

static int mt_dma(struct target *t, unsigned dev, uint32_t pasid,
		  enum dma_dir dir, uint64_t iova, void *buf, size_t len,
		  char *evidence, size_t evidence_len)
{
	return model_dma(M(t), dev, pasid, dir, iova, buf, len, evidence,
			 evidence_len);
}

static int mt_inject_fail_nth(struct target *t, unsigned nth)
{
	return model_inject_fail_nth(M(t), nth);
}

static int mt_reset(struct target *t)
{
	model_reset(M(t));
	return 0;
}

static void mt_close(struct target *t)
{
	model_free(M(t));
	free(t);
}

static int mt_vdevice_alloc(struct target *t, uint32_t viommu_id,
			    unsigned dev, uint64_t virt_id, uint32_t *vdev_id)
{
	return model_vdevice_alloc(M(t), viommu_id, dev, virt_id, vdev_id);
}

static int mt_veventq_alloc(struct target *t, uint32_t viommu_id,
			    uint32_t type, uint32_t depth, uint32_t *id)
{
	return model_veventq_alloc(M(t), viommu_id, type, depth, id);
}

static int mt_fault_queue_open(struct target *t, unsigned ctx,
			       uint32_t *fault_id)
{
	return model_fault_queue_open(M(t), ctx, fault_id);
}

static int mt_eventq_read(struct target *t, uint32_t id, void *buf,
			  size_t len, size_t *n)
{
	return model_eventq_read(M(t), id, buf, len, n);
}

static int mt_eventq_write(struct target *t, uint32_t id, const void *buf,
			   size_t len, size_t *n)
{
	return model_eventq_write(M(t), id, buf, len, n);
}

static int mt_eventq_close(struct target *t, uint32_t id)
{
	return model_eventq_close(M(t), id);
}

static int mt_trigger_iopf(struct target *t, unsigned dev, uint32_t pasid,
			   uint32_t grpid, uint32_t perm, uint64_t addr)
{
	return model_trigger_iopf(M(t), dev, pasid, grpid, perm, addr);
}

static int mt_trigger_vevent(struct target *t, unsigned dev)
{
	return model_trigger_vevent(M(t), dev);
}

static int mt_hw_queue_alloc(struct target *t, uint32_t viommu_id,
			     uint32_t type, uint32_t index, uint64_t iova,
			     uint64_t len, uint32_t *id)
{
	return model_hw_queue_alloc(M(t), viommu_id, type, index, iova, len,
				    id);
}

static int mt_access_pin(struct target *t, uint32_t ioas_id, uint64_t iova,
			 uint64_t len, const void *uva, uint32_t *pin)
{
	return model_access_pin(M(t), ioas_id, iova, len, pin);
}

static int mt_access_unpin(struct target *t, uint32_t pin)
{
	return model_access_unpin(M(t), pin);
}

static int mt_pin_counters(struct target *t, uint64_t *pinned,
			   uint64_t *locked)
{
	return model_pin_counters(M(t), pinned, locked);
}

static int mt_memlock_set(struct target *t, bool cap_ipc_lock, uint64_t limit)
{
	return model_memlock_set(M(t), cap_ipc_lock, limit);
}

static int mt_change_process_handoff(struct target *t, unsigned ctx,
				     uint64_t child_limit, int64_t *to_child,
				     int64_t *from_parent, int *back)
{
	return model_change_process_handoff(M(t), ctx, child_limit, to_child,
					    from_parent, back);
}

static int mt_nested_cache_check(struct target *t, uint32_t hwpt_id,
				 unsigned entry, bool valid)
{
	return model_nested_cache_check(M(t), hwpt_id, entry, valid);
}

static int mt_vfio_pt_raw(struct target *t, unsigned dev, bool detach,
			  uint32_t argsz, uint32_t flags, uint32_t pasid,
			  uint32_t *pt_id)
{
	return model_vfio_pt_raw(M(t), dev, detach, argsz, flags, pasid,
				 pt_id);
}

static int mt_set_unsafe_interrupts(struct target *t, bool allow, bool *was)
{
	return model_set_unsafe_interrupts(M(t), allow, was);
}

static int mt_hot_reset_info(struct target *t, unsigned dev, uint32_t *flags,
			     struct t_reset_dep *deps, unsigned *n)
{
	return model_hot_reset_info(M(t), dev, flags, deps, n);
}

static int mt_hot_reset(struct target *t, unsigned dev, uint32_t count,
			uint32_t flags)
{
	return model_hot_reset(M(t), dev, count, flags);
}

static int mt_hwpt_alloc_nested_fault(struct target *t, unsigned dev,
				      uint32_t pt_id, uint32_t flags,
				      uint32_t fault_id, uint32_t data_type,
				      const void *data, uint32_t data_len,
				      uint32_t *hwpt_id)
{
	return model_hwpt_alloc_nested_fault(M(t), dev, pt_id, flags, fault_id,
					     data_type, data, data_len,
					     hwpt_id);
}

static int mt_dev_cache_check(struct target *t, unsigned dev, unsigned entry,
			      bool valid)
{
	return model_dev_cache_check(M(t), dev, entry, valid);
}

static int mt_viommu_alloc_data(struct target *t, unsigned dev,
				uint32_t hwpt_id, uint32_t type, void *data,
				uint32_t data_len, uint32_t *viommu_id)
{
	return model_viommu_alloc_data(M(t), dev, hwpt_id, type, data, data_len,
				       viommu_id);
}

static int mt_ctx_mmap(struct target *t, unsigned ctx, uint64_t offset,
		       size_t len, bool shared, bool exec, void **addr)
{
	return model_ctx_mmap(M(t), ctx, offset, len, shared, exec, addr);
}

static int mt_ctx_munmap(struct target *t, unsigned ctx, void *addr,
			 size_t len)
{
	return model_ctx_munmap(M(t), ctx, addr, len);
}

static const struct target_ops model_ops = {
	.name = "model",
	.ioas_alloc = mt_ioas_alloc,
	.destroy = mt_destroy,
	.ioas_map = mt_ioas_map,
	.ioas_unmap = mt_ioas_unmap,
	.ioas_copy = mt_ioas_copy,
	.iova_ranges = mt_iova_ranges,
	.allow_iovas = mt_allow_iovas,
	.hwpt_alloc = mt_hwpt_alloc,
	.hwpt_invalidate = mt_hwpt_invalidate,
	.hw_info = mt_hw_info,
	.ioas_option_huge_pages = mt_option_huge_pages,
	.set_dirty_tracking = mt_set_dirty_tracking,
	.get_dirty_bitmap = mt_get_dirty_bitmap,
	.raw_ioctl = mt_raw_ioctl,
	.bind = mt_bind,
	.unbind = mt_unbind,
	.attach = mt_attach,
	.detach = mt_detach,
	.dma = mt_dma,
	.close_ctx = mt_close_ctx,
	.bind_second_fd = mt_bind_second_fd,
	.inject_fail_nth = mt_inject_fail_nth,
	.reset = mt_reset,
	.close = mt_close,
	.fault_queue_alloc = mt_fault_queue_alloc,
	.hwpt_alloc_fault = mt_hwpt_alloc_fault,
	.option_rlimit_mode = mt_option_rlimit_mode,
	.ioas_map_file = mt_ioas_map_file,
	.ioas_change_process = mt_ioas_change_process,
	.pasid_replace_fault = mt_pasid_replace_fault,
	.mark_dirty = mt_mark_dirty,
	.viommu_alloc = mt_viommu_alloc,
	.vdevice_alloc = mt_vdevice_alloc,
	.veventq_alloc = mt_veventq_alloc,
	.fault_queue_open = mt_fault_queue_open,
	.eventq_read = mt_eventq_read,
	.eventq_write = mt_eventq_write,
	.eventq_close = mt_eventq_close,
	.trigger_iopf = mt_trigger_iopf,
	.trigger_vevent = mt_trigger_vevent,
	.nested_cache_check = mt_nested_cache_check,
	.hwpt_alloc_nested_fault = mt_hwpt_alloc_nested_fault,
	.dev_cache_check = mt_dev_cache_check,
	.viommu_alloc_data = mt_viommu_alloc_data,
	.ctx_mmap = mt_ctx_mmap,
	.ctx_munmap = mt_ctx_munmap,
	.hw_queue_alloc = mt_hw_queue_alloc,
	.access_pin = mt_access_pin,
	.access_unpin = mt_access_unpin,
	.pin_counters = mt_pin_counters,
	.memlock_set = mt_memlock_set,
	.change_process_handoff = mt_change_process_handoff,
	.vfio_pt_raw = mt_vfio_pt_raw,
	.set_unsafe_interrupts = mt_set_unsafe_interrupts,
	.hot_reset_info = mt_hot_reset_info,
	.hot_reset = mt_hot_reset,
	.hw_info_type = mt_hw_info_type,
};

struct target *model_target_open(const struct target_config *cfg, char *why,
				 size_t why_len, bool *skip)
{
	const struct model_profile *p = cfg->model_profile ?
		cfg->model_profile : model_profile_find(cfg->profile);
	struct target *t;

	*skip = false;
	if (!p) {
		snprintf(why, why_len,
			 "unknown model profile '%s' (see list --profiles)",
			 cfg->profile);
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t || !(t->priv = model_new(p))) {
		free(t);
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	t->ops = &model_ops;
	model_caps(M(t), &t->caps);
	t->caps.reference_model = true;
	for (unsigned i = 0; i < p->niommu && i < T_MAX_DEVS; i++)
		t->caps.iommu_aperture[i] = (struct iova_range){
			p->iommu[i].aperture_start, p->iommu[i].aperture_end };
	return t;
}
