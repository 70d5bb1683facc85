// SPDX-License-Identifier: GPL-2.0
/*
 * The edu-pasid engine: edu's DMA engine on a PCI Express endpoint that
 * can tag its DMA with a PASID (1234:11e9). QEMU has no such device; the
 * patched QEMU of vm/qemu-build.sh adds it (vm/qemu-patches/0002-*).
 *
 * Registers as in edu_hw.h, with 0xa0 PASID and 0xa8 the result of the
 * last transfer (0 ok, 1 the bus failed an access, e.g. an IOMMU fault,
 * 2 refused: tagged without PASID translation, 3 outside the buffer,
 * 4 bus mastering off). The 4 KiB device buffer (device address 0x40000)
 * is also at BAR0 + 0x40000 for the CPU, in 4- or 8-byte words.
 *
 * So every DMA the engine runs is the transfer under test: it loads the
 * device buffer and checks it through BAR0, runs the one transfer, and
 * reads the buffer back through BAR0. No bounce buffer, and nothing
 * depends on another translation of the device (its RID's or another
 * PASID's). The device completes a transfer about 100 us after the start;
 * its dma_mask defaults to all 64 bits.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edu_hw.h"

#define EP_DEVICE 0x11e9
#define EP_PASID_MAX 0xfffffu

struct edu_pasid {
	struct edu_hw hw;
};

static const char *result_name(uint32_t r)
{
	switch (r) {
	case 0: return "ok";
	case 1: return "bus error (an access failed, e.g. an IOMMU fault)";
	case 2: return "refused: no translation for the PASID (PASID Enable clear, PASID too wide or no PASID-aware IOMMU)";
	case 3: return "refused: outside the device buffer";
	case 4: return "refused: bus mastering off";
	}
	return "unknown";
}

/* The device buffer through BAR0, in 8-byte words (len rounded up). */
static int buf_store(struct dma_engine *e, const void *src, size_t len)
{
	unsigned char tmp[EDU_BUF_LEN] = { 0 };

	memcpy(tmp, src, len);
	return e->io.bar_write(e->io.arg, 0, EDU_BUF, tmp, (len + 7) & ~7ul);
}

static int buf_load(struct dma_engine *e, void *dst, size_t len)
{
	unsigned char tmp[EDU_BUF_LEN];
	int ret;

	ret = e->io.bar_read(e->io.arg, 0, EDU_BUF, tmp, (len + 7) & ~7ul);
	if (!ret)
		memcpy(dst, tmp, len);
	return ret;
}

static void tag_str(const struct dma_engine *e, char *s, size_t n)
{
	if (e->tag_pasid)
		snprintf(s, n, "pasid 0x%x", e->pasid);
	else
		snprintf(s, n, "no pasid");
}

/* The payload into the device buffer, checked through BAR0. */
static int stage(struct dma_engine *e, const void *buf, size_t len)
{
	unsigned char chk[EDU_BUF_LEN];
	int ret = buf_store(e, buf, len);

	if (!ret)
		ret = buf_load(e, chk, len);
	if (!ret && memcmp(chk, buf, len))
		ret = -EIO;
	return ret;
}

/* One transfer under test with its payload staged and checked: for a
 * write, the device buffer holds buf before it, and buf is left as it
 * was; for a read, buf gets the buffer after it (pre-filled with buf). */
static int ep_run(struct dma_engine *e, bool to_ram, uint64_t iova,
		  void *buf, size_t len, char *ev, size_t evlen)
{
	const char *what = to_ram ? "write" : "read";
	unsigned char chk[EDU_BUF_LEN];
	uint64_t t = 0;
	char tag[24];
	int ret;

	tag_str(e, tag, sizeof(tag));
	if (e->tag_pasid && e->pasid > EP_PASID_MAX) {
		snprintf(ev, evlen, "%s: PASID 0x%x wider than 20 bits",
			 e->name, e->pasid);
		return -EINVAL;
	}
	ret = stage(e, buf, len);
	if (ret == -EIO) {
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu %s: the device buffer did not take the payload",
			 e->name, what, iova, len, tag);
		return ret;
	}
	if (!ret)
		ret = edu_hw_xfer(e, to_ram, iova, len, &t);
	if (!ret)
		ret = buf_load(e, to_ram ? chk : buf, len);
	if (ret == -ETIMEDOUT) {
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu %s: device did not complete within %u ms",
			 e->name, what, iova, len, tag, e->timeout_ms);
		return ret;
	}
	if (ret) {
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu %s: device access failed (%d)",
			 e->name, what, iova, len, tag, ret);
		return ret;
	}
	if (edu_hw(e)->result >= 2) {
		/* The device never issued it: not a verdict on translation. */
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu %s: device %s",
			 e->name, what, iova, len, tag,
			 result_name(edu_hw(e)->result));
		return -EIO;
	}
	if (to_ram && memcmp(chk, buf, len)) {
		/* The bytes it wrote are not known to be buf's. */
		snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu %s: the device buffer changed during the transfer",
			 e->name, iova, len, tag);
		return -EIO;
	}
	snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu %s %.2fms %s; payload %s through BAR0; device result: %s",
		 e->name, what, iova, len, tag, t / 1e6, edu_wait_name(e),
		 to_ram ? "verified" : "read back",
		 result_name(edu_hw(e)->result));
	return 0;
}

static int ep_write(struct dma_engine *e, uint64_t iova, void *buf,
		    size_t len, char *ev, size_t evlen)
{
	return ep_run(e, true, iova, buf, len, ev, evlen);
}

static int ep_read(struct dma_engine *e, uint64_t iova, void *buf,
		   size_t len, char *ev, size_t evlen)
{
	return ep_run(e, false, iova, buf, len, ev, evlen);
}

/* The reach probe's transfer: the payload through BAR0, to dst. */
static int ep_probe_write(struct dma_engine *e, const void *payload,
			  size_t len, uint64_t src, uint64_t dst)
{
	uint64_t t;
	int ret;

	(void)src;
	ret = stage(e, payload, len);
	return ret ? ret : edu_hw_xfer(e, true, dst, len, &t);
}

static int ep_open(struct dma_engine *e, char *why, size_t why_len)
{
	/* 100 us polls: it completes in about 100 us. */
	return edu_hw_open(e, sizeof(struct edu_pasid), 100000, true, why,
			   why_len);
}

const struct dma_engine_driver edu_pasid_driver = {
	.name = "edu-pasid",
	.description = "the patched QEMU's PCIe edu (1234:11e9), 1..4096 B per transfer, PASID-tagged DMA",
	.vendor = EDU_VENDOR,
	.device = EP_DEVICE,
	.limits = {
		.max_len = EDU_BUF_LEN,
		.min_len = 1,
		.granularity = 1,
		.iova_limit = 1ull << 28, /* as edu's, unless the probe finds more */
	},
	.payload = DMA_WRITES_CALLER_BYTES,
	.tags_pasid = true,
	.open = ep_open,
	.probe_write = ep_probe_write,
	.write = ep_write,
	.read = ep_read,
	.close = edu_hw_close,
};
