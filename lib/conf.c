/*
 * conf.c - shared settings and their option table.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

#define YK_DEFAULT_BROKER "mqtt://localhost:1883"

void
yk_conf_init(struct yk_conf *c, struct yk_cli *cli, unsigned what)
{
	struct yk_opt *o;
	int n = 0;

	memset(c, 0, sizeof(*c));
	c->broker = YK_DEFAULT_BROKER;
	c->org = "default";
	c->root = "yoke";
	c->keepalive = what & YK_CONF_WILL ? 5 : 60;
	c->session_expiry = 86400;
	c->queue = 1000;
	c->connect_timeout = 10;
	c->offline_timeout = -1;
	if (gethostname(c->hostname, sizeof(c->hostname)) != 0)
		snprintf(c->hostname, sizeof(c->hostname), "localhost");
	c->hostname[sizeof(c->hostname) - 1] = '\0';

	o = c->opts;
	o[n++] = (struct yk_opt)YK_GROUP("Connection");
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_STR, .sname = 'b', .lname = "broker",
		.val = &c->broker, .argname = "URL",
		.help = "broker, mqtt://host[:port] or mqtts:// "
			"(default mqtt://localhost:1883)",
		.env = "YOKE_BROKER", .flags = YK_OPT_CONFIG};
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_STR, .lname = "org", .val = &c->org,
		.argname = "ORG", .help = "organisation (default default)",
		.env = "YOKE_ORG", .flags = YK_OPT_CONFIG};
	if (what & YK_CONF_ROBOT)
		o[n++] = (struct yk_opt){
			.kind = YK_OPT_STR, .sname = 'r', .lname = "robot",
			.val = &c->robot, .argname = "ID",
			.help = "robot id (default the host name)",
			.env = "YOKE_ROBOT", .flags = YK_OPT_CONFIG};
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_STR, .lname = "root", .val = &c->root,
		.argname = "ROOT", .help = "topic root (default yoke)",
		.env = "YOKE_ROOT", .flags = YK_OPT_CONFIG};
	if (what & YK_CONF_RAW)
		o[n++] = (struct yk_opt)YK_FLAG(
			0, "raw", &c->raw,
			"use keys as MQTT topics, without <root>/<org>/");
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_INT, .sname = 'k', .lname = "keepalive",
		.val = &c->keepalive, .argname = "S", .lo = 5, .hi = 65535,
		.help = what & YK_CONF_WILL ? "keepalive in seconds (default 5)"
					    : "keepalive in seconds (default 60)",
		.env = "YOKE_KEEPALIVE", .flags = YK_OPT_CONFIG};
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_NUM, .lname = "connect-timeout",
		.val = &c->connect_timeout, .argname = "S", .lo = 0.1,
		.hi = 3600,
		.help = "give up one connection attempt after S seconds "
			"(default 10)",
		.flags = YK_OPT_CONFIG};
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_NUM, .lname = "offline-timeout",
		.val = &c->offline_timeout, .argname = "S", .lo = 0,
		.hi = 1e9,
		.help = "keep retrying an unreachable broker for S seconds, "
			"then exit 1 (default: fail at start, retry for ever "
			"after a loss)",
		.flags = YK_OPT_CONFIG};
	if (what & YK_CONF_SESSION) {
		o[n++] = (struct yk_opt)YK_STR(
			0, "session", &c->session, "NAME",
			"persistent session: the broker keeps QoS 1 messages "
			"while we are away");
		o[n++] = (struct yk_opt){
			.kind = YK_OPT_INT, .lname = "session-expiry",
			.val = &c->session_expiry, .argname = "S", .lo = 1,
			.hi = 4294967294.0,
			.help = "how long the broker keeps the session after "
				"we leave (default 86400)",
			.flags = YK_OPT_CONFIG};
	}
	if (what & YK_CONF_QUEUE)
		o[n++] = (struct yk_opt){
			.kind = YK_OPT_INT, .lname = "queue",
			.val = &c->queue, .argname = "N", .lo = 1,
			.hi = 10000000,
			.help = "messages held while the broker is slow or "
				"away; input waits beyond (default 1000)",
			.flags = YK_OPT_CONFIG};
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_STR, .lname = "cafile", .val = &c->cafile,
		.argname = "FILE",
		.help = "CA certificates for mqtts:// (default: the system's)",
		.env = "YOKE_CAFILE", .flags = YK_OPT_CONFIG};
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_STR, .lname = "cert", .val = &c->cert,
		.argname = "FILE", .help = "client certificate (mTLS)",
		.env = "YOKE_CERT", .flags = YK_OPT_CONFIG};
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_STR, .lname = "key", .val = &c->key,
		.argname = "FILE", .help = "client private key (mTLS)",
		.env = "YOKE_KEY", .flags = YK_OPT_CONFIG};
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_STR, .lname = "username", .val = &c->username,
		.help = "broker user name", .env = "YOKE_USERNAME",
		.flags = YK_OPT_CONFIG | YK_OPT_NOARGV};
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_STR, .lname = "password", .val = &c->password,
		.help = "broker password", .env = "YOKE_PASSWORD",
		.flags = YK_OPT_CONFIG | YK_OPT_NOARGV | YK_OPT_SECRET};
	o[n++] = (struct yk_opt)YK_GROUP("General");
	o[n++] = (struct yk_opt)YK_STR(0, "config", &cli->config, "FILE",
				       "config file (default "
				       "$XDG_CONFIG_HOME/yoke/config)");
	o[n - 1].env = NULL;
	o[n++] = (struct yk_opt)YK_COUNT('v', "verbose", &c->verbose,
					 "say more on stderr (repeat: more)");
	o[n++] = (struct yk_opt)YK_FLAG('h', "help", &cli->help,
					"show this help");
	o[n++] = (struct yk_opt)YK_FLAG('V', "version", &cli->version,
					"show the version");
	o[n] = (struct yk_opt)YK_END;
}

int
yk_conf_finish(struct yk_conf *c, const struct yk_cli *cli,
	       struct yk_err *err)
{
	if (yk_id_check("org", c->org, err) != YK_OK)
		return err->rc;
	if (yk_root_check(c->root, err) != YK_OK)
		return err->rc;
	if (c->robot == NULL)
		c->robot = c->hostname;
	else if (yk_id_check("robot id", c->robot, err) != YK_OK)
		return err->rc;
	if (yk_cli_origin(cli, "broker") == YK_FROM_ARGV &&
	    yk_url_has_password(c->broker))
		return yk_err_set(err, YK_EUSAGE,
				  "a password in --broker would be visible to "
				  "other users; set YOKE_BROKER, YOKE_PASSWORD "
				  "or the config file");
	if (yk_url_parse(&c->url, c->broker, err) != YK_OK)
		return err->rc;
	/* username/password settings fill what the URL left out */
	if (c->url.user == NULL && c->username)
		c->url.user = yk_strdup(c->username);
	if (c->url.pass == NULL && c->password)
		c->url.pass = yk_strdup(c->password);
	if ((c->cert == NULL) != (c->key == NULL))
		return yk_err_set(err, YK_EUSAGE,
				  "--cert and --key go together");
	if (c->session) {
		for (const char *p = c->session; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') ||
			      (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || *p == '-' ||
			      *p == '_' || *p == '.'))
				return yk_err_set(err, YK_EUSAGE,
						  "invalid session name '%s': "
						  "use letters, digits, '.', "
						  "'_' and '-'",
						  c->session);
		if (*c->session == '\0')
			return yk_err_set(err, YK_EUSAGE,
					  "session name must not be empty");
	}
	c->scope.root = c->root;
	c->scope.org = c->org;
	c->scope.raw = c->raw;
	return YK_OK;
}

void
yk_conf_mqtt(const struct yk_conf *c, struct yk_mqtt_cfg *mc)
{
	memset(mc, 0, sizeof(*mc));
	mc->url = &c->url;
	mc->client_id = c->session;
	mc->clean_start = c->session == NULL;
	mc->session_expiry = c->session_expiry;
	mc->keepalive = (int)c->keepalive;
	mc->cafile = c->cafile;
	mc->cert = c->cert;
	mc->key = c->key;
	mc->queue_max = (size_t)c->queue;
	mc->connect_timeout = c->connect_timeout;
	mc->offline_timeout = c->offline_timeout;
	mc->log = yk_conf_log;
	mc->verbose = c->verbose;
}

int
yk_conf_open(struct yk_conf *c, const struct yk_mqtt_cfg *mc,
	     struct yk_mqtt **s, struct yk_err *err)
{
	(void)c;
	return yk_mqtt_open(s, mc, err);
}

void
yk_conf_log(void *ud, int level, const char *msg)
{
	(void)ud;
	(void)level;
	fprintf(stderr, "%s: %s\n", yk_prog, msg);
}

void
yk_conf_free(struct yk_conf *c)
{
	yk_url_free(&c->url);
}
