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

/*
 * The live mock with DEV bound and one page (0xaa) mapped read-write at
 * IOVA in a fresh IOAS; NULL (the test skipped) without the live driver.
 */
static struct target *open_live_mapped(unsigned dev, uint64_t iova,
				       char **mem, uint32_t *ioas)
{
	struct target *t = open_live();

	if (!t) {
		unit_skip("no live mock driver (/sys/bus/iommufd_mock)");
		return NULL;
	}
	*mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	EXPECT(*mem != MAP_FAILED);
	memset(*mem, 0xaa, 4096);
	EXPECT_EQ(T_CALL(t, bind, dev, 0), 0);
	EXPECT_EQ(T_CALL(t, ioas_alloc, 0, ioas), 0);
	EXPECT_EQ(T_CALL(t, ioas_map, *ioas,
			 T_MAP_FIXED_IOVA | T_MAP_READABLE | T_MAP_WRITEABLE,
			 *mem, 4096, &iova), 0);
	return t;
}

/* bind -> blocked; attach + map -> lands on the mapped page; unmap ->
 * blocked again; detach -> blocked. */
UNIT_TEST(mock_live_rid_probe)
{
	uint64_t iova = MOCK_IOVA_START + 0x100000; /* in the mock aperture */
	uint32_t ioas, hwpt = 0;
	char ev[160], buf[64];
	char *mem;
	struct target *t = open_live_mapped(0, iova, &mem, &ioas);

	if (!t)
		return;
	memset(buf, 0x55, sizeof(buf));
	EXPECT_EQ(T_CALL(t, dma, 0, T_NO_PASID, DMA_TO_MEMORY, iova + 8, buf,
			 sizeof(buf), ev, sizeof(ev)), 0);
	EXPECT((unsigned char)mem[8] == 0xaa); /* bound, not attached */
	EXPECT(strstr(ev, "probe, not DMA") != NULL);

	EXPECT_EQ(T_CALL(t, attach, 0, T_NO_PASID, ioas, &hwpt), 0);
	EXPECT(hwpt != 0 && hwpt != ioas);
	EXPECT_EQ(T_CALL(t, dma, 0, T_NO_PASID, DMA_TO_MEMORY, iova + 8, buf,
			 sizeof(buf), ev, sizeof(ev)), 0);
	EXPECT((unsigned char)mem[8] == 0x55);
	EXPECT((unsigned char)mem[8 + sizeof(buf)] == 0xaa);

	memset(mem, 0xaa, 4096);
	EXPECT_EQ(T_CALL(t, ioas_unmap, ioas, iova, 4096, NULL), 0);
	EXPECT_EQ(T_CALL(t, dma, 0, T_NO_PASID, DMA_TO_MEMORY, iova + 8, buf,
			 sizeof(buf), ev, sizeof(ev)), 0);
	EXPECT((unsigned char)mem[8] == 0xaa);

	EXPECT_EQ(T_CALL(t, detach, 0, T_NO_PASID), 0);
	EXPECT_EQ(T_CALL(t, probe, MOCK_PROBE_PASID_CHECK_HWPT, 0, T_NO_PASID,
			 hwpt, 0), -ENOENT); /* the auto HWPT died with detach */
	EXPECT_EQ(T_CALL(t, unbind, 0), 0);
	EXPECT_EQ(T_CALL(t, unbind, 0), 0);
	EXPECT_EQ(T_CALL(t, destroy, ioas), 0);
	munmap(mem, 4096);
	t->ops->close(t);
}

/* A PASID keeps translating after the RID detaches (SEED-A's shape). */
UNIT_TEST(mock_live_pasid_probe)
{
	uint64_t iova = MOCK_IOVA_START + 0x200000;
	uint32_t ioas, hwpt, out = 0;
	char ev[160], buf[32];
	char *mem;
	struct target *t = open_live_mapped(1, iova, &mem, &ioas);

	if (!t)
		return;
	memset(buf, 0x66, sizeof(buf));
	EXPECT_EQ(T_CALL(t, hwpt_alloc, 1, ioas, T_HWPT_PASID, 0, NULL, 0,
			 &hwpt), 0);
	EXPECT_EQ(T_CALL(t, attach, 1, T_NO_PASID, hwpt, NULL), 0);
	EXPECT_EQ(T_CALL(t, attach, 1, 7, hwpt, &out), 0);
	EXPECT_EQ(out, hwpt);
	EXPECT_EQ(T_CALL(t, detach, 1, T_NO_PASID), 0);
	EXPECT_EQ(T_CALL(t, probe, MOCK_PROBE_PASID_CHECK_HWPT, 1, 7, hwpt, 0),
		  0);
	EXPECT_EQ(T_CALL(t, dma, 1, 7, DMA_TO_MEMORY, iova, buf, sizeof(buf),
			 ev, sizeof(ev)), 0);
	EXPECT((unsigned char)mem[0] == 0x66);
	EXPECT_EQ(T_CALL(t, dma, 1, T_NO_PASID, DMA_FROM_MEMORY, iova, buf,
			 sizeof(buf), ev, sizeof(ev)), 0);
	EXPECT((unsigned char)buf[0] == 0x66); /* RID read blocked */
	/* The device without PASID refuses a PASID attach. */
	EXPECT_EQ(T_CALL(t, bind, 3, 0), 0);
	EXPECT(T_CALL(t, attach, 3, 7, hwpt, NULL) < 0);
	EXPECT_EQ(T_CALL(t, unbind, 1), 0); /* detaches PASID 7 first */
	EXPECT_EQ(T_CALL(t, destroy, hwpt), 0);
	munmap(mem, 4096);
	t->ops->close(t);
}
