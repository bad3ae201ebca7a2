/* fl-probe-scheduler.c: runs the checks in rounds on worker threads
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-probe-scheduler"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fl-check-private.h"
#include "fl-checks.h"
#include "fl-probe-scheduler.h"

/* Every interval a round starts: each (DC, check) and each domain-wide check becomes a job on
 * the thread pool, with its own deadline. A dead DC never delays a live one: jobs are
 * independent and concurrent. A job still running from an earlier round is not started again:
 * the round gets a "skipped" sample for it instead. A job that overruns its deadline (MIT krb5
 * cannot be cancelled) gets a "timeout" sample at the deadline, from the main context, and its
 * late result is dropped. Samples are emitted on the main context the scheduler was made in.
 *
 * Four checks have their own cadence. The FSMO roles, and the GPOs' versions in AD with them,
 * are read at most every 30 s, or when the PDC flag moved. SSSD, once it said it is not there, is asked again every 30 s. The SMB port
 * is tried every SMB_PERIOD_US, and in every round while it is not ok or when anything else
 * about the DC changed: each TCP connect to port 445 makes the DC's smbd fork a child (about
 * 0.1 s of CPU on a Samba DC), which at 4 Hz cost the lab more than all the other checks
 * together, while the port only tells news when the DC changes. SYSVOL (a process, a Kerberos
 * exchange and an SMB session: about 0.1 s of CPU here) is read every SYSVOL_PERIOD_US, every
 * SMB_PERIOD_US while it is not ok, and in the next round when anything else about the DC
 * changed; like the FSMO reading it times no failover, and gets at least 5 s. */

#define GRACE_US (30 * 1000)
#define SMB_PERIOD_US (5 * G_USEC_PER_SEC)
#define SYSVOL_PERIOD_US (15 * G_USEC_PER_SEC)
#define SLOW_PERIOD_US (30 * G_USEC_PER_SEC)
#define NO_STATUS 0xff

typedef struct _Job Job;

struct _FlProbeScheduler
{
  GObject parent_instance;

  FlProbeConfig *config;
  GMainContext  *context;
  GThreadPool   *pool;
  Job          **in_flight;     /* (FL_N_CHECKS) × (n_dcs + 1), the last row domain-wide */
  char          *client_site;
  char          *logon_server;
  GSource       *timer;

  gint64         fsmo_last;     /* when the FSMO roles were last read */
  gint64         sssd_last;     /* when SSSD was last asked */
  gboolean       sssd_absent;   /* and said it is not there */
  gint64        *smb_last;      /* (n_dcs) when each DC's SMB port was last tried */
  gboolean      *smb_due;       /* (n_dcs) try it in the next round */
  gint64        *sysvol_last;   /* (n_dcs) when each DC's SYSVOL was last read */
  gboolean      *sysvol_due;    /* (n_dcs) read it in the next round */
  gboolean      *sysvol_bad;    /* (n_dcs) and it was not ok */
  guint8        *last_status;   /* (n_slots) each slot's last answered status, or NO_STATUS */
  guint32        pdc_flags;     /* which DCs said PDC last: a change reads the roles again */
  guint32        checks;
  guint          interval_ms;
  guint          deadline_ms;
  guint          round;
  guint          n_in_flight;
  guint          n_slots;
};

struct _Job
{
  gatomicrefcount   ref;
  FlProbeScheduler *scheduler;   /* (nullable) cleared when the scheduler goes */
  FlProbeConfig    *config;
  FlCheckKind       kind;
  guint             dc_index;    /* G_MAXUINT for domain-wide */
  guint             slot;
  guint             round;
  gint64            started;
  gint64            deadline;
  char             *client_site;
  char             *logon_server;
  FlSample         *result;
  GSource          *watchdog;
  gboolean          abandoned;
};

enum {
  PROP_0,
  PROP_INTERVAL,
  PROP_DEADLINE,
  PROP_RUNNING,
  N_PROPS
};

enum {
  SAMPLE,
  ROUND_STARTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlProbeScheduler, fl_probe_scheduler, G_TYPE_OBJECT)

static Job *
job_ref (Job *job)
{
  g_atomic_ref_count_inc (&job->ref);
  return job;
}

static void
job_unref (Job *job)
{
  if (!g_atomic_ref_count_dec (&job->ref))
    return;
  g_assert (job->watchdog == NULL);
  fl_probe_config_unref (job->config);
  g_clear_pointer (&job->result, fl_sample_unref);
  g_free (job->client_site);
  g_free (job->logon_server);
  g_free (job);
}

static const char *
job_dc_name (Job *job)
{
  if (job->dc_index == G_MAXUINT)
    return NULL;
  return fl_probe_config_get_dc (job->config, job->dc_index)->name;
}

static guint
dc_index_of (FlProbeScheduler *self,
             const char       *name)
{
  for (guint i = 0; name != NULL && i < fl_probe_config_get_n_dcs (self->config); i++)
    if (g_strcmp0 (fl_probe_config_get_dc (self->config, i)->name, name) == 0)
      return i;
  return G_MAXUINT;
}

/* What a DC's answered sample means for its SMB cadence: a port that is not ok is tried every
 * round until it is; a change in any other check of the DC has it tried in the next round. */
static void
note_dc_status (FlProbeScheduler *self,
                FlSample         *sample)
{
  FlCheckKind kind = fl_sample_get_kind (sample);
  FlStatus status = fl_sample_get_status (sample);
  guint i = dc_index_of (self, fl_sample_get_dc (sample));
  guint slot;

  if (i == G_MAXUINT || status == FL_STATUS_SKIPPED || !fl_check_kind_is_per_dc (kind))
    return;
  slot = i * FL_N_CHECKS + kind;
  if (kind == FL_CHECK_SMB)
    self->smb_due[i] = status != FL_STATUS_OK;
  else if (kind == FL_CHECK_SYSVOL)
    self->sysvol_bad[i] = status != FL_STATUS_OK;
  else if (self->last_status[slot] != NO_STATUS && self->last_status[slot] != status)
    self->smb_due[i] = self->sysvol_due[i] = TRUE;
  self->last_status[slot] = (guint8)status;
}

static void
emit_sample (FlProbeScheduler *self,
             FlSample         *sample)
{
  note_dc_status (self, sample);
  if (fl_sample_get_kind (sample) == FL_CHECK_SSSD)
    self->sssd_absent = g_strcmp0 (fl_sample_lookup_string (sample, "error"), "unavailable") == 0;
  /* remember what the locator learnt: the client's site (DynamicSiteName) */
  if (fl_sample_get_kind (sample) == FL_CHECK_LOCATOR ||
      fl_sample_get_kind (sample) == FL_CHECK_LDAP_PING)
    {
      const char *site = fl_sample_lookup_string (sample, "client_site");

      if (site != NULL && *site != '\0' && g_strcmp0 (site, self->client_site) != 0)
        {
          g_free (self->client_site);
          self->client_site = g_strdup (site);
        }
    }
  /* the PDC flag moved: read the FSMO roles in the next round */
  if (fl_sample_get_kind (sample) == FL_CHECK_LDAP_PING && fl_sample_get_dc (sample) != NULL)
    {
      gint64 flags = 0;
      guint i = dc_index_of (self, fl_sample_get_dc (sample));
      guint bit = i < 32 ? 1u << i : 0;

      if (bit != 0 && fl_sample_lookup_int64 (sample, "flags", &flags))
        {
          guint32 before = self->pdc_flags;

          if (flags & 0x1)
            self->pdc_flags |= bit;
          else
            self->pdc_flags &= ~bit;
          if (before != self->pdc_flags)
            self->fsmo_last = 0;
        }
    }
  if (fl_sample_get_kind (sample) == FL_CHECK_LOCATOR &&
      fl_sample_get_status (sample) != FL_STATUS_SKIPPED)
    {
      g_free (self->logon_server);
      self->logon_server = g_strdup (fl_sample_lookup_string (sample, "server"));
    }
  g_signal_emit (self, signals[SAMPLE], 0, sample);
}

static void
job_release_slot (Job *job)
{
  FlProbeScheduler *self = job->scheduler;

  if (self == NULL)
    return;
  g_assert (self->in_flight[job->slot] == job);
  self->in_flight[job->slot] = NULL;
  self->n_in_flight--;
  job->scheduler = NULL;
  job_unref (job);
}

/* The sample that says a job did not answer by its deadline: started when the job was, ended at
 * the deadline. The check's own words are kept when it said "timeout" itself, a moment late. */
static FlSample *
timeout_sample (Job *job)
{
  FlSample *late = job->result;
  g_autofree char *message = NULL;
  GVariantDict detail;

  if (late != NULL && fl_sample_get_status (late) == FL_STATUS_TIMEOUT)
    return fl_sample_new (job->kind, job_dc_name (job), FL_STATUS_TIMEOUT, job->started,
                          job->deadline - job->started, fl_sample_get_message (late),
                          fl_sample_get_detail (late));
  g_variant_dict_init (&detail, NULL);
  g_variant_dict_insert (&detail, "error", "s", "timeout");
  if (job->dc_index != G_MAXUINT)
    g_variant_dict_insert (&detail, "address", "s",
                           fl_probe_config_get_dc (job->config, job->dc_index)->address);
  message = g_strdup_printf (_("no answer within the deadline (%u ms)"),
                             (guint)((job->deadline - job->started) / 1000));
  return fl_sample_new (job->kind, job_dc_name (job), FL_STATUS_TIMEOUT, job->started,
                        job->deadline - job->started, message, g_variant_dict_end (&detail));
}

/* main context: the worker finished */
static gboolean
job_done_cb (gpointer data)
{
  Job *job = data;
  FlProbeScheduler *self = job->scheduler;

  if (job->watchdog != NULL)
    {
      g_source_destroy (job->watchdog);
      g_clear_pointer (&job->watchdog, g_source_unref);
    }

  if (self != NULL)
    {
      /* a "sample" handler may drop the last reference to the scheduler */
      g_object_ref (self);
      if (!job->abandoned &&
          fl_sample_get_mono_us (job->result) + fl_sample_get_latency_us (job->result) > job->deadline)
        {
          /* it answered, but after its deadline (a busy machine ran the watchdog late): a
           * check ends at its deadline, so this is a timeout there, as the watchdog would say */
          g_autoptr(FlSample) sample = timeout_sample (job);

          emit_sample (self, sample);
        }
      else if (!job->abandoned)
        emit_sample (self, job->result);
      else
        g_debug ("%s %s: result after its deadline dropped (%s)",
                 job_dc_name (job) ? job_dc_name (job) : "domain",
                 fl_check_kind_to_string (job->kind), fl_status_to_string (fl_sample_get_status (job->result)));
      job_release_slot (job);
      g_object_unref (self);
    }

  return G_SOURCE_REMOVE;
}

/* main context: the deadline passed and the worker is still busy */
static gboolean
job_watchdog_cb (gpointer data)
{
  Job *job = data;
  FlProbeScheduler *self = job->scheduler;
  g_autoptr(FlSample) sample = NULL;

  g_clear_pointer (&job->watchdog, g_source_unref);
  if (self == NULL || job->abandoned)
    return G_SOURCE_REMOVE;

  job->abandoned = TRUE;
  sample = timeout_sample (job);
  emit_sample (self, sample);
  return G_SOURCE_REMOVE;
}

static void
worker (gpointer data,
        gpointer user_data)
{
  Job *job = data;
  FlCheckHints hints = { job->client_site, job->logon_server };
  const FlProbeDc *dc = NULL;
  GMainContext *context = user_data;
  GSource *source;

  if (job->dc_index != G_MAXUINT)
    dc = fl_probe_config_get_dc (job->config, job->dc_index);
  job->result = fl_check_run (job->kind, job->config, dc, job->deadline, &hints);

  /* Always through a source: g_main_context_invoke() would run the callback right here, in
   * the worker, whenever it can acquire the context (e.g. before the main loop runs). */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, job_done_cb, job, (GDestroyNotify)job_unref);
  g_source_set_static_name (source, "[fl-probe-scheduler] result");
  g_source_attach (source, context);
  g_source_unref (source);
}

static void
fl_probe_scheduler_dispose (GObject *object)
{
  FlProbeScheduler *self = (FlProbeScheduler *)object;

  fl_probe_scheduler_stop (self);
  for (guint i = 0; self->in_flight != NULL && i < self->n_slots; i++)
    {
      Job *job = self->in_flight[i];

      if (job != NULL)
        {
          if (job->watchdog != NULL)
            {
              g_source_destroy (job->watchdog);
              g_clear_pointer (&job->watchdog, g_source_unref);
            }
          job_release_slot (job);
        }
    }

  G_OBJECT_CLASS (fl_probe_scheduler_parent_class)->dispose (object);
}

static void
fl_probe_scheduler_finalize (GObject *object)
{
  FlProbeScheduler *self = (FlProbeScheduler *)object;

  /* workers still running hold their own references to the job and config; they finish
   * on their own (the pool is not waited for: a stuck krb5 call must not hang the caller) */
  g_thread_pool_free (self->pool, FALSE, FALSE);
  g_clear_pointer (&self->in_flight, g_free);
  g_clear_pointer (&self->smb_last, g_free);
  g_clear_pointer (&self->smb_due, g_free);
  g_clear_pointer (&self->sysvol_last, g_free);
  g_clear_pointer (&self->sysvol_due, g_free);
  g_clear_pointer (&self->sysvol_bad, g_free);
  g_clear_pointer (&self->last_status, g_free);
  g_clear_pointer (&self->config, fl_probe_config_unref);
  g_clear_pointer (&self->client_site, g_free);
  g_clear_pointer (&self->logon_server, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (fl_probe_scheduler_parent_class)->finalize (object);
}

static void
fl_probe_scheduler_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FlProbeScheduler *self = FL_PROBE_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval_ms);
      break;

    case PROP_DEADLINE:
      g_value_set_uint (value, self->deadline_ms);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, self->timer != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_probe_scheduler_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FlProbeScheduler *self = FL_PROBE_SCHEDULER (object);

  switch (prop_id)
    {
    case PROP_INTERVAL:
      fl_probe_scheduler_set_interval (self, g_value_get_uint (value));
      break;

    case PROP_DEADLINE:
      fl_probe_scheduler_set_deadline (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_probe_scheduler_class_init (FlProbeSchedulerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fl_probe_scheduler_dispose;
  object_class->finalize = fl_probe_scheduler_finalize;
  object_class->get_property = fl_probe_scheduler_get_property;
  object_class->set_property = fl_probe_scheduler_set_property;

  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, 100, 10000, 1000,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DEADLINE] =
    g_param_spec_uint ("deadline", NULL, NULL, 50, 10000, 800,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FlProbeScheduler::sample:
   * @sample: the new sample (immutable)
   *
   * A check produced a sample: its result, a timeout at its deadline, or "skipped".
   */
  signals[SAMPLE] =
    g_signal_new ("sample", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, FL_TYPE_SAMPLE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * FlProbeScheduler::round-started:
   * @round: the round's number
   * @n_jobs: how many samples the round will produce
   */
  signals[ROUND_STARTED] =
    g_signal_new ("round-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
}

static void
fl_probe_scheduler_init (FlProbeScheduler *self)
{
  self->checks = FL_CHECK_MASK_DEFAULT;
  self->interval_ms = 1000;
  self->deadline_ms = 800;
}

/**
 * fl_probe_scheduler_new:
 * @config: a prepared config
 *
 * Samples are emitted on the thread-default main context of the caller.
 */
FlProbeScheduler *
fl_probe_scheduler_new (FlProbeConfig *config)
{
  FlProbeScheduler *self;
  guint n_dcs;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (FL_TYPE_PROBE_SCHEDULER, NULL);
  self->config = fl_probe_config_ref (config);
  self->context = g_main_context_ref_thread_default ();
  self->interval_ms = fl_probe_config_get_interval_ms (config);
  self->deadline_ms = fl_probe_config_get_deadline_ms (config);
  n_dcs = fl_probe_config_get_n_dcs (config);
  self->n_slots = FL_N_CHECKS * (n_dcs + 1);
  self->in_flight = g_new0 (Job *, self->n_slots);
  self->smb_last = g_new0 (gint64, n_dcs);
  self->smb_due = g_new0 (gboolean, n_dcs);
  self->sysvol_last = g_new0 (gint64, n_dcs);
  self->sysvol_due = g_new0 (gboolean, n_dcs);
  self->sysvol_bad = g_new0 (gboolean, n_dcs);
  self->last_status = g_malloc (self->n_slots);
  memset (self->last_status, NO_STATUS, self->n_slots);
  /* enough threads that every check of every DC can be blocked at once */
  self->pool = g_thread_pool_new (worker, self->context, (int)self->n_slots + 4, FALSE, NULL);
  return self;
}

FlProbeConfig *
fl_probe_scheduler_get_config (FlProbeScheduler *self)
{
  g_return_val_if_fail (FL_IS_PROBE_SCHEDULER (self), NULL);
  return self->config;
}

void
fl_probe_scheduler_set_checks (FlProbeScheduler *self,
                               guint32           mask)
{
  g_return_if_fail (FL_IS_PROBE_SCHEDULER (self));
  self->checks = mask;
}

guint32
fl_probe_scheduler_get_checks (FlProbeScheduler *self)
{
  g_return_val_if_fail (FL_IS_PROBE_SCHEDULER (self), 0);
  return self->checks;
}

guint
fl_probe_scheduler_get_interval (FlProbeScheduler *self)
{
  g_return_val_if_fail (FL_IS_PROBE_SCHEDULER (self), 0);
  return self->interval_ms;
}

guint
fl_probe_scheduler_get_deadline (FlProbeScheduler *self)
{
  g_return_val_if_fail (FL_IS_PROBE_SCHEDULER (self), 0);
  return self->deadline_ms;
}

guint
fl_probe_scheduler_get_n_in_flight (FlProbeScheduler *self)
{
  g_return_val_if_fail (FL_IS_PROBE_SCHEDULER (self), 0);
  return self->n_in_flight;
}

static gboolean
timer_cb (gpointer data)
{
  fl_probe_scheduler_run_round (data);
  return G_SOURCE_CONTINUE;
}

static void
attach_timer (FlProbeScheduler *self)
{
  self->timer = g_timeout_source_new (self->interval_ms);
  g_source_set_callback (self->timer, timer_cb, self, NULL);
  g_source_set_static_name (self->timer, "[fl-probe-scheduler] round");
  g_source_attach (self->timer, self->context);
}

static void
restart_timer (FlProbeScheduler *self)
{
  /* no SYSVOL read comes soon: its helpers (and the password and SMB sessions they hold) go */
  fl_probe_config_drop_sysvol_helpers (self->config);

  if (self->timer == NULL)
    return;
  g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);
  attach_timer (self);
}

void
fl_probe_scheduler_set_interval (FlProbeScheduler *self,
                                 guint             interval_ms)
{
  g_return_if_fail (FL_IS_PROBE_SCHEDULER (self));

  interval_ms = CLAMP (interval_ms, 100, 10000);
  if (self->interval_ms == interval_ms)
    return;
  self->interval_ms = interval_ms;
  restart_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
}

void
fl_probe_scheduler_set_deadline (FlProbeScheduler *self,
                                 guint             deadline_ms)
{
  g_return_if_fail (FL_IS_PROBE_SCHEDULER (self));

  deadline_ms = CLAMP (deadline_ms, 50, 10000);
  if (self->deadline_ms == deadline_ms)
    return;
  self->deadline_ms = deadline_ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEADLINE]);
}

void
fl_probe_scheduler_start (FlProbeScheduler *self)
{
  g_return_if_fail (FL_IS_PROBE_SCHEDULER (self));

  if (self->timer != NULL)
    return;
  attach_timer (self);
  fl_probe_scheduler_run_round (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * fl_probe_scheduler_stop:
 *
 * No new round starts, and the checks still running are abandoned: no sample comes after
 * this returns. (Their threads finish on their own; a blocking krb5 call cannot be cut short.
 * Until they do, the next round reports them as skipped.)
 */
void
fl_probe_scheduler_stop (FlProbeScheduler *self)
{
  g_return_if_fail (FL_IS_PROBE_SCHEDULER (self));

  for (guint i = 0; self->in_flight != NULL && i < self->n_slots; i++)
    {
      Job *job = self->in_flight[i];

      if (job == NULL)
        continue;
      job->abandoned = TRUE;
      if (job->watchdog != NULL)
        {
          g_source_destroy (job->watchdog);
          g_clear_pointer (&job->watchdog, g_source_unref);
        }
    }

  if (self->timer == NULL)
    return;
  g_source_destroy (self->timer);
  g_clear_pointer (&self->timer, g_source_unref);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
fl_probe_scheduler_is_running (FlProbeScheduler *self)
{
  g_return_val_if_fail (FL_IS_PROBE_SCHEDULER (self), FALSE);
  return self->timer != NULL;
}

static void
start_job (FlProbeScheduler *self,
           FlCheckKind       kind,
           guint             dc_index,
           gint64            now)
{
  guint row = dc_index == G_MAXUINT ? fl_probe_config_get_n_dcs (self->config) : dc_index;
  guint slot = row * FL_N_CHECKS + kind;
  Job *job;
  /* the client views measure the client's experience, fallback delays included; the FSMO
   * roles (read every 30 s, over two Kerberos exchanges, a bind and a dozen searches) time no
   * failover: a loaded machine timed them out at 800 ms, round after round, and a run that
   * starts from the PDC's holder was refused */
  gint64 deadline_ms = kind == FL_CHECK_KDC_VIEW || kind == FL_CHECK_FSMO || kind == FL_CHECK_GPO ||
                        kind == FL_CHECK_SYSVOL
                        ? MAX (self->deadline_ms, 5000) : self->deadline_ms;

  if (self->in_flight[slot] != NULL)
    {
      Job *busy = self->in_flight[slot];
      g_autofree char *message =
        g_strdup_printf (_("still running since %u ms: not started again"),
                         (guint)((now - busy->started) / 1000));
      g_autoptr(FlSample) sample =
        fl_sample_new (kind, dc_index == G_MAXUINT ? NULL
                                                   : fl_probe_config_get_dc (self->config, dc_index)->name,
                       FL_STATUS_SKIPPED, now, -1, message, NULL);

      emit_sample (self, sample);
      return;
    }

  job = g_new0 (Job, 1);
  g_atomic_ref_count_init (&job->ref);
  job->scheduler = self;
  job->config = fl_probe_config_ref (self->config);
  job->kind = kind;
  job->dc_index = dc_index;
  job->slot = slot;
  job->round = self->round;
  job->started = now;
  job->deadline = now + deadline_ms * 1000;
  job->client_site = g_strdup (self->client_site);
  job->logon_server = g_strdup (self->logon_server);

  self->in_flight[slot] = job;   /* the slot's reference */
  self->n_in_flight++;

  job->watchdog = g_timeout_source_new ((guint)(deadline_ms + GRACE_US / 1000));
  g_source_set_callback (job->watchdog, job_watchdog_cb, job_ref (job), (GDestroyNotify)job_unref);
  g_source_set_static_name (job->watchdog, "[fl-probe-scheduler] deadline");
  g_source_attach (job->watchdog, self->context);

  g_thread_pool_push (self->pool, job_ref (job), NULL);
}

/* the checks with their own cadence that run in this round */
typedef struct
{
  gboolean  fsmo;
  gboolean  sssd;
  gboolean *smb;   /* per DC */
  gboolean *sysvol;
} RoundPlan;

/* Whether this round runs check @k for DC @i (@i == n_dcs: the domain-wide row) */
static gboolean
round_wants (FlProbeScheduler *self,
             guint             k,
             guint             i,
             const RoundPlan  *plan)
{
  guint n_dcs = fl_probe_config_get_n_dcs (self->config);

  if (!(self->checks & FL_CHECK_MASK (k)) || fl_check_kind_is_windows (k))
    return FALSE;   /* the Windows client's views are asked of the client (FlWinClient) */
  if (fl_check_kind_is_per_dc (k) != (i < n_dcs))
    return FALSE;
  if (k == FL_CHECK_FSMO || k == FL_CHECK_GPO)
    return plan->fsmo;
  if (k == FL_CHECK_SSSD)
    return plan->sssd;
  if (k == FL_CHECK_SMB)
    return plan->smb[i];
  if (k == FL_CHECK_SYSVOL)
    return plan->sysvol[i];
  return TRUE;
}

/**
 * fl_probe_scheduler_run_round:
 *
 * Starts one round now.
 *
 * Returns: how many samples the round will produce
 */
guint
fl_probe_scheduler_run_round (FlProbeScheduler *self)
{
  gint64 now = g_get_monotonic_time ();
  guint n_dcs = fl_probe_config_get_n_dcs (self->config);
  g_autofree gboolean *run_smb = g_new0 (gboolean, n_dcs);
  g_autofree gboolean *run_sysvol = g_new0 (gboolean, n_dcs);
  RoundPlan plan = { FALSE, FALSE, run_smb, run_sysvol };
  guint n = 0;

  g_return_val_if_fail (FL_IS_PROBE_SCHEDULER (self), 0);

  plan.fsmo = self->fsmo_last == 0 || now - self->fsmo_last >= SLOW_PERIOD_US;
  if (plan.fsmo && (self->checks & (FL_CHECK_MASK (FL_CHECK_FSMO) | FL_CHECK_MASK (FL_CHECK_GPO))))
    self->fsmo_last = now;
  plan.sssd = !self->sssd_absent || now - self->sssd_last >= SLOW_PERIOD_US;
  if (plan.sssd && (self->checks & FL_CHECK_MASK (FL_CHECK_SSSD)))
    self->sssd_last = now;
  for (guint i = 0; i < n_dcs; i++)
    {
      run_smb[i] = self->smb_due[i] || self->smb_last[i] == 0 || now - self->smb_last[i] >= SMB_PERIOD_US;
      if (run_smb[i] && (self->checks & FL_CHECK_MASK (FL_CHECK_SMB)))
        {
          self->smb_last[i] = now;
          self->smb_due[i] = FALSE;
        }
      run_sysvol[i] = self->sysvol_due[i] || self->sysvol_last[i] == 0 ||
                      now - self->sysvol_last[i] >= (self->sysvol_bad[i] ? SMB_PERIOD_US : SYSVOL_PERIOD_US);
      if (run_sysvol[i] && (self->checks & FL_CHECK_MASK (FL_CHECK_SYSVOL)))
        {
          self->sysvol_last[i] = now;
          self->sysvol_due[i] = FALSE;
        }
    }

  self->round++;
  for (guint k = 0; k < FL_N_CHECKS; k++)
    for (guint i = 0; i <= n_dcs; i++)
      n += round_wants (self, k, i, &plan);
  g_signal_emit (self, signals[ROUND_STARTED], 0, self->round, n);

  for (guint k = 0; k < FL_N_CHECKS; k++)
    for (guint i = 0; i <= n_dcs; i++)
      if (round_wants (self, k, i, &plan))
        start_job (self, k, i == n_dcs ? G_MAXUINT : i, now);

  return n;
}
