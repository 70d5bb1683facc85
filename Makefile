# iommu-conformance: plain Makefile.
#   make            build/iommu-conformance (needs the 7.2 uAPI headers, see below)
#   make asan       build-asan/ with AddressSanitizer + UBSan
#   make check      the README's test command: everything CI runs
#   make static-arm64  build-static-arm64/ for the arm64 guest (smmuv3 config)
#   make vm-check   the main job: build a kernel, boot each emulated IOMMU, print the matrix
#   make mutate     the kernel mutants of vm/mutants/ and the suite's kill rate (a benchmark)
#   make repro      build/repro/: the standalone finding reproducers of tools/repro/
#                   (uAPI only; the mock ones also need IOMMUFD_TEST_INC)
#   make fuzz       build-fuzz/fuzz/: the libFuzzer targets of tests/fuzz/ (clang,
#                   ASan + UBSan); bench/fuzz.sh runs them
#
# The uAPI headers (linux/iommufd.h, linux/vfio.h) come from the kernel source
# tree the VM harness builds (make headers_install into the cache), because
# Debian 12's linux-libc-dev is 6.1 and has no iommufd. UAPI_INC=/path and
# KERNEL_SRC=/path override.

CC ?= gcc
O ?= build
CFLAGS_BASE := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -D_GNU_SOURCE
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDLIBS := -lpthread

# Written by vm/uapi-headers.sh: UAPI_INC and IOMMUFD_TEST_INC.
HEADERS_MK := $(O)/headers.mk
-include $(HEADERS_MK)

INC := -isystem $(UAPI_INC)
ifneq ($(IOMMUFD_TEST_INC),)
INC += -I$(IOMMUFD_TEST_INC) -DHAVE_IOMMUFD_TEST_H=1
endif

CFLAGS ?= $(CFLAGS_BASE)
ifeq ($(SAN),1)
CFLAGS += $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)
endif
# The library for the libFuzzer targets: coverage-instrumented, sanitized.
ifeq ($(FUZZ),1)
CFLAGS += $(SAN_FLAGS) -fsanitize=fuzzer-no-link
endif
ifeq ($(STATIC),1)
LDFLAGS += -static
endif

LIB_SRCS := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
CLI_SRCS := src/cli/main.c
TEST_SRCS := $(wildcard tests/unit/*.c)
BENCH_SRCS := $(wildcard bench/*.c)
FUZZ_SRCS := $(wildcard tests/fuzz/*.c)

LIB_OBJS := $(LIB_SRCS:%.c=$(O)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(O)/obj/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=$(O)/obj/%.o)
FUZZ_OBJS := $(FUZZ_SRCS:%.c=$(O)/obj/%.o)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(O)/fuzz/%)

BIN := $(O)/iommu-conformance
UNIT := $(O)/unit-tests

# Standalone reproducers, one C file each, sharing no code with the suite.
# Those that include iommufd_test.h (the mock driver's commands) are built
# only when the kernel source provides it.
REPRO_SRCS := $(wildcard tools/repro/*.c)
ifeq ($(IOMMUFD_TEST_INC),)
REPRO_SRCS := $(filter-out $(shell grep -l 'iommufd_test.h' $(REPRO_SRCS) /dev/null),$(REPRO_SRCS))
endif
REPRO_BINS := $(REPRO_SRCS:tools/repro/%.c=$(O)/repro/%)

.PHONY: all asan check unit vm-check mutate clean headers format static static-arm64 bench \
	fuzz fuzz-targets repro
all: $(BIN) $(UNIT) $(REPRO_BINS)

repro: $(REPRO_BINS)

$(O)/repro/%: tools/repro/%.c $(HEADERS_MK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC) $(LDFLAGS) -o $@ $<

$(HEADERS_MK): vm/uapi-headers.sh
	@mkdir -p $(O)
	@UAPI_ARCH=$(UAPI_ARCH) vm/uapi-headers.sh > $@.tmp && mv $@.tmp $@

headers: $(HEADERS_MK)

$(O)/obj/%.o: %.c $(HEADERS_MK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(INC) -MMD -MP -c $< -o $@

# Scenarios register themselves from constructors: link every object whole.
$(O)/libic.a: $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJS) $(O)/libic.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) -Wl,--whole-archive $(O)/libic.a -Wl,--no-whole-archive $(LDLIBS)

$(UNIT): $(TEST_OBJS) $(O)/libic.a
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJS) -Wl,--whole-archive $(O)/libic.a -Wl,--no-whole-archive $(LDLIBS)

asan:
	$(MAKE) O=build-asan SAN=1

# One binary per tests/fuzz/NAME.c, linked against the library archive (only
# the objects it needs: no scenario constructors).
FUZZ_CC ?= clang
fuzz:
	$(MAKE) O=build-fuzz CC=$(FUZZ_CC) FUZZ=1 fuzz-targets

fuzz-targets: $(FUZZ_BINS)
.SECONDARY: $(FUZZ_OBJS)

$(O)/fuzz/%: $(O)/obj/tests/fuzz/%.o $(O)/libic.a
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) -fsanitize=fuzzer -o $@ $< $(O)/libic.a $(LDLIBS)

static:
	$(MAKE) O=build-static STATIC=1 $(if $(ARCH_CC),CC=$(ARCH_CC))

# The arm64 guest's suite (smmuv3 config): cross-compiled, static, against
# an ARCH=arm64 headers_install (asm/ differs per arch).
CROSS_ARM64 ?= aarch64-linux-gnu-
static-arm64:
	$(MAKE) O=build-static-arm64 STATIC=1 CC=$(CROSS_ARM64)gcc AR=$(CROSS_ARM64)ar UAPI_ARCH=arm64 build-static-arm64/iommu-conformance

unit: $(UNIT)
	$(UNIT)

check:
	tests/run-all.sh

vm-check: all static
	vm/vm-check.sh

mutate: all static
	vm/mutate.sh

bench: all
	bench/run.sh

format:
	clang-format -i $(wildcard src/*/*.[ch] tests/unit/*.[ch] tests/fuzz/*.[ch] bench/*.c tools/repro/*.c)

clean:
	rm -rf build build-asan build-static build-*

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(TEST_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d)
