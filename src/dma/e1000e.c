// SPDX-License-Identifier: GPL-2.0
/*
 * The Intel NIC engines: an 82574L (e1000e, 8086:10d3) or an 82576 (igb,
 * 8086:10c9) in PHY loopback, one transmit and one receive queue, and
 * nothing on the wire. A frame's transmit descriptor points at the source,
 * its receive descriptor at the destination: the NIC reads the source
 * (a DMA read), loops the frame back inside the PHY and writes it to the
 * destination (a DMA write), exactly len bytes (CRC stripped, 60..1514 B,
 * no padding, no VLAN stripping, no offloads). Both models share their
 * register layout for what is used here; the 82576 wants advanced receive
 * descriptors (QEMU's igb has no legacy ones), its queue-0 registers at
 * 0xc000/0xe000 and the queues enabled, and gets advanced transmit data
 * descriptors to match.
 *
 * The descriptor rings and the engine's own transmit and receive buffers
 * sit in a region the engine owns (own_len bytes, the owner's window), as
 * nvme's queues do: no descriptor is handed to the NIC while the owner
 * cannot say that region is reachable.
 *
 * Writes (device to memory) carry the caller's bytes: they go into the
 * engine's transmit buffer, the receive descriptor points at iova. Reads
 * (memory to device): the transmit descriptor points at iova, the frame
 * lands in the engine's receive buffer, pre-filled with the caller's
 * buffer. After the transfer under test one more frame goes from the
 * engine's transmit buffer to its receive buffer, and must arrive intact:
 * that proves the bytes a write carried and that a missing frame on a read
 * was the read's own fault, not a dead loopback.
 *
 * What a refused transfer looks like (QEMU's e1000e and igb, and what the
 * engine reports):
 * - a refused receive write (write under test): QEMU ignores the failed
 *   pci_dma_write and completes the receive descriptor with the frame's
 *   length; memory is untouched. Reported as a completed write (0): memory
 *   contents decide, as for every engine.
 * - a refused transmit read (read under test): when the buffer does not
 *   map the frame is dropped, the transmit descriptor still completes and
 *   no frame arrives: reported as a completed read (0) whose bytes are the
 *   caller's pre-fill ("frame dropped"), once the control frame shows the
 *   loopback works; without that, -EIO. Measured on intel-e1000e (QEMU
 *   7.2, intel-iommu): the refused read's frame arrives, holding none of
 *   memory's bytes (QEMU maps the fault to unassigned memory), and is
 *   reported as what the device saw.
 * A transmit buffer is split at 4 KiB boundaries, one descriptor per
 * piece: QEMU maps each descriptor's buffer in one piece and drops frames
 * whose buffer is not contiguous behind the IOMMU.
 *
 * QEMU parses a transmitted frame's headers: a frame with EtherType IPv4,
 * IPv6, VLAN or flow control could be changed or dropped, so such bytes
 * are refused (-EOPNOTSUPP). Real hardware: the 82574L and 82576 support
 * PHY loopback (Linux's ethtool self-test uses it); a refused DMA read may
 * end in a PCIe completion error instead of a dropped frame. Untested on
 * real hardware.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dma.h"

#define INTEL_VENDOR 0x8086
#define ID_e1000e 0x10d3 /* 82574L */
#define ID_igb 0x10c9	 /* 82576 */

/* Registers (BAR0). */
#define REG_CTRL 0x0000
#define REG_STATUS 0x0008
#define REG_MDIC 0x0020
#define REG_IMC 0x00d8
#define REG_RCTL 0x0100
#define REG_TCTL 0x0400
#define REG_EIMC 0x1528 /* igb */
/* Offsets in a queue's register block. */
#define Q_BAL 0x00
#define Q_BAH 0x04
#define Q_LEN 0x08
#define Q_SRRCTL 0x0c /* igb receive queues */
#define Q_HEAD 0x10
#define Q_TAIL 0x18
#define Q_DCTL 0x28

#define CTRL_FD (1u << 0)
#define CTRL_SLU (1u << 6)
#define CTRL_SPD_1000 (2u << 8)
#define CTRL_FRCSPD (1u << 11)
#define CTRL_FRCDPX (1u << 12)
#define CTRL_RST (1u << 26)
#define STATUS_LU (1u << 1)
#define MDIC_PHY1 (1u << 21)
#define MDIC_OP_WRITE (1u << 26)
#define MDIC_READY (1u << 28)
#define MDIC_ERROR (1u << 30)
#define PHY_BMCR 0
#define BMCR_LOOPBACK_1000FD 0x4140 /* loopback, 1000 Mb/s, full duplex */
#define BMCR_AUTONEG_RESTART 0x1340 /* autoneg on + restart, 1000, FD */
#define RCTL_EN (1u << 1)
#define RCTL_UPE (1u << 3)
#define RCTL_MPE (1u << 4)
#define RCTL_LBM_MAC (1u << 6)
#define RCTL_BAM (1u << 15)
#define RCTL_SECRC (1u << 26) /* BSIZE 00: 2048-byte buffers */
#define TCTL_EN (1u << 1)
#define TCTL_PSP (1u << 3)
#define TCTL_CT (0x0fu << 4)
#define TCTL_COLD (0x3fu << 12)
#define DCTL_ENABLE (1u << 25) /* igb queue enable */
#define SRRCTL_2K_ADV_ONEBUF (2u | 0x02000000u)

/* Descriptor command bits (lower dword 31:24) and DD. */
#define TXD_EOP (1u << 24)
#define TXD_IFCS (1u << 25)
#define TXD_RS (1u << 27)
#define TXD_DEXT (1u << 29)
#define TXD_DTYP_DATA (3u << 20)
#define TXD_PAYLEN_SHIFT 14
#define DESC_DD 0x1u

/* The engine's own region: rings page, transmit and receive buffer. */
#define NPG 4096u
#define NDESC 16u
#define OWN_TXR 0
#define OWN_RXR 0x800
#define OWN_TXBUF (1 * NPG)
#define OWN_RXBUF (2 * NPG)
#define OWN_LEN (3 * NPG)
#define FRAME_MIN 60
#define FRAME_MAX 1514
#define RX_GRACE_NS 10000000ull /* a looped frame after its transmit */
#define LINK_WAIT_MS 1500
#define LINK_PEEK_MS 50

struct nic_model {
	bool adv;	   /* igb: advanced descriptors, queue enables */
	uint32_t rxq, txq; /* queue 0's register blocks */
};

static const struct nic_model model_e1000e = {false, 0x2800, 0x3800};
static const struct nic_model model_igb = {true, 0xc000, 0xe000};

struct nic {
	const struct nic_model *m;
	uint32_t rctl; /* with the loopback it got */
	bool mac_loopback;
	struct dma_own_at at; /* where the rings run */
	unsigned tx_tail, rx_tail;
};

/* One frame's outcome. */
struct frame {
	bool sent;     /* the last transmit descriptor completed */
	bool received; /* a frame landed in the receive descriptor */
	unsigned rx_len;
	uint64_t ns;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void nap(void)
{
	struct timespec ts = {0, 20000};

	nanosleep(&ts, NULL);
}

static int rd32(struct dma_engine *e, uint64_t off, uint32_t *v)
{
	return e->io.bar_read(e->io.arg, 0, off, v, 4);
}

static int wr32(struct dma_engine *e, uint64_t off, uint32_t v)
{
	return e->io.bar_write(e->io.arg, 0, off, &v, 4);
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	memcpy(&v, (const void *)p, 4);
	return v;
}

/* Stop both queues: descriptors the NIC holds point nowhere after this. */
static int stop(struct dma_engine *e)
{
	struct nic *n = e->priv;
	int ret = wr32(e, REG_RCTL, 0);

	if (!ret)
		ret = wr32(e, REG_TCTL, 0);
	if (!ret && n->m->adv)
		ret = wr32(e, n->m->rxq + Q_DCTL, 0);
	if (!ret && n->m->adv)
		ret = wr32(e, n->m->txq + Q_DCTL, 0);
	n->at.iova = 0;
	return ret;
}

static int ring_regs(struct dma_engine *e, uint32_t q, uint64_t iova)
{
	int ret = wr32(e, q + Q_BAL, (uint32_t)iova);

	if (!ret)
		ret = wr32(e, q + Q_BAH, (uint32_t)(iova >> 32));
	if (!ret)
		ret = wr32(e, q + Q_LEN, NDESC * 16);
	if (!ret)
		ret = wr32(e, q + Q_HEAD, 0);
	if (!ret)
		ret = wr32(e, q + Q_TAIL, 0);
	return ret;
}

/* (Re)start both queues with their rings in own at iova, empty. */
static int start(struct dma_engine *e, unsigned char *own, uint64_t iova,
		 char *ev, size_t evlen)
{
	struct nic *n = e->priv;
	const struct nic_model *m = n->m;
	int ret = stop(e);

	memset(own, 0, NPG);
	if (!ret)
		ret = ring_regs(e, m->txq, iova + OWN_TXR);
	if (!ret)
		ret = ring_regs(e, m->rxq, iova + OWN_RXR);
	if (!ret && m->adv)
		ret = wr32(e, m->rxq + Q_SRRCTL, SRRCTL_2K_ADV_ONEBUF);
	if (!ret && m->adv)
		ret = wr32(e, m->rxq + Q_DCTL, DCTL_ENABLE);
	if (!ret && m->adv)
		ret = wr32(e, m->txq + Q_DCTL, DCTL_ENABLE);
	if (!ret)
		ret = wr32(e, REG_TCTL,
			   TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
	if (!ret)
		ret = wr32(e, REG_RCTL, n->rctl);
	if (ret) {
		snprintf(ev, evlen, "%s: starting the queues failed (%d)",
			 e->name, ret);
		return ret;
	}
	n->tx_tail = n->rx_tail = 0;
	return 0;
}

/* The engine's region in the device's current translation, and the rings
 * running there. -ENOLINK (no descriptor handed over) when the owner
 * cannot say the region is reachable. */
static int rings(struct dma_engine *e, char *ev, size_t evlen)
{
	struct nic *n = e->priv;

	return dma_engine_own_ready(e, &n->at, start, "descriptor rings",
				    "no frame sent", ev, evlen);
}

static void rx_desc(struct nic *n, unsigned char *d, uint64_t dst)
{
	memset(d, 0, 16);
	put64(d, dst); /* legacy buffer address / advanced pkt_addr */
}

static unsigned rx_status_off(const struct nic *n)
{
	return n->m->adv ? 8 : 12;
}

static unsigned rx_length(const struct nic *n, const unsigned char *d)
{
	uint32_t w = get32(d + (n->m->adv ? 12 : 8));

	return w & 0xffff;
}

/* Transmit descriptors for len bytes at src, one per 4 KiB page piece;
 * returns how many. */
static unsigned tx_descs(struct nic *n, uint64_t src, size_t len)
{
	unsigned char *ring = n->at.uva + OWN_TXR;
	unsigned k = 0;
	size_t done = 0;

	while (done < len) {
		uint64_t a = src + done;
		size_t piece = NPG - (a & (NPG - 1));
		unsigned char *d = ring + 16 * ((n->tx_tail + k) % NDESC);
		uint32_t cmd = TXD_IFCS | TXD_RS;

		if (piece > len - done)
			piece = len - done;
		if (done + piece == len)
			cmd |= TXD_EOP;
		if (n->m->adv)
			cmd |= TXD_DEXT | TXD_DTYP_DATA;
		memset(d, 0, 16);
		put64(d, a);
		put32(d + 8, cmd | (uint32_t)piece);
		if (n->m->adv && !done)
			put32(d + 12, (uint32_t)len << TXD_PAYLEN_SHIFT);
		done += piece;
		k++;
	}
	return k;
}

/*
 * One frame of len bytes from src to dst. 0 with *f telling what
 * happened; -ETIMEDOUT when the transmit never completed, or a device
 * access error; either stops the queues (started again on next use). A
 * frame that was sent but never arrived stops them too: its receive
 * descriptor, still the NIC's, points at dst.
 */
static int frame(struct dma_engine *e, uint64_t src, uint64_t dst, size_t len,
		 struct frame *f)
{
	struct nic *n = e->priv;
	unsigned char *rxd = n->at.uva + OWN_RXR + 16 * n->rx_tail;
	unsigned ntx = tx_descs(n, src, len);
	unsigned char *last =
		n->at.uva + OWN_TXR + 16 * ((n->tx_tail + ntx - 1) % NDESC);
	uint64_t start_ns, deadline, sent_at = 0;
	int ret;

	memset(f, 0, sizeof(*f));
	rx_desc(n, rxd, dst);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ret = wr32(e, n->m->rxq + Q_TAIL, (n->rx_tail + 1) % NDESC);
	start_ns = now_ns();
	deadline = start_ns + (uint64_t)e->timeout_ms * 1000000ull;
	if (!ret)
		ret = wr32(e, n->m->txq + Q_TAIL, (n->tx_tail + ntx) % NDESC);
	while (!ret) {
		uint64_t t = now_ns();

		if (!f->sent && (get32(last + 12) & DESC_DD)) {
			f->sent = true;
			sent_at = t;
		}
		if (get32(rxd + rx_status_off(n)) & DESC_DD) {
			f->received = true;
			f->rx_len = rx_length(n, rxd);
		}
		if (f->sent && (f->received || t - sent_at > RX_GRACE_NS))
			break;
		if (!f->sent && t > deadline)
			ret = -ETIMEDOUT;
		else
			nap();
	}
	f->ns = now_ns() - start_ns;
	e->ntransfers++;
	e->busy_ns += f->ns;
	if (ret || !f->received) {
		int sret = stop(e);

		return ret ? ret : sret;
	}
	n->tx_tail = (n->tx_tail + ntx) % NDESC;
	n->rx_tail = (n->rx_tail + 1) % NDESC;
	return 0;
}

/* The control frame after a transfer under test: the engine's transmit
 * buffer (holding want) to its receive buffer, which must then hold want.
 * 0, -EIO when it did not arrive intact, or frame()'s error. */
static int control(struct dma_engine *e, const unsigned char *want, size_t len)
{
	struct nic *n = e->priv;
	unsigned char *rx = n->at.uva + OWN_RXBUF;
	struct frame f;
	int ret;

	memcpy(n->at.uva + OWN_TXBUF, want, len);
	for (size_t i = 0; i < len; i++)
		rx[i] = (unsigned char)~want[i];
	ret = frame(e, n->at.iova + OWN_TXBUF, n->at.iova + OWN_RXBUF, len,
		    &f);
	if (ret)
		return ret;
	return f.rx_len == len && !memcmp(rx, want, len) ? 0 : -EIO;
}

/* Frames QEMU's transmit path parses (and may change or drop), and flow
 * control, which a real MAC consumes. */
static bool parsed_ethertype(const unsigned char *b)
{
	unsigned et = (unsigned)b[12] << 8 | b[13];

	return et == 0x0800 || et == 0x86dd || et == 0x8100 || et == 0x88a8 ||
	       et == 0x9100 || et == 0x8808;
}

static int ready(struct dma_engine *e, const unsigned char *bytes,
		 const char *what, char *ev, size_t evlen)
{
	if (bytes && parsed_ethertype(bytes)) {
		snprintf(ev, evlen,
			 "%s: a %s frame with EtherType 0x%02x%02x would be "
			 "parsed by the NIC (changed or dropped): not sent",
			 e->name, what, bytes[12], bytes[13]);
		return -EOPNOTSUPP;
	}
	return rings(e, ev, evlen);
}

static int failed(struct dma_engine *e, int ret, const char *what,
		  uint64_t iova, size_t len, char *ev, size_t evlen)
{
	snprintf(ev, evlen, "%s %s iova=0x%" PRIx64 " len=%zu: %s", e->name,
		 what, iova, len,
		 ret == -ETIMEDOUT ? "transmit never completed; queues stopped"
		 : ret == -EIO	   ? "the control frame (own buffer to own "
				     "buffer) did not arrive intact: loopback "
				     "not working, bytes unknown"
				   : "device access failed");
	return ret;
}

/* The device writes the caller's len bytes at iova (see the top). */
static int nic_write(struct dma_engine *e, uint64_t iova, void *buf, size_t len,
		     char *ev, size_t evlen)
{
	struct nic *n = e->priv;
	struct frame f;
	int ret = ready(e, buf, "write", ev, evlen);

	if (ret)
		return ret;
	memcpy(n->at.uva + OWN_TXBUF, buf, len);
	ret = frame(e, n->at.iova + OWN_TXBUF, iova, len, &f);
	if (ret)
		return failed(e, ret, "write", iova, len, ev, evlen);
	if (!f.received || f.rx_len != len) {
		snprintf(ev, evlen,
			 "%s write iova=0x%" PRIx64
			 " len=%zu: %s from its own buffer (%u B): queues "
			 "stopped",
			 e->name, iova, len,
			 f.received ? "a frame of another length arrived"
				    : "no frame arrived",
			 f.rx_len);
		return -EIO;
	}
	ret = control(e, buf, len);
	if (ret)
		return failed(e, ret, "write", iova, len, ev, evlen);
	snprintf(ev, evlen,
		 "%s write iova=0x%" PRIx64
		 " len=%zu %.3fms: frame received to iova (%s loopback), "
		 "caller's bytes (control frame intact)",
		 e->name, iova, len, f.ns / 1e6,
		 n->mac_loopback ? "MAC" : "PHY");
	return 0;
}

/* The device reads len bytes at iova; buf gets the frame it sent, or
 * keeps its pre-fill when the frame was dropped (see the top). */
static int nic_read(struct dma_engine *e, uint64_t iova, void *buf, size_t len,
		    char *ev, size_t evlen)
{
	struct nic *n = e->priv;
	unsigned char *rx;
	struct frame f;
	int ret = ready(e, NULL, "read", ev, evlen);

	if (ret)
		return ret;
	rx = n->at.uva + OWN_RXBUF;
	memcpy(rx, buf, len);
	ret = frame(e, iova, n->at.iova + OWN_RXBUF, len, &f);
	if (ret)
		return failed(e, ret, "read", iova, len, ev, evlen);
	if (f.received && f.rx_len != len) {
		snprintf(ev, evlen,
			 "%s read iova=0x%" PRIx64
			 " len=%zu: a frame of %u B arrived",
			 e->name, iova, len, f.rx_len);
		return -EIO;
	}
	if (f.received)
		memcpy(buf, rx, len);
	{
		/* The control frame: any bytes of the engine's own. */
		unsigned char probe[FRAME_MIN];

		for (unsigned i = 0; i < sizeof(probe); i++)
			probe[i] = (unsigned char)(0x5a + 13 * i);
		ret = rings(e, ev, evlen);
		if (!ret)
			ret = control(e, probe, sizeof(probe));
	}
	if (ret)
		return failed(e, ret, "read", iova, len, ev, evlen);
	snprintf(ev, evlen, "%s read iova=0x%" PRIx64 " len=%zu %.3fms: %s",
		 e->name, iova, len, f.ns / 1e6,
		 f.received ? "frame sent from iova and received"
			    : "frame dropped (transmit read refused), "
			      "pre-fill kept; control frame intact");
	return 0;
}

/* The reach probe: the payload already sits at src. */
static int nic_probe_write(struct dma_engine *e, const void *payload,
			   size_t len, uint64_t src, uint64_t dst)
{
	struct frame f;
	char ev[160];
	int ret;

	(void)payload;
	ret = rings(e, ev, sizeof(ev));
	if (ret)
		return ret;
	if (len < FRAME_MIN)
		return -EINVAL;
	return frame(e, src, dst, len, &f);
}

/* Write a PHY register through MDIC; false when the PHY refused. */
static bool phy_write(struct dma_engine *e, unsigned reg, uint16_t val)
{
	uint32_t v = 0;

	if (wr32(e, REG_MDIC, val | reg << 16 | MDIC_PHY1 | MDIC_OP_WRITE))
		return false;
	for (unsigned i = 0; i < 500; i++) {
		if (rd32(e, REG_MDIC, &v))
			return false;
		if (v & (MDIC_READY | MDIC_ERROR))
			break;
		nap();
	}
	return (v & MDIC_READY) && !(v & MDIC_ERROR);
}

/* STATUS.LU within ms: 0, -ENOLINK, or a device access error. */
static int link_up(struct dma_engine *e, unsigned ms)
{
	uint64_t deadline = now_ns() + ms * 1000000ull;
	uint32_t st;
	int ret;

	for (;;) {
		ret = rd32(e, REG_STATUS, &st);
		if (ret || (st & STATUS_LU))
			return ret;
		if (now_ns() > deadline)
			return -ENOLINK;
		nap();
	}
}

static int nic_open(struct dma_engine *e, const struct nic_model *m, char *why,
		    size_t why_len)
{
	struct nic *n = calloc(1, sizeof(*n));
	uint32_t ctrl = ~0u;
	int ret;

	if (!n)
		return -ENOMEM;
	n->m = m;
	e->priv = n;
	ret = dma_enable_bus_master(&e->io);
	if (ret) {
		snprintf(why, why_len, "%s: cannot enable bus mastering (%d)",
			 e->name, ret);
		goto fail;
	}
	ret = rd32(e, REG_CTRL, &ctrl);
	if (!ret && ctrl == ~0u)
		ret = -ENODEV;
	if (!ret)
		ret = wr32(e, REG_CTRL, ctrl | CTRL_RST);
	for (unsigned i = 0; !ret && i < 500; i++) {
		ret = rd32(e, REG_CTRL, &ctrl);
		if (!ret && !(ctrl & CTRL_RST))
			break;
		nap();
	}
	if (!ret)
		ret = stop(e);
	if (!ret)
		ret = wr32(e, REG_IMC, ~0u);
	if (!ret && m->adv)
		ret = wr32(e, REG_EIMC, ~0u);
	if (ret) {
		snprintf(why, why_len,
			 "%s: NIC registers do not answer (CTRL 0x%08x, %d)",
			 e->name, ctrl, ret);
		goto fail;
	}
	ctrl |= CTRL_SLU | CTRL_FRCSPD | CTRL_FRCDPX | CTRL_SPD_1000 | CTRL_FD;
	ret = wr32(e, REG_CTRL, ctrl & ~CTRL_RST);
	/* QEMU's igb comes out of a reset with the link down until an
	 * autonegotiation completes: restart one (a real PHY without a cable
	 * never completes it, and loopback brings its link up instead). */
	if (!ret && link_up(e, LINK_PEEK_MS) == -ENOLINK &&
	    phy_write(e, PHY_BMCR, BMCR_AUTONEG_RESTART))
		link_up(e, LINK_WAIT_MS);
	n->mac_loopback = !ret && !phy_write(e, PHY_BMCR, BMCR_LOOPBACK_1000FD);
	n->rctl = RCTL_EN | RCTL_UPE | RCTL_MPE | RCTL_BAM | RCTL_SECRC |
		  (n->mac_loopback ? RCTL_LBM_MAC : 0);
	if (!ret)
		ret = link_up(e, LINK_WAIT_MS);
	if (ret) {
		snprintf(why, why_len, "%s: link not up in loopback (%s)",
			 e->name, strerror(-ret));
		goto fail;
	}
	e->wait = DMA_WAIT_POLL; /* descriptors, in memory */
	return 0;
fail:
	free(n);
	e->priv = NULL;
	return ret;
}

static int e1000e_open(struct dma_engine *e, char *why, size_t why_len)
{
	return nic_open(e, &model_e1000e, why, why_len);
}

static int igb_open(struct dma_engine *e, char *why, size_t why_len)
{
	return nic_open(e, &model_igb, why, why_len);
}

static void nic_close(struct dma_engine *e)
{
	struct nic *n = e->priv;

	if (!n)
		return;
	/* Stop it: its rings' IOVAs mean nothing to the next owner. */
	stop(e);
	free(n);
	e->priv = NULL;
}

/* 64-bit DMA: the low iova_limit makes the reach probe run (and show the
 * DMA lands) and measure the rest. */
#define NIC_LIMITS                                  \
	{                                           \
		FRAME_MAX, FRAME_MIN, 1, 1ull << 32 \
	}

#define NIC_DRIVER(id, desc, open_fn)                                     \
	{                                                                 \
		.name = #id, .description = desc, .vendor = INTEL_VENDOR, \
		.device = ID_##id, .limits = NIC_LIMITS,                  \
		.payload = DMA_WRITES_CALLER_BYTES, .tags_pasid = false,  \
		.own_len = OWN_LEN, .open = open_fn,                      \
		.probe_write = nic_probe_write, .write = nic_write,       \
		.read = nic_read, .close = nic_close,                     \
	}

const struct dma_engine_driver e1000e_driver =
	NIC_DRIVER(e1000e,
		   "82574L NIC in loopback (8086:10d3): writes and "
		   "reads 60..1514 B of caller bytes",
		   e1000e_open);
const struct dma_engine_driver igb_driver =
	NIC_DRIVER(igb,
		   "82576 NIC in loopback (8086:10c9): writes and reads "
		   "60..1514 B of caller bytes",
		   igb_open);
