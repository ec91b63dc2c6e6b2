# fuzz/fuzz.mk - `make fuzz`: libFuzzer targets, one per parser of outside
# input (fuzz/*.c), built with clang and ASan+UBSan into build/fuzz/ and
# each run FUZZ_SECONDS from its seeds in fuzz/corpus/NAME/ (findings land
# in build/fuzz/, as crash-*, leak-*, timeout-*).  Included by Makefile.
#
# lib/ is compiled once more with clang and the sanitizers into
# build/fuzz/obj/ (never mixed with the gcc objects in lib/), archived, and
# each target links only what it uses from that archive.

FUZZ_SECONDS ?= 30
# A match that backtracks or a read that spins is a finding too.
FUZZ_FLAGS ?= -timeout=10 -max_len=16384 -rss_limit_mb=2048
FUZZ_CC = clang
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -g -O1 \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-Ilib $(ALL_INC) -Ibuild/proto -Ibuild/pbtest -Ifuzz -MMD -MP
FUZZ_TARGETS = pbjson key url json ndjson conf framing backend fleet drive \
	serve dtoa
FUZZ_BINS = $(addprefix build/fuzz/,$(FUZZ_TARGETS))
FUZZ_OBJ = $(patsubst lib/%.c,build/fuzz/obj/%.o,$(LIB_SRC)) \
	$(patsubst build/proto/%.c,build/fuzz/obj/pb/%.o,$(PROTO_C)) \
	build/fuzz/obj/pb/pbtest.pb-c.o

build/fuzz/obj/%.o: lib/%.c | $(PROTO_H)
	$(SAY) CLANG $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/obj/pb/%.o: build/proto/%.c
	$(SAY) CLANG $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/obj/pb/pbtest.pb-c.o: build/pbtest/pbtest.pb-c.c
	$(SAY) CLANG $@
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

build/fuzz/libyoke.a: $(FUZZ_OBJ)
	$(SAY) AR $@
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

build/fuzz/%: fuzz/%.c fuzz/fuzz.h build/fuzz/libyoke.a
	$(SAY) CLANG $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		build/fuzz/libyoke.a $(LIBS_MQTT) $(LIBS_PB) -lm

fuzz-build: $(FUZZ_BINS)

# Each target for FUZZ_SECONDS; the first finding stops the run (exit 1).
fuzz:
	scripts/install-deps fuzz
	$(MAKE) fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus/$$t; \
		echo "fuzz $$t: $(FUZZ_SECONDS) s"; \
		(cd build/fuzz && ./$$t $(FUZZ_FLAGS) \
			-max_total_time=$(FUZZ_SECONDS) -artifact_prefix=./$$t- \
			-print_final_stats=0 corpus/$$t ../../fuzz/corpus/$$t \
			2> $$t.log) || { tail -40 build/fuzz/$$t.log; exit 1; }; \
		grep -h '^#.*DONE\|^Done' build/fuzz/$$t.log | tail -1; \
	done

# `make test` runs every target once over its seeds (tests/run,
# YOKE_FUZZ_DIR): past findings saved there stay fixed.

.PHONY: fuzz fuzz-build

# the objects follow their headers (a changed struct rebuilds them)
-include $(FUZZ_OBJ:.o=.d)
