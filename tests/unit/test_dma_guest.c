// SPDX-License-Identifier: GPL-2.0
/*
 * Guest self-check of the kernel target and the edu engine. Runs only when
 * IC_SELFCHECK_DEVICES names BDFs (space separated; the VM's edu devices),
 * otherwise it skips. It prints what it sees:
 * capabilities, IOVA ranges, and per operation the DMA evidence and cost.
 *
 *   IC_SELFCHECK_DEVICES="0000:00:10.0 0000:00:11.0" unit-tests 'dma_guest*'
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "../../src/dma/dma.h"
#include "../../src/targets/target.h"
#include "../../src/uapi/iommufd.h"
#include "../../src/uapi/vfio_cdev.h"
#include "unit.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void fill(unsigned char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (unsigned char)((i * 131 + seed * 7 + (i >> 8)) ^ seed);
}

static bool same(const unsigned char *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] != (unsigned char)((i * 131 + seed * 7 + (i >> 8)) ^ seed))
			return false;
	return true;
}

/* One DMA through the target; prints evidence and cost, returns ret. */
static int dma(struct target *t, unsigned dev, enum dma_dir dir,
	       uint64_t iova, void *buf, size_t len, const char *what)
{
	char ev[256] = "";
	double t0 = now_ms();
	int ret = T_CALL(t, dma, dev, T_NO_PASID, dir, iova, buf, len, ev,
			 sizeof(ev));

	printf("#   %-22s ret=%d %.0f ms: %s\n", what, ret, now_ms() - t0, ev);
	return ret;
}

static void check_device(struct target *t, unsigned dev, unsigned ctx)
{
	const size_t pg = 4096;
	struct iova_range r[T_MAX_RANGES];
	unsigned n = T_MAX_RANGES;
	unsigned char *mem, buf[4096];
	uint64_t align = 0, iova = 0x200000, unmapped = 0;
	uint32_t ioas, hwpt = 0;

	printf("# device %u (%s) ctx %u\n", dev, t->caps.dev[dev].name, ctx);
	EXPECT_EQ(T_CALL(t, bind, dev, ctx), 0);
	EXPECT_EQ(T_CALL(t, ioas_alloc, ctx, &ioas), 0);
	EXPECT_EQ(T_CALL(t, attach, dev, T_NO_PASID, ioas, &hwpt), 0);
	EXPECT_EQ(T_CALL(t, iova_ranges, ioas, r, &n, &align), 0);
	printf("#   ioas 0x%x hwpt 0x%x alignment 0x%llx ranges:", ioas, hwpt,
	       (unsigned long long)align);
	for (unsigned i = 0; i < n && i < T_MAX_RANGES; i++)
		printf(" %llx-%llx", (unsigned long long)r[i].start,
		       (unsigned long long)r[i].last);
	printf("\n");

	mem = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	EXPECT(mem != MAP_FAILED);
	if (mem == MAP_FAILED)
		return;
	fill(mem, 2 * pg, 1);
	EXPECT_EQ(T_CALL(t, ioas_map, ioas,
			 T_MAP_FIXED_IOVA | T_MAP_READABLE | T_MAP_WRITEABLE,
			 mem, 2 * pg, &iova),
		  0);

	/* A write lands exactly where the mapping says. */
	fill(buf, 512, 2);
	EXPECT_EQ(dma(t, dev, DMA_TO_MEMORY, iova + 0x100, buf, 512,
		      "write 512 @+0x100"), 0);
	EXPECT(same(mem + 0x100, 512, 2));
	EXPECT(same(mem, 0x100, 1) || !"bytes before the write changed");
	{
		unsigned char ref[2 * 4096];

		fill(ref, sizeof(ref), 1);
		EXPECT(!memcmp(mem + 0x300, ref + 0x300, 2 * pg - 0x300));
	}
	/* A read sees memory. */
	fill(mem, 2 * pg, 3);
	fill(buf, 1024, 4);
	EXPECT_EQ(dma(t, dev, DMA_FROM_MEMORY, iova + 0x400, buf, 1024,
		      "read 1024 @+0x400"), 0);
	EXPECT(!memcmp(buf, mem + 0x400, 1024));
	/* Two pages in one transfer. */
	fill(buf, 4095, 5);
	EXPECT_EQ(dma(t, dev, DMA_TO_MEMORY, iova + 0x800, buf, 4095,
		      "write 4095 @+0x800"), 0);
	EXPECT(same(mem + 0x800, 4095, 5) || !memcmp(mem + 0x800, buf, 4095));
	EXPECT(!memcmp(mem + 0x800, buf, 4095));

	/* Unmap blocks it (the IOVAs were just used: an IOTLB would hit). */
	EXPECT_EQ(T_CALL(t, ioas_unmap, ioas, iova, 2 * pg, &unmapped), 0);
	EXPECT_EQ(unmapped, 2 * pg);
	fill(mem, 2 * pg, 6);
	fill(buf, 4095, 7);
	EXPECT_EQ(dma(t, dev, DMA_TO_MEMORY, iova + 0x800, buf, 4095,
		      "write after unmap"), 0);
	EXPECT(same(mem, 2 * pg, 6));
	fill(buf, 1024, 8);
	EXPECT_EQ(dma(t, dev, DMA_FROM_MEMORY, iova + 0x400, buf, 1024,
		      "read after unmap"), 0);
	EXPECT(memcmp(buf, mem + 0x400, 1024));

	/* Remap, use, detach: blocked. */
	EXPECT_EQ(T_CALL(t, ioas_map, ioas,
			 T_MAP_FIXED_IOVA | T_MAP_READABLE | T_MAP_WRITEABLE,
			 mem, 2 * pg, &iova),
		  0);
	fill(buf, 256, 9);
	EXPECT_EQ(dma(t, dev, DMA_TO_MEMORY, iova, buf, 256, "write remapped"),
		  0);
	EXPECT(!memcmp(mem, buf, 256));
	EXPECT_EQ(T_CALL(t, detach, dev, T_NO_PASID), 0);
	fill(mem, 2 * pg, 10);
	EXPECT_EQ(dma(t, dev, DMA_TO_MEMORY, iova, buf, 256,
		      "write after detach"), 0);
	EXPECT(same(mem, 2 * pg, 10));
	fill(buf, 256, 12);
	EXPECT_EQ(dma(t, dev, DMA_FROM_MEMORY, iova, buf, 256,
		      "read after detach"), 0);
	EXPECT(memcmp(buf, mem, 256));
	/* Re-attach: translation is back. */
	EXPECT_EQ(T_CALL(t, attach, dev, T_NO_PASID, ioas, &hwpt), 0);
	fill(buf, 256, 11);
	EXPECT_EQ(dma(t, dev, DMA_TO_MEMORY, iova, buf, 256,
		      "write re-attached"), 0);
	EXPECT(!memcmp(mem, buf, 256));
	EXPECT_EQ(T_CALL(t, unbind, dev), 0);
	EXPECT_EQ(T_CALL(t, destroy, ioas), 0);
	munmap(mem, 2 * pg);
}

UNIT_TEST(dma_guest_selfcheck)
{
	const char *env = getenv("IC_SELFCHECK_DEVICES");
	struct target_config cfg = { .target = "kernel" };
	char why[256] = "", *list, *tok, *save;
	struct target *t;
	bool skip;

	if (!env || !*env) {
		unit_skip("IC_SELFCHECK_DEVICES names no device (a guest self-check)");
		return;
	}
	list = strdup(env);
	for (tok = strtok_r(list, " ", &save); tok && cfg.ndevices < T_MAX_DEVS;
	     tok = strtok_r(NULL, " ", &save))
		cfg.devices[cfg.ndevices++] = tok;
	t = target_open(&cfg, why, sizeof(why), &skip);
	if (!t) {
		printf("# target_open: %s (skip=%d)\n", why, skip);
		EXPECT(t);
		free(list);
		return;
	}
	printf("# profile %s kernel %s dma %d max_len %zu iova_limit 0x%llx nctx %u pasid_uapi %d hwpt_alloc %d fault_inject %d\n# notes: %s\n",
	       t->caps.profile, t->caps.kernel_release, t->caps.dma,
	       t->caps.dma_max_len,
	       (unsigned long long)t->caps.dma_iova_limit, t->caps.nctx,
	       t->caps.pasid_uapi, t->caps.hwpt_alloc, t->caps.fault_inject,
	       t->caps.notes);
	for (unsigned i = 0; i < t->caps.ndev; i++) {
		const struct dev_caps *d = &t->caps.dev[i];

		printf("# dev %u %s group %u iommu %u hw_info_type %u pasid_log2 %u dirty %d dma %d resv:",
		       i, d->name, d->group, d->iommu, d->hw_info_type,
		       d->max_pasid_log2, d->dirty_tracking, d->dma);
		for (unsigned j = 0; j < d->nresv; j++)
			printf(" %llx-%llx", (unsigned long long)d->resv[j].start,
			       (unsigned long long)d->resv[j].last);
		printf("\n");
	}
	check_device(t, 0, 0);
	if (t->caps.ndev > 1)
		check_device(t, 1, 1);
	target_close(t);
	free(list);
}

/* Per-transfer cost of the two ways to wait for edu's completion, on the
 * first device, driven directly through the uapi layer. */
static int cdev_of(const char *bdf, char *path, size_t len)
{
	char dir[128];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(dir);
	if (!d)
		return -errno;
	path[0] = '\0';
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "vfio", 4))
			snprintf(path, len, "/dev/vfio/devices/%.32s",
				 de->d_name);
	closedir(d);
	return path[0] ? 0 : -ENOENT;
}

/* The second page of the test's memory, mapped at BOUNCE_IOVA. */
#define BOUNCE_IOVA 0x500000ull

static int bounce_page(void *arg, size_t len, void **uva, uint64_t *iova,
		       char *why, size_t why_len)
{
	*uva = arg;
	*iova = BOUNCE_IOVA;
	return 0;
}

UNIT_TEST(dma_guest_wait_modes)
{
	const char *env = getenv("IC_SELFCHECK_DEVICES");
	static const enum dma_wait modes[] = { DMA_WAIT_POLL, DMA_WAIT_IRQ };
	char bdf[32], path[64], ev[256], why[160];
	uint32_t devid, ioas, pt;
	uint64_t iova = 0x400000, biova = BOUNCE_IOVA;
	unsigned char *mem, buf[256] = { 0 };
	int ufd, fd;

	if (!env || !*env) {
		unit_skip("IC_SELFCHECK_DEVICES names no device (a guest self-check)");
		return;
	}
	sscanf(env, "%31s", bdf);
	EXPECT_EQ(cdev_of(bdf, path, sizeof(path)), 0);
	ufd = ufd_open();
	fd = vfio_cdev_open(path);
	EXPECT(ufd >= 0 && fd >= 0);
	EXPECT_EQ(vfio_bind_iommufd(fd, ufd, &devid), 0);
	EXPECT_EQ(ufd_ioas_alloc(ufd, &ioas), 0);
	pt = ioas;
	EXPECT_EQ(vfio_attach_pt(fd, &pt), 0);
	mem = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	EXPECT_EQ(ufd_ioas_map(ufd, ioas, IOMMU_IOAS_MAP_FIXED_IOVA |
			       IOMMU_IOAS_MAP_READABLE |
			       IOMMU_IOAS_MAP_WRITEABLE, mem, 4096, &iova),
		  0);
	EXPECT_EQ(ufd_ioas_map(ufd, ioas, IOMMU_IOAS_MAP_FIXED_IOVA |
			       IOMMU_IOAS_MAP_READABLE |
			       IOMMU_IOAS_MAP_WRITEABLE, mem + 4096, 4096,
			       &biova),
		  0);
	for (unsigned m = 0; m < 2; m++) {
		struct dma_bounce bounce = { .get = bounce_page,
					     .arg = mem + 4096 };
		struct dma_dev_io io;
		struct dma_engine *e;
		double wall = now_ms();

		EXPECT_EQ(dma_vfio_io(fd, &io), 0);
		if (dma_engine_probe(&io, bdf, &bounce, modes[m], &e, why,
				     sizeof(why))) {
			printf("# wait %s: %s\n", m ? "irq" : "poll", why);
			dma_vfio_io_free(&io);
			continue;
		}
		/* Each write is three transfers: load, write, read-back. */
		for (unsigned i = 0; i < 10; i++)
			EXPECT_EQ(dma_engine_write(e, iova, buf, sizeof(buf),
						   ev, sizeof(ev)),
				  0);
		printf("# wait %s: %lu transfers, %.2f ms each (device busy), %.2f ms each (wall), %lu signalled by interrupt\n",
		       m ? "irq" : "poll", e->ntransfers,
		       e->busy_ns / 1e6 / e->ntransfers,
		       (now_ms() - wall) / e->ntransfers, e->nirq);
		dma_engine_close(e);
		dma_vfio_io_free(&io);
	}
	close(fd);
	close(ufd);
	munmap(mem, 2 * 4096);
}
