/*
 * conf.c - shared settings and their option table; where the broker and
 * its credentials come from.
 *
 * Invariant: the API key is never an option on the command line, never in
 * a message, and wiped once the first session is open.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "cache.h"
#include "clock.h"
#include "conf.h"
#include "sig.h"

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
	if (what & YK_CONF_ROBOT) {
		o[n++] = (struct yk_opt){
			.kind = YK_OPT_STR, .sname = 'r', .lname = "robot",
			.val = &c->robot, .argname = "ID",
			.help = "robot id (default the host name)",
			.env = "YOKE_ROBOT", .flags = YK_OPT_CONFIG};
	} else {
		/* not a flag here (-r may mean --retain), but the robot id
		 * still goes to the backend; checked only then, so that a
		 * tool that has no use for it does not fail on it */
		c->robot_hidden = true;
		o[n++] = (struct yk_opt){
			.kind = YK_OPT_STR, .lname = "robot", .val = &c->robot,
			.argname = "ID", .help = "robot id for the backend",
			.env = "YOKE_ROBOT",
			.flags = YK_OPT_CONFIG | YK_OPT_HIDDEN};
	}
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
			.help = what & YK_CONF_WILL
				? "messages held while the broker is slow or "
				  "away (default 1000)"
				: "messages held while the broker is slow or "
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
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_STR, .lname = "backend", .val = &c->backend,
		.argname = "URL",
		.help = "fleet backend that gives the broker and its "
			"credentials (needs an API key)",
		.env = "YOKE_BACKEND_URL", .flags = YK_OPT_CONFIG};
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_STR, .lname = "api-key", .val = &c->api_key,
		.help = "API key for the backend", .env = "YOKE_API_KEY",
		.flags = YK_OPT_CONFIG | YK_OPT_NOARGV | YK_OPT_SECRET};
	o[n++] = (struct yk_opt){
		.kind = YK_OPT_STR, .lname = "api-key-file",
		.val = &c->api_key_file,
		.help = "file holding the API key", .env = "YOKE_API_KEY_FILE",
		.flags = YK_OPT_CONFIG | YK_OPT_NOARGV};
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

/* How strongly a setting was given: flag > environment > file. */
static int
rank(enum yk_origin o)
{
	return o == YK_FROM_ARGV ? 3 : o == YK_FROM_ENV ? 2
				     : o == YK_FROM_FILE ? 1 : 0;
}

/* Decide whether the backend is asked, and which API key setting counts
 * (the key itself is read by yk_conf_open: only a tool that connects
 * needs it). */
static int
backend_finish(struct yk_conf *c, const struct yk_cli *cli,
	       struct yk_err *err)
{
	enum yk_origin bo = yk_cli_origin(cli, "broker");

	if (c->backend == NULL)
		return YK_OK;
	if (yk_cli_origin(cli, "backend") == YK_FROM_ARGV &&
	    yk_url_has_password(c->backend))
		return yk_err_set(err, YK_EUSAGE,
				  "a password in --backend would be visible "
				  "to other users; set YOKE_BACKEND_URL or "
				  "the config file");
	if (yk_backend_check_url(c->backend, err) != YK_OK)
		return err->rc;
	if (bo == YK_FROM_ARGV || bo == YK_FROM_ENV) {
		c->broker_by = bo == YK_FROM_ARGV ? "--broker" : "YOKE_BROKER";
		return YK_OK;
	}
	if (c->api_key == NULL && c->api_key_file == NULL) {
		char safe[512];

		return yk_err_set(err, YK_EUSAGE,
				  "backend '%s' needs an API key: set "
				  "YOKE_API_KEY, or 'api-key' or "
				  "'api-key-file' in the config file",
				  yk_backend_redact(c->backend, safe,
						    sizeof(safe)));
	}
	/* the stronger of the two settings; api-key on a tie */
	if (c->api_key_file &&
	    (c->api_key == NULL ||
	     rank(yk_cli_origin(cli, "api-key-file")) >
		     rank(yk_cli_origin(cli, "api-key")))) {
		c->api_key = NULL;
		c->key_from = "the API key file";
	} else {
		c->api_key_file = NULL;
		c->key_from = yk_cli_origin(cli, "api-key") == YK_FROM_ENV
				      ? "YOKE_API_KEY"
				      : "'api-key' in the config file";
	}
	if (c->robot_hidden && c->robot != c->hostname &&
	    yk_id_check("robot id", c->robot, err) != YK_OK)
		return err->rc;
	c->use_backend = true;
	return YK_OK;
}

/* The API key into c->bearer. */
static int
read_key(struct yk_conf *c, struct yk_err *err)
{
	if (c->api_key_file) {
		if (yk_creds_read_key(c->api_key_file, &c->bearer, err) !=
		    YK_OK)
			return err->rc;
	} else {
		c->bearer = yk_strdup(c->api_key);
	}
	/* it goes into an HTTP header */
	for (const char *p = c->bearer; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			return yk_err_set(err, YK_EUSAGE,
					  "the API key in %s holds a control "
					  "character",
					  c->key_from);
	return YK_OK;
}

/*
 * libmosquitto and OpenSSL fopen(3) these files when the session starts:
 * a FIFO there would block for ever.  Refused here, by name; a file that
 * is missing or unreadable is left to them (their message names it).
 */
static int
tls_file(const char *what, const char *path, struct yk_err *err)
{
	struct stat st;

	if (path == NULL || stat(path, &st) != 0 || S_ISREG(st.st_mode))
		return YK_OK;
	return yk_err_set(err, YK_EUSAGE, "cannot read %s '%s': %s", what,
			  path,
			  S_ISDIR(st.st_mode) ? strerror(EISDIR)
					      : "not a regular file");
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
	else if (!c->robot_hidden &&
		 yk_id_check("robot id", c->robot, err) != YK_OK)
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
	if (tls_file("--cafile", c->cafile, err) != YK_OK ||
	    tls_file("--cert", c->cert, err) != YK_OK ||
	    tls_file("--key", c->key, err) != YK_OK)
		return err->rc;
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
	return backend_finish(c, cli, err);
}

int
yk_conf_robot(const struct yk_conf *c, struct yk_err *err)
{
	if (yk_id_check("robot id", c->robot, err) != YK_OK &&
	    c->robot == c->hostname)
		yk_err_wrap(err, "no -r or YOKE_ROBOT, and the host name will "
				 "not do");
	return err->rc;
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

static void
forget_key(struct yk_conf *c)
{
	if (c->bearer) {
		explicit_bzero(c->bearer, strlen(c->bearer));
		free(c->bearer);
		c->bearer = NULL;
	}
}

static void
conf_logf(const struct yk_conf *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
conf_logf(const struct yk_conf *c, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	if (c->verbose < 1)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	yk_conf_log(NULL, 1, msg);
}

/* Point the session at what the backend gave. */
static void
use_creds(struct yk_conf *c, const struct yk_backend *b,
	  const struct yk_creds *cr, const char *how)
{
	char hp[300];

	yk_url_free(&c->url);
	c->url.tls = cr->tls;
	snprintf(c->url.host, sizeof(c->url.host), "%s", cr->host);
	c->url.port = cr->port;
	c->url.user = cr->username ? yk_strdup(cr->username) : NULL;
	c->url.pass = cr->password ? yk_strdup(cr->password) : NULL;
	conf_logf(c, "broker %s%s from backend '%s' (%s; expires in %lld s)",
		  cr->tls ? "mqtts://" : "mqtt://",
		  yk_url_hostport(&c->url, hp, sizeof(hp)), b->safe_url, how,
		  (long long)(cr->expires_at - yk_now_us() / 1000000));
}

/* Ask the backend, and cache what it says. */
static int
fetch(struct yk_conf *c, const struct yk_backend *b,
      const struct yk_cache *k, struct yk_err *err)
{
	struct yk_creds cr;

	if (yk_backend_fetch(b, &cr, err) != YK_OK)
		return err->rc;
	yk_cache_store(k, &cr);
	use_creds(c, b, &cr, "fetched");
	yk_creds_free(&cr);
	return YK_OK;
}

/* b and its cache k for c, with the API key read (forget_key when
 * done). */
static int
backend_begin(struct yk_conf *c, struct yk_backend *b, struct yk_cache *k,
	      struct yk_err *err)
{
	*b = (struct yk_backend){.url = c->backend, .org = c->org,
				 .robot = c->robot, .stop = &yk_sig_stop,
				 .log = yk_conf_log, .verbose = c->verbose};
	if (read_key(c, err) != YK_OK)
		return err->rc;
	b->key = c->bearer;
	/* a broker that stays away may keep the tool waiting this long
	 * (--offline-timeout): so may the backend */
	b->budget = c->offline_timeout > c->connect_timeout
			    ? c->offline_timeout
			    : c->connect_timeout;
	yk_backend_init(b);
	yk_cache_init(k, b);
	return YK_OK;
}

/* The broker refused us on a reconnect: the password was rotated while
 * we were connected.  Ask the backend once more (yk_mqtt_cfg.refresh). */
static int
refresh(void *ud, const char **user, const char **pass, struct yk_err *err)
{
	struct yk_conf *c = ud;
	struct yk_backend b;
	struct yk_cache k;

	if (backend_begin(c, &b, &k, err) == YK_OK) {
		yk_cache_drop(&k);
		conf_logf(c, "asking the backend for new credentials");
		if (fetch(c, &b, &k, err) == YK_OK) {
			*user = c->url.user;
			*pass = c->url.pass;
		}
	}
	forget_key(c);
	return err->rc;
}

int
yk_conf_open(struct yk_conf *c, const struct yk_mqtt_cfg *mc,
	     struct yk_mqtt **s, struct yk_err *err)
{
	struct yk_mqtt_cfg m = *mc;
	struct yk_backend b;
	struct yk_cache k;
	struct yk_creds cr;
	bool cached;
	int rc;

	if (c->resolved || !c->use_backend) {
		if (!c->resolved && c->broker_by)
			conf_logf(c, "the broker comes from %s: backend not "
				     "asked",
				  c->broker_by);
		c->resolved = true;
		if (c->use_backend) {
			m.refresh = refresh;
			m.refresh_ud = c;
		}
		return yk_mqtt_open(s, &m, err);
	}
	c->resolved = true;
	if (backend_begin(c, &b, &k, err) != YK_OK)
		goto out;
	m.refresh = refresh;
	m.refresh_ud = c;
	cached = yk_cache_load(&k, &cr) == YK_OK;
	if (cached) {
		use_creds(c, &b, &cr, "cached");
		yk_creds_free(&cr);
		rc = YK_OK;
	} else {
		rc = fetch(c, &b, &k, err);
	}
	if (rc == YK_OK)
		rc = yk_mqtt_open(s, &m, err);
	if (rc == YK_EREFUSED) {
		/* whatever the broker refuses must not be used again */
		yk_cache_drop(&k);
		if (cached) {
			conf_logf(c, "the broker refused the cached "
				     "credentials: asking the backend again");
			rc = fetch(c, &b, &k, err);
			if (rc == YK_OK)
				rc = yk_mqtt_open(s, &m, err);
			if (rc == YK_EREFUSED)
				yk_cache_drop(&k);
		}
	}
	/* tools exit with err->rc: the refusal we got over is no error */
	if (rc == YK_OK)
		*err = (struct yk_err){0};
out:
	forget_key(c);
	return err->rc;
}

void
yk_conf_log(void *ud, int level, const char *msg)
{
	(void)ud;
	(void)level;
	yk_err_say("%s", msg);
}

void
yk_conf_robot_help(struct yk_conf *c, const char *help)
{
	for (struct yk_opt *o = c->opts; o->kind != YK_OPT_END; o++)
		if (o->sname == 'r' && strcmp(o->lname, "robot") == 0)
			o->help = help;
}

void
yk_conf_free(struct yk_conf *c)
{
	forget_key(c);
	yk_url_free(&c->url);
}
