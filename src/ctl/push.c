/* PUSH_REQUEST timing, PUSH_REPLY parts, AUTH_FAILED/RESTART/HALT/EXIT. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "ctl/push.h"

#define PUSH_DEFAULT_CIPHERS "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305"

void push_init(struct push *p)
{
	memset(p, 0, sizeof(*p));
}

void push_start(struct push *p, uint64_t now_ms, unsigned hand_window_s)
{
	if (p->started)
		return;
	p->started = true;
	p->next_request_ms = now_ms;
	/* an AUTH_PENDING deadline still ahead stands (push_extend) */
	if (p->deadline_ms < now_ms)
		p->deadline_ms = now_ms +
			(uint64_t)(hand_window_s ? hand_window_s : 60u) * 1000u;
}

void push_extend(struct push *p, uint64_t deadline_ms)
{
	p->deadline_ms = deadline_ms;
}

bool push_request_due(struct push *p, uint64_t now_ms)
{
	if (!p->started || p->done || now_ms < p->next_request_ms)
		return false;
	p->next_request_ms = now_ms + PUSH_REQUEST_INTERVAL_MS;
	return true;
}

bool push_alive(const struct push *p, uint64_t now_ms, uint64_t peer_last_ms,
		uint64_t hand_window_ms)
{
	return p->deadline_ms > now_ms && now_ms - peer_last_ms < hand_window_ms;
}

int push_check_timeout(const struct push *p, uint64_t now_ms)
{
	if (p->started && !p->done && now_ms >= p->deadline_ms)
		return -ETIMEDOUT;
	return 0;
}

uint64_t push_next_deadline(const struct push *p)
{
	if (!p->started || p->done)
		return UINT64_MAX;
	return p->next_request_ms < p->deadline_ms ? p->next_request_ms :
						     p->deadline_ms;
}

bool push_replied(const struct push *p)
{
	return p->done || p->parts > 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static enum push_result push_reply(struct push *p, struct options *o,
				   const char *msg)
{
	const char *body = msg + strlen("PUSH_REPLY");
	char err[OPT_ERR_LEN] = "";
	int ret;

	if (*body == ',')
		body++;
	o->push_continuation = 0;
	ret = options_apply_push(o, body, strlen(body), err, sizeof(err));
	if (ret == -EPERM) {
		log_err("%s", err);
		return PUSH_ERROR;
	}
	if (ret < 0) {
		log_err("OPTIONS ERROR: failed to import pushed options: %s", err);
		return PUSH_ERROR;
	}
	if (ret > 0)
		log_warn("%s (%d pushed option(s) skipped)", err, ret);
	if (p->done)
		return PUSH_LATE;
	p->parts++;
	if (o->push_continuation == 2)
		return PUSH_PARTIAL;
	p->done = true;
	log_info("PUSH: Received control message: 'PUSH_REPLY' (%u part%s)",
		 p->parts, p->parts == 1 ? "" : "s");
	return PUSH_DONE;
}

/* "RESTART,[N]text" / "HALT,[P]text": flags in brackets after the comma. */
static bool push_flag(const char *msg, char flag)
{
	const char *c = strchr(msg, ',');
	const char *end;

	if (!c || c[1] != '[')
		return false;
	end = strchr(c + 2, ']');
	return end && memchr(c + 2, flag, (size_t)(end - (c + 2))) != NULL;
}

enum push_result push_message(struct push *p, struct options *o,
			      const char *msg)
{
	if (starts_with(msg, "PUSH_REPLY"))
		return push_reply(p, o, msg);
	if (starts_with(msg, "AUTH_FAILED")) {
		log_err("AUTH: Received control message: %s", msg);
		return PUSH_AUTH_FAILED;
	}
	if (starts_with(msg, "RESTART")) {
		log_info("Received control message: '%s'", msg);
		return push_flag(msg, 'N') ? PUSH_RESTART_NEXT : PUSH_RESTART;
	}
	if (starts_with(msg, "HALT")) {
		log_info("Received control message: '%s'", msg);
		return PUSH_HALT;
	}
	if (!strcmp(msg, "EXIT")) {
		log_info("Received control message: 'EXIT'");
		return PUSH_EXIT;
	}
	if (starts_with(msg, "INFO") || starts_with(msg, "AUTH_PENDING")) {
		log_info("Received control message: '%s'", msg);
		return PUSH_IGNORED;
	}
	log_warn("WARNING: Received unknown control message: %.64s", msg);
	return PUSH_IGNORED;
}

bool push_cipher_in_list(const char *list, const char *name)
{
	size_t n = strlen(name);

	while (list && *list) {
		const char *end = strchr(list, ':');
		size_t len = end ? (size_t)(end - list) : strlen(list);

		if (len == n && !strncasecmp(list, name, n))
			return true;
		list = end ? end + 1 : NULL;
	}
	return false;
}

bool push_cipher_allowed(const struct options *o, const char *name)
{
	return name && push_cipher_in_list(o->data_ciphers ? o->data_ciphers :
				      PUSH_DEFAULT_CIPHERS, name);
}

int push_cipher(const struct options *o, const char *pushed,
		enum dco_cipher *out, char *err, size_t errlen)
{
	const char *list = o->data_ciphers ? o->data_ciphers : PUSH_DEFAULT_CIPHERS;
	const char *name = pushed;

	if (!name)
		name = o->data_ciphers_fallback;
	if (!name) {
		snprintf(err, errlen, "OPTIONS ERROR: failed to negotiate cipher "
			 "with server. Add the server's cipher ('%s') to "
			 "--data-ciphers", "none pushed");
		return -EINVAL;
	}
	if (pushed && !push_cipher_in_list(list, pushed) &&
	    !(o->data_ciphers_fallback &&
	      !strcasecmp(o->data_ciphers_fallback, pushed))) {
		snprintf(err, errlen, "OPTIONS ERROR: pushed cipher not allowed "
			 "- %s not in %s", pushed, list);
		return -EINVAL;
	}
	if (dco_cipher_from_name(name, out) || *out == DCO_CIPHER_NONE) {
		snprintf(err, errlen, "OPTIONS ERROR: cipher %s is not supported "
			 "by the data channel offload (AEAD ciphers and AES-CBC only)", name);
		return -EINVAL;
	}
	return 0;
}

int push_epoch(const struct options *o, enum dco_cipher cipher, char *err,
	       size_t errlen)
{
	/* 2.7 servers push it only with an AEAD cipher */
	if (!(o->protocol_flags & OPT_PF_AEAD_EPOCH) || cipher == DCO_CIPHER_NONE ||
	    dco_cipher_is_cbc(cipher))
		return 0;
	if (o->peer_id < 0) {
		snprintf(err, errlen, "OPTIONS ERROR: Epoch key data format tag "
			 "requires data v2 (peer-id) to be enabled.");
		return -EPROTO;
	}
	return 1;
}
