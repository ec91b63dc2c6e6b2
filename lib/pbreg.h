/*
 * pbreg.h - the protobuf message types compiled into yoke (proto/), found
 * by name, and the type a fleet channel carries (DESIGN.md's table).
 *
 * What always holds: every message of proto/ is here, so `--decode`,
 * `--encode` and recordings know the same set; a name is either a full
 * name ("asimov.EdgeTelemetry") or, when only one package has it, the bare
 * message name ("EdgeTelemetry").
 */
#ifndef YK_PBREG_H
#define YK_PBREG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <protobuf-c/protobuf-c.h>

#include "err.h"

/* The type called name; YK_EUSAGE "unknown protobuf type 'X'" (naming the
 * nearest types when the name is ambiguous) when there is none. */
int yk_pbreg_find(const ProtobufCMessageDescriptor **out, const char *name,
		  struct yk_err *err);

/* The type a key's channel carries by DESIGN.md, from the part after the
 * robot id: "state" -> asimov.EdgeTelemetry, "system" -> asimov.EdgeEvent,
 * "commands" -> asimov.CloudCommand, "rpc/<method>" -> that method's
 * request, "video/<track>" -> foxglove.CompressedVideo.  NULL for a
 * channel that carries no protobuf. */
const ProtobufCMessageDescriptor *yk_pbreg_for_key(const char *key);

/* The request type of an RPC method ("invoke" -> yoke.InvokeRequest,
 * rpc.h's methods), NULL for a method there is not. */
const ProtobufCMessageDescriptor *yk_pbreg_rpc(const char *method);

/* The i-th type (0..), NULL past the last: for help and completion. */
const ProtobufCMessageDescriptor *yk_pbreg_at(size_t i);

/* `--decode help`, `--encode help` (as mpv's `--vo=help`): when name is
 * "help", print every type's full name to out, one a line, and return
 * true (the tool then exits 0); bash completion reads this list. */
bool yk_pbreg_help(const char *name, FILE *out);

#endif
