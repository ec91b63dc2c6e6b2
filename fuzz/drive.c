/*
 * drive.c - libFuzzer target for yoke-drive's script lines (lib/robot/drive.h):
 * verbs with their options, or a CloudCommand as JSON.  Scripts come from
 * files and pipes; a bad line is an error naming it, never a crash or a
 * leak (the error paths of yk_drive_split among them).
 */
#include "drive.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yk_drive_cmd c;
	struct yk_drive_words w = {0};
	struct yk_err err = {0};

	yk_drive_cmd_init(&c);
	yk_drive_line(&c, &w, (const char *)data, size, &err);
	yk_drive_cmd_free(&c);
	yk_drive_words_free(&w);
	return 0;
}
