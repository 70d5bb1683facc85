/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bare-metal safety of the kernel target (kernel_safety.c): which named
 * devices it may take for vfio-pci, and giving back what it took. Every
 * path is under root ("" for this machine; a fake tree in unit tests).
 */
#ifndef IC_KERNEL_SAFETY_H
#define IC_KERNEL_SAFETY_H

#include <stdbool.h>
#include <stddef.h>

/* A device we unbound from its driver: rebound to it on release. */
struct kt_rebound {
	char bdf[32];
	char driver[64]; /* "" when it had none */
};

/*
 * Make the named device bdf vfio-pci's, or refuse with a one-line
 * "error: ..." in why. Refused: a member of its IOMMU group (other than
 * the devices in named) bound to a driver other than vfio-pci; a device
 * bound elsewhere, or unbound, unless allow_rebind; even then an NVMe
 * controller with a namespace or partition that is mounted (/ and /boot
 * included), used as swap, or held by another block device (dm, md,
 * LVM), and a NIC with a network interface enslaved to a bond or bridge,
 * or up with an IPv6 address or an IPv4 or IPv6 route (/proc/net files).
 * 0 with *took set when we unbound it (*r says from what), -errno
 * otherwise.
 */
int kt_claim_device(const char *root, const char *bdf,
		    const char *const *named, unsigned nnamed,
		    bool allow_rebind, struct kt_rebound *r, bool *took,
		    char *why, size_t why_len);

/* Give back a device kt_claim_device took: unbind it from vfio-pci,
 * reset it, clear driver_override, rebind its old driver. */
void kt_release_device(const char *root, const struct kt_rebound *r);

#endif
