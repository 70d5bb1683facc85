/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The DMA engine calls of the engine tests in one line each: the engine's
 * write (read) of all of the array buf at iova, its evidence in the array
 * ev.
 */
#ifndef IC_TEST_ENGINE_CALLS_H
#define IC_TEST_ENGINE_CALLS_H

#include "../../src/dma/dma.h"

#define WRITE_ALL(e, iova, buf, ev) \
	dma_engine_write(e, iova, buf, sizeof(buf), ev, sizeof(ev))
#define READ_ALL(e, iova, buf, ev) \
	dma_engine_read(e, iova, buf, sizeof(buf), ev, sizeof(ev))

#endif
