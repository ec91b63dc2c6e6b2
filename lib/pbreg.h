/*
 * pbreg.h - the protobuf message types compiled into yoke (proto/), found
 * by name.  Which type a channel carries is lib/pbchan.h's.
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

/* The i-th type (0..), NULL past the last: for help and completion. */
const ProtobufCMessageDescriptor *yk_pbreg_at(size_t i);

/* `--decode help`, `--encode help` (as mpv's `--vo=help`): when name is
 * "help", print every type's full name to out, one a line, and return
 * true (the tool then exits 0); bash completion reads this list. */
bool yk_pbreg_help(const char *name, FILE *out);

#endif
