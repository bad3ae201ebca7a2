/* fl-predicate.c: the observation (the last word of every check on every DC, and which DC
 * serves each view) and the one evaluator of exercise conditions over it.
 *
 * A sample counts at its end (start + latency), as the switchover detector counts it; a
 * `skipped` sample is no news and changes nothing.
 *
 * Copyright 2026 The Failover Lab authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "fl-exercise"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-exercise-enums.h"
#include "fl-lab-enums.h"
#include "fl-predicate.h"
#include "fl-win-client.h"
#include "fl-probe-enums.h"

#define MAX_SWITCHES 32

typedef struct
{
  FlStatus status;
  gboolean known;
  gboolean skipped;   /* a skipped sample came: the check runs, or cannot run here */
  gint64   t;         /* the result's time (the sample's end) */
  char    *code;
  char    *skip_message;
} Last;

struct _FlObservation
{
  GStrv      dcs;
  guint      n;
  Last      *last;                    /* (n + 1) × FL_N_CHECKS; row n: domain-wide checks */
  char      *view[FL_N_VIEWS];
  gboolean   view_known[FL_N_VIEWS];
  GPtrArray *switches;                /* FlEvent: SWITCHED, oldest first */
};

void
fl_role_binding_clear (FlRoleBinding *binding)
{
  for (guint r = 0; r < FL_N_ROLES; r++)
    g_clear_pointer (&binding->dc[r], g_free);
}

FlObservation *
fl_observation_new (const char * const *dcs)
{
  FlObservation *self = g_new0 (FlObservation, 1);

  self->dcs = g_strdupv ((char **)dcs);
  self->n = g_strv_length (self->dcs);
  self->last = g_new0 (Last, (self->n + 1) * FL_N_CHECKS);
  self->switches = g_ptr_array_new_with_free_func ((GDestroyNotify)fl_event_unref);
  return self;
}

void
fl_observation_free (FlObservation *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < (self->n + 1) * FL_N_CHECKS; i++)
    {
      g_free (self->last[i].code);
      g_free (self->last[i].skip_message);
    }
  g_free (self->last);
  for (guint v = 0; v < FL_N_VIEWS; v++)
    g_free (self->view[v]);
  g_ptr_array_unref (self->switches);
  g_strfreev (self->dcs);
  g_free (self);
}

static int
dc_index (const FlObservation *self,
          const char          *dc)
{
  if (dc == NULL)
    return (int)self->n;
  for (guint i = 0; i < self->n; i++)
    if (g_str_equal (self->dcs[i], dc))
      return (int)i;
  return -1;
}

static Last *
last_of (const FlObservation *self,
         const char          *dc,
         FlCheckKind          check)
{
  int i = dc_index (self, dc);

  if (i < 0 || (guint)check >= FL_N_CHECKS)
    return NULL;
  return &self->last[(guint)i * FL_N_CHECKS + check];
}

/**
 * fl_observation_add_sample:
 *
 * Returns: the sample's time (its end, monotonic µs), or -1 when it is no news
 */
gint64
fl_observation_add_sample (FlObservation *self,
                           FlSample      *sample)
{
  FlCheckKind kind = fl_sample_get_kind (sample);
  FlStatus status = fl_sample_get_status (sample);
  gboolean per_dc = kind < FL_N_DC_CHECKS;
  Last *last;
  FlView v;

  last = last_of (self, per_dc ? fl_sample_get_dc (sample) : NULL, kind);
  if (last == NULL || (per_dc && fl_sample_get_dc (sample) == NULL))
    return -1;
  if (status == FL_STATUS_SKIPPED)
    {
      /* no news; remembered only to say why a check has no result */
      last->skipped = TRUE;
      g_free (last->skip_message);
      last->skip_message = g_strdup (fl_sample_get_message (sample));
      return -1;
    }

  last->status = status;
  last->known = TRUE;
  last->t = fl_sample_get_mono_us (sample) + MAX (0, fl_sample_get_latency_us (sample));
  g_free (last->code);
  last->code = g_strdup (fl_sample_lookup_string (sample, "code"));

  if (fl_check_kind_to_view (kind, &v))
    {
      const char *server = status == FL_STATUS_OK ? fl_sample_lookup_string (sample, "server") : NULL;

      g_free (self->view[v]);
      self->view[v] = g_strdup (server);
      self->view_known[v] = TRUE;
    }

  return fl_sample_get_mono_us (sample) + MAX (0, fl_sample_get_latency_us (sample));
}

void
fl_observation_add_event (FlObservation *self,
                          FlEvent       *event)
{
  if (fl_event_get_kind (event) != FL_EVENT_SWITCHED)
    return;
  if (self->switches->len == MAX_SWITCHES)
    g_ptr_array_remove_index (self->switches, 0);
  g_ptr_array_add (self->switches, fl_event_ref (event));
}

guint
fl_observation_get_n_dcs (const FlObservation *self)
{
  return self->n;
}

const char *
fl_observation_get_dc (const FlObservation *self,
                       guint                index)
{
  g_return_val_if_fail (index < self->n, NULL);
  return self->dcs[index];
}

const char *
fl_observation_get_view (const FlObservation *self,
                         FlView               view,
                         gboolean            *known)
{
  *known = self->view_known[view];
  return self->view[view];
}

/**
 * fl_observation_get_result_time:
 *
 * Returns: when the check's latest result came (its end, monotonic µs), or -1: none yet
 */
gint64
fl_observation_get_result_time (const FlObservation *self,
                                const char          *dc,
                                FlCheckKind          check)
{
  Last *last = last_of (self, dc, check);

  return last != NULL && last->known ? last->t : -1;
}

/**
 * fl_observation_has_news:
 *
 * Returns: whether the check said anything yet: a result, or "skipped" (it cannot run here,
 *   e.g. without credentials)
 */
gboolean
fl_observation_has_news (const FlObservation *self,
                         const char          *dc,
                         FlCheckKind          check)
{
  Last *last = last_of (self, dc, check);

  return last != NULL && (last->known || last->skipped);
}

FlStatus
fl_observation_get_status (const FlObservation *self,
                           const char          *dc,
                           FlCheckKind          check,
                           gboolean            *known)
{
  Last *last = last_of (self, dc, check);

  *known = last != NULL && last->known;
  return *known ? last->status : FL_STATUS_SKIPPED;
}

/* a DC answers when its LDAP ping (the locator's question) does: the same rule as the tiles,
 * the interlocks and the switchover detector */
gboolean
fl_observation_answers (const FlObservation *self,
                        const char          *dc,
                        gboolean            *known)
{
  FlStatus status = fl_observation_get_status (self, dc, FL_CHECK_LDAP_PING, known);

  return *known && (status == FL_STATUS_OK || status == FL_STATUS_DEGRADED);
}

/**
 * fl_observation_get_switch:
 *
 * Returns: (transfer none) (nullable): the first switchover of @view at or after @since
 */
FlEvent *
fl_observation_get_switch (const FlObservation *self,
                           FlView               view,
                           gint64               since)
{
  const char *name = fl_enum_to_nick (FL_TYPE_VIEW, view);

  for (guint i = 0; i < self->switches->len; i++)
    {
      FlEvent *event = self->switches->pdata[i];

      if (fl_event_get_mono_us (event) >= since && g_strcmp0 (fl_event_get_view (event), name) == 0)
        return event;
    }
  return NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* the evaluator */

/* the DCs a role stands for: one, every DC ($all), or none (not bound) */
static guint
role_dcs (const FlObservation  *observation,
          const FlRoleBinding  *binding,
          FlRole                role,
          char * const        **out)
{
  if (role == FL_ROLE_ALL)
    {
      *out = observation->dcs;
      return observation->n;
    }
  if (binding == NULL || binding->dc[role] == NULL)
    return 0;
  *out = &binding->dc[role];
  return 1;
}

/* a Windows status is "1722 RPC_S_SERVER_UNAVAILABLE": its number or its symbol alone names it */
static gboolean
code_matches (const char *want,
              const char *code)
{
  gsize n = want ? strlen (want) : 0;

  if (want == NULL || g_strcmp0 (want, code) == 0)
    return TRUE;
  if (code == NULL || n == 0 || strchr (code, ' ') == NULL)
    return FALSE;
  return (g_str_has_prefix (code, want) && code[n] == ' ') ||
         (g_str_has_suffix (code, want) && strlen (code) > n && code[strlen (code) - n - 1] == ' ');
}

static gboolean
check_holds (const FlPredicate   *p,
             const FlObservation *observation,
             const char          *dc)
{
  Last *last = last_of (observation, dc, p->check);

  if (last == NULL || !last->known || !(p->statuses & (1u << last->status)))
    return FALSE;
  return code_matches (p->code, last->code);
}

gboolean
fl_predicate_eval (const FlPredicate   *p,
                   const FlObservation *observation,
                   const FlRoleBinding *binding,
                   gint64               since)
{
  char * const *dcs = NULL;
  guint n;

  switch (p->kind)
    {
    case FL_PREDICATE_CHECK:
      if (p->check >= FL_N_DC_CHECKS)
        return check_holds (p, observation, NULL);
      n = role_dcs (observation, binding, p->role, &dcs);
      for (guint i = 0; i < n; i++)
        if (!check_holds (p, observation, dcs[i]))
          return FALSE;
      return n > 0;

    case FL_PREDICATE_VIEW:
      {
        const char *server = observation->view[p->view];

        if (!observation->view_known[p->view])
          return FALSE;
        if (p->none)
          return server == NULL;
        if (role_dcs (observation, binding, p->role, &dcs) == 0)
          return FALSE;
        if (p->is_not)
          return server != NULL && g_strcmp0 (server, dcs[0]) != 0;
        return g_strcmp0 (server, dcs[0]) == 0;
      }

    case FL_PREDICATE_ANSWERS:
      {
        gboolean known;

        n = role_dcs (observation, binding, p->role, &dcs);
        for (guint i = 0; i < n; i++)
          if (!fl_observation_answers (observation, dcs[i], &known))
            return FALSE;
        return n > 0;
      }

    case FL_PREDICATE_NO_DC_ANSWERS:
      for (guint i = 0; i < observation->n; i++)
        {
          gboolean known;

          if (fl_observation_answers (observation, observation->dcs[i], &known) || !known)
            return FALSE;
        }
      return observation->n > 0;

    case FL_PREDICATE_SWITCHOVER:
      {
        FlEvent *event = fl_observation_get_switch (observation, p->view, since);

        return event != NULL && fl_event_get_switchover_us (event) >= 0 &&
               fl_event_get_switchover_us (event) < p->under_us;
      }

    case FL_PREDICATE_ALL:
      for (guint i = 0; i < p->operands->len; i++)
        if (!fl_predicate_eval (p->operands->pdata[i], observation, binding, since))
          return FALSE;
      return TRUE;

    case FL_PREDICATE_ANY:
      for (guint i = 0; i < p->operands->len; i++)
        if (fl_predicate_eval (p->operands->pdata[i], observation, binding, since))
          return TRUE;
      return FALSE;

    case FL_PREDICATE_NOT:
      return !fl_predicate_eval (p->operands->pdata[0], observation, binding, since);

    default:
      g_return_val_if_reached (FALSE);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* in words */

static char *
role_text (FlRole               role,
           const FlRoleBinding *binding)
{
  const char *nick = fl_enum_to_nick (FL_TYPE_ROLE, role);

  if (role != FL_ROLE_ALL && binding != NULL && binding->dc[role] != NULL)
    return g_strdup_printf ("%s (%s)", binding->dc[role], nick);
  if (role == FL_ROLE_ALL)
    return g_strdup (_("every DC"));
  return g_strdup_printf ("$%s", nick);
}

static char *
statuses_text (guint statuses)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint s = 0; s < FL_STATUS_SKIPPED; s++)
    if (statuses & (1u << s))
      {
        if (text->len > 0)
          /* TRANSLATORS: between statuses: "failed or timed out" */
          g_string_append (text, _(" or "));
        g_string_append (text, fl_status_to_label (s));
      }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
view_label (FlView view)
{
  switch (view)
    {
    case FL_VIEW_LOCATOR:
      return _("the DC locator");
    case FL_VIEW_KERBEROS:
      return _("the KDC issuing tickets");
    case FL_VIEW_WIN_LOCATOR:
      return _("the Windows client's DC locator");
    case FL_VIEW_SECURE_CHANNEL:
      return _("the Windows client's secure channel");
    case FL_VIEW_WIN_KDC:
      return _("the KDC of the Windows client's tickets");
    case FL_N_VIEWS:
    default:
      return "";
    }
}

/**
 * fl_predicate_describe:
 * @binding: (nullable): when given, roles are shown with their DCs
 *
 * Returns: (transfer full): the condition in words, for the checklist and the report
 */
char *
fl_predicate_describe (const FlPredicate   *p,
                       const FlRoleBinding *binding)
{
  switch (p->kind)
    {
    case FL_PREDICATE_CHECK:
      {
        g_autofree char *statuses = statuses_text (p->statuses);

        if (p->check >= FL_N_DC_CHECKS)
          {
            if (p->code != NULL)
              /* TRANSLATORS: "DC locator: failed, with ERROR_NO_SUCH_DOMAIN" */
              return g_strdup_printf (_("%s: %s, with %s"), fl_check_kind_to_label (p->check),
                                      statuses, p->code);
            /* TRANSLATORS: "DC locator: failed or timed out" */
            return g_strdup_printf (_("%s: %s"), fl_check_kind_to_label (p->check), statuses);
          }
        else
          {
            g_autofree char *role = role_text (p->role, binding);

            /* TRANSLATORS: "LDAP ping on DC1 ($serving): failed or timed out" */
            return g_strdup_printf (_("%s on %s: %s"), fl_check_kind_to_label (p->check), role,
                                    statuses);
          }
      }

    case FL_PREDICATE_VIEW:
      {
        g_autofree char *role = NULL;

        if (p->none)
          /* TRANSLATORS: "the DC locator finds no DC" */
          return g_strdup_printf (_("%s finds no DC"), view_label (p->view));
        role = role_text (p->role, binding);
        if (p->is_not)
          /* TRANSLATORS: "the DC locator names a DC other than DC1 ($serving)" */
          return g_strdup_printf (_("%s names a DC other than %s"), view_label (p->view), role);
        /* TRANSLATORS: "the DC locator names DC2 ($other)" */
        return g_strdup_printf (_("%s names %s"), view_label (p->view), role);
      }

    case FL_PREDICATE_ANSWERS:
      {
        g_autofree char *role = role_text (p->role, binding);

        /* TRANSLATORS: "DC1 ($serving) answers" (its LDAP ping) */
        return g_strdup_printf (_("%s answers"), role);
      }

    case FL_PREDICATE_NO_DC_ANSWERS:
      return g_strdup (_("no DC answers"));

    case FL_PREDICATE_SWITCHOVER:
      /* TRANSLATORS: "the DC locator moves to another DC in under 5.0 s" */
      return g_strdup_printf (_("%s moves to another DC in under %.1f s"), view_label (p->view),
                              p->under_us / 1e6);

    case FL_PREDICATE_ALL:
    case FL_PREDICATE_ANY:
      {
        g_autoptr(GString) text = g_string_new (NULL);

        for (guint i = 0; i < p->operands->len; i++)
          {
            g_autofree char *part = fl_predicate_describe (p->operands->pdata[i], binding);
            const FlPredicate *inner = p->operands->pdata[i];
            gboolean group = inner->kind == FL_PREDICATE_ALL || inner->kind == FL_PREDICATE_ANY;

            if (i > 0)
              g_string_append (text, p->kind == FL_PREDICATE_ALL ? _(", and ") : _(", or "));
            g_string_append_printf (text, group ? "(%s)" : "%s", part);
          }
        return g_string_free (g_steal_pointer (&text), FALSE);
      }

    case FL_PREDICATE_NOT:
      {
        g_autofree char *inner = fl_predicate_describe (p->operands->pdata[0], binding);

        /* TRANSLATORS: "not (no DC answers)" */
        return g_strdup_printf (_("not (%s)"), inner);
      }

    default:
      g_return_val_if_reached (g_strdup ("?"));
    }
}

static void
explain_into (const FlPredicate   *p,
              const FlObservation *observation,
              const FlRoleBinding *binding,
              gint64               since,
              GPtrArray           *parts)
{
  char * const *dcs = NULL;
  static char * const domain_wide[] = { NULL };
  guint n;

  switch (p->kind)
    {
    case FL_PREDICATE_CHECK:
      if (p->check >= FL_N_DC_CHECKS)
        {
          dcs = domain_wide;
          n = 1;
        }
      else
        n = role_dcs (observation, binding, p->role, &dcs);
      for (guint i = 0; i < n; i++)
        {
          Last *last = last_of (observation, dcs[i], p->check);
          const char *label = fl_check_kind_to_label (p->check);
          g_autofree char *what = dcs[i] ? g_strdup_printf (_("%s on %s"), label, dcs[i])
                                         : g_strdup (label);

          if (last != NULL && !last->known && last->skipped)
            /* TRANSLATORS: "Kerberos on DC1: skipped (no password for user01)" */
            g_ptr_array_add (parts, g_strdup_printf (_("%s: skipped (%s)"), what,
                                                     last->skip_message ? last->skip_message : ""));
          else if (last == NULL || !last->known)
            /* TRANSLATORS: "LDAP ping on DC1: no answer yet" */
            g_ptr_array_add (parts, g_strdup_printf (_("%s: no result yet"), what));
          else if (last->code != NULL)
            g_ptr_array_add (parts, g_strdup_printf ("%s: %s (%s)", what,
                                                     fl_status_to_label (last->status), last->code));
          else
            g_ptr_array_add (parts, g_strdup_printf ("%s: %s", what,
                                                     fl_status_to_label (last->status)));
        }
      if (n == 0)
        g_ptr_array_add (parts, g_strdup_printf (_("no DC is $%s"),
                                                 fl_enum_to_nick (FL_TYPE_ROLE, p->role)));
      break;

    case FL_PREDICATE_VIEW:
      {
        const char *server = observation->view[p->view];

        if (!observation->view_known[p->view])
          g_ptr_array_add (parts, g_strdup_printf (_("%s: no result yet"), view_label (p->view)));
        else if (server == NULL)
          g_ptr_array_add (parts, g_strdup_printf (_("%s: no DC"), view_label (p->view)));
        else
          g_ptr_array_add (parts, g_strdup_printf ("%s: %s", view_label (p->view), server));
        break;
      }

    case FL_PREDICATE_ANSWERS:
    case FL_PREDICATE_NO_DC_ANSWERS:
      n = p->kind == FL_PREDICATE_ANSWERS ? role_dcs (observation, binding, p->role, &dcs)
                                          : role_dcs (observation, binding, FL_ROLE_ALL, &dcs);
      for (guint i = 0; i < n; i++)
        {
          gboolean known;
          gboolean answers = fl_observation_answers (observation, dcs[i], &known);

          g_ptr_array_add (parts, g_strdup_printf (!known    ? _("%s: no result yet")
                                                   : answers ? _("%s answers")
                                                             : _("%s does not answer"),
                                                   dcs[i]));
        }
      if (n == 0)
        g_ptr_array_add (parts, g_strdup_printf (_("no DC is $%s"),
                                                 fl_enum_to_nick (FL_TYPE_ROLE, p->role)));
      break;

    case FL_PREDICATE_SWITCHOVER:
      {
        FlEvent *event = fl_observation_get_switch (observation, p->view, since);

        if (event == NULL)
          g_ptr_array_add (parts, g_strdup_printf (_("%s: has not moved"), view_label (p->view)));
        else
          /* TRANSLATORS: "the DC locator: moved to DC2 in 6.3 s" */
          g_ptr_array_add (parts, g_strdup_printf (_("%s: moved to %s in %.1f s"),
                                                   view_label (p->view),
                                                   fl_event_get_to (event),
                                                   fl_event_get_switchover_us (event) / 1e6));
        break;
      }

    case FL_PREDICATE_ALL:
    case FL_PREDICATE_ANY:
    case FL_PREDICATE_NOT:
      for (guint i = 0; i < p->operands->len; i++)
        explain_into (p->operands->pdata[i], observation, binding, since, parts);
      break;

    default:
      break;
    }
}

/**
 * fl_predicate_explain:
 *
 * Returns: (transfer full): what was observed of each thing the condition looks at, for "why
 *   it failed": "LDAP ping on DC1: OK; the DC locator: DC1"
 */
char *
fl_predicate_explain (const FlPredicate   *p,
                      const FlObservation *observation,
                      const FlRoleBinding *binding,
                      gint64               since)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new (NULL);

  explain_into (p, observation, binding, since, parts);
  for (guint i = 0; i < parts->len; i++)
    {
      gboolean seen = FALSE;

      for (guint j = 0; j < i && !seen; j++)
        seen = g_str_equal (parts->pdata[i], parts->pdata[j]);
      if (!seen)
        g_string_append_printf (text, "%s%s", text->len ? "; " : "", (char *)parts->pdata[i]);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * fl_step_action_describe:
 *
 * Returns: (transfer full): the action in words ("Shut down $serving", "Wait 30 s")
 */
char *
fl_step_action_describe (const FlStepAction *action)
{
  switch (action->kind)
    {
    case FL_STEP_VM:
      {
        g_autofree char *role = action->target == FL_ROLE_ALL
                                  ? g_strdup (_("every DC"))
                                  : g_strdup_printf ("$%s", fl_enum_to_nick (FL_TYPE_ROLE, action->target));

        if (action->snapshot != NULL)
          /* TRANSLATORS: "rollback $serving to snapshot "before-class"" */
          return g_strdup_printf (_("%s %s to snapshot \"%s\""),
                                  fl_enum_to_nick (FL_TYPE_LAB_ACTION, action->vm_action), role,
                                  action->snapshot);
        /* TRANSLATORS: "shutdown $serving" (a VM action, as failoverctl vm names it) */
        return g_strdup_printf (_("%s %s"), fl_enum_to_nick (FL_TYPE_LAB_ACTION, action->vm_action),
                                role);
      }
    case FL_STEP_WAIT:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Wait %u second", "Wait %u seconds",
                                           action->seconds), action->seconds);
    case FL_STEP_INSTRUCT:
      return g_strdup (action->text);
    case FL_STEP_CLIENT:
      /* TRANSLATORS: a step's action: "On the Windows client: nltest /sc_reset" */
      return g_strdup_printf (_("On the Windows client: %s"), fl_win_action_get_command (action->client_action));
    case FL_STEP_MARK:
      /* TRANSLATORS: a fault caused by hand, outside the app: "Mark the fault: <text>" */
      return g_strdup_printf (_("Mark the fault: %s"), action->text);
    case FL_STEP_NONE:
    default:
      return g_strdup (_("Observe"));
    }
}

/**
 * fl_predicate_get_checks:
 *
 * Returns: the checks @predicate looks at (1 << #FlCheckKind): the LDAP ping for "answers",
 *   the locator and the KDC view for views
 */
guint
fl_predicate_get_checks (const FlPredicate *p)
{
  guint checks = 0;

  switch (p->kind)
    {
    case FL_PREDICATE_CHECK:
      return 1u << p->check;
    case FL_PREDICATE_VIEW:
    case FL_PREDICATE_SWITCHOVER:
      return 1u << fl_view_to_check_kind (p->view);
    case FL_PREDICATE_ANSWERS:
    case FL_PREDICATE_NO_DC_ANSWERS:
      return 1u << FL_CHECK_LDAP_PING;
    case FL_PREDICATE_ALL:
    case FL_PREDICATE_ANY:
    case FL_PREDICATE_NOT:
      for (guint i = 0; i < p->operands->len; i++)
        checks |= fl_predicate_get_checks (p->operands->pdata[i]);
      return checks;
    default:
      return 0;
    }
}
