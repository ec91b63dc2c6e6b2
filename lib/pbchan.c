/*
 * pbchan.c - the channel -> protobuf type table.
 */
#include <string.h>

#include "asimov.pb-c.h"
#include "foxglove/CompressedVideo.pb-c.h"
#include "pbchan.h"
#include "yoke.pb-c.h"

static const struct {
	const char *method;
	const ProtobufCMessageDescriptor *type;
} rpc[] = {
	{ "skills", &yoke__skills_request__descriptor },
	{ "invoke", &yoke__invoke_request__descriptor },
	{ "cancel", &yoke__cancel_request__descriptor },
	{ "state", &yoke__state_request__descriptor },
	{ "vision", &yoke__capture_request__descriptor },
};

const ProtobufCMessageDescriptor *
yk_pbchan_rpc(const char *method)
{
	size_t i;

	for (i = 0; i < sizeof(rpc) / sizeof(rpc[0]); i++)
		if (strcmp(method, rpc[i].method) == 0)
			return rpc[i].type;
	return NULL;
}

const ProtobufCMessageDescriptor *
yk_pbchan_for_key(const char *key)
{
	const char *ch = strchr(key, '/');
	const char *track;

	if (ch == NULL)
		return NULL;
	ch++;
	if (strcmp(ch, "state") == 0)
		return &asimov__edge_telemetry__descriptor;
	if (strcmp(ch, "system") == 0)
		return &asimov__edge_event__descriptor;
	if (strcmp(ch, "commands") == 0)
		return &asimov__cloud_command__descriptor;
	if (strncmp(ch, "rpc/", 4) == 0)
		return yk_pbchan_rpc(ch + 4);
	if (strncmp(ch, "video/", 6) == 0) {
		track = ch + 6;
		/* video/<track> only: its /info and /keyframe are not video */
		if (*track != '\0' && strchr(track, '/') == NULL)
			return &foxglove__compressed_video__descriptor;
	}
	return NULL;
}
