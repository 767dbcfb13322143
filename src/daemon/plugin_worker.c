/* The plugin thread: a queue of calls, results back through an eventfd. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "base/log.h"
#include "daemon/plugin_worker.h"

enum job_kind { JOB_CALL, JOB_CTOR, JOB_DTOR };

struct plugin_job {
	struct plugin_job *next;
	enum job_kind kind;
	struct plugin_call call;     /* pointers into the copies below */
	struct plugin_client *pc;    /* CTOR/DTOR: the client's contexts */
	struct plugin_client own;    /* a client's contexts live in its DTOR
				      * job, made with the client: freeing
				      * the client never needs memory */
	char **args, **envp;         /* owned copies */
	char *config;
	enum plugin_result result;
	plugin_done_fn done_fn;      /* async: handed on the loop's thread */
	void *ctx;
	uint64_t tag;
	bool sync, finished;         /* sync: the submitter waits for it */
};

/* ---- copies ---------------------------------------------------------------------- */

static char **strv_copy(const char *const *v)
{
	size_t n = 0;
	char **c;

	while (v && v[n])
		n++;
	c = calloc(n + 1, sizeof(*c));
	for (size_t i = 0; c && i < n; i++) {
		c[i] = strdup(v[i]);
		if (!c[i]) {
			for (size_t j = 0; j < i; j++)
				free(c[j]);
			free(c);
			return NULL;
		}
	}
	return c;
}

/* The environment may hold the password: wiped. */
static void strv_free(char **v)
{
	for (char **p = v; p && *p; p++) {
		OPENSSL_cleanse(*p, strlen(*p));
		free(*p);
	}
	free(v);
}

static void job_free(struct plugin_job *j)
{
	strv_free(j->args);
	strv_free(j->envp);
	free(j->config);
	X509_free(j->call.cert);
	free(j);
}

static struct plugin_job *job_new(enum job_kind kind,
				  const struct plugin_call *call)
{
	struct plugin_job *j = calloc(1, sizeof(*j));

	if (!j)
		return NULL;
	j->kind = kind;
	if (!call)
		return j;
	j->call = *call;
	j->call.config = &j->config;
	/* the certificate stays while the job waits, whatever its session */
	if (j->call.cert)
		X509_up_ref(j->call.cert);
	j->args = call->args ? strv_copy(call->args) : NULL;
	j->envp = call->envp ? strv_copy(call->envp) : NULL;
	if ((call->args && !j->args) || (call->envp && !j->envp)) {
		job_free(j);
		return NULL;
	}
	j->call.args = (const char *const *)j->args;
	j->call.envp = (const char *const *)j->envp;
	/* call->pc is not copied: only this thread reads it, after the
	 * client's CTOR job and before its DTOR job (queue order) */
	return j;
}

/* ---- the thread ------------------------------------------------------------------- */

static void job_run(struct plugin_worker *w, struct plugin_job *j)
{
	switch (j->kind) {
	case JOB_CALL:
		j->result = plugin_host_call(w->h, &j->call);
		break;
	case JOB_CTOR:
		plugin_client_init(w->h, j->pc);
		break;
	case JOB_DTOR:
		plugin_client_free(w->h, j->pc);
		break;
	}
}

/* Called with the lock held: a finished job to its waiter or the loop. */
static void job_finish(struct plugin_worker *w, struct plugin_job *j)
{
	uint64_t one = 1;

	if (j->sync) {
		j->finished = true;
		pthread_cond_broadcast(&w->cond);
	} else if (j->done_fn) {
		j->next = w->done;
		w->done = j;
		if (write(w->efd, &one, sizeof(one)) < 0)
			log_debug("plugin worker: eventfd: %s", strerror(errno));
	} else {
		job_free(j);
	}
}

static void *worker_main(void *arg)
{
	struct plugin_worker *w = arg;
	struct plugin_job *j;

	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->todo && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		j = w->todo;
		if (!j)
			break;
		w->todo = j->next;
		if (!w->todo)
			w->todo_tail = NULL;
		pthread_mutex_unlock(&w->lock);
		job_run(w, j);
		pthread_mutex_lock(&w->lock);
		job_finish(w, j);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* ---- the loop's side -------------------------------------------------------------- */

static void worker_readable(void *ctx, uint32_t events)
{
	struct plugin_worker *w = ctx;
	struct plugin_job *list, *order = NULL, *next;
	uint64_t n;

	(void)events;
	if (read(w->efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_debug("plugin worker: eventfd: %s", strerror(errno));
	pthread_mutex_lock(&w->lock);
	list = w->done;
	w->done = NULL;
	pthread_mutex_unlock(&w->lock);
	/* the list is newest first: hand the results in submission order */
	for (; list; list = next) {
		next = list->next;
		list->next = order;
		order = list;
	}
	for (; order; order = next) {
		next = order->next;
		order->done_fn(order->ctx, order->tag, order->result, order->config);
		order->config = NULL;
		job_free(order);
	}
}

static void enqueue(struct plugin_worker *w, struct plugin_job *j)
{
	if (w->todo_tail)
		w->todo_tail->next = j;
	else
		w->todo = j;
	w->todo_tail = j;
	pthread_cond_broadcast(&w->cond);
}

int plugin_worker_start(struct plugin_worker *w, const struct plugin_host *h,
			struct loop *loop)
{
	int ret;

	memset(w, 0, sizeof(*w));
	w->h = h;
	w->loop = loop;
	w->efd = -1;
	if (!h->n)
		return 0;
	w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->efd < 0)
		return -errno;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	ret = loop_add(loop, w->efd, EPOLLIN, worker_readable, w);
	if (!ret)
		ret = -pthread_create(&w->thread, NULL, worker_main, w);
	if (ret) {
		loop_del(loop, w->efd);
		close(w->efd);
		w->efd = -1;
		return ret;
	}
	w->running = true;
	return 0;
}

void plugin_worker_stop(struct plugin_worker *w)
{
	struct plugin_job *j, *next;

	if (!w->running)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	for (j = w->done; j; j = next) {
		next = j->next;
		job_free(j);
	}
	w->done = NULL;
	loop_del(w->loop, w->efd);
	close(w->efd);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	w->running = false;
}

int plugin_worker_submit(struct plugin_worker *w, const struct plugin_call *call,
			 plugin_done_fn done, void *ctx, uint64_t tag)
{
	struct plugin_job *j;

	if (!w->running)
		return -ENODEV;	/* no plugins, nothing to call */
	j = job_new(JOB_CALL, call);
	if (!j)
		return -ENOMEM;
	j->done_fn = done;
	j->ctx = ctx;
	j->tag = tag;
	pthread_mutex_lock(&w->lock);
	enqueue(w, j);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

/* Queue @j and wait until the thread ran it. */
static void run_sync(struct plugin_worker *w, struct plugin_job *j)
{
	j->sync = true;
	pthread_mutex_lock(&w->lock);
	enqueue(w, j);
	while (!j->finished)
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
}

enum plugin_result plugin_worker_call(struct plugin_worker *w,
				      const struct plugin_call *call)
{
	struct plugin_job *j;
	enum plugin_result r;

	if (!w->running)
		return plugin_host_call(w->h, call);
	j = job_new(JOB_CALL, call);
	if (!j)
		return PLUGIN_ERROR;
	run_sync(w, j);
	r = j->result;
	if (call->config) {
		*call->config = j->config;
		j->config = NULL;
	}
	job_free(j);
	return r;
}

static void queue_job(struct plugin_worker *w, struct plugin_job *j)
{
	pthread_mutex_lock(&w->lock);
	enqueue(w, j);
	pthread_mutex_unlock(&w->lock);
}

struct plugin_client *plugin_worker_client_new(struct plugin_worker *w)
{
	struct plugin_job *dtor = job_new(JOB_DTOR, NULL), *ctor;

	if (!dtor)
		return NULL;
	dtor->pc = &dtor->own;
	if (!w->running) {
		plugin_client_init(w->h, dtor->pc);
		return dtor->pc;
	}
	ctor = job_new(JOB_CTOR, NULL);
	if (!ctor) {
		job_free(dtor);
		return NULL;
	}
	ctor->pc = dtor->pc;
	queue_job(w, ctor);
	return dtor->pc;
}

void plugin_worker_client_free(struct plugin_worker *w, struct plugin_client *pc)
{
	struct plugin_job *dtor;

	if (!pc)
		return;
	dtor = (struct plugin_job *)((char *)pc - offsetof(struct plugin_job, own));
	if (w->running) {
		queue_job(w, dtor);
		return;
	}
	plugin_client_free(w->h, pc);
	job_free(dtor);
}
