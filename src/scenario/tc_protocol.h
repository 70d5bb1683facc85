/* SPDX-License-Identifier: GPL-2.0 */
/* Exit codes and line tags shared by tc.c (child) and the runner (parent). */
#ifndef IC_TC_PROTOCOL_H
#define IC_TC_PROTOCOL_H

#define TC_EXIT_DONE 0
#define TC_EXIT_SKIP 3

#define TC_TAG_LOG 'L'
#define TC_TAG_PASS 'P'
#define TC_TAG_ARRANGE 'A'
#define TC_TAG_FAIL 'F'
#define TC_TAG_SKIP 'S'
#define TC_TAG_GAP 'G'
#define TC_TAG_NOBS 'N'
#define TC_TAG_INCONCLUSIVE 'I'

#endif
