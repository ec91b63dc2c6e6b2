/*
 * retain.c - a robot's retained status and roster entry, sent and
 * acknowledged.
 */
#include "clock.h"
#include "fleet.h"
#include "retain.h"
#include "text.h"

/* payload (NULL: empty, which clears) on each of robot's chans. */
static int
send_all(struct yk_conf *c, const char *robot, const char *const chans[],
	 const struct yk_buf *payload, volatile sig_atomic_t *stop,
	 struct yk_err *err)
{
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;
	struct yk_buf t = {0};

	yk_conf_mqtt(c, &mc);
	if (yk_conf_open(c, &mc, &s, err) != YK_OK)
		return err->rc;
	for (int i = 0; chans[i] && err->rc == YK_OK; i++) {
		struct yk_msg m = {.payload = payload ? payload->p : "",
				   .len = payload ? payload->len : 0,
				   .qos = 1, .retain = true, .prio = -1};

		yk_buf_truncate(&t, 0);
		yk_fleet_topic(&t, &c->scope, robot, chans[i]);
		m.topic = t.p;
		yk_mqtt_send_wait(s, &m, err);
	}
	if (err->rc == YK_OK)
		yk_mqtt_drain(s, stop, err);
	yk_mqtt_close(s);
	yk_buf_free(&t);
	return err->rc;
}

int
yk_retain_status(struct yk_conf *c, const char *status, const char *reason,
		 volatile sig_atomic_t *stop, struct yk_err *err)
{
	static const char *const chans[] = {"status", NULL};
	struct yk_status st = {.status = status, .ts_us = yk_now_us(),
			       .reason = reason};
	struct yk_buf p = {0};

	if (yk_fleet_pick("status", yk_fleet_statuses, status, err) < 0 ||
	    yk_text_check("--reason", reason, err) != YK_OK ||
	    yk_conf_robot(c, err) != YK_OK)
		return err->rc;
	yk_fleet_status_json(&p, &st);
	send_all(c, c->robot, chans, &p, stop, err);
	yk_buf_free(&p);
	return err->rc;
}

int
yk_retain_meta(struct yk_conf *c, const char *robot, const char *name,
	       const char *model, volatile sig_atomic_t *stop,
		   struct yk_err *err)
{
	static const char *const chans[] = {"meta", NULL};
	struct yk_buf p = {0};

	if (yk_id_check("robot id", robot, err) != YK_OK ||
	    yk_text_check("--name", name, err) != YK_OK ||
	    yk_text_check("--model", model, err) != YK_OK)
		return err->rc;
	yk_fleet_meta_json(&p, name ? name : robot, model, yk_now_us());
	send_all(c, robot, chans, &p, stop, err);
	yk_buf_free(&p);
	return err->rc;
}

int
yk_retain_forget(struct yk_conf *c, const char *robot,
		 volatile sig_atomic_t *stop, struct yk_err *err)
{
	static const char *const chans[] = {"meta", "status", "heartbeat",
					    NULL};

	if (yk_id_check("robot id", robot, err) != YK_OK)
		return err->rc;
	return send_all(c, robot, chans, NULL, stop, err);
}
