// SPDX-License-Identifier: GPL-2.0
/* iommufd ioctl wrappers: see iommufd.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "iommufd.h"
#include "memlock.h"

static int xioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

int ufd_open(void)
{
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int ufd_raw(int fd, unsigned long cmd, void *arg)
{
	return xioctl(fd, cmd, arg);
}

int ufd_destroy(int fd, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return xioctl(fd, IOMMU_DESTROY, &cmd);
}

int ufd_ioas_alloc(int fd, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	int ret = xioctl(fd, IOMMU_IOAS_ALLOC, &cmd);

	if (!ret && ioas_id)
		*ioas_id = cmd.out_ioas_id;
	return ret;
}

int ufd_ioas_map(int fd, uint32_t ioas_id, uint32_t flags, const void *uva,
		 uint64_t len, uint64_t *iova)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)uva,
		.length = len,
	};
	int ret;

	if ((flags & IOMMU_IOAS_MAP_FIXED_IOVA) && iova)
		cmd.iova = *iova;
	ret = xioctl(fd, IOMMU_IOAS_MAP, &cmd);
	if (!ret && iova)
		*iova = cmd.iova;
	return ret;
}

int ufd_ioas_map_file(int fd, uint32_t ioas_id, uint32_t flags, int mfd,
		      uint64_t start, uint64_t len, uint64_t *iova)
{
	struct iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.ioas_id = ioas_id,
		.fd = mfd,
		.start = start,
		.length = len,
	};
	int ret;

	if ((flags & IOMMU_IOAS_MAP_FIXED_IOVA) && iova)
		cmd.iova = *iova;
	ret = xioctl(fd, IOMMU_IOAS_MAP_FILE, &cmd);
	if (!ret && iova)
		*iova = cmd.iova;
	return ret;
}

int ufd_ioas_unmap(int fd, uint32_t ioas_id, uint64_t iova, uint64_t len,
		   uint64_t *unmapped)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = len,
	};
	int ret = xioctl(fd, IOMMU_IOAS_UNMAP, &cmd);

	if (!ret && unmapped)
		*unmapped = cmd.length;
	return ret;
}

int ufd_ioas_copy(int fd, uint32_t dst_ioas, uint32_t src_ioas,
		  uint32_t flags, uint64_t src_iova, uint64_t len,
		  uint64_t *dst_iova)
{
	struct iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dst_ioas_id = dst_ioas,
		.src_ioas_id = src_ioas,
		.length = len,
		.src_iova = src_iova,
	};
	int ret;

	if ((flags & IOMMU_IOAS_MAP_FIXED_IOVA) && dst_iova)
		cmd.dst_iova = *dst_iova;
	ret = xioctl(fd, IOMMU_IOAS_COPY, &cmd);
	if (!ret && dst_iova)
		*dst_iova = cmd.dst_iova;
	return ret;
}

int ufd_ioas_iova_ranges(int fd, uint32_t ioas_id,
			 struct iommu_iova_range *ranges, uint32_t *num,
			 uint64_t *alignment)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = num ? *num : 0,
		.allowed_iovas = (uintptr_t)ranges,
	};
	int ret = xioctl(fd, IOMMU_IOAS_IOVA_RANGES, &cmd);

	/* The kernel writes the struct back before it decides on EMSGSIZE. */
	if (ret && ret != -EMSGSIZE)
		return ret;
	if (num)
		*num = cmd.num_iovas;
	if (alignment)
		*alignment = cmd.out_iova_alignment;
	return ret;
}

int ufd_ioas_allow_iovas(int fd, uint32_t ioas_id,
			 const struct iommu_iova_range *ranges, uint32_t num)
{
	struct iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = num,
		.allowed_iovas = (uintptr_t)ranges,
	};

	return xioctl(fd, IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

int ufd_option(int fd, uint32_t option_id, uint16_t op, uint32_t object_id,
	       uint64_t *val)
{
	struct iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = option_id,
		.op = op,
		.object_id = object_id,
	};
	int ret;

	if (op == IOMMU_OPTION_OP_SET && val)
		cmd.val64 = *val;
	ret = xioctl(fd, IOMMU_OPTION, &cmd);
	if (!ret && op == IOMMU_OPTION_OP_GET && val)
		*val = cmd.val64;
	return ret;
}

int ufd_hwpt_alloc(int fd, uint32_t flags, uint32_t dev_id, uint32_t pt_id,
		   uint32_t data_type, const void *data, uint32_t data_len,
		   uint32_t fault_id, uint32_t *hwpt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.pt_id = pt_id,
		.data_type = data_type,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
		.fault_id = fault_id,
	};
	int ret = xioctl(fd, IOMMU_HWPT_ALLOC, &cmd);

	if (!ret && hwpt_id)
		*hwpt_id = cmd.out_hwpt_id;
	return ret;
}

int ufd_get_hw_info(int fd, uint32_t dev_id, uint32_t flags,
		    uint32_t in_type, void *data, uint32_t *data_len,
		    struct ufd_hw_info *out)
{
	struct iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.dev_id = dev_id,
		.data_len = data_len ? *data_len : 0,
		.data_uptr = (uintptr_t)data,
	};
	int ret;

	cmd.in_data_type = in_type;
	ret = xioctl(fd, IOMMU_GET_HW_INFO, &cmd);
	if (ret)
		return ret;
	if (data_len)
		*data_len = cmd.data_len;
	if (out) {
		out->data_len = cmd.data_len;
		out->data_type = cmd.out_data_type;
		out->max_pasid_log2 = cmd.out_max_pasid_log2;
		out->capabilities = cmd.out_capabilities;
	}
	return 0;
}

int ufd_hwpt_set_dirty_tracking(int fd, uint32_t hwpt_id, bool enable)
{
	struct iommu_hwpt_set_dirty_tracking cmd = {
		.size = sizeof(cmd),
		.flags = enable ? IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0,
		.hwpt_id = hwpt_id,
	};

	return xioctl(fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd);
}

int ufd_hwpt_get_dirty_bitmap(int fd, uint32_t hwpt_id, uint32_t flags,
			      uint64_t iova, uint64_t len, uint64_t page_size,
			      uint64_t *bitmap)
{
	struct iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt_id,
		.flags = flags,
		.iova = iova,
		.length = len,
		.page_size = page_size,
		.data = (uintptr_t)bitmap,
	};

	return xioctl(fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);
}

int ufd_hwpt_invalidate(int fd, uint32_t hwpt_id, uint32_t data_type,
			const void *reqs, uint32_t entry_len,
			uint32_t *entry_num)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt_id,
		.data_uptr = (uintptr_t)reqs,
		.data_type = data_type,
		.entry_len = entry_len,
		.entry_num = entry_num ? *entry_num : 0,
	};
	int ret = xioctl(fd, IOMMU_HWPT_INVALIDATE, &cmd);

	/* The kernel reports how many it handled, also on failure. */
	if (entry_num)
		*entry_num = cmd.entry_num;
	return ret;
}

int ufd_mmap(int fd, uint64_t offset, size_t len, bool shared, bool exec,
	     void **addr)
{
	void *p = mmap(NULL, len,
		       PROT_READ | PROT_WRITE | (exec ? PROT_EXEC : 0),
		       shared ? MAP_SHARED : MAP_PRIVATE, fd, (off_t)offset);

	if (p == MAP_FAILED)
		return -errno;
	*addr = p;
	return 0;
}

int ufd_munmap(void *addr, size_t len)
{
	return munmap(addr, len) ? -errno : 0;
}

int ufd_viommu_alloc(int fd, uint32_t type, uint32_t dev_id,
		     uint32_t hwpt_id, const void *data, uint32_t data_len,
		     uint32_t *viommu_id)
{
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = type,
		.dev_id = dev_id,
		.hwpt_id = hwpt_id,
		.data_len = data_len,
		.data_uptr = (uintptr_t)data,
	};
	int ret = xioctl(fd, IOMMU_VIOMMU_ALLOC, &cmd);

	if (!ret && viommu_id)
		*viommu_id = cmd.out_viommu_id;
	return ret;
}

int ufd_fault_queue_alloc(int fd, uint32_t *fault_id, int *fault_fd)
{
	struct iommu_fault_alloc cmd = { .size = sizeof(cmd) };
	int ret = xioctl(fd, IOMMU_FAULT_QUEUE_ALLOC, &cmd);

	if (!ret) {
		*fault_id = cmd.out_fault_id;
		*fault_fd = (int)cmd.out_fault_fd;
	}
	return ret;
}

int ufd_ioas_change_process(int fd)
{
	struct iommu_ioas_change_process cmd = { .size = sizeof(cmd) };

	return xioctl(fd, IOMMU_IOAS_CHANGE_PROCESS, &cmd);
}

int ufd_ioas_change_process_in_child(int fd)
{
	int p[2], ret = -ECHILD, status;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(p[0]);
		close(p[1]);
		return ret;
	}
	if (!pid) {
		ret = ufd_ioas_change_process(fd);
		_exit(write(p[1], &ret, sizeof(ret)) == sizeof(ret) ? 0 : 1);
	}
	close(p[1]);
	if (read(p[0], &ret, sizeof(ret)) != sizeof(ret))
		ret = -ECHILD;
	close(p[0]);
	waitpid(pid, &status, 0);
	return ret;
}

/* The child's half of ufd_ioas_change_process_handoff(): the limit, the
 * CHANGE_PROCESS, what it was charged. */
static void handoff_child(int fd, uint64_t extra, int64_t res[2])
{
	uint64_t pin, before = 0, after = 0;
	struct rlimit r;

	res[1] = 0;
	res[0] = memlock_counters(&pin, &before);
	if (!res[0] && getrlimit(RLIMIT_MEMLOCK, &r))
		res[0] = -errno;
	if (!res[0] && extra != UINT64_MAX && before + extra < r.rlim_max)
		r.rlim_cur = (rlim_t)(before + extra);
	else
		r.rlim_cur = r.rlim_max;
	if (!res[0] && setrlimit(RLIMIT_MEMLOCK, &r))
		res[0] = -errno;
	if (!res[0])
		res[0] = ufd_ioas_change_process(fd);
	if (!memlock_counters(&pin, &after))
		res[1] = (int64_t)(after - before);
}

int ufd_ioas_change_process_handoff(int fd, uint64_t extra, int64_t *to_child,
				    int64_t *from_parent, int *back)
{
	int up[2], down[2], ret, status;
	uint64_t pin, before, after;
	int64_t res[2] = { -ECHILD, 0 };
	char go = 0;
	pid_t pid;

	*to_child = *from_parent = 0;
	*back = 0;
	ret = memlock_counters(&pin, &before);
	if (ret)
		return ret;
	if (pipe(up))
		return -errno;
	if (pipe(down)) {
		ret = -errno;
		close(up[0]);
		close(up[1]);
		return ret;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(up[0]);
		close(up[1]);
		close(down[0]);
		close(down[1]);
		return ret;
	}
	if (!pid) {
		handoff_child(fd, extra, res);
		if (write(up[1], res, sizeof(res)) != sizeof(res))
			_exit(1);
		/* Live on until the parent has taken the mappings back. */
		_exit(read(down[0], &go, 1) == 1 ? 0 : 1);
	}
	close(up[1]);
	close(down[0]);
	if (read(up[0], res, sizeof(res)) != sizeof(res))
		res[0] = -ECHILD;
	if (!memlock_counters(&pin, &after))
		*from_parent = (int64_t)(after - before);
	*to_child = res[1];
	if (!res[0])
		*back = ufd_ioas_change_process(fd);
	if (write(down[1], &go, 1) != 1)
		*back = *back ? *back : -ECHILD;
	close(up[0]);
	close(down[1]);
	waitpid(pid, &status, 0);
	return (int)res[0];
}

int ufd_viommu_alloc_flags(int fd, uint32_t flags, uint32_t type,
			   uint32_t dev_id, uint32_t hwpt_id,
			   uint32_t *viommu_id)
{
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.flags = flags,
		.type = type,
		.dev_id = dev_id,
		.hwpt_id = hwpt_id,
	};
	int ret = xioctl(fd, IOMMU_VIOMMU_ALLOC, &cmd);

	if (!ret && viommu_id)
		*viommu_id = cmd.out_viommu_id;
	return ret;
}

int ufd_vdevice_alloc(int fd, uint32_t viommu_id, uint32_t dev_id,
		      uint64_t virt_id, uint32_t *vdev_id)
{
	struct iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.dev_id = dev_id,
		.virt_id = virt_id,
	};
	int ret = xioctl(fd, IOMMU_VDEVICE_ALLOC, &cmd);

	if (!ret && vdev_id)
		*vdev_id = cmd.out_vdevice_id;
	return ret;
}

int ufd_veventq_alloc(int fd, uint32_t viommu_id, uint32_t type,
		      uint32_t depth, uint32_t *veventq_id, int *veventq_fd)
{
	struct iommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.type = type,
		.veventq_depth = depth,
	};
	int ret = xioctl(fd, IOMMU_VEVENTQ_ALLOC, &cmd);

	if (!ret) {
		*veventq_id = cmd.out_veventq_id;
		*veventq_fd = (int)cmd.out_veventq_fd;
	}
	return ret;
}

int ufd_eventq_read(int efd, void *buf, size_t len, size_t *n)
{
	ssize_t r = read(efd, buf, len);

	if (r < 0)
		return -errno;
	*n = (size_t)r;
	return 0;
}

int ufd_eventq_write(int efd, const void *buf, size_t len, size_t *n)
{
	ssize_t r = write(efd, buf, len);

	if (r < 0)
		return -errno;
	*n = (size_t)r;
	return 0;
}

int ufd_hw_queue_alloc(int fd, uint32_t viommu_id, uint32_t type,
		       uint32_t index, uint64_t iova, uint64_t len,
		       uint32_t *hw_queue_id)
{
	struct iommu_hw_queue_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.type = type,
		.index = index,
		.nesting_parent_iova = iova,
		.length = len,
	};
	int ret = xioctl(fd, IOMMU_HW_QUEUE_ALLOC, &cmd);

	if (!ret && hw_queue_id)
		*hw_queue_id = cmd.out_hw_queue_id;
	return ret;
}
