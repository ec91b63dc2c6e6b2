/*
 * test_pbreg.c - the compiled-in protobuf types (lib/pbreg.h): found by
 * full and bare name, unknown names refused with the name in the message,
 * `--decode help`, and that the
 * registry holds exactly the messages of build/proto/yoke.desc (the
 * FileDescriptorSet protoc-c builds from proto/), read here with a wire
 * walk of its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include <cmocka.h>

#include "slurp.h"

#include "asimov.pb-c.h"
#include "foxglove/CompressedVideo.pb-c.h"
#include "google/protobuf/timestamp.pb-c.h"
#include "pbreg.h"
#include "varint.h"
#include "yoke.pb-c.h"

#define DESC "build/proto/yoke.desc"

static void
found(const char *name, const ProtobufCMessageDescriptor *want)
{
	const ProtobufCMessageDescriptor *d = NULL;
	struct yk_err err = {0};

	if (yk_pbreg_find(&d, name, &err) != YK_OK)
		fail_msg("%s: %s", name, err.msg);
	assert_ptr_equal(d, want);
}

static void
unknown(const char *name)
{
	const ProtobufCMessageDescriptor *d = (void *)1;
	struct yk_err err = {0};
	char want[512];

	assert_int_equal(yk_pbreg_find(&d, name, &err), YK_EUSAGE);
	assert_null(d);
	snprintf(want, sizeof(want),
		 "unknown protobuf type '%s' (known: asimov.CloudCommand, "
		 "asimov.EdgeTelemetry, asimov.EdgeEvent, yoke.RpcReply, "
		 "foxglove.CompressedVideo, ...; see yoke(7))", name);
	assert_string_equal(err.msg, want);
}

static void
test_names(void **state)
{
	const ProtobufCMessageDescriptor *t;

	(void)state;
	found("asimov.CloudCommand", &asimov__cloud_command__descriptor);
	found("CloudCommand", &asimov__cloud_command__descriptor);
	found("EdgeTelemetry", &asimov__edge_telemetry__descriptor);
	found("yoke.RpcReply", &yoke__rpc_reply__descriptor);
	found("InvokeRequest", &yoke__invoke_request__descriptor);
	found("foxglove.CompressedVideo",
	      &foxglove__compressed_video__descriptor);
	found("google.protobuf.Timestamp",
	      &google__protobuf__timestamp__descriptor);
	found("Timestamp", &google__protobuf__timestamp__descriptor);
	/* every type by its full name and, as none is shared, its bare one */
	for (size_t i = 0; (t = yk_pbreg_at(i)) != NULL; i++) {
		found(t->name, t);
		found(t->short_name, t);
	}
	unknown("Nope");
	unknown("asimov.Nope");
	unknown("cloudcommand");        /* names are case-sensitive */
	unknown("protobuf.Timestamp");  /* a full name or a bare one */
	unknown("yoke.CloudCommand");   /* in the wrong package */
	unknown(".asimov.CloudCommand");
	unknown("asimov.Mode");         /* an enum, not a message */
	unknown("");
}

static void
test_help(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct yk_buf want = {0};
	const ProtobufCMessageDescriptor *t;

	(void)state;
	assert_false(yk_pbreg_help(NULL, f));
	assert_false(yk_pbreg_help("asimov.CloudCommand", f));
	assert_false(yk_pbreg_help("HELP", f));
	fflush(f);
	assert_int_equal(len, 0);
	assert_true(yk_pbreg_help("help", f));
	fclose(f);
	for (size_t i = 0; (t = yk_pbreg_at(i)) != NULL; i++) {
		yk_buf_adds(&want, t->name);
		yk_buf_addc(&want, '\n');
	}
	assert_string_equal(text, want.p);
	assert_string_equal(strtok(text, "\n"), "asimov.CloudCommand");
	free(text);
	yk_buf_free(&want);
}

/* One length-delimited field of a message: the walk below needs no
 * more of the wire format than this and varints. */
struct field {
	uint64_t num, wt, v;
	const char *p;
	size_t n;
};

static bool
next_field(const char **s, const char *end, struct field *f)
{
	uint64_t tag;
	int h;

	if (*s >= end)
		return false;
	h = yk_varint_get(*s, (size_t)(end - *s), &tag);
	assert_true(h > 0);
	*s += h;
	f->num = tag >> 3;
	f->wt = tag & 7;
	switch (f->wt) {
	case 0:
		h = yk_varint_get(*s, (size_t)(end - *s), &f->v);
		assert_true(h > 0);
		*s += h;
		break;
	case 2:
		h = yk_varint_get(*s, (size_t)(end - *s), &f->v);
		assert_true(h > 0 && f->v <= (uint64_t)(end - *s - h));
		f->p = *s + h;
		f->n = (size_t)f->v;
		*s += h + (size_t)f->v;
		break;
	case 1:
		*s += 8;
		break;
	case 5:
		*s += 4;
		break;
	default:
		fail_msg("wire type %d in " DESC, (int)f->wt);
	}
	assert_true(*s <= end);
	return true;
}

/* DescriptorProto: name = 1, nested_type = 3.  Adds "<prefix>.<name>"
 * for the message and its nested ones. */
static void
add_message(struct yk_buf *names, const char *prefix, const char *s,
	    size_t n)
{
	const char *end = s + n, *p = s;
	struct field f;
	char full[256] = "";

	while (next_field(&p, end, &f))
		if (f.num == 1 && f.wt == 2)
			snprintf(full, sizeof(full), "%s.%.*s", prefix,
				 (int)f.n, f.p);
	assert_true(full[0] != '\0');
	yk_buf_adds(names, full);
	yk_buf_addc(names, '\n');
	p = s;
	while (next_field(&p, end, &f))
		if (f.num == 3 && f.wt == 2)
			add_message(names, full, f.p, f.n);
}

static void
test_matches_descriptor_set(void **state)
{
	struct yk_buf set = {0}, names = {0};
	const char *p, *end;
	struct field file, f;
	size_t n, count = 0;

	(void)state;
	slurp(DESC, &set);
	/* FileDescriptorSet: file = 1; FileDescriptorProto: package = 2,
	 * message_type = 4 */
	p = set.p;
	end = set.p + set.len;
	while (next_field(&p, end, &file)) {
		const char *q = file.p, *qend = file.p + file.n;
		char pkg[128] = "";

		assert_int_equal(file.num, 1);
		while (next_field(&q, qend, &f))
			if (f.num == 2 && f.wt == 2)
				snprintf(pkg, sizeof(pkg), "%.*s", (int)f.n,
					 f.p);
		q = file.p;
		while (next_field(&q, qend, &f))
			if (f.num == 4 && f.wt == 2)
				add_message(&names, pkg, f.p, f.n);
	}
	for (char *name = strtok(names.p, "\n"); name;
	     name = strtok(NULL, "\n")) {
		const ProtobufCMessageDescriptor *d = NULL;
		struct yk_err err = {0};

		if (yk_pbreg_find(&d, name, &err) != YK_OK ||
		    strcmp(d->name, name) != 0)
			fail_msg("%s is in " DESC " but not in lib/pbreg.c",
				 name);
		count++;
	}
	/* and nothing more: the registry has as many, all different */
	n = 0;
	while (yk_pbreg_at(n))
		n++;
	assert_int_equal(count, n);
	assert_true(count >= 32);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			assert_ptr_not_equal(yk_pbreg_at(i), yk_pbreg_at(j));
	yk_buf_free(&set);
	yk_buf_free(&names);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_matches_descriptor_set),
	};

	return cmocka_run_group_tests_name("pbreg", tests, NULL, NULL);
}
