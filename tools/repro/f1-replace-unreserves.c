// SPDX-License-Identifier: GPL-2.0
/*
 * Standalone reproducer for finding F1 (docs/findings.md): a replace from
 * HWPT A to HWPT B, both on IOAS X, that fails inside the kernel removes the
 * group's reserved regions (the MSI window) from X although A, which owns
 * them, stays attached.
 *
 *   f1-replace-unreserves /dev/vfio/devices/vfioN
 *
 * The device must be bound to vfio-pci and sit behind a real IOMMU driver
 * (intel, amd, virtio-iommu, ...). Needs CONFIG_FAULT_INJECTION,
 * CONFIG_FAILSLAB, CONFIG_FAULT_INJECTION_DEBUG_FS and debugfs mounted.
 * Only the kernel's uAPI is used: linux/iommufd.h, linux/vfio.h.
 *
 * Steps: bind the cdev to /dev/iommu, allocate IOAS X, HWPT A on X, attach
 * A, allocate HWPT B on X, read IOMMU_IOAS_IOVA_RANGES(X) and check that a
 * fixed IOMMU_IOAS_MAP into the first hole (the reserved window) fails.
 * Then replace A -> B with fail-nth = 1, 2, ... until the replace succeeds;
 * after every failed replace, read the ranges again and retry the fixed MAP
 * into the hole. A failed replace must change nothing (the contract's
 * ATTACH-4), and a reserved IOVA must not be mappable (IOAS-4).
 *
 * Exit: 0 no failed replace changed anything, 1 the bug showed,
 * 2 set-up error or nothing to conclude (no hole, no injected failure).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/iommufd.h>
#include <linux/vfio.h>

#define MAX_RANGES 16
#define MAX_NTH 256

struct ranges {
	unsigned n;
	struct iommu_iova_range r[MAX_RANGES];
};

static int iommufd = -1;

static void die(const char *what)
{
	printf("f1: setup: %s: %s\n", what, strerror(errno));
	printf("f1: VERDICT: INCONCLUSIVE (set-up failed)\n");
	exit(2);
}

static int read_ranges(uint32_t ioas, struct ranges *out)
{
	struct iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas,
		.num_iovas = MAX_RANGES,
		.allowed_iovas = (uintptr_t)out->r,
	};

	if (ioctl(iommufd, IOMMU_IOAS_IOVA_RANGES, &cmd))
		return -errno;
	out->n = cmd.num_iovas;
	return 0;
}

static void print_ranges(const char *tag, const struct ranges *r)
{
	printf("f1: %s: %u range(s):", tag, r->n);
	for (unsigned i = 0; i < r->n; i++)
		printf(" 0x%llx-0x%llx", (unsigned long long)r->r[i].start,
		       (unsigned long long)r->r[i].last);
	printf("\n");
}

static int same_ranges(const struct ranges *a, const struct ranges *b)
{
	return a->n == b->n && !memcmp(a->r, b->r, a->n * sizeof(a->r[0]));
}

/* 0 when the fixed map succeeded (it is then unmapped again), else -errno. */
static int try_map_fixed(uint32_t ioas, void *buf, size_t len, uint64_t iova)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)buf,
		.length = len,
		.iova = iova,
	};
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = ioas,
		.iova = iova,
		.length = len,
	};

	if (ioctl(iommufd, IOMMU_IOAS_MAP, &map))
		return -errno;
	if (ioctl(iommufd, IOMMU_IOAS_UNMAP, &unmap))
		printf("f1: warning: unmap of 0x%llx failed: %s\n",
		       (unsigned long long)iova, strerror(errno));
	return 0;
}

static uint32_t hwpt_alloc(uint32_t dev_id, uint32_t pt_id)
{
	struct iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd),
		.dev_id = dev_id,
		.pt_id = pt_id,
	};

	if (ioctl(iommufd, IOMMU_HWPT_ALLOC, &cmd))
		die("IOMMU_HWPT_ALLOC");
	return cmd.out_hwpt_id;
}

static int attach(int devfd, uint32_t pt_id)
{
	struct vfio_device_attach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.pt_id = pt_id,
	};

	return ioctl(devfd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd) ? -errno : 0;
}

/* As the kernel's iommufd_fail_nth selftest: let failslab and
 * fail_page_alloc fail GFP_KERNEL allocations too, and keep the log quiet. */
static void fault_knobs(void)
{
	static const char *const knobs[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
	};

	for (unsigned i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int fd = open(knobs[i][0], O_WRONLY);

		if (fd < 0)
			continue;
		if (write(fd, knobs[i][1], strlen(knobs[i][1])) < 0)
			printf("f1: warning: %s not set\n", knobs[i][0]);
		close(fd);
	}
}

static void set_fail_nth(int fd, unsigned nth)
{
	char s[16];
	int n = snprintf(s, sizeof(s), "%u", nth);

	if (pwrite(fd, s, n, 0) != n)
		die("write fail-nth");
}

int main(int argc, char **argv)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct iommu_ioas_alloc ioas_cmd = { .size = sizeof(ioas_cmd) };
	unsigned nfailed = 0, nbad = 0, nth;
	struct ranges before, after;
	uint32_t ioas, hwpt_a, hwpt_b;
	uint64_t hole = 0;
	long pg = sysconf(_SC_PAGESIZE);
	char path[64];
	int devfd, nthfd, rc, ret = -1;
	void *buf;

	if (argc != 2) {
		fprintf(stderr, "usage: %s /dev/vfio/devices/vfioN\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	iommufd = open("/dev/iommu", O_RDWR);
	if (iommufd < 0)
		die("open /dev/iommu");
	devfd = open(argv[1], O_RDWR);
	if (devfd < 0)
		die(argv[1]);
	bind.iommufd = iommufd;
	if (ioctl(devfd, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		die("VFIO_DEVICE_BIND_IOMMUFD");
	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &ioas_cmd))
		die("IOMMU_IOAS_ALLOC");
	ioas = ioas_cmd.out_ioas_id;
	hwpt_a = hwpt_alloc(bind.out_devid, ioas);
	rc = attach(devfd, hwpt_a);
	if (rc) {
		errno = -rc;
		die("attach HWPT A");
	}
	hwpt_b = hwpt_alloc(bind.out_devid, ioas);
	printf("f1: %s: dev %u, IOAS X %u, HWPT A %u attached, HWPT B %u on X\n",
	       argv[1], bind.out_devid, ioas, hwpt_a, hwpt_b);

	if (read_ranges(ioas, &before))
		die("IOMMU_IOAS_IOVA_RANGES");
	print_ranges("before", &before);
	if (before.n < 2) {
		printf("f1: VERDICT: INCONCLUSIVE (no reserved hole in IOAS X: nothing to lose)\n");
		return 2;
	}
	/* The first hole: on x86 the MSI window 0xfee00000-0xfeefffff. */
	hole = before.r[0].last + 1;
	printf("f1: reserved hole starts at 0x%llx%s\n", (unsigned long long)hole,
	       hole == 0xfee00000ull ? " (the x86 MSI window)" : "");
	buf = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (buf == MAP_FAILED)
		die("mmap");
	ret = try_map_fixed(ioas, buf, pg, hole);
	printf("f1: before: fixed MAP at 0x%llx: %s\n", (unsigned long long)hole,
	       ret ? strerror(-ret) : "succeeded");
	if (!ret) {
		printf("f1: VERDICT: INCONCLUSIVE (the hole was mappable before any replace)\n");
		return 2;
	}

	fault_knobs();
	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", gettid());
	nthfd = open(path, O_RDWR);
	if (nthfd < 0)
		die(path);

	for (nth = 1; nth <= MAX_NTH; nth++) {
		set_fail_nth(nthfd, nth);
		rc = attach(devfd, hwpt_b);
		set_fail_nth(nthfd, 0);
		if (!rc)
			break;
		nfailed++;
		if (read_ranges(ioas, &after))
			die("IOMMU_IOAS_IOVA_RANGES after a failed replace");
		ret = try_map_fixed(ioas, buf, pg, hole);
		if (same_ranges(&before, &after) && ret) {
			printf("f1: fail-nth %u: replace failed (%s); ranges unchanged, fixed MAP in the hole refused (%s)\n",
			       nth, strerror(-rc), strerror(-ret));
			continue;
		}
		nbad++;
		printf("f1: fail-nth %u: replace failed (%s), but IOAS X changed:\n",
		       nth, strerror(-rc));
		print_ranges("  after", &after);
		printf("f1:   fixed MAP at 0x%llx: %s (the contract requires EINVAL)\n",
		       (unsigned long long)hole,
		       ret ? strerror(-ret) : "SUCCEEDED");
		/* A later retry would see the damage again; one is proof. */
		break;
	}
	close(nthfd);
	if (nth > MAX_NTH)
		printf("f1: the replace never succeeded in %u tries\n", MAX_NTH);
	else if (!nbad)
		printf("f1: fail-nth %u: replace A -> B succeeded\n", nth);

	if (nbad) {
		printf("f1: VERDICT: BUG: a failed same-IOAS replace dropped the reserved regions (%u injected failure(s) before it)\n",
		       nfailed);
		return 1;
	}
	if (!nfailed) {
		printf("f1: VERDICT: INCONCLUSIVE (fail-nth failed no step of the replace)\n");
		return 2;
	}
	printf("f1: VERDICT: OK: %u failed replace(s), the ranges and the hole kept each time\n",
	       nfailed);
	return 0;
}
