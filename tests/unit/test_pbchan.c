/*
 * test_pbchan.c - the protobuf type each channel carries (lib/pbchan.h):
 * what `--decode auto` and `--encode auto` pick by key, what yoke-sim
 * unpacks for each RPC method, and that the registry knows every one of
 * them by its name (a type the table gives but `--decode TYPE` refuses
 * would be two lists out of step).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "asimov.pb-c.h"
#include "foxglove/CompressedVideo.pb-c.h"
#include "pbchan.h"
#include "pbreg.h"
#include "yoke.pb-c.h"

static void
test_channels(void **state)
{
	static const struct {
		const char *key;
		const ProtobufCMessageDescriptor *type;
	} map[] = {
		{"arm-1/state", &asimov__edge_telemetry__descriptor},
		{"arm-1/system", &asimov__edge_event__descriptor},
		{"arm-1/commands", &asimov__cloud_command__descriptor},
		{"arm-1/rpc/skills", &yoke__skills_request__descriptor},
		{"arm-1/rpc/invoke", &yoke__invoke_request__descriptor},
		{"arm-1/rpc/cancel", &yoke__cancel_request__descriptor},
		{"arm-1/rpc/state", &yoke__state_request__descriptor},
		{"arm-1/rpc/vision", &yoke__capture_request__descriptor},
		{"arm-1/video/front", &foxglove__compressed_video__descriptor},
		{"sim.2/video/pov", &foxglove__compressed_video__descriptor},
		/* channels that carry no protobuf */
		{"arm-1/telemetry", NULL},
		{"arm-1/status", NULL},
		{"arm-1/video/front/info", NULL},
		{"arm-1/video/front/keyframe", NULL},
		{"arm-1/video/", NULL},
		{"arm-1/rpc/", NULL},
		{"arm-1/rpc/reboot", NULL},
		{"arm-1/rpc/state/x", NULL},
		{"arm-1/state/x", NULL},
		{"arm-1/states", NULL},
		{"arm-1/msg/state", NULL},
		{"state", NULL},
		{"", NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		const ProtobufCMessageDescriptor *d =
			yk_pbchan_for_key(map[i].key);

		if (d != map[i].type)
			fail_msg("'%s': %s, want %s", map[i].key,
				 d ? d->name : "none",
				 map[i].type ? map[i].type->name : "none");
	}
}

/* The request type of each RPC method (rpc.h), what yoke-sim unpacks. */
static void
test_rpc_methods(void **state)
{
	(void)state;
	assert_string_equal(yk_pbchan_rpc("skills")->name, "yoke.SkillsRequest");
	assert_string_equal(yk_pbchan_rpc("invoke")->name, "yoke.InvokeRequest");
	assert_string_equal(yk_pbchan_rpc("cancel")->name, "yoke.CancelRequest");
	assert_string_equal(yk_pbchan_rpc("state")->name, "yoke.StateRequest");
	assert_string_equal(yk_pbchan_rpc("vision")->name,
			    "yoke.CaptureRequest");
	assert_null(yk_pbchan_rpc("fly"));
	assert_null(yk_pbchan_rpc(""));
	assert_null(yk_pbchan_rpc("invoke/x"));
}

static void
test_registry_knows_them(void **state)
{
	static const char *const keys[] = {
		"a/state", "a/system", "a/commands", "a/rpc/skills",
		"a/rpc/invoke", "a/rpc/cancel", "a/rpc/state",
		"a/rpc/vision", "a/video/v",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const ProtobufCMessageDescriptor *d =
			yk_pbchan_for_key(keys[i]), *found = NULL;
		struct yk_err err = {0};

		assert_non_null(d);
		if (yk_pbreg_find(&found, d->name, &err) != YK_OK)
			fail_msg("'%s' carries %s: %s", keys[i], d->name,
				 err.msg);
		assert_ptr_equal(found, d);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_channels),
		cmocka_unit_test(test_rpc_methods),
		cmocka_unit_test(test_registry_knows_them),
	};

	return cmocka_run_group_tests_name("pbchan", tests, NULL, NULL);
}
