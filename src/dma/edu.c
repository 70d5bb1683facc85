// SPDX-License-Identifier: GPL-2.0
/*
 * The edu engine: QEMU's educational PCI device (1234:11e8).
 *
 * Registers as in edu_hw.h. The device buffer (device address 0x40000) is
 * reachable only by DMA, so loading a payload and reading back what the
 * device read both go through a bounce buffer in the device's current
 * translation (struct dma_bounce). QEMU completes a transfer on a 100 ms
 * virtual timer; a failed translation is invisible to the device (a read
 * fills the buffer with what the bus returns, a write is dropped).
 *
 * Its quirks live here: at most 4095 bytes per transfer (QEMU 7.2 aborts
 * the VM on one ending at the buffer's end), no PASID, and DMA addresses
 * masked to its dma_mask property (28 bits unless the VM raised it), which
 * the reach probe (dma_engine_probe_reach) measures. The engine keeps a
 * copy of what its buffer is known to hold, so a write without a
 * translation for the payload still knows, and reports, the bytes it wrote.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edu_hw.h"

#define EDU_DEVICE 0x11e8
#define EDU_MAX_LEN (EDU_BUF_LEN - 1) /* QEMU 7.2: see above */
#define EDU_DMA_MASK_BITS 28	      /* QEMU's default dma_mask */

struct edu {
	struct edu_hw hw;
	/* The device buffer's first `known` bytes, as last confirmed. */
	unsigned char shadow[EDU_BUF_LEN];
	size_t known;
};

static void invert(unsigned char *dst, const unsigned char *src, size_t len)
{
	for (size_t i = 0; i < len; i++)
		dst[i] = (unsigned char)~src[i];
}

static bool all_inverted(const unsigned char *a, const unsigned char *b,
			 size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)(a[i] ^ b[i]) != 0xff)
			return false;
	return true;
}

/* The owner's bounce page (get) or a translation lent after the transfer
 * under test (get_late); -ENOLINK when the owner offers none. */
static int bounce_get(struct dma_engine *e, size_t len, void **uva,
		      uint64_t *iova, char *why, size_t why_len)
{
	return e->bounce.get ? e->bounce.get(e->bounce.arg, len, uva, iova,
					     why, why_len) :
			       -ENOLINK;
}

static int bounce_get_late(struct dma_engine *e, size_t len, void **uva,
			   uint64_t *iova, char *why, size_t why_len)
{
	return e->bounce.get_late ? e->bounce.get_late(e->bounce.arg, len,
						       uva, iova, why,
						       why_len) :
				    -ENOLINK;
}

/* The device buffer's first len bytes are now these (confirmed). */
static void buffer_known(struct dma_engine *e, const void *bytes, size_t len)
{
	struct edu *d = e->priv;

	memcpy(d->shadow, bytes, len);
	if (len > d->known)
		d->known = len;
}

static void buffer_unknown(struct dma_engine *e)
{
	((struct edu *)e->priv)->known = 0;
}

/*
 * Copy the device buffer's first len bytes to the bounce page b at biova
 * (device to RAM: the buffer itself is unchanged). b is pre-filled with
 * guess inverted, so a read-back that did not land is seen; with no guess,
 * two pre-fills tell it from a buffer that holds the pre-fill.
 * Returns 0 with b holding the bytes, -ENOLINK if the read-back was
 * blocked, or the transfer's error.
 */
static int unload(struct dma_engine *e, unsigned char *b, uint64_t biova,
		  size_t len, const unsigned char *guess, uint64_t *ns)
{
	int ret;

	if (guess)
		invert(b, guess, len);
	else
		memset(b, 0x5a, len);
	ret = edu_hw_xfer(e, true, biova, len, ns);
	if (ret)
		return ret;
	if (guess)
		return all_inverted(b, guess, len) ? -ENOLINK : 0;
	for (size_t i = 0; i < len; i++)
		if (b[i] != 0x5a)
			return 0;
	memset(b, 0xa5, len);
	ret = edu_hw_xfer(e, true, biova, len, ns);
	if (ret)
		return ret;
	for (size_t i = 0; i < len; i++)
		if (b[i] != 0xa5)
			return 0;
	return -ENOLINK;
}

static int failed(struct dma_engine *e, int ret, const char *what,
		  uint64_t iova, size_t len, char *ev, size_t evlen)
{
	buffer_unknown(e);
	if (ret == -ETIMEDOUT)
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu: device did not complete within %u ms",
			 e->name, what, iova, len, e->timeout_ms);
	else
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu: device access failed (%d)",
			 e->name, what, iova, len, ret);
	return ret;
}

/* unload() after the transfer under test `what` at iova, with its failure
 * said in ev: the buffer is unknown then. -ENOLINK: read-back blocked. */
static int unload_after(struct dma_engine *e, const char *what,
			uint64_t iova, unsigned char *b, uint64_t biova,
			size_t len, const unsigned char *guess, char *ev,
			size_t evlen)
{
	uint64_t t = 0;
	int ret = unload(e, b, biova, len, guess, &t);

	if (ret == -ENOLINK) {
		buffer_unknown(e);
		snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu: read-back through bounce 0x%" PRIx64 " blocked",
			 e->name, what, iova, len, biova);
	} else if (ret) {
		failed(e, ret, what, iova, len, ev, evlen);
	}
	return ret;
}

/*
 * A write without a translation for the payload: the transfer under test
 * runs with what the buffer holds. Those bytes are known from the last
 * confirmed load, or read back afterwards through a lent translation;
 * either way they are reported in buf. Unknown: -ENOLINK.
 */
static int write_unloaded(struct dma_engine *e, uint64_t iova,
			  unsigned char *buf, size_t len, const char *no_load,
			  char *ev, size_t evlen)
{
	struct edu *d = e->priv;
	char why[96] = "";
	uint64_t biova, t = 0;
	void *uva;
	int ret;

	ret = edu_hw_xfer(e, true, iova, len, &t);
	if (ret)
		return failed(e, ret, "write", iova, len, ev, evlen);
	if (d->known >= len) {
		memcpy(buf, d->shadow, len);
		snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu %.1fms %s; payload not loadable (%s): wrote and reports the buffer's bytes from its last confirmed load",
			 e->name, iova, len, t / 1e6, edu_wait_name(e), no_load);
		return 0;
	}
	ret = bounce_get_late(e, len, &uva, &biova, why, sizeof(why));
	if (ret) {
		snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu: ran, but the bytes it wrote are unknown (payload not loadable: %s; no translation lent for a read-back: %s)",
			 e->name, iova, len, no_load,
			 why[0] ? why : "none offered");
		return -ENOLINK;
	}
	ret = unload_after(e, "write", iova, uva, biova, len, NULL, ev, evlen);
	if (e->bounce.put)
		e->bounce.put(e->bounce.arg);
	if (ret)
		return ret; /* -ENOLINK: still unknown */
	memcpy(buf, uva, len);
	buffer_known(e, buf, len);
	snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu %.1fms %s; payload not loadable (%s): reports the buffer's bytes, read back through a lent translation (bounce 0x%" PRIx64 ")",
		 e->name, iova, len, t / 1e6, edu_wait_name(e), no_load, biova);
	return 0;
}

/* Load buf into the device buffer through the bounce page b at biova,
 * then run the transfer under test between the buffer and iova. */
static int load_and_run(struct dma_engine *e, bool to_ram, uint64_t iova,
			unsigned char *b, const void *buf, uint64_t biova,
			size_t len, uint64_t *t)
{
	uint64_t t_load;
	int ret;

	memcpy(b, buf, len);
	ret = edu_hw_xfer(e, false, biova, len, &t_load);
	return ret ? ret : edu_hw_xfer(e, to_ram, iova, len, t);
}

/*
 * The device writes buf at iova: load buf into the device buffer from the
 * bounce page, run the transfer under test, then copy the device buffer
 * back to the (re-filled) bounce page to confirm what it held throughout.
 */
static int edu_write(struct dma_engine *e, uint64_t iova, void *buf,
		     size_t len, char *ev, size_t evlen)
{
	char why[96] = "";
	uint64_t biova, t = 0;
	unsigned char *b;
	void *uva;
	int ret;

	ret = bounce_get(e, len, &uva, &biova, why, sizeof(why));
	if (ret)
		return write_unloaded(e, iova, buf, len,
				      why[0] ? why : "no bounce", ev, evlen);
	b = uva;
	ret = load_and_run(e, true, iova, b, buf, biova, len, &t);
	if (ret)
		return failed(e, ret, "write", iova, len, ev, evlen);
	ret = unload_after(e, "write", iova, b, biova, len, buf, ev, evlen);
	if (ret == -ENOLINK) {
		size_t n = strlen(ev);

		snprintf(ev + n, evlen - n, ": payload NOT confirmed");
		return -EIO;
	}
	if (ret)
		return ret;
	if (memcmp(b, buf, len)) {
		/* The load did not land; the read-back shows what the
		 * device held, and so wrote. */
		memcpy(buf, b, len);
		buffer_known(e, buf, len);
		snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu %.1fms %s; payload NOT loaded (bounce 0x%" PRIx64 " load blocked): reports the buffer's bytes, read back",
			 e->name, iova, len, t / 1e6, edu_wait_name(e), biova);
		return 0;
	}
	buffer_known(e, buf, len);
	snprintf(ev, evlen, "%s write iova=0x%" PRIx64 " len=%zu %.1fms %s; payload verified (bounce 0x%" PRIx64 ")",
		 e->name, iova, len, t / 1e6, edu_wait_name(e), biova);
	return 0;
}

/*
 * The device reads iova: pre-load the device buffer with buf (the caller's
 * pre-fill), run the transfer under test, copy the device buffer to the
 * bounce page (pre-filled with buf inverted, so a read-back that did not
 * land is seen) and hand it to the caller.
 */
static int edu_read(struct dma_engine *e, uint64_t iova, void *buf,
		    size_t len, char *ev, size_t evlen)
{
	char why[96] = "";
	uint64_t biova, t = 0;
	bool late = false;
	const char *pre;
	unsigned char *b;
	void *uva;
	int ret;

	ret = bounce_get(e, len, &uva, &biova, why, sizeof(why));
	if (ret && e->bounce.get_late) {
		/* No translation to pre-load through: run the read as it is,
		 * then let the owner lend a translation for the read-back. */
		late = true;
		ret = edu_hw_xfer(e, false, iova, len, &t);
		if (ret)
			return failed(e, ret, "read", iova, len, ev, evlen);
		why[0] = '\0';
		ret = bounce_get_late(e, len, &uva, &biova, why, sizeof(why));
	}
	if (ret) {
		if (late)
			buffer_unknown(e);
		snprintf(ev, evlen, "%s read iova=0x%" PRIx64 " len=%zu: cannot read back the device buffer (%s)",
			 e->name, iova, len, why[0] ? why : "no bounce");
		return -ENOLINK;
	}
	b = uva;
	if (!late) {
		ret = load_and_run(e, false, iova, b, buf, biova, len, &t);
		if (ret)
			return failed(e, ret, "read", iova, len, ev, evlen);
	}
	/* -ENOLINK: what the device read never reached us; do not pretend. */
	ret = unload_after(e, "read", iova, b, biova, len, buf, ev, evlen);
	if (late && e->bounce.put)
		e->bounce.put(e->bounce.arg);
	if (ret)
		return ret;
	pre = late ? ", read back through a lent translation" :
	      memcmp(b, buf, len) ? "" : ", device buffer kept its pre-fill";
	memcpy(buf, b, len);
	buffer_known(e, buf, len);
	snprintf(ev, evlen, "%s read iova=0x%" PRIx64 " len=%zu %.1fms %s (bounce 0x%" PRIx64 "%s)",
		 e->name, iova, len, t / 1e6, edu_wait_name(e), biova, pre);
	return 0;
}

/* The reach probe's transfer: the payload from the page at src, to dst. */
static int edu_probe_write(struct dma_engine *e, const void *payload,
			   size_t len, uint64_t src, uint64_t dst)
{
	uint64_t t;
	int ret;

	(void)payload;
	buffer_unknown(e);
	ret = edu_hw_xfer(e, false, src, len, &t);
	return ret ? ret : edu_hw_xfer(e, true, dst, len, &t);
}

static int edu_open(struct dma_engine *e, char *why, size_t why_len)
{
	/* 1 ms polls: QEMU completes on a 100 ms timer. */
	return edu_hw_open(e, sizeof(struct edu), 1000000, false, why,
			   why_len);
}

const struct dma_engine_driver edu_driver = {
	.name = "edu",
	.description = "QEMU's educational device (1234:11e8), 1..4095 B per transfer, no PASID",
	.vendor = EDU_VENDOR,
	.device = EDU_DEVICE,
	.limits = {
		.max_len = EDU_MAX_LEN,
		.min_len = 1,
		.granularity = 1,
		.iova_limit = 1ull << EDU_DMA_MASK_BITS,
	},
	.payload = DMA_WRITES_CALLER_BYTES,
	.tags_pasid = false,
	.open = edu_open,
	.probe_write = edu_probe_write,
	.write = edu_write,
	.read = edu_read,
	.close = edu_hw_close,
};
