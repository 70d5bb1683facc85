// SPDX-License-Identifier: GPL-2.0
/*
 * The replay file reader (explore_replay_read): regressions found by the
 * replay fuzz target (tests/fuzz/replay.c) and its grammar check.
 */
#include <stdio.h>
#include <string.h>

#include "../../src/explore/explore.h"
#include "unit.h"

static int read_text(const char *text, size_t len, struct xseq *seq, char *why,
		     size_t why_len)
{
	FILE *f = fmemopen((void *)text, len, "r");
	int rc;

	if (!f) {
		unit_fail(__FILE__, __LINE__, "fmemopen");
		return -1;
	}
	why[0] = '\0';
	rc = explore_replay_read(f, "t", seq, why, why_len);
	fclose(f);
	return rc;
}

static struct xseq seq;

UNIT_TEST(replay_read_steps_and_comments)
{
	static const char text[] = "# iommu-conformance replay v1\n"
				   "ioas_alloc i0\n"
				   "  \t# an indented comment\n"
				   "\n"
				   "bind d1\n"
				   "map i0 v0 b0 pages=2 prot=rw";
	char why[128];

	EXPECT_EQ(read_text(text, strlen(text), &seq, why, sizeof(why)), 0);
	EXPECT_EQ(seq.n, 3);
	EXPECT_EQ(seq.op[0].kind, X_IOAS_ALLOC);
	EXPECT_EQ(seq.op[1].kind, X_BIND);
	EXPECT_EQ(seq.op[1].dev, 1);
	EXPECT_EQ(seq.op[2].kind, X_MAP);
}

/* A line starting with a NUL byte was skipped as if blank, and so was all
 * of it after the NUL. */
UNIT_TEST(replay_read_nul_is_no_step)
{
	static const char text[] = "bind d0\n\0bind d1\nbind d2\n";
	char why[128];

	EXPECT_EQ(read_text(text, sizeof(text) - 1, &seq, why, sizeof(why)), 2);
	EXPECT(strstr(why, "t:2: a NUL byte") != NULL);
}

/* A comment longer than the 256-byte line buffer: its tail was read as a
 * line of its own (here a step the file never had). */
UNIT_TEST(replay_read_long_comment)
{
	char text[600], why[128];
	size_t n = 0;

	text[n++] = '#';
	while (n < 255)
		text[n++] = ' ';
	n += (size_t)snprintf(text + n, sizeof(text) - n, "bind d3\nbind d0\n");
	EXPECT_EQ(read_text(text, n, &seq, why, sizeof(why)), 0);
	EXPECT_EQ(seq.n, 1);
	EXPECT_EQ(seq.op[0].dev, 0);
}

/* A step line longer than xop_parse's copy was cut short and what fit was
 * taken: trailing words went unread. */
UNIT_TEST(replay_read_long_step_is_refused)
{
	char text[600], why[128];
	size_t n = (size_t)snprintf(text, sizeof(text), "bind d0");

	while (n < 300)
		text[n++] = ' ';
	n += (size_t)snprintf(text + n, sizeof(text) - n, "junk\n");
	EXPECT_EQ(read_text(text, n, &seq, why, sizeof(why)), 2);
	EXPECT(strstr(why, "t:1: not a step") != NULL);
}

/* A blank line of a file saved with CRLF endings was refused. */
UNIT_TEST(replay_read_crlf)
{
	static const char text[] =
		"# comment\r\n\r\nbind d0\r\n \r\nbind d1\r\n";
	char why[128];

	EXPECT_EQ(read_text(text, strlen(text), &seq, why, sizeof(why)), 0);
	EXPECT_EQ(seq.n, 2);
}

UNIT_TEST(replay_read_too_many_steps)
{
	static char text[(X_MAX_OPS + 1) * 8 + 1];
	char why[128];
	size_t n = 0;

	for (unsigned i = 0; i <= X_MAX_OPS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "bind d0\n");
	EXPECT_EQ(read_text(text, n, &seq, why, sizeof(why)), 2);
	EXPECT(strstr(why, "t:257: too many steps") != NULL);
}

/* The object-side steps (explore_steps_obj.c) read back as they print,
 * and their malformed forms are no steps. */
UNIT_TEST(replay_object_side_steps_round_trip)
{
	static const char *const good[] = {
		"bind_ctx d2 c1", "bind_2fd d0 c0", "close_ctx c0",
		"ioas_alloc_ctx i1 c1", "parent_alloc h0 d0 i0",
		"nest_alloc h1 d0 h0 data=ok", "nest_alloc h0 d3 m1 data=none",
		"invalidate h1 entry=bad-middle", "iotlb h2",
		"fault_alloc q1 fd=open", "hwpt_fault h0 d1 i0 q1",
		"iopf d0 pasid2", "fault_read q0", "respond q0 code=bad",
		"viommu_alloc m1 d0 h0", "vdev_alloc e0 m1 d2 virt=2",
		"veventq_alloc x0 m0", "vevent d3", "veventq_read x1",
		"hwq_alloc w0 m0 v1", "pin p1 i0 v3", "unpin p1",
		"destroy_obj m0", "destroy_obj w1", "fd_close x0",
		"dma_at_va d1 b3",
	};
	static const char *const bad[] = {
		"bind_ctx d0 c2",  "close_ctx",	       "nest_alloc h0 d0 x0 data=ok",
		"invalidate h0 entry=7", "fault_alloc q2 fd=open", "respond q0 code=maybe",
		"destroy_obj p0",  "fd_close m0",      "vdev_alloc e0 m0 d0 virt=0",
		"pin p0 i0",	   "dma_at_va d0 b4",
	};
	struct xop op;
	char back[128];

	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		EXPECT(xop_parse(good[i], &op));
		xop_format(&op, back, sizeof(back));
		EXPECT(!strcmp(back, good[i]));
		if (strcmp(back, good[i]))
			fprintf(stderr, "  '%s' prints as '%s'\n", good[i], back);
	}
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		EXPECT(!xop_parse(bad[i], &op));
}
