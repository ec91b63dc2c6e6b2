# yoke - build, test, bench, install.
#
# `make` builds lib/'s archives (one a layer, lib/README.md) and every tool
# into bin/.  Each tool links only the layers and the shared libraries it
# uses: process start-up is part of every one-shot command's cost.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
COMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
YK_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers \
	-Ilib -Ibuild/proto $(LAYER_INC) -MMD -MP
LDFLAGS ?=
YK_LDFLAGS = -Wl,--as-needed

# O: the output tree of objects, libraries and binaries (empty: lib/*.o,
# bin/ as always).  The sanitizer build is the same rules with O=build/asan/
# and the flags below, so its objects never mix with the -O2 ones.  clang,
# because its -fsanitize=undefined also checks what gcc's leaves out: an
# offset from a NULL pointer, a double that does not fit its integer type
# (SAN_CC=gcc builds too).  Every report is fatal.
O ?=
SAN_CC ?= clang
SAN_FLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
SAN_MAKE = $(MAKE) O=build/asan/ CC='$(SAN_CC)' CFLAGS='$(SAN_FLAGS)' \
	LDFLAGS='-fsanitize=address,undefined'

# Every cmd/<name>.c is the tool yoke-<name> (cmd/yoke.c: the dispatcher).
TOOLS = yoke $(sort $(patsubst cmd/%.c,yoke-%,\
	$(filter-out cmd/yoke.c,$(wildcard cmd/*.c))))
BINS = $(addprefix $(O)bin/,$(TOOLS))

# lib/ in layers, each its own archive: the core (lib/*.c: base and
# messaging), then lib/fleet/, lib/robot/, lib/sim/, each above the ones
# before it.  A layer's objects are compiled with the include paths of
# its own layer and those below, so an include that runs up or sideways
# does not build (tests/lint/layers checks the same in the suite); the
# tools, tests and fuzzers see every layer.
LAYERS = fleet robot sim
LAYER_SRC = $(wildcard lib/$(1)/*.c)
CORE_SRC = $(wildcard lib/*.c)
LIB_SRC = $(CORE_SRC) $(foreach l,$(LAYERS),$(call LAYER_SRC,$(l)))
LIB_OBJ = $(patsubst %.c,$(O)%.o,$(LIB_SRC))
CMD_OBJ = $(patsubst %.c,$(O)%.o,$(wildcard cmd/*.c))
LIB_A = $(O)lib/libyoke.a
LAYER_A = $(O)lib/$(1)/libyoke$(1).a
ALL_INC = $(foreach l,$(LAYERS),-Ilib/$(l))
$(O)lib/fleet/%.o: LAYER_INC = -Ilib/fleet
$(O)lib/robot/%.o: LAYER_INC = -Ilib/fleet -Ilib/robot
$(O)lib/sim/%.o: LAYER_INC = $(ALL_INC)
$(O)cmd/%.o $(O)tests/unit/bin/%: LAYER_INC = $(ALL_INC)
# Every archive, top layer first (the order a link wants), and the layers
# each tool links beside the core (LAYERS_yoke-<name>; none: core only).
ALL_A = $(foreach l,sim robot fleet,$(call LAYER_A,$(l))) $(LIB_A)
LAYERS_yoke-alive = fleet
LAYERS_yoke-fault = fleet
LAYERS_yoke-log = fleet
LAYERS_yoke-robot-status = fleet
LAYERS_yoke-telemetry = fleet
LAYERS_yoke-drive = robot fleet
LAYERS_yoke-sim = sim robot fleet
TOOL_A = $(foreach l,sim robot fleet,$(if $(filter $(l),$(LAYERS_$(1))),\
	$(call LAYER_A,$(l)))) $(LIB_A)

# What the tools link beyond libyoke.a: libmosquitto, the generated
# protobuf code and protobuf-c, and LIBS_yoke-<name> for what one tool
# alone needs.  protobuf-c's runtime (~40 KiB) is linked statically: as a
# shared library it cost yoke-pub and yoke-sub about 0.1 ms (6-8%) of
# every start, and --as-needed cannot drop what --encode/--decode use.
# For the same reason libm is linked only where a tool needs it (a libm
# named on the command line also takes the symbols libc has, such as
# frexp, and so gets loaded).
LIBS_MQTT = -lmosquitto
LIBS_PB = -l:libprotobuf-c.a
# libavcodec for lib/sim/jpeg.c: only yoke-sim and its tests name yk_jpeg_*,
# so no other tool pulls jpeg.o out of libyoke.a or loads libav*.
LIBS_AV = -lavcodec -lavutil
LIBS_yoke-sim = $(LIBS_AV) -lm
LIBS_yoke-drive = -lm

# protoc-c generates C from every proto/*.proto at build time into
# build/proto/ (never committed), archived as build/proto/libyokepb.a.
# build/proto/yoke.desc is the FileDescriptorSet of all of them, imports
# included (recordings embed it as their schemas).
PROTOC_C = protoc-c
PROTO_SRC = $(sort $(shell find proto -name '*.proto'))
PROTO_C = $(patsubst proto/%.proto,build/proto/%.pb-c.c,$(PROTO_SRC))
PROTO_H = $(PROTO_C:.c=.h)
PROTO_OBJ = $(patsubst %.c,$(O)%.o,$(PROTO_C))
PB_LIB = $(O)build/proto/libyokepb.a

# `make V=1` shows the commands
V ?= 0
ifeq ($(V),0)
Q = @
SAY = @printf '  %-7s %s\n'
else
Q =
SAY = @:
endif

MAN1 = $(wildcard man/*.1)
MAN7 = $(wildcard man/*.7)

all: $(BINS) build/proto/yoke.desc

build/proto/.stamp: $(PROTO_SRC)
	$(SAY) PROTOC proto/
	$(Q)mkdir -p build/proto
	$(Q)$(PROTOC_C) --c_out=build/proto -Iproto $(PROTO_SRC)
	$(Q)touch $@

$(PROTO_C) $(PROTO_H): build/proto/.stamp

build/proto/yoke.desc: $(PROTO_SRC)
	$(SAY) PROTOC $@
	$(Q)mkdir -p build/proto
	$(Q)$(PROTOC_C) -Iproto --include_imports -o $@ $(PROTO_SRC)

$(O)build/proto/%.o: build/proto/%.c
	$(SAY) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(YK_CFLAGS) $(CFLAGS) -c -o $@ $<

$(PB_LIB): $(PROTO_OBJ)
	$(SAY) AR $@
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

# lib/ and cmd/ may include generated headers: make them first (the .d
# files track them from then on).
$(LIB_OBJ) $(CMD_OBJ): | $(PROTO_H)

$(LIB_A): $(patsubst %.c,$(O)%.o,$(CORE_SRC))
	$(SAY) AR $@
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

define layer_archive
$(call LAYER_A,$(1)): $(patsubst %.c,$(O)%.o,$(call LAYER_SRC,$(1)))
	$$(SAY) AR $$@
	$$(Q)rm -f $$@
	$$(Q)$$(AR) rcs $$@ $$^
endef
$(foreach l,$(LAYERS),$(eval $(call layer_archive,$(l))))

$(O)%.o: %.c
	$(SAY) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(YK_CFLAGS) $(CFLAGS) -c -o $@ $<

$(O)bin/yoke: $(O)cmd/yoke.o $(LIB_A)
	$(SAY) LINK $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(YK_LDFLAGS) $(LDFLAGS) -o $@ $< $(LIB_A)

$(O)bin/yoke-%: $(O)cmd/%.o $(ALL_A) $(PB_LIB)
	$(SAY) LINK $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(YK_LDFLAGS) $(LDFLAGS) -o $@ $< $(call TOOL_A,yoke-$*) \
		$(PB_LIB) \
		$(LIBS_MQTT) $(LIBS_PB) $(LIBS_yoke-$*)

# Dependencies first (Debian packages; a no-op when present), then the
# -Werror build and the sanitizer build side by side, then in one run of
# tests/run (e2e files in parallel) every test and, on the sanitizer build,
# the unit tests and the e2e files of SAN_E2E, and every fuzz target over
# its seeds (past findings among them).  Ends with "N passed, N failed".
SAN_E2E = pub sub get alive drive sim
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
PAR = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(JOBS))
test: deps
	+$(MAKE) $(PAR) all unit sanitize fuzz-build
	YOKE_SAN_DIR=build/asan YOKE_SAN_E2E='$(SAN_E2E)' \
		YOKE_FUZZ_DIR=build/fuzz tests/run

.PHONY: check-sanitize sanitize

# Every test, on the sanitizer build only.
check-sanitize: deps
	+$(MAKE) $(PAR) sanitize
	YOKE_BIN_DIR=build/asan/bin YOKE_UNIT_DIR=build/asan/tests/unit/bin \
		tests/run

deps:
	scripts/install-deps

UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(patsubst tests/unit/%.c,$(O)tests/unit/bin/%,$(UNIT_SRC))

unit: $(UNIT_BIN)

# protoc-c generates C from .proto files at build time, into build/ (never
# committed).  The converter's tests use a message with every field shape.

build/pbtest/pbtest.pb-c.c: tests/unit/proto/pbtest.proto
	$(SAY) PROTOC $@
	$(Q)mkdir -p build/pbtest
	$(Q)$(PROTOC_C) --c_out=build/pbtest -Itests/unit/proto $<

$(O)tests/unit/bin/test_pbjson: tests/unit/test_pbjson.c \
		build/pbtest/pbtest.pb-c.c $(ALL_A)
	$(SAY) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(YK_CFLAGS) -Ibuild/pbtest $(CFLAGS) $(LDFLAGS) -o $@ $< \
		build/pbtest/pbtest.pb-c.c $(ALL_A) -lcmocka $(LIBS_PB) -lm

# The camera modules' tests: libm for the renderer, libav* for the JPEG
# encoder (and the decoder that checks it), the sim for its cameras;
# simrun's, whose robots have cameras, on the wire.
$(O)tests/unit/bin/test_render $(O)tests/unit/bin/test_jpeg \
$(O)tests/unit/bin/test_simcam $(O)tests/unit/bin/test_simrun: \
		$(O)tests/unit/bin/%: tests/unit/%.c $(ALL_A) $(PB_LIB)
	$(SAY) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(YK_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
		$(ALL_A) $(PB_LIB) \
		-lcmocka $(LIBS_MQTT) $(LIBS_PB) $(LIBS_AV) -lm

# Wire bytes for test_pbgolden from an encoder that shares no code with
# lib/pbjson: protoc-c --encode on tests/unit/golden/pb_NAME.txt (text
# format; its first line names the type, "# type: asimov.CloudCommand").
PB_GOLDEN = $(patsubst tests/unit/golden/%.txt,build/golden/%.bin,\
	$(wildcard tests/unit/golden/pb_*.txt))

build/golden/%.bin: tests/unit/golden/%.txt $(PROTO_SRC)
	$(SAY) PROTOC $@
	$(Q)mkdir -p build/golden
	$(Q)$(PROTOC_C) --encode="$$(sed -n '1s/^# type: //p' $<)" -Iproto \
		$(PROTO_SRC) < $< > $@.tmp && mv $@.tmp $@

unit: $(PB_GOLDEN)

# The sanitizer build: build/asan/bin, build/asan/tests/unit/bin.  What
# both builds generate is made here first, so that they never write it at
# once.
sanitize: build/proto/.stamp build/proto/yoke.desc \
		build/pbtest/pbtest.pb-c.c $(PB_GOLDEN)
	+$(SAN_MAKE) all unit

# test_follow runs the watchers' loop on a simulated session and clock:
# cmocka's way, the linker sends these calls to the test's __wrap_ ones.
FOLLOW_WRAP = yk_mono_ms yk_mqtt_step yk_mqtt_subscribe yk_mqtt_stop_reading \
	yk_mqtt_client_id yk_sync_step
$(O)tests/unit/bin/test_follow: YK_CFLAGS += \
	$(foreach f,$(FOLLOW_WRAP),-Wl,--wrap=$(f))

$(O)tests/unit/bin/%: tests/unit/%.c $(ALL_A) $(PB_LIB)
	$(SAY) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(YK_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
		$(ALL_A) $(PB_LIB) \
		-lcmocka $(LIBS_MQTT) $(LIBS_PB) -lm

include fuzz/fuzz.mk

bench: all
	bench/run

demo: deps
	$(MAKE) all
	scripts/demo

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man7 $(DESTDIR)$(COMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN7) $(DESTDIR)$(MANDIR)/man7
	install -m 644 completion/yoke.bash $(DESTDIR)$(COMPDIR)/yoke
	for t in $(filter-out yoke,$(TOOLS)); do \
		ln -sf yoke $(DESTDIR)$(COMPDIR)/$$t; done

clean:
	rm -rf bin build tests/unit/bin tests/out bench/out lib/libyoke.a \
		lib/*.o lib/*.d lib/*/*.o lib/*/*.d lib/*/*.a cmd/*.o cmd/*.d

.PHONY: all test deps unit bench demo install clean

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(PROTO_OBJ:.o=.d)
.SECONDARY:
