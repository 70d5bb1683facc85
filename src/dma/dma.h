/* SPDX-License-Identifier: GPL-2.0 */
/*
 * DMA engines: a real device that moves bytes through the IOMMU on request.
 * Each kind of device is a driver (struct dma_engine_driver, one file each,
 * listed in engines.c) in the style of the kernel's VFIO selftest drivers:
 * it is picked by PCI vendor:device and declares its own limits and what
 * it can do. An engine is one driver driving one device, through its VFIO
 * device fd (or, in unit tests, through a fake struct dma_dev_io).
 *
 * dma_engine_write(): the device writes len bytes to memory at iova. It
 *   returns 0 only when the bytes the device wrote are known, and buf then
 *   holds them:
 *   - an engine that writes caller bytes (DMA_WRITES_CALLER_BYTES) loads
 *     buf, confirms the load by reading it back, and leaves buf as it was;
 *     when no translation lets the payload in (the device is detached, say)
 *     it writes what its buffer holds and reports those bytes by copying
 *     them into buf: the contents of its last confirmed load, or what it
 *     read back from the device after the transfer under test;
 *   - an engine that writes bytes of its own (DMA_WRITES_REPORTED_BYTES)
 *     always reports them in buf.
 *   Otherwise it fails, with the reason in ev: -EIO when the load did not
 *   land or was not confirmed, -ENOLINK when what the device would write
 *   is unknown (no translation to load it, no known buffer contents).
 * dma_engine_read(): the device reads len bytes at iova; buf receives what
 *   it saw (for a blocked read: what the bus returned for the fault, or
 *   buf's own pre-fill; never memory). 0 only when that was read back from
 *   the device; -ENOLINK when it could not be.
 * Both: whether translation let the transfer under test through is for
 * the caller to judge from memory contents. -ETIMEDOUT: the device never
 * completed. -EINVAL/-ERANGE: outside the engine's declared limits (checked
 * here, once, for every engine). Any other -errno: device access failed.
 *
 * Devices that load and unload their buffer only by DMA (edu) need a bounce
 * buffer that their owner keeps reachable through the device's translation
 * (struct dma_bounce). Nothing of the engine's own reaches the IOMMU driver
 * between the load and the transfer under test: the bounce is mapped before
 * and stays mapped.
 */
#ifndef IC_DMA_H
#define IC_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../base/vocab.h"

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
 * A bounce buffer the owner keeps in the device's current translation: get
 * tells where len bytes at *uva are reachable at *iova and returns 0, or
 * -errno with a one-line reason (e.g. the device is not attached). It must
 * not map or unmap anything: the page is mapped before the case's DMA.
 */
struct dma_bounce {
	int (*get)(void *arg, size_t len, void **uva, uint64_t *iova,
		   char *why, size_t why_len);
	/* Optional, for reading back after a transfer under test when get
	 * failed: may give the device a translation of its own for the
	 * read-back (put takes it away again). Never called before the
	 * transfer under test, so it cannot change what that saw. */
	int (*get_late)(void *arg, size_t len, void **uva, uint64_t *iova,
			char *why, size_t why_len);
	/* Undoes get_late; optional. */
	void (*put)(void *arg);
	void *arg;
};

/*
 * For a driver's reach probe: a fresh translation of the device's own
 * (nothing else mapped), into which map puts len bytes at uva at a fixed
 * iova (0 or -errno); ranges are the IOVAs it admits.
 */
struct dma_reach_env {
	int (*map)(void *arg, void *uva, size_t len, uint64_t iova);
	const struct iova_range *ranges;
	unsigned nranges;
	void *arg;
};

enum dma_wait {
	DMA_WAIT_AUTO, /* interrupt when it can be armed, else polling */
	DMA_WAIT_POLL, /* poll the status register, 1 ms sleeps */
	DMA_WAIT_IRQ,  /* interrupt through an eventfd (register re-checked) */
};

/* What one transfer may be. dma_engine_write/read enforce it. */
struct dma_limits {
	size_t max_len;	     /* largest single transfer */
	size_t min_len;	     /* smallest */
	size_t granularity;  /* len is a multiple of this */
	uint64_t iova_limit; /* iova + len must not exceed this */
};

enum dma_payload {
	DMA_WRITES_CALLER_BYTES,   /* see dma_engine_write() */
	DMA_WRITES_REPORTED_BYTES, /* bytes of its own, copied into buf */
};

struct dma_engine;

struct dma_engine_driver {
	const char *name;
	const char *description; /* one line, for the usage text */
	uint16_t vendor, device; /* PCI IDs it drives */
	uint32_t pci_class;	 /* and any device of this class code; 0: none */
	/* limits.iova_limit is what the device reaches unless the reach
	 * probe finds more. */
	struct dma_limits limits;
	enum dma_payload payload;
	bool tags_pasid; /* can issue DMA tagged with a PASID */
	/* Bytes of memory of its own (queues, data pages) the engine needs
	 * reachable through every translation the device gets: asked of
	 * bounce.get with this length. 0: only bounces of a transfer's len. */
	size_t own_len;

	/* Set up an engine on a device of this driver's vendor:device:
	 * check it answers, enable bus mastering. 0 or -errno + why. */
	int (*open)(struct dma_engine *e, char *why, size_t why_len);
	/* Optional, for the reach probe (dma_engine_probe_reach): the device
	 * writes the len payload bytes, which the page mapped at src already
	 * holds, to dst; 0 once it ran. Without it the probe moves nothing
	 * and the reach is limits.iova_limit. */
	int (*probe_write)(struct dma_engine *e, const void *payload,
			   size_t len, uint64_t src, uint64_t dst);
	/* The transfer itself; arguments already within limits. */
	int (*write)(struct dma_engine *e, uint64_t iova, void *buf, size_t len,
		     char *ev, size_t evlen);
	int (*read)(struct dma_engine *e, uint64_t iova, void *buf, size_t len,
		    char *ev, size_t evlen);
	void (*close)(struct dma_engine *e);
};

struct dma_engine {
	const struct dma_engine_driver *drv;
	char name[48];		  /* "edu 0000:00:03.0" */
	struct dma_limits limits; /* the driver's, with the reach it has */
	unsigned timeout_ms;	  /* per transfer */
	enum dma_wait wait;	  /* how completion is waited for */
	struct dma_dev_io io;
	struct dma_bounce bounce;
	/* Statistics over every transfer the device ran (bounce included). */
	unsigned long ntransfers;
	uint64_t busy_ns;
	unsigned long nirq; /* completions signalled by the interrupt */
	/* PASID tagging: a driver that tags_pasid tags the transfers under
	 * test with pasid while tag_pasid is set; the owner sets both around
	 * an operation. Others never see tag_pasid set. */
	bool tag_pasid;
	uint32_t pasid;
	void *priv; /* the driver's */
};

/* The table of drivers (engines.c); find by name, NULL if none. */
const struct dma_engine_driver *const *dma_engine_drivers(unsigned *n);
const struct dma_engine_driver *dma_engine_driver_find(const char *name);

/*
 * The driver for the device behind io, by its vendor:device (or class
 * code, for a driver that names one): any in the table, or only `only` when given. -ENODEV and a one-line reason when no
 * driver drives it.
 */
int dma_engine_match(const struct dma_dev_io *io, const char *devname,
		     const struct dma_engine_driver *only,
		     const struct dma_engine_driver **drv, char *why,
		     size_t why_len);

/*
 * An engine of drv on the device behind io (copied). reach: how far the
 * device reaches, as the reach probe measured it; 0 keeps the driver's limit.
 * bounce may be NULL (then only transfers without a payload work).
 */
int dma_engine_open(const struct dma_engine_driver *drv,
		    const struct dma_dev_io *io, const char *devname,
		    const struct dma_bounce *bounce, enum dma_wait wait,
		    uint64_t reach, struct dma_engine **out, char *why,
		    size_t why_len);

/* dma_engine_match() with any driver, then dma_engine_open(). */
int dma_engine_probe(const struct dma_dev_io *io, const char *devname,
		     const struct dma_bounce *bounce, enum dma_wait wait,
		     struct dma_engine **out, char *why, size_t why_len);

/*
 * How far e's device reaches, and whether its DMA lands at all. Devices
 * may mask DMA addresses and wrap silently (edu's dma_mask), so with a
 * payload on a low page, one write to the highest page H (below 2^48) of
 * env's ranges, with H's alias under limits.iova_limit mapped too, tells
 * which page the device really hit: H (*reach = H + a page), the alias
 * (the driver's limit), or neither (0: its DMA does not get through a
 * fresh translation at all). A driver without probe_write, or ranges with
 * nothing above the limit, keep the limit without a transfer. *landed:
 * the transfer ran and landed (at H or at the alias).
 */
int dma_engine_probe_reach(struct dma_engine *e,
			   const struct dma_reach_env *env, uint64_t *reach,
			   bool *landed, char *why, size_t why_len);

/* Where a driver with own_len last set its queues up (iova 0: stopped). */
struct dma_own_at {
	unsigned char *uva;
	uint64_t iova;
};

/*
 * For a driver with own_len: its region in the device's current
 * translation (bounce.get of own_len bytes) with the driver's queues running
 * there. start() (re)starts them when the region moved or they stopped, and
 * writes ev when it fails; then *at says where they run. Without the region:
 * -ENOLINK and "NAME: WHAT not reachable (why): NOTHING" in ev, and nothing
 * is handed to the device.
 */
int dma_engine_own_ready(struct dma_engine *e, struct dma_own_at *at,
			 int (*start)(struct dma_engine *e, unsigned char *uva,
				      uint64_t iova, char *ev, size_t evlen),
			 const char *what, const char *nothing, char *ev,
			 size_t evlen);

int dma_engine_write(struct dma_engine *e, uint64_t iova, void *buf,
		     size_t len, char *ev, size_t evlen);
int dma_engine_read(struct dma_engine *e, uint64_t iova, void *buf,
		    size_t len, char *ev, size_t evlen);
void dma_engine_close(struct dma_engine *e);

/* A struct dma_dev_io over a VFIO device fd (config region, BARs, MSI or
 * INTx eventfd). The fd stays the caller's; free with dma_vfio_io_free. */
int dma_vfio_io(int dfd, struct dma_dev_io *io);
void dma_vfio_io_free(struct dma_dev_io *io);

/* Memory decoding and bus mastering on, through the config region; 0 or
 * -errno (-EIO: the command register does not keep the bit). */
int dma_enable_bus_master(const struct dma_dev_io *io);

/* The drivers (engines.c lists them). */
extern const struct dma_engine_driver edu_driver;	/* src/dma/edu.c */
extern const struct dma_engine_driver edu_pasid_driver; /* edu_pasid.c */
extern const struct dma_engine_driver nvme_driver;	/* nvme.c */
extern const struct dma_engine_driver e1000e_driver;	/* e1000e.c */
extern const struct dma_engine_driver igb_driver;	/* e1000e.c */

#endif
