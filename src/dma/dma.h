/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DMA engines: a real device that moves bytes through the IOMMU on request.
 * One engine per device; it drives the device through its VFIO device fd
 * (or, in unit tests, through a fake implementing struct dma_dev_io).
 *
 * dma_engine_write(): the device writes len bytes of buf to memory at iova.
 * dma_engine_read():  the device reads len bytes at iova; buf receives what
 *                     it saw (for a blocked read: what the bus returned for
 *                     the fault, or buf's own pre-fill; never memory).
 * Both return 0 only when the engine saw the device run the transfer under
 * test to completion; whether translation let it through is for the caller
 * to judge from memory contents. -ETIMEDOUT: the device never completed.
 * -ENOLINK: the engine has no bounce path to read back what the device saw
 * (see struct dma_bounce). Any other -errno: device access failed.
 *
 * Some devices (edu) can load and unload their buffer only by DMA. They
 * then need a bounce buffer that their owner makes reachable through the
 * device's current translation for the length of one operation, and they
 * check the bounce copies landed; evidence says when a payload could not be
 * loaded or confirmed.
 */
#ifndef IC_DMA_H
#define IC_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Register/config access to one device. Each returns 0 or -errno. */
struct dma_dev_io {
	int (*bar_read)(void *arg, unsigned bar, uint64_t off, void *buf,
			size_t len);
	int (*bar_write)(void *arg, unsigned bar, uint64_t off,
			 const void *buf, size_t len);
	int (*cfg_read)(void *arg, uint64_t off, void *buf, size_t len);
	int (*cfg_write)(void *arg, uint64_t off, const void *buf, size_t len);
	/* Optional completion interrupt: arm routes the device's MSI (or
	 * INTx) to an eventfd and returns it; wait is poll(2) on it. */
	int (*irq_arm)(void *arg);
	void (*irq_disarm)(void *arg);
	void *arg;
};

/*
 * A bounce buffer the owner maps into the device's current translation:
 * get makes len bytes at *uva reachable at *iova (below limit) and returns
 * 0, or -errno with a one-line reason (e.g. the device is not attached);
 * put undoes it. Called around each operation, never across two.
 */
struct dma_bounce {
	int (*get)(void *arg, size_t len, uint64_t limit, void **uva,
		   uint64_t *iova, char *why, size_t why_len);
	/* Optional, for reading back after a transfer under test when get
	 * failed: may give the device a translation of its own for the
	 * read-back (put takes it away again). Never called before the
	 * transfer under test, so it cannot change what that saw. */
	int (*get_late)(void *arg, size_t len, uint64_t limit, void **uva,
			uint64_t *iova, char *why, size_t why_len);
	void (*put)(void *arg);
	void *arg;
};

enum dma_wait {
	DMA_WAIT_AUTO, /* interrupt when it can be armed, else polling */
	DMA_WAIT_POLL, /* poll the status register, 1 ms sleeps */
	DMA_WAIT_IRQ,  /* interrupt through an eventfd (register re-checked) */
};

struct dma_engine;

struct dma_engine_ops {
	const char *name;
	int (*write)(struct dma_engine *e, uint64_t iova, const void *buf,
		     size_t len, char *ev, size_t evlen);
	int (*read)(struct dma_engine *e, uint64_t iova, void *buf,
		    size_t len, char *ev, size_t evlen);
	void (*close)(struct dma_engine *e);
};

struct dma_engine {
	const struct dma_engine_ops *ops;
	char name[48];		/* "edu 0000:00:03.0" */
	size_t max_len;		/* largest single transfer */
	uint64_t iova_limit;	/* iova + len must not exceed this */
	unsigned timeout_ms;	/* per transfer */
	enum dma_wait wait;	/* how completion was waited for */
	struct dma_dev_io io;
	struct dma_bounce bounce;
	/* Statistics over every transfer the device ran (bounce included). */
	unsigned long ntransfers;
	uint64_t busy_ns;
	unsigned long nirq; /* completions signalled by the interrupt */
	/* PASID tagging: an engine that can (pasid_capable) tags the
	 * transfers under test with pasid while tag_pasid is set; the owner
	 * sets both around an operation. Others leave tag_pasid unused. */
	bool pasid_capable;
	bool tag_pasid;
	uint32_t pasid;
	void *priv;
};

/*
 * Probe the device behind io for a known engine (edu, edu-pasid). On success *out is
 * the engine (bus mastering enabled); else -errno and a one-line reason
 * (-ENODEV: not a device any engine drives). io is copied.
 */
int dma_engine_probe(const struct dma_dev_io *io, const char *devname,
		     const struct dma_bounce *bounce, enum dma_wait wait,
		     struct dma_engine **out, char *why, size_t why_len);

/* A struct dma_dev_io over a VFIO device fd (config region, BARs, MSI or
 * INTx eventfd). The fd stays the caller's; free with dma_vfio_io_free. */
int dma_vfio_io(int dfd, struct dma_dev_io *io);
void dma_vfio_io_free(struct dma_dev_io *io);

static inline int dma_engine_write(struct dma_engine *e, uint64_t iova,
				   const void *buf, size_t len, char *ev,
				   size_t evlen)
{
	return e->ops->write(e, iova, buf, len, ev, evlen);
}

static inline int dma_engine_read(struct dma_engine *e, uint64_t iova,
				  void *buf, size_t len, char *ev,
				  size_t evlen)
{
	return e->ops->read(e, iova, buf, len, ev, evlen);
}

void dma_engine_close(struct dma_engine *e);

/* Memory decoding and bus mastering on, through the config region; 0 or
 * -errno (-EIO: the command register does not keep the bit). */
int dma_enable_bus_master(const struct dma_dev_io *io);

/* edu (QEMU's educational device, 1234:11e8). */
int edu_engine_probe(const struct dma_dev_io *io, const char *devname,
		     const struct dma_bounce *bounce, enum dma_wait wait,
		     struct dma_engine **out, char *why, size_t why_len);
#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_MAX_LEN 4095 /* QEMU 7.2 aborts on a transfer ending at 4096 */
#define EDU_IOVA_LIMIT (1ull << 28) /* default dma_mask: 28 bits */

/* edu-pasid (1234:11e9, the patched QEMU's PCIe edu with PASID-tagged DMA;
 * src/dma/edu_pasid.c). */
int edu_pasid_engine_probe(const struct dma_dev_io *io, const char *devname,
			   const struct dma_bounce *bounce, enum dma_wait wait,
			   struct dma_engine **out, char *why, size_t why_len);
#define EDU_PASID_DEVICE 0x11e9

#endif
