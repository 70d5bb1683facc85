// SPDX-License-Identifier: GPL-2.0
/*
 * The mock target and its IOMMU_TEST_CMD wrappers. On a host without the
 * iommufd selftest driver only the open path and errno fidelity are checked;
 * with /sys/bus/iommufd_mock (the mock guest) the live tests drive the
 * target's bind/attach/detach/PASID/probe mapping end to end.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/targets/target.h"
#include "../../src/uapi/mock_cmd.h"
#include "unit.h"

static bool mock_present(void)
{
	return !access("/dev/iommu", F_OK) &&
	       !access("/sys/bus/iommufd_mock", F_OK);
}

UNIT_TEST(mock_open_without_driver_skips)
{
	struct target_config cfg = { .target = "mock" };
	char why[160] = "";
	bool skip = false;
	struct target *t;

	if (mock_present() && mock_cmd_available()) {
		unit_skip("the mock driver is present: the live tests cover it");
		return;
	}
	t = mock_target_open(&cfg, why, sizeof(why), &skip);
	EXPECT(t == NULL);
	EXPECT(skip);
	if (!mock_cmd_available())
		EXPECT(strstr(why, "iommufd_test.h") != NULL);
	else if (access("/dev/iommu", F_OK))
		EXPECT(!strcmp(why, "no /dev/iommu"));
	else
		EXPECT(strstr(why, "iommufd_mock") != NULL);
}

UNIT_TEST(mock_cmd_errno_faithful)
{
	char page[64];
	int want = mock_cmd_available() ? -EBADF : -T_UNSUPPORTED;

	EXPECT_EQ(mock_cmd_check_map(-1, 1, 0, 4096, page), want);
	EXPECT_EQ(mock_cmd_pasid_detach(-1, 1, 1), want);
	EXPECT_EQ(mock_cmd_pasid_check_hwpt(-1, 1, 0, 0), want);
}

static struct target *open_live(void)
{
	struct target_config cfg = { .target = "mock", .mock_devices = 4 };
	char why[160];
	bool skip;
	struct target *t;

	if (!mock_present() || !mock_cmd_available())
		return NULL;
	t = mock_target_open(&cfg, why, sizeof(why), &skip);
	if (!t)
		unit_fail(__FILE__, __LINE__, "mock open: %s", why);
	return t;
}

UNIT_TEST(mock_live_caps)
{
	struct target *t = open_live();

	if (!t) {
		unit_skip("no live mock driver (/sys/bus/iommufd_mock)");
		return;
	}
	EXPECT_EQ(t->caps.ndev, 4);
	EXPECT_EQ(t->caps.dma, DMA_PROBED);
	EXPECT_EQ(t->caps.dev[0].max_pasid_log2, 20);
	EXPECT(t->caps.dev[0].dirty_tracking);
	EXPECT_EQ(t->caps.dev[3].max_pasid_log2, 0);
	EXPECT(!t->caps.dev[3].dirty_tracking);
	EXPECT(t->caps.dev[0].group != t->caps.dev[1].group);
	EXPECT_EQ(t->caps.dev[0].iommu, t->caps.dev[1].iommu);
	t->ops->close(t);
}

/* The live mock with one device bound and one page mapped. */
struct live {
	struct target *t;
	char *mem; /* the page, 0xaa */
	uint32_t ioas;
	char ev[160]; /* the last live_dma()'s evidence */
};

/*
 * The live mock with DEV bound and one page (0xaa) mapped read-write at
 * IOVA in a fresh IOAS; false (the test skipped) without the live driver.
 */
static bool live_open(struct live *l, unsigned dev, uint64_t iova)
{
	l->t = open_live();
	if (!l->t) {
		unit_skip("no live mock driver (/sys/bus/iommufd_mock)");
		return false;
	}
	l->mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	EXPECT(l->mem != MAP_FAILED);
	memset(l->mem, 0xaa, 4096);
	EXPECT_EQ(T_CALL(l->t, bind, dev, 0), 0);
	EXPECT_EQ(T_CALL(l->t, ioas_alloc, 0, &l->ioas), 0);
	EXPECT_EQ(T_CALL(l->t, ioas_map, l->ioas,
			 T_MAP_FIXED_IOVA | T_MAP_READABLE | T_MAP_WRITEABLE,
			 l->mem, 4096, &iova),
		  0);
	return true;
}

static void live_close(struct live *l)
{
	munmap(l->mem, 4096);
	l->t->ops->close(l->t);
}

/* A DMA of len bytes of buf by dev at iova; its evidence in l->ev. */
static int live_dma(struct live *l, unsigned dev, uint32_t pasid,
		    enum dma_dir dir, uint64_t iova, void *buf, size_t len)
{
	return T_CALL(l->t, dma, dev, pasid, dir, iova, buf, len, l->ev,
		      sizeof(l->ev));
}

/* bind -> blocked; attach + map -> lands on the mapped page; unmap ->
 * blocked again; detach -> blocked. */
UNIT_TEST(mock_live_rid_probe)
{
	uint64_t iova = MOCK_IOVA_START + 0x100000; /* in the mock aperture */
	uint32_t hwpt = 0;
	char buf[64];
	struct live l;

	if (!live_open(&l, 0, iova))
		return;
	memset(buf, 0x55, sizeof(buf));
	EXPECT_EQ(live_dma(&l, 0, T_NO_PASID, DMA_TO_MEMORY, iova + 8, buf,
			   sizeof(buf)),
		  0);
	EXPECT((unsigned char)l.mem[8] == 0xaa); /* bound, not attached */
	EXPECT(strstr(l.ev, "probe, not DMA") != NULL);

	EXPECT_EQ(T_CALL(l.t, attach, 0, T_NO_PASID, l.ioas, &hwpt), 0);
	EXPECT(hwpt != 0 && hwpt != l.ioas);
	EXPECT_EQ(live_dma(&l, 0, T_NO_PASID, DMA_TO_MEMORY, iova + 8, buf,
			   sizeof(buf)),
		  0);
	EXPECT((unsigned char)l.mem[8] == 0x55);
	EXPECT((unsigned char)l.mem[8 + sizeof(buf)] == 0xaa);

	memset(l.mem, 0xaa, 4096);
	EXPECT_EQ(T_CALL(l.t, ioas_unmap, l.ioas, iova, 4096, NULL), 0);
	EXPECT_EQ(live_dma(&l, 0, T_NO_PASID, DMA_TO_MEMORY, iova + 8, buf,
			   sizeof(buf)),
		  0);
	EXPECT((unsigned char)l.mem[8] == 0xaa);

	EXPECT_EQ(T_CALL(l.t, detach, 0, T_NO_PASID), 0);
	EXPECT_EQ(T_CALL(l.t, probe, MOCK_PROBE_PASID_CHECK_HWPT, 0, T_NO_PASID,
			 hwpt, 0),
		  -ENOENT); /* the auto HWPT died with detach */
	EXPECT_EQ(T_CALL(l.t, unbind, 0), 0);
	EXPECT_EQ(T_CALL(l.t, unbind, 0), 0);
	EXPECT_EQ(T_CALL(l.t, destroy, l.ioas), 0);
	live_close(&l);
}

/* A PASID keeps translating after the RID detaches (SEED-A's shape). */
UNIT_TEST(mock_live_pasid_probe)
{
	uint64_t iova = MOCK_IOVA_START + 0x200000;
	uint32_t hwpt, out = 0;
	char buf[32];
	struct live l;

	if (!live_open(&l, 1, iova))
		return;
	memset(buf, 0x66, sizeof(buf));
	EXPECT_EQ(T_CALL(l.t, hwpt_alloc, 1, l.ioas, T_HWPT_PASID, 0, NULL, 0,
			 &hwpt),
		  0);
	EXPECT_EQ(T_CALL(l.t, attach, 1, T_NO_PASID, hwpt, NULL), 0);
	EXPECT_EQ(T_CALL(l.t, attach, 1, 7, hwpt, &out), 0);
	EXPECT_EQ(out, hwpt);
	EXPECT_EQ(T_CALL(l.t, detach, 1, T_NO_PASID), 0);
	EXPECT_EQ(
		T_CALL(l.t, probe, MOCK_PROBE_PASID_CHECK_HWPT, 1, 7, hwpt, 0),
		0);
	EXPECT_EQ(live_dma(&l, 1, 7, DMA_TO_MEMORY, iova, buf, sizeof(buf)), 0);
	EXPECT((unsigned char)l.mem[0] == 0x66);
	EXPECT_EQ(live_dma(&l, 1, T_NO_PASID, DMA_FROM_MEMORY, iova, buf,
			   sizeof(buf)),
		  0);
	EXPECT((unsigned char)buf[0] == 0x66); /* RID read blocked */
	/* The device without PASID refuses a PASID attach. */
	EXPECT_EQ(T_CALL(l.t, bind, 3, 0), 0);
	EXPECT(T_CALL(l.t, attach, 3, 7, hwpt, NULL) < 0);
	EXPECT_EQ(T_CALL(l.t, unbind, 1), 0); /* detaches PASID 7 first */
	EXPECT_EQ(T_CALL(l.t, destroy, hwpt), 0);
	live_close(&l);
}
