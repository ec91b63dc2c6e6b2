/*
 * conf.h - the settings every tool shares (DESIGN.md "Configuration"):
 * broker, org, root, TLS, keepalive, sessions, and the option table that
 * declares them once for all tools.
 *
 * Precedence is the option parser's: flag > environment > config file >
 * default.  Broker passwords come from the environment or the config file
 * only; a password in --broker is refused, because argv is public.
 *
 * With a backend URL and an API key, yk_conf_open takes the broker and its
 * credentials from the backend (lib/backend.h), unless a broker was given
 * by flag or environment: that one wins, so a developer can point one
 * command elsewhere without touching the config (-v says so).
 */
#ifndef YK_CONF_H
#define YK_CONF_H

#include <stdbool.h>

#include "key.h"
#include "mqtt.h"
#include "opt.h"
#include "url.h"

/* Which optional shared options a tool takes. */
#define YK_CONF_ROBOT 0x1u   /* -r/--robot */
#define YK_CONF_SESSION 0x2u /* --session, --session-expiry */
#define YK_CONF_QUEUE 0x4u   /* --queue */
#define YK_CONF_RAW 0x8u     /* --raw */
/* The tool holds a will others watch (a liveliness token): keepalive 5 s,
 * so a dead holder is noticed within 7.5 s.  Others default to 60 s, as
 * mosquitto's clients do: a subscriber working through a backlog gets the
 * broker's PINGRESP only behind it, and must not call the link dead. */
#define YK_CONF_WILL 0x10u

#define YK_CONF_MAX_OPTS 32

struct yk_conf {
	const char *broker;
	const char *org;
	const char *root;
	const char *robot;
	const char *username;
	const char *password;
	const char *cafile;
	const char *cert;
	const char *key;
	const char *session;
	const char *backend;
	const char *api_key;      /* the setting; never from argv */
	const char *api_key_file;
	long keepalive;
	long session_expiry;
	long queue;
	double connect_timeout;
	double offline_timeout;
	bool raw;
	int verbose;

	struct yk_opt opts[YK_CONF_MAX_OPTS];

	/* derived by yk_conf_finish */
	struct yk_scope scope;
	struct yk_url url;
	char hostname[256];
	bool robot_hidden;        /* robot is a setting, not a flag */
	bool use_backend;         /* yk_conf_open asks the backend */
	const char *broker_by;    /* "--broker" or "YOKE_BROKER" beat it */
	const char *key_from;     /* where the API key setting came from */
	char *bearer;             /* the API key; wiped once it is used */
	bool resolved;            /* the first yk_conf_open is over */
};

/* Fill defaults and the shared option table (which points into c and cli);
 * include it in a tool's table with YK_INCLUDE(c->opts). */
void yk_conf_init(struct yk_conf *c, struct yk_cli *cli, unsigned what);
/* The -r help line for a tool whose robot is not the host name by default
 * (yoke-sim names its own); before yk_cli_parse. */
void yk_conf_robot_help(struct yk_conf *c, const char *help);
/* Validate after parsing: ids, root, broker URL and where it came from. */
int yk_conf_finish(struct yk_conf *c, const struct yk_cli *cli,
		   struct yk_err *err);
/* Check the robot a tool speaks for: yk_conf_finish checks one that was
 * given, but the host name it takes by default may be none (upper case,
 * say); then the message says so. */
int yk_conf_robot(const struct yk_conf *c, struct yk_err *err);
/* The session settings for yk_mqtt_open (no will; the tool adds one). */
void yk_conf_mqtt(const struct yk_conf *c, struct yk_mqtt_cfg *mc);
/* Connect with mc (from yk_conf_mqtt, plus the tool's own settings): every
 * tool opens its sessions here, so where the broker and its credentials
 * come from is decided in one place.  With a backend: the cached answer,
 * else a fetch; credentials from the cache that the broker refuses are
 * dropped and fetched once more. */
int yk_conf_open(struct yk_conf *c, const struct yk_mqtt_cfg *mc,
		 struct yk_mqtt **s, struct yk_err *err);
void yk_conf_free(struct yk_conf *c);

/* Print -v diagnostics as "<prog>: <msg>" on stderr (the log callback). */
void yk_conf_log(void *ud, int level, const char *msg);

#endif
