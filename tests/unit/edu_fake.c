// SPDX-License-Identifier: GPL-2.0
/* The software edu register block of the engine tests (edu_fake.h). */
#include <string.h>

#include "edu_fake.h"

#define BUF_OFF 0x40000ull

static bool in_buf(const struct edu_fake *f, uint64_t off, size_t len)
{
	return f->pasid && off >= BUF_OFF && off + len <= BUF_OFF + 4096;
}

static int f_bar_read(void *arg, unsigned bar, uint64_t off, void *buf,
		      size_t len)
{
	struct edu_fake *f = arg;
	uint64_t v = ~0ull;

	if (in_buf(f, off, len)) {
		memcpy(buf, f->dbuf + (off - BUF_OFF), len);
		return 0;
	}
	switch (off) {
	case 0x00:
		v = 0x010000ed;
		break;
	case 0x04:
		v = ~f->live & 0xffffffffu;
		break;
	case 0x98:
		if ((f->cmd & 1) && !f->stuck)
			f->run(f);
		v = f->cmd;
		break;
	case 0xa0:
		if (f->pasid)
			v = f->pasid_reg;
		break;
	case 0xa8:
		if (f->pasid)
			v = f->result;
		break;
	}
	memcpy(buf, &v, len);
	return 0;
}

static int f_bar_write(void *arg, unsigned bar, uint64_t off,
		       const void *buf, size_t len)
{
	struct edu_fake *f = arg;
	uint64_t v = 0;

	if (in_buf(f, off, len)) {
		if (!f->drop_buf_writes)
			memcpy(f->dbuf + (off - BUF_OFF), buf, len);
		return 0;
	}
	memcpy(&v, buf, len < sizeof(v) ? len : sizeof(v));
	if (off >= 0x80 && (f->cmd & 1))
		return 0; /* busy: ignored, as QEMU does */
	switch (off) {
	case 0x04:
		f->live = (uint32_t)v;
		break;
	case 0x80:
		f->src = v;
		break;
	case 0x88:
		f->dst = v;
		break;
	case 0x90:
		f->cnt = v;
		break;
	case 0x98:
		if (v & 1)
			f->cmd = v;
		break;
	case 0xa0:
		if (f->pasid)
			f->pasid_reg = (uint32_t)v;
		break;
	}
	return 0;
}

static int f_cfg_read(void *arg, uint64_t off, void *buf, size_t len)
{
	struct edu_fake *f = arg;

	if (off == 0)
		memcpy(buf, f->ids, len);
	else if (off == 4)
		memcpy(buf, &f->pci_cmd, len);
	return 0;
}

static int f_cfg_write(void *arg, uint64_t off, const void *buf, size_t len)
{
	struct edu_fake *f = arg;

	if (off == 4)
		memcpy(&f->pci_cmd, buf, len);
	return 0;
}

void edu_fake_io(struct edu_fake *f, struct dma_dev_io *io)
{
	*io = (struct dma_dev_io){
		.bar_read = f_bar_read,
		.bar_write = f_bar_write,
		.cfg_read = f_cfg_read,
		.cfg_write = f_cfg_write,
		.arg = f,
	};
}

void edu_fake_done(struct edu_fake *f)
{
	f->cmd &= ~1ull;
	f->transfers++;
}

void edu_fake_fill(unsigned char *p, size_t n, unsigned char seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + seed);
}
