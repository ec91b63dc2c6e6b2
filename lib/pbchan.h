/*
 * pbchan.h - the protobuf type each per-robot channel carries, by
 * DESIGN.md's table: what `--decode auto`, `--encode auto` and a robot
 * answering RPCs unpack.
 *
 * A core module of its own, not a part of the protobuf registry
 * (lib/pbreg.h knows types by name, not where they travel) nor of the
 * robot layer (lib/robot/, which owns these channels): yoke-sub and
 * yoke-pub are core tools and must not link a layer to pick a type.
 *
 * What always holds: every type given here is one the registry knows
 * (tests/unit/test_pbchan.c checks it).
 */
#ifndef YK_PBCHAN_H
#define YK_PBCHAN_H

#include <protobuf-c/protobuf-c.h>

/* The type a key's channel carries, from the part after the robot id:
 * "state" -> asimov.EdgeTelemetry, "system" -> asimov.EdgeEvent,
 * "commands" -> asimov.CloudCommand, "rpc/<method>" -> that method's
 * request, "video/<track>" -> foxglove.CompressedVideo.  NULL for a
 * channel that carries no protobuf. */
const ProtobufCMessageDescriptor *yk_pbchan_for_key(const char *key);

/* The request type of an RPC method ("invoke" -> yoke.InvokeRequest,
 * rpc.h's methods), NULL for a method there is not. */
const ProtobufCMessageDescriptor *yk_pbchan_rpc(const char *method);

#endif
