/*
 * pbreg.c - the compiled-in protobuf types, by name.
 *
 * A table, not something generated: protoc-c emits no per-file list of
 * descriptors, and the table doubles as the list users see in --help.  A
 * new message in proto/ is added here (tests/unit/test_pbreg.c checks
 * that every type in build/proto/yoke.desc is found).
 */
#include <string.h>

#include "asimov.pb-c.h"
#include "foxglove/CompressedImage.pb-c.h"
#include "foxglove/CompressedVideo.pb-c.h"
#include "google/protobuf/timestamp.pb-c.h"
#include "pbreg.h"
#include "yoke.pb-c.h"

static const ProtobufCMessageDescriptor *const types[] = {
	&asimov__cloud_command__descriptor,
	&asimov__velocity_command__descriptor,
	&asimov__trajectory_request__descriptor,
	&asimov__full_trajectory__descriptor,
	&asimov__joint_segment__descriptor,
	&asimov__mode_command__descriptor,
	&asimov__edge_telemetry__descriptor,
	&asimov__firmware_alert__descriptor,
	&asimov__edge_event__descriptor,
	&asimov__edge_error__descriptor,
	&asimov__can_bus_health__descriptor,
	&asimov__edge_diagnostics__descriptor,
	&asimov__controller_event__descriptor,
	&yoke__skills_request__descriptor,
	&yoke__invoke_request__descriptor,
	&yoke__cancel_request__descriptor,
	&yoke__state_request__descriptor,
	&yoke__capture_request__descriptor,
	&yoke__rpc_reply__descriptor,
	&yoke__rpc_error__descriptor,
	&yoke__skill_param__descriptor,
	&yoke__skill_descriptor__descriptor,
	&yoke__skill_list__descriptor,
	&yoke__action_result__descriptor,
	&yoke__action_error__descriptor,
	&yoke__action_meta__descriptor,
	&yoke__cancel_reply__descriptor,
	&yoke__state_entry__descriptor,
	&yoke__state_reply__descriptor,
	&foxglove__compressed_video__descriptor,
	&foxglove__compressed_image__descriptor,
	&google__protobuf__timestamp__descriptor,
};

#define NTYPES (sizeof(types) / sizeof(types[0]))

const ProtobufCMessageDescriptor *
yk_pbreg_at(size_t i)
{
	return i < NTYPES ? types[i] : NULL;
}

bool
yk_pbreg_help(const char *name, FILE *out)
{
	if (name == NULL || strcmp(name, "help") != 0)
		return false;
	for (size_t i = 0; i < NTYPES; i++)
		fprintf(out, "%s\n", types[i]->name);
	return true;
}

int
yk_pbreg_find(const ProtobufCMessageDescriptor **out, const char *name,
	      struct yk_err *err)
{
	const ProtobufCMessageDescriptor *hit = NULL;
	const char *first = NULL;
	size_t i, n = 0;

	*out = NULL;
	for (i = 0; i < NTYPES; i++) {
		if (strcmp(types[i]->name, name) == 0) {
			*out = types[i];
			return YK_OK;
		}
	}
	/* a bare name: the one type of that name in any package */
	for (i = 0; i < NTYPES; i++) {
		if (strcmp(types[i]->short_name, name) == 0 &&
		    strchr(name, '.') == NULL) {
			if (hit == NULL)
				first = types[i]->name;
			hit = types[i];
			n++;
		}
	}
	if (n == 1) {
		*out = hit;
		return YK_OK;
	}
	if (n > 1)
		return yk_err_set(err, YK_EUSAGE,
				  "protobuf type '%s' is ambiguous (%s, ...): "
				  "give its full name", name, first);
	return yk_err_set(err, YK_EUSAGE,
			  "unknown protobuf type '%s' (known: "
			  "asimov.CloudCommand, asimov.EdgeTelemetry, "
			  "asimov.EdgeEvent, yoke.RpcReply, "
			  "foxglove.CompressedVideo, ...; see yoke(7))",
			  name);
}
