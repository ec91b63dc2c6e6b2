/*
 * follow.h - watch one fleet channel (DESIGN.md `<robot>/<chan>`) of many
 * robots: yoke-telemetry --watch and yoke-log --follow.
 *
 * PATTERN is a robot key expression (`*`, `arm-*`: see key.h;
 * `{name}` captures are allowed but not printed); the subscription is
 * PATTERN/<chan>.  Each message is printed as one JSON line, the robot
 * first and the payload's own fields after it, as yoke-alive prints
 * tokens: {"robot":"arm-042","metric":"temp_c",...}.
 */
#ifndef YK_FOLLOW_H
#define YK_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "key.h"

/* ke = PATTERN/chan; a PATTERN already ending in /chan is taken as is.
 * Errors quote PATTERN as written. */
int yk_follow_expr(struct yk_kexpr *ke, const struct yk_scope *sc,
		   const char *pattern, const char *chan, struct yk_err *err);
/* The robot of a key on chan (the key without "/chan"), into r (cleared
 * first); false when key does not end in "/chan". */
bool yk_follow_robot(struct yk_buf *r, const char *key, const char *chan);
/* Append {"robot":R,<the fields of the object p[0..n)>} and a newline;
 * false, and nothing appended, when p is not a JSON object. */
bool yk_follow_json(struct yk_buf *b, const char *robot, const char *p,
		    size_t n);

#endif
